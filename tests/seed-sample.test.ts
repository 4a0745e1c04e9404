import { afterEach, describe, expect, it } from 'vitest';
import { freshPlan } from './support/plan';

describe("the seed's sample tree", () => {
  let env: ReturnType<typeof freshPlan>;
  afterEach(() => env.plan.close());

  it('reproduces 203.0.113.0/24 with its allocations, park and next free /29', () => {
    env = freshPlan();
    const { call, check } = env;
    call('location.add', { code: 'EU-FRA', name: 'Frankfurt' });
    call('vlan.add', { vid: 102, location: 'EU-FRA' });
    call('customer.add', { id: 'cust-7421' });
    call('customer.add', { id: 'cust-7422' });
    call('subnet.add', { cidr: '203.0.113.0/24', location: 'EU-FRA', description: 'public pool' });
    const a = call('allocate.subnet', { family: 4, prefix: 26, customer: 'cust-7421', vlan: 102 });
    expect(a).toMatchObject({ cidr: '203.0.113.0/26', strategy: 'split' });
    const b = call('allocate.subnet', { family: 4, prefix: 27, customer: 'cust-7422', vlan: 102 });
    expect(b).toMatchObject({ cidr: '203.0.113.64/27', strategy: 'split' });
    call('subnet.add', { cidr: '203.0.113.96/29' });
    call('subnet.park', { cidr: '203.0.113.96/29' });
    const next = call('allocate.subnet', { family: 4, prefix: 29, dry_run: true });
    expect(next).toMatchObject({ cidr: '203.0.113.104/29', dry_run: true });
    const tree = call('tree.get', {}).subnets;
    const byCidr = new Map(tree.map((s) => [s.cidr, s]));
    expect(byCidr.get('203.0.113.0/24')).toMatchObject({ allocation_status: 'subdivided', location: 'EU-FRA', effective_location: 'EU-FRA' });
    expect(byCidr.get('203.0.113.0/26')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-7421', vlan: 102, effective_location: 'EU-FRA' });
    expect(byCidr.get('203.0.113.64/27')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-7422', vlan: 102 });
    expect(byCidr.get('203.0.113.96/29')).toMatchObject({ is_unavailable: true, allocation_status: 'unallocated' });
    expect(byCidr.has('203.0.113.104/29')).toBe(true);
    expect(check()).toEqual([]);
  });
});

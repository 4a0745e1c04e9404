import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { freshPlan } from './support/plan';

type Env = ReturnType<typeof freshPlan>;
let env: Env;
afterEach(() => env?.plan.close());

/** EU-FRA with an IPv4 IP pool in VLAN 102, an IPv6 /48, a device with a BMC; US-NYC with a roomy pool. */
function hostingPlan(): Env {
  env = freshPlan();
  const { call } = env;
  call('location.add', { code: 'EU-FRA' });
  call('location.add', { code: 'US-NYC' });
  call('vlan.add', { vid: 102, location: 'EU-FRA' });
  call('vlan.add', { vid: 103, location: 'EU-FRA' });
  call('customer.add', { id: 'cust-1' });
  call('customer.add', { id: 'cust-2' });
  call('subnet.add', { cidr: '203.0.113.0/24', location: 'EU-FRA', vlan: 102 });
  call('subnet.add', { cidr: '203.0.113.0/28', ip_pool: true });
  call('subnet.add', { cidr: '2001:db8:1::/48', location: 'EU-FRA' });
  call('subnet.add', { cidr: '198.51.100.0/24', location: 'US-NYC' });
  call('subnet.add', { cidr: '198.51.100.0/25', ip_pool: true });
  call('device.add', { name: 'srv-1', location: 'EU-FRA' });
  call('device.add', { name: 'srv-2', location: 'EU-FRA' });
  call('device.mgmt', { name: 'srv-1', address: '203.0.113.14', purpose: 'bmc' });
  call('product.add', {
    name: 'vps',
    ipam_config: { mode: 'full', rules: [{ type: 'ip', family: 4, count: 1, purpose: 'primary' }, { type: 'subnet', family: 6, prefix_length: 64 }] },
  });
  return env;
}

const logs = (e: Env, service?: string) => e.call('log.list', { limit: 100, ...(service ? { service } : {}) }).entries.reverse();
const owned = (e: Env) => ({
  subnets: e.call('tree.get', {}).subnets.filter((s) => s.allocation_status === 'allocated').map((s) => `${s.cidr}:${s.service}`),
  ips: e.call('ip.list', {}).ips.map((i) => `${i.address}:${i.service}:${i.is_management ? 'mgmt' : ''}`),
});

describe('ipam_config', () => {
  it('is validated with every problem named where it is', () => {
    env = freshPlan();
    const e = env.refuse('product.add', {
      name: 'broken',
      ipam_config: { mode: 'fast', rules: [{ type: 'subnet', family: 4 }, { type: 'ip', family: 6, vlans: [5000], pools: ['10.0.0.1/8'] }] },
    });
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('mode: mode is "full" or "disabled"');
    expect(e.message).toContain('rules[0].prefix_length: a subnet rule needs prefix_length');
    expect(e.message).toContain('rules[1].vlans[0]: a VLAN ID is 1-4094');
    expect(e.message).toContain('rules[1].pools[0]');
    expect(env.call('product.list', {}).products).toEqual([]);
  });

  it('stores the rules with defaults filled in', () => {
    env = freshPlan();
    const p = env.call('product.add', { name: 'one', ipam_config: { mode: 'full', rules: [{ type: 'ip', family: 4 }] } }).product;
    expect(p.ipam_config).toEqual({ mode: 'full', rules: [{ type: 'ip', family: 4, count: 1 }] });
  });
});

describe('provision', () => {
  it('fulfils ip and subnet rules in one transaction, linked and journaled', () => {
    const e = hostingPlan();
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    const before = logs(e).length;
    const r = e.call('service.provision', { id: 'svc-1' });
    expect(r).toMatchObject({ status: 'provisioned', dry_run: false, wiped: { subnets: [], ips: [] } });
    expect(r.allocations).toEqual([
      { rule: 0, type: 'ip', purpose: 'primary', cidr: null, address: '203.0.113.1', pool: '203.0.113.0/28', vlan: 102, strategy: null },
      { rule: 1, type: 'subnet', purpose: null, cidr: '2001:db8:1::/64', address: null, pool: null, vlan: null, strategy: 'split' },
    ]);
    const ip = e.call('ip.list', {}).ips.find((i) => i.address === '203.0.113.1')!;
    expect(ip).toMatchObject({ customer: 'cust-1', service: 'svc-1', device: 'srv-1', vlan: 102, purpose: 'primary' });
    const block = e.call('subnet.get', { cidr: '2001:db8:1::/64' }).subnet;
    expect(block).toMatchObject({ allocation_status: 'allocated', customer: 'cust-1', service: 'svc-1', device: 'srv-1' });
    const entries = logs(e).slice(before);
    expect(entries.map((x) => [x.action, x.success, x.service])).toEqual([
      ['ipam_allocate_ip', true, 'svc-1'],
      ...Array.from({ length: 16 }, () => ['ipam_subnet_split', true, null]),
      ['ipam_allocate_subnet', true, 'svc-1'],
      ['ipam_provision', true, 'svc-1'],
    ]);
    expect(entries[0]!.details).toMatchObject({ address: '203.0.113.1', purpose: 'primary', vlan: 102, allocation_id: ip.id });
    expect(entries[1]!.details).toMatchObject({ cidr: '2001:db8:1::/48', children: ['2001:db8:1::/49', '2001:db8:1:8000::/49'] });
    expect(entries[17]!.details).toMatchObject({ cidr: '2001:db8:1::/64', allocation_id: block.id });
    expect(e.call('service.list', {}).services[0]!.status).toBe('active');
    expect(e.check()).toEqual([]);
  });

  it('rolls back the first rule when the second fails, leaving only the failure entry', () => {
    const e = hostingPlan();
    e.call('product.add', { name: 'greedy', ipam_config: { mode: 'full', rules: [{ type: 'ip', family: 4 }, { type: 'subnet', family: 4, prefix_length: 16 }] } });
    e.call('service.add', { id: 'svc-g', customer: 'cust-1', product: 'greedy', device: 'srv-1' });
    const tree = e.call('tree.get', {});
    const ips = e.call('ip.list', {});
    const journal = e.call('journal.list', {});
    const before = logs(e).length;
    const err = e.refuse('service.provision', { id: 'svc-g' });
    expect(err.code).toBe('POOL_EXHAUSTED');
    expect(err.message).toMatch(/^Rule 2 \(subnet, IPv4 \/16\) failed: /);
    expect(e.call('tree.get', {})).toEqual(tree);
    expect(e.call('ip.list', {})).toEqual(ips);
    expect(e.call('journal.list', {})).toEqual(journal);
    const entries = logs(e).slice(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'ipam_allocate_subnet', success: false, service: 'svc-g' });
    expect(entries[0]!.details).toMatchObject({ rule: 1, code: 'POOL_EXHAUSTED', rule_spec: { type: 'subnet', prefix_length: 16 } });
    expect(e.call('service.list', {}).services.find((s) => s.service === 'svc-g')!.status).toBe('pending');
  });

  it('re-provisioning wipes the earlier allocations first, never the management IPs', () => {
    const e = hostingPlan();
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    e.call('service.provision', { id: 'svc-1' });
    e.call('product.add', { name: 'two-ips', ipam_config: { mode: 'full', rules: [{ type: 'ip', family: 4, count: 2 }] } });
    e.call('service.add', { id: 'svc-2', customer: 'cust-2', product: 'two-ips', device: 'srv-1' });
    const r = e.call('service.provision', { id: 'svc-2' });
    expect(r.wiped).toEqual({ subnets: ['2001:db8:1::/64'], ips: ['203.0.113.1'] });
    expect(r.allocations.map((a) => a.address)).toEqual(['203.0.113.1', '203.0.113.2']);
    expect(owned(e)).toEqual({ subnets: [], ips: ['203.0.113.1:svc-2:', '203.0.113.2:svc-2:', '203.0.113.14:null:mgmt'] });
    const wipe = logs(e, 'svc-2').find((x) => x.action === 'ipam_wipe_device')!;
    expect(wipe.details).toEqual({ device: 'srv-1', released_subnets: ['2001:db8:1::/64'], released_ips: ['203.0.113.1'] });
    expect(e.check()).toEqual([]);
  });

  it('cancel releases everything the service holds except management IPs', () => {
    const e = hostingPlan();
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    e.call('service.provision', { id: 'svc-1' });
    // A management address linked to the service stays with the hardware, unlinked.
    e.call('device.mgmt', { name: 'srv-1', address: '203.0.113.13', purpose: 'switch-mgmt' });
    const r = e.call('service.cancel', { id: 'svc-1' });
    expect(r.released).toEqual({ subnets: ['2001:db8:1::/64'], ips: ['203.0.113.1'] });
    expect(owned(e)).toEqual({ subnets: [], ips: ['203.0.113.13:null:mgmt', '203.0.113.14:null:mgmt'] });
    expect(e.call('subnet.get', { cidr: '2001:db8:1::/64' }).subnet).toMatchObject({ allocation_status: 'unallocated', customer: null, service: null });
    expect(e.call('service.list', {}).services[0]!.status).toBe('cancelled');
    expect(logs(e, 'svc-1').at(-1)).toMatchObject({ action: 'ipam_cancel', success: true });
    expect(e.check()).toEqual([]);
  });

  it('wipe releases a device without touching its management IPs', () => {
    const e = hostingPlan();
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    e.call('service.provision', { id: 'svc-1' });
    expect(e.call('device.wipe', { name: 'srv-1' }).released).toEqual({ subnets: ['2001:db8:1::/64'], ips: ['203.0.113.1'] });
    expect(owned(e).ips).toEqual(['203.0.113.14:null:mgmt']);
  });

  it('never draws from a pool in another location, even the only one with room', () => {
    const e = hostingPlan();
    e.call('product.add', { name: 'many', ipam_config: { mode: 'full', rules: [{ type: 'ip', family: 4, count: 14 }] } });
    e.call('service.add', { id: 'svc-m', customer: 'cust-1', product: 'many', device: 'srv-2' });
    // The EU-FRA pool has 14 usable addresses, one taken by srv-1's BMC; US-NYC has 126 free.
    const err = e.refuse('service.provision', { id: 'svc-m' });
    expect(err.code).toBe('POOL_EXHAUSTED');
    expect(e.call('ip.list', { cidr: '198.51.100.0/24' }).ips).toEqual([]);
    e.call('product.set', { name: 'many', ipam_config: { mode: 'full', rules: [{ type: 'ip', family: 4, count: 13 }] } });
    const ok = e.call('service.provision', { id: 'svc-m' });
    expect(ok.allocations.every((a) => a.address!.startsWith('203.0.113.'))).toBe(true);
  });

  it('draws only from the VLANs a rule names, and fails on a VLAN disabled at the location', () => {
    const e = hostingPlan();
    e.call('subnet.set', { cidr: '203.0.113.128/25', vlan: 103 });
    e.call('subnet.add', { cidr: '203.0.113.128/28', ip_pool: true });
    e.call('product.add', { name: 'v103', ipam_config: { mode: 'full', rules: [{ type: 'ip', family: 4, vlans: [103] }] } });
    e.call('service.add', { id: 'svc-v', customer: 'cust-1', product: 'v103', device: 'srv-2' });
    const r = e.call('service.provision', { id: 'svc-v' });
    expect(r.allocations[0]).toMatchObject({ address: '203.0.113.129', vlan: 103, pool: '203.0.113.128/28' });
    e.call('service.cancel', { id: 'svc-v' });
    e.call('vlan.set', { vid: 103, location: 'EU-FRA', enabled: false });
    const err = e.refuse('service.provision', { id: 'svc-v' });
    expect(err.code).toBe('VLAN_DISABLED');
    expect(err.message).toContain('VLAN 103 is disabled at EU-FRA');
    expect(logs(e, 'svc-v').at(-1)).toMatchObject({ action: 'ipam_allocate_ip', success: false, details: { code: 'VLAN_DISABLED' } });
  });

  it('does nothing but log when the product mode is disabled', () => {
    const e = hostingPlan();
    e.call('product.add', { name: 'off', ipam_config: { mode: 'disabled', rules: [{ type: 'ip', family: 4 }] } });
    e.call('service.add', { id: 'svc-off', customer: 'cust-1', product: 'off', device: 'srv-1' });
    const tree = e.call('tree.get', {});
    expect(e.call('service.provision', { id: 'svc-off' })).toMatchObject({ status: 'skipped', allocations: [] });
    expect(e.call('tree.get', {})).toEqual(tree);
    expect(logs(e, 'svc-off')).toMatchObject([{ action: 'ipam_provision', success: true, details: { skipped: 'ipam_config mode is disabled' } }]);
  });

  it('dry run shows what would be allocated and writes nothing', () => {
    const e = hostingPlan();
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    const snapshot = [e.call('tree.get', {}), e.call('ip.list', {}), e.call('journal.list', {}), logs(e)];
    const dry = e.call('service.provision', { id: 'svc-1', dry_run: true });
    expect([e.call('tree.get', {}), e.call('ip.list', {}), e.call('journal.list', {}), logs(e)]).toEqual(snapshot);
    const real = e.call('service.provision', { id: 'svc-1' });
    expect(real.allocations).toEqual(dry.allocations);
  });
});

describe('provision and cancel, at random', () => {
  it('keep every invariant, and every allocation belongs to one active service or to nobody', () => {
    const services = ['s1', 's2', 's3', 's4'];
    const devices = ['srv-1', 'srv-2'];
    const command = fc.oneof(
      fc.record({ op: fc.constant('provision' as const), service: fc.constantFrom(...services) }),
      fc.record({ op: fc.constant('cancel' as const), service: fc.constantFrom(...services) }),
      fc.record({ op: fc.constant('wipe' as const), device: fc.constantFrom(...devices) }),
    );
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 12 }), (commands) => {
        const e = hostingPlan();
        e.call('product.add', { name: 'block', ipam_config: { mode: 'full', rules: [{ type: 'subnet', family: 4, prefix_length: 29, count: 2 }, { type: 'ip', family: 4 }] } });
        services.forEach((s, i) => e.call('service.add', { id: s, customer: i % 2 ? 'cust-2' : 'cust-1', product: i < 2 ? 'vps' : 'block', device: devices[i % 2] }));
        for (const c of commands) {
          try {
            if (c.op === 'provision') e.call('service.provision', { id: c.service });
            else if (c.op === 'cancel') e.call('service.cancel', { id: c.service });
            else e.call('device.wipe', { name: c.device });
          } catch (err) {
            // Running out of space is an expected answer; anything else is a bug.
            expect((err as { code?: string }).code).toBe('POOL_EXHAUSTED');
          }
          expect(e.check()).toEqual([]);
          const status = new Map(e.call('service.list', {}).services.map((s) => [s.service, s.status]));
          const holders = [
            ...e.call('tree.get', {}).subnets.filter((s) => s.allocation_status === 'allocated').map((s) => s.service),
            ...e.call('ip.list', {}).ips.filter((i) => !i.is_management).map((i) => i.service),
          ];
          for (const h of holders) expect(h === null || status.get(h) === 'active', `held by ${h}`).toBe(true);
          for (const ip of e.call('ip.list', {}).ips.filter((i) => i.is_management)) expect(ip.service).toBeNull();
        }
        e.plan.close();
      }),
      { numRuns: 60 },
    );
  });
});

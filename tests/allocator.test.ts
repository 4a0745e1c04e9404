import { describe, expect, it } from 'vitest';
import type { MethodArgs } from '../shared/api/contract';
import { freshPlan } from './support/plan';
import { cidrsOf, refuseUnchanged, snapshot, treeOf, type PlanEnv } from './support/snapshot';

function plan(): PlanEnv {
  const env = freshPlan();
  env.call('customer.add', { id: 'cust-1' });
  return env;
}

/** Allocates one /len of IPv4 and returns its CIDR and strategy. */
function alloc(env: PlanEnv, len: number, extra: Partial<MethodArgs<'allocate.subnet'>> = {}) {
  const r = env.call('allocate.subnet', { family: 4, prefix: len, ...extra });
  return { cidr: r.cidr, strategy: r.strategy };
}

describe('allocate subnet: exact', () => {
  it('takes the free leaf of that length with the lowest address, even when a lower, larger leaf could be split', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.224/27' });
    expect(alloc(env, 27)).toEqual({ cidr: '10.0.0.192/27', strategy: 'exact' });
    expect(alloc(env, 27)).toEqual({ cidr: '10.0.0.224/27', strategy: 'exact' });
    expect(env.check()).toEqual([]);
  });

  it('skips allocated, parked and IP-pool leaves and parked ancestors', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.split', { cidr: '10.0.0.0/24', to: 27 });
    env.call('allocate.subnet', { cidr: '10.0.0.0/27' });
    env.call('subnet.park', { cidr: '10.0.0.32/27' });
    env.call('subnet.set', { cidr: '10.0.0.64/27', ip_pool: true });
    env.call('subnet.park', { cidr: '10.0.0.96/27' });
    env.call('subnet.park', { cidr: '10.0.0.128/26' });
    expect(alloc(env, 27)).toEqual({ cidr: '10.0.0.192/27', strategy: 'exact' });
  });

  it('takes a free leaf that only holds IP records, like any free leaf', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/30' });
    env.call('ip.park', { address: '10.0.0.1' });
    expect(alloc(env, 30)).toEqual({ cidr: '10.0.0.0/30', strategy: 'exact' });
  });
});

describe('allocate subnet: merge', () => {
  function splitTo26(env: PlanEnv, root: string) {
    env.call('subnet.add', { cidr: root });
    env.call('subnet.split', { cidr: root, to: 26 });
  }

  it('merges the lowest subdivided subnet of that length whose descendants are all free and data-less', () => {
    const env = plan();
    splitTo26(env, '10.0.0.0/24');
    const r = env.call('allocate.subnet', { family: 4, prefix: 25, customer: 'cust-1' });
    expect(r).toMatchObject({ cidr: '10.0.0.0/25', strategy: 'merge', merges: ['10.0.0.0/25'], splits: [] });
    expect(cidrsOf(env)).toEqual(['10.0.0.0/24', '10.0.0.0/25', '10.0.0.128/25', '10.0.0.128/26', '10.0.0.192/26']);
    expect(treeOf(env).get('10.0.0.0/25')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-1' });
    expect(env.check()).toEqual([]);
  });

  it('is preferred to splitting a free leaf at a lower address', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    splitTo26(env, '10.0.1.0/24');
    expect(alloc(env, 25)).toEqual({ cidr: '10.0.1.0/25', strategy: 'merge' });
  });

  it('comes after an exact fit at a higher address', () => {
    const env = plan();
    splitTo26(env, '10.0.0.0/24');
    env.call('subnet.add', { cidr: '10.0.1.0/25' });
    expect(alloc(env, 25)).toEqual({ cidr: '10.0.1.0/25', strategy: 'exact' });
  });

  const blockers: Array<[string, (env: PlanEnv) => void]> = [
    ['is allocated', (env) => env.call('allocate.subnet', { cidr: '10.0.0.64/26' })],
    ['is parked', (env) => env.call('subnet.park', { cidr: '10.0.0.64/26' })],
    ['is an IP pool', (env) => env.call('subnet.set', { cidr: '10.0.0.64/26', ip_pool: true })],
    ['holds an IP record', (env) => env.call('allocate.ip', { address: '10.0.0.65' })],
    ['holds a parked IP', (env) => env.call('ip.park', { address: '10.0.0.65' })],
    ['has a description', (env) => env.call('subnet.set', { cidr: '10.0.0.64/26', description: 'lab' })],
    ['was added with a description and carved below', (env) => {
      env.call('subnet.merge', { cidr: '10.0.0.0/25' });
      env.call('subnet.add', { cidr: '10.0.0.64/27' });
      env.call('subnet.set', { cidr: '10.0.0.64/26', description: 'lab' });
    }],
  ];

  it.each(blockers)('passes over a candidate when a descendant %s', (_what, block) => {
    const env = plan();
    splitTo26(env, '10.0.0.0/24');
    block(env);
    expect(alloc(env, 25)).toEqual({ cidr: '10.0.0.128/25', strategy: 'merge' });
    expect(env.check()).toEqual([]);
  });

  it('passes over a candidate under a parked ancestor', () => {
    const env = plan();
    splitTo26(env, '10.0.0.0/24');
    splitTo26(env, '10.0.1.0/24');
    env.call('subnet.park', { cidr: '10.0.0.0/24' });
    expect(alloc(env, 25)).toEqual({ cidr: '10.0.1.0/25', strategy: 'merge' });
  });

  it('logs ipam_subnet_merge with the CIDR', () => {
    const env = plan();
    splitTo26(env, '10.0.0.0/24');
    alloc(env, 25);
    const [allocated, merged] = env.call('log.list', { limit: 2 }).entries;
    expect(merged).toMatchObject({ action: 'ipam_subnet_merge', success: true, details: { cidr: '10.0.0.0/25' } });
    expect(allocated).toMatchObject({ action: 'ipam_allocate_subnet', details: { cidr: '10.0.0.0/25', strategy: 'merge' } });
  });
});

describe('allocate subnet: split', () => {
  it('halves the smallest free leaf shorter than the request, lowest among equals, and takes the lowest block', () => {
    const env = plan();
    for (const cidr of ['10.0.0.0/22', '10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/23']) env.call('subnet.add', { cidr });
    const r = env.call('allocate.subnet', { family: 4, prefix: 26 });
    expect(r).toMatchObject({ cidr: '10.1.0.0/26', strategy: 'split', merges: [] });
    expect(r.splits).toEqual([
      { cidr: '10.1.0.0/24', children: ['10.1.0.0/25', '10.1.0.128/25'] },
      { cidr: '10.1.0.0/25', children: ['10.1.0.0/26', '10.1.0.64/26'] },
    ]);
    expect(alloc(env, 26)).toEqual({ cidr: '10.1.0.64/26', strategy: 'exact' });
    expect(alloc(env, 26)).toEqual({ cidr: '10.1.0.128/26', strategy: 'split' });
    expect(alloc(env, 25)).toEqual({ cidr: '10.2.0.0/25', strategy: 'split' });
    expect(alloc(env, 23)).toEqual({ cidr: '10.3.0.0/23', strategy: 'exact' });
    expect(alloc(env, 23)).toEqual({ cidr: '10.0.0.0/23', strategy: 'split' });
    expect(env.check()).toEqual([]);
  });

  it('logs every halving as ipam_subnet_split with the source and both children, then the allocation', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '192.0.2.0/24' });
    alloc(env, 27, { customer: 'cust-1' });
    const entries = env.call('log.list', {}).entries.reverse();
    expect(entries.map((e) => [e.action, e.details.cidr, e.details.children])).toEqual([
      ['ipam_subnet_split', '192.0.2.0/24', ['192.0.2.0/25', '192.0.2.128/25']],
      ['ipam_subnet_split', '192.0.2.0/25', ['192.0.2.0/26', '192.0.2.64/26']],
      ['ipam_subnet_split', '192.0.2.0/26', ['192.0.2.0/27', '192.0.2.32/27']],
      ['ipam_allocate_subnet', '192.0.2.0/27', undefined],
    ]);
    expect(entries[3]!.details.strategy).toBe('split');
    expect(new Set(entries.map((e) => e.batch)).size).toBe(1);
  });
});

describe('allocate subnet: exhausted', () => {
  it('refuses POOL_EXHAUSTED and changes nothing', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.0/26', ip_pool: true });
    env.call('subnet.park', { cidr: '10.0.0.128/25' });
    env.call('allocate.subnet', { family: 4, prefix: 26 });
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 26 }, 'POOL_EXHAUSTED');
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 23 }, 'POOL_EXHAUSTED');
    refuseUnchanged(env, 'allocate.subnet', { family: 6, prefix: 64 }, 'POOL_EXHAUSTED');
    expect(refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 30, dry_run: true }, 'POOL_EXHAUSTED').message).toMatch(/\/30/);
  });
});

describe('allocate subnet: chosen', () => {
  it('carves the chosen block out of the free leaf that holds it', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    const r = env.call('allocate.subnet', { cidr: '10.0.0.96/27', customer: 'cust-1' });
    expect(r).toMatchObject({ cidr: '10.0.0.96/27', strategy: 'chosen', merges: [] });
    expect(r.splits.map((s) => s.cidr)).toEqual(['10.0.0.0/24', '10.0.0.0/25', '10.0.0.64/26']);
    expect(env.call('allocate.subnet', { cidr: '10.0.0.64/27' })).toMatchObject({ strategy: 'chosen', splits: [], merges: [] });
    expect(env.check()).toEqual([]);
  });

  it('merges a chosen block that is subdivided but entirely free', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 });
    expect(env.call('allocate.subnet', { cidr: '10.0.0.128/25' })).toMatchObject({ strategy: 'chosen', merges: ['10.0.0.128/25'] });
    expect(cidrsOf(env)).not.toContain('10.0.0.128/26');
  });

  it('refuses NOT_FREE when any of it is taken, NOT_FOUND outside the plan', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('allocate.subnet', { cidr: '10.0.0.0/26' });
    env.call('subnet.set', { cidr: '10.0.0.64/26', ip_pool: true });
    env.call('subnet.add', { cidr: '10.0.0.128/26' });
    env.call('subnet.park', { cidr: '10.0.0.128/26' });
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.0/26' }, 'NOT_FREE');
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.8/29' }, 'NOT_FREE');
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.0/25' }, 'NOT_FREE');
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.64/28' }, 'NOT_FREE');
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.136/29' }, 'NOT_FREE');
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.0/24' }, 'NOT_FREE');
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.1.0/29' }, 'NOT_FOUND');
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.0/23' }, 'NOT_FOUND');
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.193/29' }, 'HOST_BITS_SET');
    expect(env.call('allocate.subnet', { cidr: '10.0.0.192/29' }).strategy).toBe('chosen');
  });
});

describe('allocate subnet: --pool', () => {
  function twoRoots(): PlanEnv {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.1.0/24' });
    return env;
  }

  it('refuses NOT_FOUND for a pool that is not a subnet of the plan', () => {
    const env = twoRoots();
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 26, pools: ['10.9.0.0/24'] }, 'NOT_FOUND');
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 26, pools: ['10.0.0.0/25'] }, 'NOT_FOUND');
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 26, pools: ['10.0.1.0/24', '10.0.2.0/24'] }, 'NOT_FOUND');
    refuseUnchanged(env, 'ip.list', { cidr: '10.0.0.0/25' }, 'NOT_FOUND');
  });

  it('looks only inside the pools, lowest address across them', () => {
    const env = twoRoots();
    expect(alloc(env, 26, { pools: ['10.0.1.0/24'] })).toEqual({ cidr: '10.0.1.0/26', strategy: 'split' });
    env.call('subnet.add', { cidr: '10.0.0.192/26' });
    expect(alloc(env, 26, { pools: ['10.0.1.0/24', '10.0.0.192/26'] })).toEqual({ cidr: '10.0.0.192/26', strategy: 'exact' });
    expect(alloc(env, 26, { pools: ['10.0.1.0/24', '10.0.0.0/24'] })).toEqual({ cidr: '10.0.0.128/26', strategy: 'exact' });
    expect(alloc(env, 26, { pools: ['10.0.1.128/25'] })).toEqual({ cidr: '10.0.1.128/26', strategy: 'split' });
    const r = env.call('allocate.subnet', { family: 4, prefix: 27, pools: ['10.0.1.0/25'] });
    expect(r.cidr).toBe('10.0.1.64/27');
    expect(env.call('log.list', { limit: 1 }).entries[0]!.details).toMatchObject({ cidr: '10.0.1.64/27', pool: '10.0.1.0/25' });
    expect(env.check()).toEqual([]);
  });

  it('accepts a candidate equal to a pool', () => {
    const env = twoRoots();
    env.call('subnet.add', { cidr: '10.0.0.0/26' });
    expect(alloc(env, 26, { pools: ['10.0.0.0/26'] })).toEqual({ cidr: '10.0.0.0/26', strategy: 'exact' });
    expect(alloc(env, 25, { pools: ['10.0.0.128/25'] })).toEqual({ cidr: '10.0.0.128/25', strategy: 'exact' });
  });

  it('never merges a block larger than the pool it must lie inside', () => {
    const env = twoRoots();
    // 10.0.0.0/24 is carved down to 10.0.0.0/26; 10.0.0.0/25 and the /24 are subdivided and entirely free.
    env.call('subnet.add', { cidr: '10.0.0.0/26' });
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 25, pools: ['10.0.0.0/26'] }, 'POOL_EXHAUSTED');
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 24, pools: ['10.0.0.0/26'] }, 'POOL_EXHAUSTED');
  });

  it('refuses a chosen block outside the pools', () => {
    const env = twoRoots();
    refuseUnchanged(env, 'allocate.subnet', { cidr: '10.0.0.0/26', pools: ['10.0.1.0/24'] }, 'OUT_OF_SCOPE');
  });
});

describe('allocate subnet: --location and --pool-vlan', () => {
  function sites(): PlanEnv {
    const env = plan();
    for (const code of ['EU-FRA', 'US-NYC', 'AP-SIN']) env.call('location.add', { code });
    env.call('vlan.add', { vid: 100, location: 'EU-FRA' });
    env.call('vlan.add', { vid: 100, location: 'US-NYC' });
    env.call('vlan.add', { vid: 200, location: 'EU-FRA' });
    env.call('subnet.add', { cidr: '10.0.0.0/24', location: 'EU-FRA' });
    env.call('subnet.add', { cidr: '10.0.1.0/24', location: 'US-NYC', vlan: 100 });
    return env;
  }

  it('takes only candidates whose effective location matches', () => {
    const env = sites();
    expect(alloc(env, 26, { location: 'US-NYC' })).toEqual({ cidr: '10.0.1.0/26', strategy: 'split' });
    env.call('subnet.add', { cidr: '10.0.0.128/25', location: 'US-NYC' });
    expect(alloc(env, 25, { location: 'US-NYC' })).toEqual({ cidr: '10.0.0.128/25', strategy: 'exact' });
    expect(alloc(env, 26, { location: 'EU-FRA' })).toEqual({ cidr: '10.0.0.0/26', strategy: 'split' });
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 26, location: 'AP-SIN' }, 'POOL_EXHAUSTED');
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 26, location: 'XX-NOPE' }, 'NOT_FOUND');
  });

  it('applies the location to merge candidates too', () => {
    const env = sites();
    env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 });
    env.call('subnet.split', { cidr: '10.0.1.0/24', to: 26 });
    expect(alloc(env, 25, { location: 'US-NYC' })).toEqual({ cidr: '10.0.1.0/25', strategy: 'merge' });
  });

  it('takes only candidates whose effective VLAN matches, by VID at any location', () => {
    const env = sites();
    env.call('subnet.add', { cidr: '10.0.0.128/25', vlan: 100 });
    env.call('subnet.add', { cidr: '10.0.0.64/26', vlan: 200 });
    expect(alloc(env, 27, { pool_vlan: 100 })).toEqual({ cidr: '10.0.0.128/27', strategy: 'split' });
    expect(alloc(env, 27, { pool_vlan: 200 })).toEqual({ cidr: '10.0.0.64/27', strategy: 'split' });
    expect(alloc(env, 27, { pool_vlan: 100, location: 'US-NYC' })).toEqual({ cidr: '10.0.1.0/27', strategy: 'split' });
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 24, pool_vlan: 100 }, 'POOL_EXHAUSTED');
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 27, pool_vlan: 100, pools: ['10.0.0.0/25'] }, 'POOL_EXHAUSTED');
    // A VID that names no VLAN (at the location asked for) is a mistake, not an empty pool.
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 27, pool_vlan: 200, location: 'US-NYC' }, 'NOT_FOUND');
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 27, pool_vlan: 999 }, 'NOT_FOUND');
  });

  it('sets the VLAN it is given on what it allocates, looked up at its location', () => {
    const env = sites();
    const r = env.call('allocate.subnet', { family: 4, prefix: 28, location: 'EU-FRA', vlan: 200, customer: 'cust-1', description: 'rack 9' });
    expect(r.subnet).toMatchObject({ cidr: '10.0.0.0/28', vlan: 200, customer: 'cust-1', description: 'rack 9', effective_location: 'EU-FRA' });
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 28, location: 'US-NYC', vlan: 200 }, 'NOT_FOUND');
  });
});

describe('--dry-run', () => {
  const setups: Array<[string, (env: PlanEnv) => MethodArgs<'allocate.subnet'>]> = [
    ['exact', (env) => (env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 }), { family: 4, prefix: 26 })],
    ['merge', (env) => (env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 }), { family: 4, prefix: 25, customer: 'cust-1' })],
    ['split', () => ({ family: 4, prefix: 29, customer: 'cust-1', description: 'd' })],
    ['chosen', () => ({ cidr: '10.0.0.200/29' })],
  ];

  it.each(setups)('writes nothing and answers as the real call would (%s)', (strategy, setup) => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    const args = setup(env);
    const before = snapshot(env);
    const dry = env.call('allocate.subnet', { ...args, dry_run: true });
    expect(snapshot(env)).toEqual(before);
    const real = env.call('allocate.subnet', args);
    expect(dry.dry_run).toBe(true);
    expect(real.dry_run).toBe(false);
    expect(dry.strategy).toBe(strategy);
    const stable = ({ subnet, dry_run: _dry, ...rest }: typeof dry) => ({ ...rest, subnet: { ...subnet, created_at: undefined, updated_at: undefined } });
    expect(stable(dry)).toEqual(stable(real));
    expect(env.check()).toEqual([]);
  });

  it('answers an IP allocation as the real call would and writes nothing', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/29', ip_pool: true });
    const before = snapshot(env);
    const dry = env.call('allocate.ip', { dry_run: true, customer: 'cust-1' });
    expect(snapshot(env)).toEqual(before);
    const real = env.call('allocate.ip', { customer: 'cust-1' });
    expect([dry.address, dry.subnet, dry.ip.id]).toEqual([real.address, real.subnet, real.ip.id]);
    expect(dry.address).toBe('10.0.0.1');
  });
});

describe('allocate ip', () => {
  it('hands out the lowest free address across the IP-pool leaves in scope, skipping network and broadcast', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.64/31', ip_pool: true });
    env.call('subnet.add', { cidr: '10.0.0.32/30', ip_pool: true });
    env.call('subnet.add', { cidr: '10.0.0.80/32', ip_pool: true });
    env.call('subnet.add', { cidr: '10.0.0.16/29' });
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push(env.call('allocate.ip', {}).address);
    expect(got).toEqual(['10.0.0.33', '10.0.0.34', '10.0.0.64', '10.0.0.65', '10.0.0.80']);
    refuseUnchanged(env, 'allocate.ip', {}, 'POOL_EXHAUSTED');
    // A released address is the lowest free one again.
    env.call('ip.release', { address: '10.0.0.34' });
    expect(env.call('allocate.ip', {}).address).toBe('10.0.0.34');
    expect(env.check()).toEqual([]);
  });

  it('skips parked addresses and parked pools', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.0/28', ip_pool: true });
    env.call('subnet.add', { cidr: '10.0.0.64/28', ip_pool: true });
    env.call('ip.park', { address: '10.0.0.1' });
    env.call('ip.park', { address: '10.0.0.2' });
    expect(env.call('allocate.ip', {}).address).toBe('10.0.0.3');
    env.call('subnet.park', { cidr: '10.0.0.0/25' });
    refuseUnchanged(env, 'allocate.ip', {}, 'POOL_EXHAUSTED');
    env.call('subnet.unpark', { cidr: '10.0.0.0/25' });
    env.call('subnet.park', { cidr: '10.0.0.0/28' });
    expect(env.call('allocate.ip', {}).address).toBe('10.0.0.65');
  });

  it('IPv6 pools lose only the all-zero host below /127', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '2001:db8::/120' });
    env.call('subnet.add', { cidr: '2001:db8::/126', ip_pool: true });
    env.call('subnet.add', { cidr: '2001:db8::10/127', ip_pool: true });
    env.call('subnet.add', { cidr: '2001:db8::20/128', ip_pool: true });
    const got: string[] = [];
    for (let i = 0; i < 6; i++) got.push(env.call('allocate.ip', { family: 6 }).address);
    expect(got).toEqual(['2001:db8::1', '2001:db8::2', '2001:db8::3', '2001:db8::10', '2001:db8::11', '2001:db8::20']);
    refuseUnchanged(env, 'allocate.ip', { family: 6 }, 'POOL_EXHAUSTED');
    refuseUnchanged(env, 'allocate.ip', {}, 'POOL_EXHAUSTED');
  });

  it('narrows to pools, location and pool VLAN, and records the pool effective VLAN', () => {
    const env = plan();
    env.call('location.add', { code: 'EU-FRA' });
    env.call('location.add', { code: 'US-NYC' });
    env.call('vlan.add', { vid: 100, location: 'EU-FRA' });
    env.call('vlan.add', { vid: 300, location: 'US-NYC' });
    env.call('subnet.add', { cidr: '10.0.0.0/24', location: 'EU-FRA' });
    env.call('subnet.add', { cidr: '10.0.1.0/24', location: 'US-NYC', vlan: 300 });
    env.call('subnet.add', { cidr: '10.0.0.0/28', ip_pool: true });
    env.call('subnet.set', { cidr: '10.0.0.128/25', vlan: 100 });
    env.call('subnet.add', { cidr: '10.0.0.128/28', ip_pool: true });
    env.call('subnet.add', { cidr: '10.0.1.0/28', ip_pool: true });
    expect(env.call('allocate.ip', {}).ip).toMatchObject({ address: '10.0.0.1', vlan: null });
    const v100 = env.call('allocate.ip', { pool_vlan: 100 });
    expect(v100).toMatchObject({ address: '10.0.0.129', subnet: '10.0.0.128/28' });
    expect(v100.ip.vlan).toBe(100);
    expect(env.call('allocate.ip', { location: 'US-NYC' }).ip).toMatchObject({ address: '10.0.1.1', vlan: 300 });
    expect(env.call('allocate.ip', { pools: ['10.0.0.128/25'] }).address).toBe('10.0.0.130');
    expect(env.call('allocate.ip', { pools: ['10.0.1.0/24', '10.0.0.128/28'] }).address).toBe('10.0.0.131');
    refuseUnchanged(env, 'allocate.ip', { pool_vlan: 300, pools: ['10.0.0.0/24'] }, 'POOL_EXHAUSTED');
    refuseUnchanged(env, 'allocate.ip', { pool_vlan: 300, location: 'EU-FRA' }, 'NOT_FOUND');
    refuseUnchanged(env, 'allocate.ip', { pools: ['10.0.0.64/27'] }, 'NOT_FOUND');
    refuseUnchanged(env, 'allocate.ip', { pools: ['10.0.0.64/26'] }, 'POOL_EXHAUSTED');
    expect(env.check()).toEqual([]);
  });

  it('records a chosen address in any leaf that is not parked, but never draws from non-pool leaves itself', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('allocate.subnet', { cidr: '10.0.0.0/29', customer: 'cust-1' });
    env.call('subnet.park', { cidr: '10.0.0.128/25' });
    expect(env.call('allocate.ip', { address: '10.0.0.2', customer: 'cust-1' })).toMatchObject({ address: '10.0.0.2', subnet: '10.0.0.0/29' });
    expect(env.call('allocate.ip', { address: '010.000.000.070' })).toMatchObject({ address: '10.0.0.70', subnet: '10.0.0.64/26' });
    refuseUnchanged(env, 'allocate.ip', {}, 'POOL_EXHAUSTED');
    refuseUnchanged(env, 'allocate.ip', { address: '10.0.0.2' }, 'NOT_FREE');
    refuseUnchanged(env, 'allocate.ip', { address: '10.0.0.130' }, 'NOT_FREE');
    refuseUnchanged(env, 'allocate.ip', { address: '10.0.1.1' }, 'NOT_FOUND');
    refuseUnchanged(env, 'allocate.ip', { address: '10.0.0.0' }, 'INVALID_ADDRESS');
    refuseUnchanged(env, 'allocate.ip', { address: '10.0.0.7' }, 'INVALID_ADDRESS');
    env.call('ip.park', { address: '10.0.0.3' });
    refuseUnchanged(env, 'allocate.ip', { address: '10.0.0.3' }, 'NOT_FREE');
    expect(env.check()).toEqual([]);
  });

  it('logs ipam_allocate_ip with the address and its subnet', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/29', ip_pool: true });
    env.call('allocate.ip', { customer: 'cust-1' });
    expect(env.call('log.list', { limit: 1 }).entries[0]).toMatchObject({ action: 'ipam_allocate_ip', success: true, details: { address: '10.0.0.1', subnet: '10.0.0.0/29' } });
  });
});

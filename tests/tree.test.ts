import { describe, expect, it } from 'vitest';
import { insertIp } from '../electron/tree/rows';
import { freshPlan } from './support/plan';
import { cidrsOf, refuseUnchanged, treeOf, type PlanEnv } from './support/snapshot';

/** A plan with the locations, VLANs and customer most tests use. */
function plan(): PlanEnv {
  const env = freshPlan();
  env.call('location.add', { code: 'EU-FRA' });
  env.call('location.add', { code: 'US-NYC' });
  env.call('vlan.add', { vid: 100, location: 'EU-FRA' });
  env.call('vlan.add', { vid: 100, location: 'US-NYC' });
  env.call('vlan.add', { vid: 200, location: 'EU-FRA' });
  env.call('vlan.add', { vid: 300, location: 'US-NYC' });
  env.call('customer.add', { id: 'cust-1' });
  return env;
}

function vlanRowId(env: PlanEnv, vid: number, location: string): number {
  return env.call('vlan.list', { location }).vlans.find((v) => v.vid === vid)!.id;
}

function storedVlanId(env: PlanEnv, cidr: string): number | null {
  return (env.plan.sqlite.prepare('SELECT vlan_id FROM subnets WHERE cidr = ?').get(cidr) as { vlan_id: number | null }).vlan_id;
}

describe('subnet add', () => {
  it('carves a free leaf down to the new subnet, one halving at a time, carved rows carrying no data', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24', location: 'EU-FRA' });
    const added = env.call('subnet.add', { cidr: '10.0.0.64/27', description: 'web' }).subnet;
    expect(added).toMatchObject({ cidr: '10.0.0.64/27', parent: '10.0.0.64/26', allocation_status: 'unallocated', description: 'web', effective_location: 'EU-FRA', is_free: true });
    const rows = env.call('tree.get', {}).subnets;
    expect(rows.map((s) => [s.cidr, s.parent, s.allocation_status])).toEqual([
      ['10.0.0.0/24', null, 'subdivided'],
      ['10.0.0.0/25', '10.0.0.0/24', 'subdivided'],
      ['10.0.0.0/26', '10.0.0.0/25', 'unallocated'],
      ['10.0.0.64/26', '10.0.0.0/25', 'subdivided'],
      ['10.0.0.64/27', '10.0.0.64/26', 'unallocated'],
      ['10.0.0.96/27', '10.0.0.64/26', 'unallocated'],
      ['10.0.0.128/25', '10.0.0.0/24', 'unallocated'],
    ]);
    for (const row of rows.filter((s) => !['10.0.0.0/24', '10.0.0.64/27'].includes(s.cidr))) {
      expect(row).toMatchObject({ description: null, location: null, vlan: null, customer: null, is_unavailable: false, is_ip_pool: false });
      expect(row.effective_location).toBe('EU-FRA');
    }
    expect(env.check()).toEqual([]);
  });

  it('yields the same rows whatever order the same subnets are carved in', () => {
    const a = freshPlan();
    const b = freshPlan();
    a.call('subnet.add', { cidr: '192.0.2.0/24' });
    b.call('subnet.add', { cidr: '192.0.2.0/24' });
    for (const cidr of ['192.0.2.200/30', '192.0.2.0/27', '192.0.2.96/28']) a.call('subnet.add', { cidr });
    for (const cidr of ['192.0.2.96/28', '192.0.2.0/27', '192.0.2.200/30']) b.call('subnet.add', { cidr });
    expect(cidrsOf(a)).toEqual(cidrsOf(b));
    // The /24, six halvings down to the /30, two to the /27, two to the /28.
    expect(cidrsOf(a)).toHaveLength(1 + 2 * (6 + 2 + 2));
    expect(a.check()).toEqual([]);
  });

  it('makes a subnet that contains existing roots their parent, the rest filled with free halves', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.1.0/24', description: 'kept' });
    env.call('subnet.add', { cidr: '10.0.2.128/25', location: 'US-NYC' });
    env.call('allocate.subnet', { cidr: '10.0.1.0/26', customer: 'cust-1' });
    const top = env.call('subnet.add', { cidr: '10.0.0.0/22', location: 'EU-FRA' }).subnet;
    expect(top).toMatchObject({ cidr: '10.0.0.0/22', parent: null, allocation_status: 'subdivided' });
    const tree = env.call('tree.get', {}).subnets;
    expect(tree.map((s) => [s.cidr, s.parent, s.allocation_status])).toEqual([
      ['10.0.0.0/22', null, 'subdivided'],
      ['10.0.0.0/23', '10.0.0.0/22', 'subdivided'],
      ['10.0.0.0/24', '10.0.0.0/23', 'unallocated'],
      ['10.0.1.0/24', '10.0.0.0/23', 'subdivided'],
      ['10.0.1.0/25', '10.0.1.0/24', 'subdivided'],
      ['10.0.1.0/26', '10.0.1.0/25', 'allocated'],
      ['10.0.1.64/26', '10.0.1.0/25', 'unallocated'],
      ['10.0.1.128/25', '10.0.1.0/24', 'unallocated'],
      ['10.0.2.0/23', '10.0.0.0/22', 'subdivided'],
      ['10.0.2.0/24', '10.0.2.0/23', 'subdivided'],
      ['10.0.2.0/25', '10.0.2.0/24', 'unallocated'],
      ['10.0.2.128/25', '10.0.2.0/24', 'unallocated'],
      ['10.0.3.0/24', '10.0.2.0/23', 'unallocated'],
    ]);
    const byCidr = treeOf(env);
    // The old roots keep their own data and subtrees; what they did not set is now inherited.
    expect(byCidr.get('10.0.1.0/24')).toMatchObject({ description: 'kept', effective_location: 'EU-FRA' });
    expect(byCidr.get('10.0.1.0/26')).toMatchObject({ customer: 'cust-1', effective_location: 'EU-FRA' });
    expect(byCidr.get('10.0.2.128/25')).toMatchObject({ location: 'US-NYC', effective_location: 'US-NYC' });
    expect(byCidr.get('10.0.3.0/24')).toMatchObject({ description: null, location: null, effective_location: 'EU-FRA' });
    expect(env.check()).toEqual([]);
  });

  it('refuses a CIDR that already exists, root or carved, with EXISTS', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.0/26' });
    expect(refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.0/24' }, 'EXISTS').message).toMatch(/subnet set/);
    refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.128/25', description: 'made by carving' }, 'EXISTS');
    refuseUnchanged(env, 'subnet.add', { cidr: '010.000.000.000/26' }, 'EXISTS');
  });

  it('refuses NOT_FREE inside an allocated leaf or an IP pool', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('allocate.subnet', { cidr: '10.0.0.0/26', customer: 'cust-1' });
    env.call('subnet.add', { cidr: '10.0.0.128/26', ip_pool: true });
    refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.16/28' }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.1/32' }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.128/27' }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.160/28', ip_pool: true }, 'NOT_FREE');
  });

  it('allows carving by hand inside parked space, which stays out of allocation', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.park', { cidr: '10.0.0.0/24' });
    const added = env.call('subnet.add', { cidr: '10.0.0.32/27', description: 'reserved for the lab' }).subnet;
    expect(added).toMatchObject({ is_unavailable: false, effectively_unavailable: true, is_free: false });
    expect(env.call('tree.get', {}).subnets.every((s) => s.effectively_unavailable && !s.is_free)).toBe(true);
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 27 }, 'POOL_EXHAUSTED');
    expect(env.check()).toEqual([]);
  });

  it('names the canonical network when host bits are set', () => {
    const env = plan();
    expect(refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.1/24' }, 'HOST_BITS_SET').message).toContain('10.0.0.0/24');
    refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.0/33' }, 'INVALID_CIDR');
  });
});

describe('subnet set', () => {
  function carved(): PlanEnv {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24', location: 'EU-FRA', vlan: 100 });
    env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 });
    env.call('subnet.add', { cidr: '10.0.0.128/28' });
    return env;
  }

  it('cascades a location into effective_location below, up to a subnet with its own', () => {
    const env = carved();
    env.call('subnet.set', { cidr: '10.0.0.128/26', location: 'US-NYC' });
    env.call('subnet.set', { cidr: '10.0.0.144/28', location: 'EU-FRA' });
    env.call('subnet.set', { cidr: '10.0.0.128/25', location: 'US-NYC' });
    let t = treeOf(env);
    expect(t.get('10.0.0.128/25')!.effective_location).toBe('US-NYC');
    expect(t.get('10.0.0.128/28')!.effective_location).toBe('US-NYC');
    expect(t.get('10.0.0.144/28')!.effective_location).toBe('EU-FRA');
    expect(t.get('10.0.0.192/26')!.effective_location).toBe('US-NYC');
    expect(t.get('10.0.0.0/26')!.effective_location).toBe('EU-FRA');

    // Clearing with null falls back to the nearest ancestor's, or to none at the top.
    env.call('subnet.set', { cidr: '10.0.0.128/25', location: null });
    t = treeOf(env);
    expect(t.get('10.0.0.128/25')).toMatchObject({ location: null, effective_location: 'EU-FRA' });
    expect(t.get('10.0.0.192/26')!.effective_location).toBe('EU-FRA');
    expect(t.get('10.0.0.128/28')!.effective_location).toBe('US-NYC');
    env.call('subnet.set', { cidr: '10.0.0.128/26', location: null, vlan: null });
    env.call('subnet.set', { cidr: '10.0.0.0/24', vlan: null });
    env.call('subnet.set', { cidr: '10.0.0.0/24', location: null });
    t = treeOf(env);
    for (const s of t.values()) expect(s.effective_location).toBe(s.cidr === '10.0.0.144/28' ? 'EU-FRA' : null);
    expect(env.check()).toEqual([]);
  });

  it('cascades a VLAN into effective_vlan below, and clears it with null', () => {
    const env = carved();
    env.call('subnet.set', { cidr: '10.0.0.128/25', vlan: 200 });
    let t = treeOf(env);
    expect(t.get('10.0.0.0/26')!.effective_vlan).toBe(100);
    expect(t.get('10.0.0.128/25')).toMatchObject({ vlan: 200, effective_vlan: 200 });
    expect(t.get('10.0.0.128/28')).toMatchObject({ vlan: null, effective_vlan: 200 });
    env.call('subnet.set', { cidr: '10.0.0.128/25', vlan: null });
    t = treeOf(env);
    expect(t.get('10.0.0.128/28')).toMatchObject({ vlan: null, effective_vlan: 100 });
    env.call('subnet.set', { cidr: '10.0.0.0/24', vlan: null });
    expect([...treeOf(env).values()].every((s) => s.effective_vlan === null)).toBe(true);
    expect(env.check()).toEqual([]);
  });

  it('looks a VLAN up at the effective location', () => {
    const env = carved();
    // VLAN 100 exists at both locations: the child below EU-FRA gets EU-FRA's.
    env.call('subnet.set', { cidr: '10.0.0.64/26', vlan: 100 });
    expect(storedVlanId(env, '10.0.0.64/26')).toBe(vlanRowId(env, 100, 'EU-FRA'));
    // VLAN 300 exists only at US-NYC.
    expect(refuseUnchanged(env, 'subnet.set', { cidr: '10.0.0.64/26', vlan: 300 }, 'NOT_FOUND').message).toMatch(/300/);
    // Location and VLAN in one edit: the VLAN is looked up at the new location.
    env.call('subnet.set', { cidr: '10.0.0.64/26', location: 'US-NYC', vlan: 300 });
    expect(treeOf(env).get('10.0.0.64/26')).toMatchObject({ effective_location: 'US-NYC', vlan: 300 });
    expect(storedVlanId(env, '10.0.0.64/26')).toBe(vlanRowId(env, 300, 'US-NYC'));
    // Moving the location keeps the VLAN number, now the new location's VLAN of that number.
    env.call('subnet.set', { cidr: '10.0.0.0/26', location: 'US-NYC', vlan: 100 });
    env.call('subnet.set', { cidr: '10.0.0.0/26', location: 'EU-FRA' });
    expect(storedVlanId(env, '10.0.0.0/26')).toBe(vlanRowId(env, 100, 'EU-FRA'));
    expect(env.check()).toEqual([]);
  });

  it('refuses a VLAN where no location is in effect, and an unknown location', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    refuseUnchanged(env, 'subnet.set', { cidr: '10.0.0.0/24', vlan: 100 }, 'NOT_FOUND');
    refuseUnchanged(env, 'subnet.set', { cidr: '10.0.0.0/24', location: 'AP-SIN' }, 'NOT_FOUND');
    refuseUnchanged(env, 'subnet.set', { cidr: '10.0.1.0/24', description: 'x' }, 'NOT_FOUND');
  });
});

describe('subnet split', () => {
  it('splits a free leaf into every block of the new length, logging each halving', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    const pieces = env.call('subnet.split', { cidr: '10.0.0.0/24', to: 27 }).subnets;
    expect(pieces.map((s) => s.cidr)).toEqual([0, 32, 64, 96, 128, 160, 192, 224].map((n) => `10.0.0.${n}/27`));
    expect(pieces.every((s) => s.is_free)).toBe(true);
    expect(cidrsOf(env)).toHaveLength(15);
    expect(env.call('log.list', { action: 'ipam_subnet_split' }).entries).toHaveLength(7);
    expect(env.check()).toEqual([]);
  });

  it('splits into at most 2^16 pieces at once and refuses more with TOO_LARGE', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/8' });
    expect(refuseUnchanged(env, 'subnet.split', { cidr: '10.0.0.0/8', to: 25 }, 'TOO_LARGE').message).toMatch(/65,536/);
    env.call('subnet.add', { cidr: '2001:db8::/112' });
    refuseUnchanged(env, 'subnet.split', { cidr: '2001:db8::/112', to: 129 }, 'INVALID_ARGUMENT');
    const pieces = env.call('subnet.split', { cidr: '2001:db8::/112', to: 128 }).subnets;
    expect(pieces).toHaveLength(65_536);
    expect(pieces[65_535]!.cidr).toBe('2001:db8::ffff/128');
  });

  it('refuses what is not a free leaf, and lengths that are not longer', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('allocate.subnet', { cidr: '10.0.0.0/26', customer: 'cust-1' });
    env.call('subnet.set', { cidr: '10.0.0.64/26', ip_pool: true });
    refuseUnchanged(env, 'subnet.split', { cidr: '10.0.0.0/26', to: 27 }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.split', { cidr: '10.0.0.64/26', to: 27 }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.split', { cidr: '10.0.0.0/25', to: 27 }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.split', { cidr: '10.0.0.128/25', to: 25 }, 'INVALID_ARGUMENT');
    refuseUnchanged(env, 'subnet.split', { cidr: '10.0.0.128/25', to: 33 }, 'INVALID_ARGUMENT');
    refuseUnchanged(env, 'subnet.split', { cidr: '10.0.0.128/26', to: 27 }, 'NOT_FOUND');
  });
});

describe('subnet merge', () => {
  it('folds a subtree of free, data-less space back into one free leaf', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24', description: 'the top keeps its own data' });
    env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 });
    env.call('subnet.add', { cidr: '10.0.0.200/30' });
    const merged = env.call('subnet.merge', { cidr: '10.0.0.0/24' }).subnet;
    expect(merged).toMatchObject({ cidr: '10.0.0.0/24', allocation_status: 'unallocated', is_free: true, description: 'the top keeps its own data' });
    expect(cidrsOf(env)).toEqual(['10.0.0.0/24']);
    expect(env.call('log.list', { limit: 1 }).entries[0]).toMatchObject({ action: 'ipam_subnet_merge', details: { cidr: '10.0.0.0/24' } });
    refuseUnchanged(env, 'subnet.merge', { cidr: '10.0.0.0/24' }, 'NOT_FREE');
    expect(env.check()).toEqual([]);
  });

  const blockers: Array<[string, (env: PlanEnv) => void]> = [
    ['an allocated subnet', (env) => env.call('allocate.subnet', { cidr: '10.0.0.96/27', customer: 'cust-1' })],
    ['a parked subnet', (env) => env.call('subnet.park', { cidr: '10.0.0.64/26' })],
    ['an IP pool', (env) => env.call('subnet.add', { cidr: '10.0.0.96/27', ip_pool: true })],
    ['an IP record', (env) => env.call('allocate.ip', { address: '10.0.0.70' })],
    ['a parked IP', (env) => env.call('ip.park', { address: '10.0.0.70' })],
    ['a description', (env) => env.call('subnet.set', { cidr: '10.0.0.64/26', description: 'keep me' })],
    ['a location', (env) => env.call('subnet.set', { cidr: '10.0.0.64/26', location: 'US-NYC' })],
    ['a VLAN', (env) => env.call('subnet.set', { cidr: '10.0.0.64/26', vlan: 200 })],
  ];

  it.each(blockers)('is refused with NOT_FREE when anything below holds %s', (_what, block) => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24', location: 'EU-FRA' });
    env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 });
    block(env);
    refuseUnchanged(env, 'subnet.merge', { cidr: '10.0.0.0/24' }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.merge', { cidr: '10.0.0.0/25' }, 'NOT_FREE');
    // The other half is untouched and still merges.
    env.call('subnet.merge', { cidr: '10.0.0.128/25' });
    expect(env.check()).toEqual([]);
  });
});

describe('park and unpark', () => {
  it('takes a subnet and everything below it out of allocation without deleting anything', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 });
    const rows = cidrsOf(env);
    env.call('subnet.park', { cidr: '10.0.0.0/25' });
    const t = treeOf(env);
    expect(cidrsOf(env)).toEqual(rows);
    expect(t.get('10.0.0.0/25')).toMatchObject({ is_unavailable: true, effectively_unavailable: true });
    for (const c of ['10.0.0.0/26', '10.0.0.64/26']) expect(t.get(c)).toMatchObject({ is_unavailable: false, effectively_unavailable: true, is_free: false });
    expect(t.get('10.0.0.128/26')).toMatchObject({ effectively_unavailable: false, is_free: true });
    expect(env.call('allocate.subnet', { family: 4, prefix: 26 }).cidr).toBe('10.0.0.128/26');
    expect(env.call('allocate.subnet', { family: 4, prefix: 26 }).cidr).toBe('10.0.0.192/26');
    refuseUnchanged(env, 'allocate.subnet', { family: 4, prefix: 26 }, 'POOL_EXHAUSTED');
    env.call('subnet.unpark', { cidr: '10.0.0.0/25' });
    expect(env.call('allocate.subnet', { family: 4, prefix: 26 }).cidr).toBe('10.0.0.0/26');
    expect(env.check()).toEqual([]);
  });

  it('keeps nested parks: unparking the outer one leaves the inner subtree parked', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.64/27' });
    env.call('subnet.park', { cidr: '10.0.0.64/26' });
    env.call('subnet.park', { cidr: '10.0.0.0/24' });
    expect([...treeOf(env).values()].every((s) => s.effectively_unavailable)).toBe(true);
    env.call('subnet.unpark', { cidr: '10.0.0.0/24' });
    const t = treeOf(env);
    for (const [cidr, s] of t) {
      const inner = cidr.startsWith('10.0.0.64/') || cidr === '10.0.0.96/27';
      expect(s.effectively_unavailable, cidr).toBe(inner);
    }
    expect(t.get('10.0.0.64/27')!.is_unavailable).toBe(false);
    // Parking again below an already parked subnet and unparking it leaves the outer park in force.
    env.call('subnet.park', { cidr: '10.0.0.0/24' });
    env.call('subnet.park', { cidr: '10.0.0.128/25' });
    env.call('subnet.unpark', { cidr: '10.0.0.128/25' });
    expect(treeOf(env).get('10.0.0.128/25')).toMatchObject({ is_unavailable: false, effectively_unavailable: true });
    expect(env.check()).toEqual([]);
  });
});

describe('subnet release', () => {
  it('clears links, VLAN and description, keeps management and parked IP records, deletes the others, merges nothing', () => {
    const env = plan();
    env.call('device.add', { name: 'sw1', location: 'EU-FRA' });
    env.call('subnet.add', { cidr: '10.0.0.0/24', location: 'EU-FRA' });
    env.call('allocate.subnet', { family: 4, prefix: 28, customer: 'cust-1', device: 'sw1', vlan: 200, description: 'colo rack 4' });
    const rows = cidrsOf(env);
    env.call('allocate.ip', { address: '10.0.0.2', customer: 'cust-1' });
    env.call('allocate.ip', { address: '10.0.0.3' });
    env.call('ip.park', { address: '10.0.0.4' });
    const space = env.call('space.list').spaces.find((s) => s.name === 'global')!.id;
    env.plan.mutate('import management address', () => insertIp(env.plan, space, '10.0.0.5', { is_management: 1 }));
    expect(env.check()).toEqual([]);

    const r = env.call('subnet.release', { cidr: '10.0.0.0/28' });
    expect(r.released_ips).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(r.subnet).toMatchObject({
      allocation_status: 'unallocated', customer: null, service: null, device: null, vlan: null, description: null, effective_location: 'EU-FRA', is_free: true,
    });
    const left = env.call('ip.list', {}).ips;
    expect(left.map((i) => [i.address, i.is_unavailable, i.is_management, i.subnet])).toEqual([
      ['10.0.0.4', true, false, '10.0.0.0/28'],
      ['10.0.0.5', false, true, '10.0.0.0/28'],
    ]);
    expect(cidrsOf(env)).toEqual(rows);
    expect(env.call('log.list', { limit: 1 }).entries[0]).toMatchObject({ action: 'ipam_release', details: { cidr: '10.0.0.0/28' } });
    refuseUnchanged(env, 'subnet.release', { cidr: '10.0.0.0/28' }, 'NOT_FREE');
    expect(env.check()).toEqual([]);
  });
});

describe('subnet delete', () => {
  it('deletes a root with everything below it when all of it is free', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.64/27' });
    env.call('subnet.add', { cidr: '10.1.0.0/16' });
    expect(env.call('subnet.delete', { cidr: '10.0.0.0/24' })).toEqual({ deleted: '10.0.0.0/24' });
    expect(cidrsOf(env)).toEqual(['10.1.0.0/16']);
    expect(env.check()).toEqual([]);
  });

  it('folds a non-root back into its parent as far as free buddies allow', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.64/27', description: 'temporary' });
    env.call('subnet.delete', { cidr: '10.0.0.64/27' });
    expect(cidrsOf(env)).toEqual(['10.0.0.0/24']);

    env.call('allocate.subnet', { cidr: '10.0.0.0/26', customer: 'cust-1' });
    env.call('subnet.add', { cidr: '10.0.0.128/26', description: 'temporary' });
    env.call('subnet.delete', { cidr: '10.0.0.128/26' });
    expect(cidrsOf(env)).toEqual(['10.0.0.0/24', '10.0.0.0/25', '10.0.0.0/26', '10.0.0.64/26', '10.0.0.128/25']);
    expect(treeOf(env).get('10.0.0.128/25')).toMatchObject({ allocation_status: 'unallocated', description: null, is_free: true });
    expect(env.check()).toEqual([]);
  });

  it('refuses with NOT_FREE while anything inside is taken', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('allocate.subnet', { cidr: '10.0.0.0/26', customer: 'cust-1' });
    refuseUnchanged(env, 'subnet.delete', { cidr: '10.0.0.0/24' }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.delete', { cidr: '10.0.0.0/26' }, 'NOT_FREE');
    refuseUnchanged(env, 'subnet.delete', { cidr: '10.0.0.0/28' }, 'NOT_FOUND');
  });
});

describe('IPv6 roots', () => {
  it.each([
    ['2001:DB8::/29', '2001:db8::/29', '2001:db8::/30', '2001:dbc::/64'],
    ['2001:0db8:0000::/32', '2001:db8::/32', '2001:db8::/33', '2001:db8:8000::/64'],
    ['2001:db8:ABCD::/48', '2001:db8:abcd::/48', '2001:db8:abcd::/49', '2001:db8:abcd:8000::/64'],
    ['2001:db8:0:1:0:0:0:0/64', '2001:db8:0:1::/64', '2001:db8:0:1::/65', null],
    ['2001:db8::A/127', '2001:db8::a/127', '2001:db8::a/128', null],
  ])('%s is stored as %s and carves like any root', (input, canonical, firstHalf, nextSlash64) => {
    const env = plan();
    expect(env.call('subnet.add', { cidr: input }).subnet).toMatchObject({ cidr: canonical, ip_version: 6, parent: null });
    refuseUnchanged(env, 'subnet.add', { cidr: canonical.toUpperCase() }, 'EXISTS');
    const len = Number(canonical.split('/')[1]);
    const a = env.call('allocate.subnet', { family: 6, prefix: len + 1, customer: 'cust-1' });
    expect(a).toMatchObject({ cidr: firstHalf, strategy: 'split', splits: [{ cidr: canonical }] });
    if (nextSlash64) expect(env.call('allocate.subnet', { family: 6, prefix: 64 }).cidr).toBe(nextSlash64);
    else refuseUnchanged(env, 'allocate.subnet', { family: 6, prefix: 64 }, 'POOL_EXHAUSTED');
    expect(env.check()).toEqual([]);
  });

  it('takes a /128 root as one allocatable address', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '2001:db8::1/128' });
    refuseUnchanged(env, 'subnet.split', { cidr: '2001:db8::1/128', to: 129 }, 'INVALID_ARGUMENT');
    refuseUnchanged(env, 'allocate.subnet', { family: 6, prefix: 127 }, 'POOL_EXHAUSTED');
    expect(env.call('allocate.subnet', { family: 6, prefix: 128 })).toMatchObject({ cidr: '2001:db8::1/128', strategy: 'exact', splits: [] });
    refuseUnchanged(env, 'allocate.subnet', { family: 6, prefix: 128 }, 'POOL_EXHAUSTED');
    expect(env.check()).toEqual([]);
  });

  it('carves a /64 out of a /29 with every row in between', () => {
    const env = plan();
    env.call('subnet.add', { cidr: '2001:db8::/29' });
    expect(env.call('allocate.subnet', { family: 6, prefix: 64 }).splits).toHaveLength(35);
    expect(env.call('allocate.subnet', { family: 6, prefix: 64 })).toMatchObject({ cidr: '2001:db8:0:1::/64', strategy: 'exact' });
    expect(cidrsOf(env)).toHaveLength(1 + 2 * 35);
    expect(env.check()).toEqual([]);
  });
});

describe('address spaces', () => {
  it('isolate identical CIDRs', () => {
    const env = plan();
    env.call('space.add', { name: 'cust-vrf' });
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.add', { cidr: '10.0.0.0/24', space: 'cust-vrf' });
    refuseUnchanged(env, 'subnet.add', { cidr: '10.0.0.0/24', space: 'cust-vrf' }, 'EXISTS');
    expect(env.call('allocate.subnet', { space: 'cust-vrf', family: 4, prefix: 26 }).cidr).toBe('10.0.0.0/26');
    expect(cidrsOf(env)).toEqual(['10.0.0.0/24']);
    expect(env.call('allocate.subnet', { family: 4, prefix: 26 }).cidr).toBe('10.0.0.0/26');
    env.call('subnet.park', { cidr: '10.0.0.64/26', space: 'cust-vrf' });
    expect(treeOf(env).get('10.0.0.64/26')!.is_unavailable).toBe(false);
    env.call('allocate.ip', { address: '10.0.0.70' });
    expect(env.call('ip.list', { space: 'cust-vrf' }).ips).toEqual([]);
    expect(env.call('subnet.get', { cidr: '10.0.0.0/26', space: 'cust-vrf' }).subnet.space).toBe('cust-vrf');
    refuseUnchanged(env, 'tree.get', { space: 'nowhere' }, 'NOT_FOUND');
    expect(env.check()).toEqual([]);
  });
});

describe('every refusal leaves the plan exactly as it was', () => {
  function populated(): PlanEnv {
    const env = plan();
    env.call('subnet.add', { cidr: '10.0.0.0/24', location: 'EU-FRA' });
    env.call('allocate.subnet', { family: 4, prefix: 26, customer: 'cust-1' });
    env.call('subnet.add', { cidr: '10.0.0.64/27', ip_pool: true });
    env.call('allocate.ip', {});
    env.call('subnet.add', { cidr: '10.0.0.128/26' });
    env.call('subnet.park', { cidr: '10.0.0.128/26' });
    env.call('subnet.add', { cidr: '2001:db8::/48' });
    env.call('subnet.set', { cidr: '10.0.0.0/24', vlan: 200 });
    return env;
  }

  const refusals: Array<[string, () => [method: string, args: object, code: string]]> = [
    ['a subnet over a carved row', () => ['subnet.add', { cidr: '10.0.0.0/25' }, 'EXISTS']],
    ['a subnet whose VLAN is missing after carving', () => ['subnet.add', { cidr: '10.0.0.192/28', vlan: 300 }, 'NOT_FOUND']],
    ['an IP pool over existing roots', () => ['subnet.add', { cidr: '10.0.0.0/23', ip_pool: true }, 'INVALID_ARGUMENT']],
    ['a location change whose own VLAN does not exist at the new location', () => ['subnet.set', { cidr: '10.0.0.0/24', location: 'US-NYC' }, 'NOT_FOUND']],
    ['a location and VLAN edit whose VLAN is missing at the new location', () => ['subnet.set', { cidr: '10.0.0.0/24', location: 'US-NYC', vlan: 200 }, 'NOT_FOUND']],
    ['an allocation whose VLAN is missing after splitting', () => ['allocate.subnet', { family: 4, prefix: 28, vlan: 300 }, 'NOT_FOUND']],
    ['a chosen block whose VLAN is missing after carving', () => ['allocate.subnet', { cidr: '10.0.0.200/29', vlan: 300 }, 'NOT_FOUND']],
    ['an allocation for an unknown customer', () => ['allocate.subnet', { family: 4, prefix: 28, customer: 'nobody' }, 'NOT_FOUND']],
    ['an exhausted pool', () => ['allocate.subnet', { family: 4, prefix: 25 }, 'POOL_EXHAUSTED']],
    ['a chosen block that is taken', () => ['allocate.subnet', { cidr: '10.0.0.0/27' }, 'NOT_FREE']],
    ['a split into too many pieces', () => ['subnet.split', { cidr: '2001:db8::/48', to: 65 }, 'TOO_LARGE']],
    ['a merge of taken space', () => ['subnet.merge', { cidr: '10.0.0.0/24' }, 'NOT_FREE']],
    ['a release of free space', () => ['subnet.release', { cidr: '10.0.0.192/26' }, 'NOT_FREE']],
    ['a delete of taken space', () => ['subnet.delete', { cidr: '10.0.0.0/24' }, 'NOT_FREE']],
    ['an address that is taken', () => ['allocate.ip', { address: '10.0.0.65' }, 'NOT_FREE']],
    ['an address in parked space', () => ['allocate.ip', { address: '10.0.0.130' }, 'NOT_FREE']],
    ['an IPv4-mapped address', () => ['allocate.ip', { family: 6, address: '::ffff:10.0.0.1' }, 'INVALID_ADDRESS']],
    ['host bits', () => ['subnet.add', { cidr: '10.1.0.1/16' }, 'HOST_BITS_SET']],
    ['a VLAN ID out of range', () => ['subnet.set', { cidr: '10.0.0.0/24', vlan: 4095 }, 'INVALID_ARGUMENT']],
    ['a redo with nothing to redo', () => ['journal.redo', {}, 'NOTHING_TO_REDO']],
  ];

  it.each(refusals)('%s', (_what, make) => {
    const env = populated();
    const [method, args, code] = make();
    refuseUnchanged(env, method as 'subnet.add', args as { cidr: string }, code);
    expect(env.check()).toEqual([]);
  });
});

/**
 * Conflicts: each kind is detected, and resolved each way it can be (keep mine, take theirs, and for
 * allocations re-allocate mine by the same policy); the losing values stay in the conflict record;
 * while a conflict is open nothing is pushed and `sync` exits 1; after resolution all plans converge.
 */
import { describe, expect, it } from 'vitest';
import { planImage, Planner, startTenant, violations } from './sync-helpers';

/** Alice and Bob start from the same synced plan. */
async function start() {
  const tenant = await startTenant();
  const a = new Planner('alice');
  const b = new Planner('bob');
  await a.ok('location', 'add', 'EU-FRA');
  await a.ok('location', 'add', 'US-NYC');
  await a.ok('customer', 'add', 'cust-a');
  await a.ok('customer', 'add', 'cust-b');
  await a.ok('subnet', 'add', '192.0.2.0/24', '--location', 'EU-FRA');
  await a.ok('subnet', 'add', '10.0.0.0/16');
  await a.ok('subnet', 'add', '10.9.0.0/16');
  await a.ok('subnet', 'add', '198.51.100.0/24');
  await a.connect(tenant);
  await a.sync();
  await b.connect(tenant);
  await b.sync();
  return { tenant, a, b };
}

function subnet(file: string, cidr: string): Record<string, unknown> | undefined {
  const img = planImage(file);
  return (img.trees[img.spaces.indexOf('global')] as Array<Record<string, unknown>>).find((s) => s.cidr === cidr);
}

async function converge(a: Planner, b: Planner, tenantDb: string) {
  expect((await a.sync()).code).toBe(0);
  expect((await b.sync()).code).toBe(0);
  const ia = planImage(a.db);
  expect(planImage(b.db)).toEqual(ia);
  expect(planImage(tenantDb)).toEqual(ia);
  for (const f of [a.db, b.db, tenantDb]) expect(violations(f)).toEqual([]);
}

/** Bob's change reaches the tenant first; Alice's sync then finds the conflict. */
async function clash(a: Planner, b: Planner, mine: string[][], theirs: string[][]) {
  for (const c of theirs) await b.ok(...c);
  for (const c of mine) await a.ok(...c);
  expect((await b.sync()).code).toBe(0);
  const r = await a.sync();
  expect(r.code).toBe(1);
  expect(r.body.conflicts).toBe(1);
  expect(r.body.pushed).toBe(0);
  const list = (await a.ok('sync', 'conflicts')).conflicts;
  expect(list).toHaveLength(1);
  return list[0];
}

describe('sync conflicts', () => {
  describe('field: the same field of the same row changed differently', () => {
    const mine = [['subnet', 'set', '10.0.0.0/16', '--description', 'mine'], ['subnet', 'set', '10.0.0.0/16', '--location', 'US-NYC']];
    const theirs = [['subnet', 'set', '10.0.0.0/16', '--description', 'theirs']];

    it('is detected with both values, holds the push, and still takes the other side\'s other changes', async () => {
      const { tenant, a, b } = await start();
      await b.ok('subnet', 'set', '198.51.100.0/24', '--description', 'unrelated');
      await a.ok('allocate', 'subnet', '--cidr', '192.0.2.0/28', '--customer', 'cust-a');
      const c = await clash(a, b, mine, theirs);
      expect(c).toMatchObject({ kind: 'field', row: 'subnet global 10.0.0.0/16', region: null, fields: ['description'] });
      expect(c.mine).toMatchObject({ description: 'mine', location: 'US-NYC' });
      expect(c.theirs).toMatchObject({ description: 'theirs', location: null });
      // Bob's unrelated edit was pulled; Alice's allocation waits.
      expect(subnet(a.db, '198.51.100.0/24')).toMatchObject({ description: 'unrelated' });
      expect(subnet(tenant.db, '192.0.2.0/28')).toBeUndefined();
      const status = await a.ok('sync', 'status');
      expect(status).toMatchObject({ conflicts: 1 });
      expect(status.pending).toBeGreaterThan(0);
      // Re-allocation is for allocations only.
      const bad = await a.json('sync', 'resolve', String(c.id), '--reallocate');
      expect(bad.code).toBe(1);
      expect(bad.body.error.message).toMatch(/only an allocation conflict/);
    });

    it('resolved --mine: the tenant takes this plan\'s value; theirs stays in the record', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      const r = await a.ok('sync', 'resolve', String(c.id), '--mine');
      expect(r.conflict).toMatchObject({ status: 'resolved', resolution: 'mine' });
      await converge(a, b, tenant.db);
      expect(subnet(tenant.db, '10.0.0.0/16')).toMatchObject({ description: 'mine', location: 'US-NYC' });
      const kept = (await a.ok('sync', 'conflicts', '--all')).conflicts[0];
      expect(kept.theirs.description).toBe('theirs');
      expect((await a.ok('sync', 'conflicts')).conflicts).toEqual([]);
    });

    it('resolved --theirs: this plan takes the tenant\'s value, keeping its own other change', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      await a.ok('sync', 'resolve', String(c.id), '--theirs');
      expect(subnet(a.db, '10.0.0.0/16')).toMatchObject({ description: 'theirs' });
      await converge(a, b, tenant.db);
      expect(subnet(tenant.db, '10.0.0.0/16')).toMatchObject({ description: 'theirs', location: 'US-NYC' });
      expect((await a.ok('sync', 'conflicts', '--all')).conflicts[0].mine.description).toBe('mine');
    });
  });

  describe('allocation: the same space allocated on both sides', () => {
    const mine = [['allocate', 'subnet', '--cidr', '192.0.2.0/26', '--customer', 'cust-a', '--description', 'web']];
    const theirs = [['allocate', 'subnet', '--cidr', '192.0.2.0/26', '--customer', 'cust-b']];

    it('the same block with the same fields is no conflict', async () => {
      const { tenant, a, b } = await start();
      await b.ok('allocate', 'subnet', '--cidr', '192.0.2.0/26', '--customer', 'cust-a');
      await a.ok('allocate', 'subnet', '--cidr', '192.0.2.0/26', '--customer', 'cust-a');
      await b.sync();
      const r = await a.sync();
      expect(r.code).toBe(0);
      expect(r.body).toMatchObject({ conflicts: 0, pushed: 0 });
      await converge(a, b, tenant.db);
    });

    it('resolved --mine: the block goes to this plan\'s customer', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      expect(c).toMatchObject({ kind: 'allocation', row: 'subnet global 192.0.2.0/26' });
      expect(c.mine).toMatchObject({ customer: 'cust-a' });
      expect(c.theirs).toMatchObject({ customer: 'cust-b' });
      await a.ok('sync', 'resolve', String(c.id), '--mine');
      await converge(a, b, tenant.db);
      expect(subnet(b.db, '192.0.2.0/26')).toMatchObject({ customer: 'cust-a', description: 'web' });
    });

    it('resolved --theirs: this plan gives the block up', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      await a.ok('sync', 'resolve', String(c.id), '--theirs');
      await converge(a, b, tenant.db);
      expect(subnet(a.db, '192.0.2.0/26')).toMatchObject({ customer: 'cust-b', description: null });
    });

    it('resolved --reallocate: this plan\'s allocation moves to the next free block by the same policy', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      const r = await a.ok('sync', 'resolve', String(c.id), '--reallocate');
      expect(r.reallocated).toEqual([{ entity: 'subnet', from: '192.0.2.0/26', to: '192.0.2.64/26' }]);
      await converge(a, b, tenant.db);
      expect(subnet(tenant.db, '192.0.2.0/26')).toMatchObject({ customer: 'cust-b' });
      expect(subnet(tenant.db, '192.0.2.64/26')).toMatchObject({ customer: 'cust-a', description: 'web', effective_location: 'EU-FRA' });
    });

    it('overlapping blocks (a /25 there, a /26 inside it here): the whole /25 is contested, and re-allocated', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, [['allocate', 'subnet', '--cidr', '192.0.2.0/26', '--customer', 'cust-a']], [['allocate', 'subnet', '--cidr', '192.0.2.0/25', '--customer', 'cust-b']]);
      expect(c).toMatchObject({ kind: 'allocation', row: 'subnet global 192.0.2.0/25', region: '192.0.2.0/25' });
      expect(c.mine).toMatchObject({ allocation_status: 'subdivided' });
      expect(c.theirs).toMatchObject({ allocation_status: 'allocated', customer: 'cust-b' });
      expect(c.rows.map((r: { row: string }) => r.row)).toEqual(['subnet global 192.0.2.0/25', 'subnet global 192.0.2.0/26', 'subnet global 192.0.2.64/26']);
      const r = await a.ok('sync', 'resolve', String(c.id), '--reallocate');
      expect(r.reallocated).toEqual([{ entity: 'subnet', from: '192.0.2.0/26', to: '192.0.2.128/26' }]);
      await converge(a, b, tenant.db);
      expect(subnet(tenant.db, '192.0.2.0/25')).toMatchObject({ customer: 'cust-b' });
      expect(subnet(tenant.db, '192.0.2.128/26')).toMatchObject({ customer: 'cust-a' });
    });

    it('the same address allocated on both sides: re-allocated to the next free address', async () => {
      const { tenant, a, b } = await start();
      await a.ok('subnet', 'set', '198.51.100.0/24', '--ip-pool');
      await a.sync();
      await b.sync();
      const c = await clash(a, b, [['allocate', 'ip', '--customer', 'cust-a']], [['allocate', 'ip', '--customer', 'cust-b']]);
      expect(c).toMatchObject({ kind: 'allocation', row: 'ip global 198.51.100.1' });
      const r = await a.ok('sync', 'resolve', String(c.id), '--reallocate');
      expect(r.reallocated).toEqual([{ entity: 'ip', from: '198.51.100.1', to: '198.51.100.2' }]);
      await converge(a, b, tenant.db);
    });
  });

  describe('delete: one side deleted a row the other changed', () => {
    const mine = [['subnet', 'delete', '10.9.0.0/16']];
    const theirs = [['subnet', 'set', '10.9.0.0/16', '--description', 'still needed']];

    it('resolved --mine: the row goes on the tenant too', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      expect(c).toMatchObject({ kind: 'delete', row: 'subnet global 10.9.0.0/16', mine: null });
      expect(c.theirs).toMatchObject({ description: 'still needed' });
      await a.ok('sync', 'resolve', String(c.id), '--mine');
      await converge(a, b, tenant.db);
      expect(subnet(b.db, '10.9.0.0/16')).toBeUndefined();
    });

    it('resolved --theirs: the row comes back here, as the tenant has it', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      await a.ok('sync', 'resolve', String(c.id), '--theirs');
      await converge(a, b, tenant.db);
      expect(subnet(a.db, '10.9.0.0/16')).toMatchObject({ description: 'still needed' });
    });
  });

  describe('structure: the same block shaped differently (no allocation on both sides)', () => {
    const mine = [['subnet', 'set', '198.51.100.0/24', '--ip-pool']];
    const theirs = [['subnet', 'split', '198.51.100.0/24', '--to', '25']];

    it('resolved --mine: the tenant gets this plan\'s IP pool, its split undone', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      expect(c).toMatchObject({ kind: 'structure', row: 'subnet global 198.51.100.0/24', region: '198.51.100.0/24' });
      expect(c.mine).toMatchObject({ is_ip_pool: true, allocation_status: 'unallocated' });
      expect(c.theirs).toMatchObject({ allocation_status: 'subdivided' });
      await a.ok('sync', 'resolve', String(c.id), '--mine');
      await converge(a, b, tenant.db);
      expect(subnet(b.db, '198.51.100.0/24')).toMatchObject({ is_ip_pool: true });
      expect(subnet(b.db, '198.51.100.0/25')).toBeUndefined();
    });

    it('resolved --theirs: this plan takes the split', async () => {
      const { tenant, a, b } = await start();
      const c = await clash(a, b, mine, theirs);
      await a.ok('sync', 'resolve', String(c.id), '--theirs');
      await converge(a, b, tenant.db);
      expect(subnet(a.db, '198.51.100.0/24')).toMatchObject({ allocation_status: 'subdivided', is_ip_pool: false });
    });
  });

  it('a conflict stays open across syncs, follows the tenant\'s later changes, and resolving twice is refused', async () => {
    const { tenant, a, b } = await start();
    const c = await clash(a, b, [['subnet', 'set', '10.0.0.0/16', '--description', 'mine']], [['subnet', 'set', '10.0.0.0/16', '--description', 'theirs']]);
    await b.ok('subnet', 'set', '10.0.0.0/16', '--description', 'theirs, later');
    await b.sync();
    const again = await a.sync();
    expect(again.code).toBe(1);
    expect(again.body.new_conflicts).toEqual([]);
    const open = (await a.ok('sync', 'conflicts')).conflicts;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ id: c.id, theirs: { description: 'theirs, later' } });
    await a.ok('sync', 'resolve', String(c.id), '--theirs');
    const twice = await a.json('sync', 'resolve', String(c.id), '--mine');
    expect(twice.code).toBe(1);
    expect(twice.body.error.message).toMatch(/already resolved/);
    await converge(a, b, tenant.db);
    expect(subnet(tenant.db, '10.0.0.0/16')).toMatchObject({ description: 'theirs, later' });
  });
});

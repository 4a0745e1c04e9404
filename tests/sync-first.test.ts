/**
 * The first sync, in each situation: an empty plan clones the tenant, an empty tenant receives the
 * whole plan, two non-empty plans never synced are refused (with replace and merge offered), both
 * empty simply attach; and a plan never syncs with another tenant than its own.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invoke } from '../electron/api/handlers';
import { Plan } from '../electron/plan';
import { keyedFromSnapshot, planRows, SnapshotLoader, toSnapshotRow } from '../electron/sync/snapshot';
import { snapshotRow } from '../shared/sync/protocol';
import { tempDir } from './support/plan';
import { planImage, Planner, startTenant, tenantChangesets, violations } from './sync-helpers';

async function build(p: Planner, flavour: 'a' | 'b') {
  await p.ok('location', 'add', 'EU-FRA');
  await p.ok('vlan', 'add', '102', '--location', 'EU-FRA', '--name', 'public');
  await p.ok('customer', 'add', 'cust-1', '--name', 'First');
  await p.ok('device', 'add', 'srv-1', '--location', 'EU-FRA', '--kind', 'server');
  await p.ok('product', 'add', 'vps', '--ipam-config', '{"mode":"full","rules":[{"type":"ip","family":4}]}');
  await p.ok('service', 'add', 'svc-1', '--customer', 'cust-1', '--product', 'vps', '--device', 'srv-1');
  await p.ok('subnet', 'add', '203.0.113.0/24', '--location', 'EU-FRA', '--vlan', '102', '--ip-pool');
  await p.ok('provision', 'svc-1');
  await p.ok('device', 'mgmt', 'srv-1', '203.0.113.200', '--purpose', 'bmc');
  await p.ok('subnet', 'add', '10.0.0.0/8', '--location', 'EU-FRA');
  await p.ok('allocate', 'subnet', '--family', '4', '--prefix', flavour === 'a' ? '24' : '26', '--customer', 'cust-1', '--description', flavour);
  await p.ok('space', 'add', 'vrf-blue');
  await p.ok('subnet', 'add', '10.0.0.0/16', '--space', 'vrf-blue');
  await p.ok('subnet', 'add', '10.0.128.0/17', '--space', 'vrf-blue');
  await p.ok('subnet', 'park', '10.0.128.0/17', '--space', 'vrf-blue');
  await p.ok('subnet', 'add', '2001:db8::/32');
  await p.ok('allocate', 'subnet', '--family', '6', '--prefix', '56', '--customer', 'cust-1');
}

describe('the first sync', () => {
  it('an empty plan clones the tenant, as one remote action that undo leaves alone', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await build(a, 'a');
    await a.connect(tenant);
    await a.sync();
    const c = new Planner('carol');
    await c.connect(tenant);
    const r = await c.sync();
    expect(r.code).toBe(0);
    expect(r.body).toMatchObject({ mode: 'clone', status: 'synced', pushed: 0, conflicts: 0, version: 1 });
    expect(planImage(c.db)).toEqual(planImage(tenant.db));
    expect(violations(c.db)).toEqual([]);
    const journal = (await c.ok('journal')).batches;
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ origin: 'remote' });
    expect((await c.json('undo')).body.error.code).toBe('NOTHING_TO_UNDO');
    expect((await c.ok('sync', 'status')).pending).toBe(0);
  });

  it('an empty tenant receives the whole plan', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await build(a, 'a');
    await a.connect(tenant);
    const dry = await a.sync('--dry-run');
    expect(dry.body).toMatchObject({ mode: 'upload', status: 'preview' });
    expect(dry.body.pushed).toBeGreaterThan(20);
    expect(tenantChangesets(tenant.db)).toHaveLength(0);
    const r = await a.sync();
    expect(r.code).toBe(0);
    expect(r.body).toMatchObject({ mode: 'upload', pushed: dry.body.pushed, version: 1, pending: 0 });
    expect(tenantChangesets(tenant.db)).toHaveLength(1);
    expect(planImage(tenant.db)).toEqual(planImage(a.db));
    expect(violations(tenant.db)).toEqual([]);
    // From then on it is an ordinary sync.
    await a.ok('ip', 'park', '203.0.113.9');
    expect((await a.sync()).body).toMatchObject({ mode: 'sync', pushed: 1, version: 2 });
  });

  it('both empty: they simply attach, and work flows from there', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await a.connect(tenant);
    expect((await a.sync()).body).toMatchObject({ mode: 'attach', version: 0, pushed: 0, pulled: 0 });
    await a.ok('subnet', 'add', '192.0.2.0/24');
    expect((await a.sync()).body).toMatchObject({ mode: 'sync', pushed: 1, version: 1 });
  });

  it('two non-empty plans never synced: refused, nothing changed, replace or merge offered', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await build(a, 'a');
    await a.connect(tenant);
    await a.sync();
    const b = new Planner('bob');
    await build(b, 'b');
    await b.connect(tenant);
    const journal = (await b.ok('journal', '--limit', '1000')).batches;
    const r = await b.sync();
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'CONFLICT', reason: 'NEVER_SYNCED' });
    expect(r.body.error.message).toMatch(/--replace-local/);
    expect(r.body.error.message).toMatch(/--merge/);
    expect((await b.ok('journal', '--limit', '1000')).batches).toEqual(journal);
    expect(tenantChangesets(tenant.db)).toHaveLength(1);
    const human = await b.run('sync');
    expect(human.code).toBe(1);
    expect(human.err.join('\n')).toMatch(/replace this plan with the tenant's/);
  });

  it('--replace-local: the local plan becomes the tenant\'s', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await build(a, 'a');
    await a.connect(tenant);
    await a.sync();
    const b = new Planner('bob');
    await build(b, 'b');
    await b.ok('subnet', 'add', '172.16.0.0/12');
    await b.connect(tenant);
    const r = await b.sync('--replace-local');
    expect(r.code).toBe(0);
    expect(r.body).toMatchObject({ mode: 'replace', version: 1 });
    expect(planImage(b.db)).toEqual(planImage(tenant.db));
    expect(violations(b.db)).toEqual([]);
    await b.ok('subnet', 'add', '172.16.0.0/12');
    expect((await b.sync()).body).toMatchObject({ pushed: 1, conflicts: 0 });
  });

  it('--merge: rows only one side has are kept; every row both hold differently is a conflict to resolve', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await build(a, 'a');
    await a.connect(tenant);
    await a.sync();
    const b = new Planner('bob');
    await build(b, 'b');
    await b.ok('subnet', 'add', '172.16.0.0/12', '--description', 'only bob');
    await b.connect(tenant);
    const r = await b.sync('--merge');
    expect(r.code).toBe(1);
    expect(r.body.mode).toBe('merge');
    const conflicts = (await b.ok('sync', 'conflicts')).conflicts;
    // Alice allocated a /24 at 10.0.0.0, Bob a /26 there with another description: one contested region.
    expect(conflicts.map((c: { row: string; kind: string }) => [c.row, c.kind])).toEqual([['subnet global 10.0.0.0/24', 'allocation']]);
    for (const c of conflicts) await b.ok('sync', 'resolve', String(c.id), '--theirs');
    const done = await b.sync();
    expect(done.code).toBe(0);
    await a.sync();
    expect(planImage(b.db)).toEqual(planImage(tenant.db));
    expect(planImage(a.db)).toEqual(planImage(tenant.db));
    const tree = planImage(tenant.db).trees[0] as Array<Record<string, unknown>>;
    expect(tree.find((s) => s.cidr === '172.16.0.0/12')).toMatchObject({ description: 'only bob' });
    expect(tree.find((s) => s.cidr === '10.0.0.0/24')).toMatchObject({ description: 'a' });
    for (const f of [a.db, b.db, tenant.db]) expect(violations(f)).toEqual([]);
  });

  it('refuses to sync with another tenant than the one the plan knows', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await a.ok('subnet', 'add', '192.0.2.0/24');
    await a.connect(tenant);
    await a.sync();
    const port = Number(new URL(tenant.url).port);
    await tenant.stop();
    const other = await startTenant({ token: tenant.token, port });
    const o = new Planner('olga');
    await o.ok('subnet', 'add', '198.51.100.0/24');
    await o.connect(other);
    await o.sync();
    const r = await a.sync();
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'CONFLICT', reason: 'WRONG_TENANT' });
    expect(planImage(a.db).trees[0]).toHaveLength(1);
  });

  it('a clone writes exactly the rows (and journal) the engine\'s writers would', () => {
    const dir = tempDir();
    const src = Plan.open(join(dir, 'src.sqlite'));
    for (const [m, a] of [
      ['location.add', { code: 'EU-FRA' }], ['location.add', { code: 'US-NYC' }], ['vlan.add', { vid: 7, location: 'EU-FRA' }],
      ['customer.add', { id: 'c1' }], ['subnet.add', { cidr: '10.0.0.0/16', location: 'EU-FRA' }], ['subnet.add', { cidr: '10.0.64.0/18', location: 'US-NYC' }],
      ['allocate.subnet', { family: 4, prefix: 27, customer: 'c1' }], ['allocate.subnet', { family: 4, prefix: 24, customer: 'c1' }],
      ['subnet.add', { cidr: '10.0.200.0/24', ip_pool: true, vlan: 7 }], ['allocate.ip', { customer: 'c1' }], ['subnet.park', { cidr: '10.0.128.0/18' }],
      ['subnet.set', { cidr: '10.0.1.0/24', description: 'x' }], ['ip.park', { address: '10.0.0.40' }], ['subnet.add', { cidr: '2001:db8::/32' }],
      ['allocate.subnet', { family: 6, prefix: 64 }],
    ] as const) invoke(src, m, a);
    const rows = src.read(() => [...planRows(src)].map((r) => keyedFromSnapshot(snapshotRow.parse(JSON.parse(JSON.stringify(toSnapshotRow(r)))))));
    src.close();
    const images = [true, false].map((bulk) => {
      const file = join(dir, `clone-${bulk}.sqlite`);
      const plan = Plan.open(file);
      plan.mutate('clone', () => {
        const loader = new SnapshotLoader(plan, bulk);
        for (const r of rows) loader.add(r);
        loader.finish();
      }, { origin: 'remote' });
      const subnets = plan.q('SELECT * FROM subnets ORDER BY id').all();
      const ips = plan.q('SELECT * FROM ip_addresses ORDER BY id').all();
      const journal = plan.q('SELECT entity, entity_id, key, op, before, after FROM journal_records ORDER BY id').all();
      plan.close();
      expect(violations(file)).toEqual([]);
      return JSON.stringify({ subnets, ips, journal }).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T');
    });
    expect(images[0]).toEqual(images[1]);
    expect(planImage(join(dir, 'clone-true.sqlite'))).toEqual(planImage(join(dir, 'src.sqlite')));
  });
});

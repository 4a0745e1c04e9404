/**
 * Each fault switch of the tenant emulator, and a crash between a commit and its bookkeeping: every
 * local change is applied exactly once. "Exactly once": the tenant committed the action in exactly
 * one changeset (the labels of its committed changesets name it once), the changeset was posted
 * again only under its own id, and the plans of the tenant and of both planners end equal.
 */
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliProcess, logOf, planImage, Planner, startTenant, tenantChangesets, violations, type Tenant } from './sync-helpers';

async function pair(faults: string[], remoteOptions: string[] = []) {
  const tenant = await startTenant({ faults });
  const a = new Planner('alice');
  const b = new Planner('bob');
  await b.connect(tenant, remoteOptions);
  await a.connect(tenant, remoteOptions);
  return { tenant, a, b };
}

async function work(p: Planner) {
  await p.ok('location', 'add', 'EU-FRA');
  await p.ok('customer', 'add', 'cust-1');
  await p.ok('subnet', 'add', '192.0.2.0/24', '--location', 'EU-FRA');
  await p.ok('allocate', 'subnet', '--family', '4', '--prefix', '27', '--customer', 'cust-1');
  await p.ok('subnet', 'add', '198.51.100.0/24', '--ip-pool');
  await p.ok('allocate', 'ip', '--customer', 'cust-1');
}

/** Every committed changeset's labels, and how often each action appears among them. */
function actionCounts(tenant: Tenant): Map<string, number> {
  const counts = new Map<string, number>();
  for (const cs of tenantChangesets(tenant.db)) for (const l of cs.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return counts;
}

const postsOf = async (tenant: Tenant, id: string) => (await logOf(tenant)).filter((l) => l.includes(`changeset ${id} (`)).length;

function expectEqual(files: string[]) {
  const [first, ...rest] = files.map(planImage);
  for (const o of rest) expect(o).toEqual(first);
  for (const f of files) expect(violations(f)).toEqual([]);
}

describe('sync against a failing tenant: every local change exactly once', () => {
  it('--fail-before-commit: a 500 is retried with the same id and lands once', async () => {
    const { tenant, a, b } = await pair(['--fail-before-commit', '2']);
    await a.sync(); // both empty: attach (no POST)
    await work(a);
    const r = await a.sync(); // the first changeset POST of this tenant... the 2nd is the failing one below
    expect(r.code).toBe(0);
    await a.ok('allocate', 'subnet', '--family', '4', '--prefix', '28', '--customer', 'cust-1');
    const s = await a.sync();
    expect(s.code).toBe(0);
    expect(s.body.pushed).toBeGreaterThan(0);
    expect((await logOf(tenant)).some((l) => /POST #2: failing before commit/.test(l))).toBe(true);
    expect(await postsOf(tenant, s.body.changeset)).toBe(1);
    expect(tenantChangesets(tenant.db).filter((c) => c.id === s.body.changeset)).toHaveLength(1);
    expect(actionCounts(tenant).get('allocate 192.0.2.32/28 to cust-1')).toBe(1);
    expect((await a.ok('sync', 'status')).pending).toBe(0);
    await b.sync();
    expectEqual([a.db, b.db, tenant.db]);
  });

  it('--drop-after-commit: the answer is lost, the client asks, learns it landed, and does not send it again', async () => {
    const { tenant, a, b } = await pair(['--drop-after-commit', '1']);
    await a.sync();
    await work(a);
    const s = await a.sync();
    expect(s.code).toBe(0);
    expect((await logOf(tenant)).some((l) => /POST #1: committed, cutting the connection/.test(l))).toBe(true);
    expect(await postsOf(tenant, s.body.changeset)).toBe(1);
    expect(tenantChangesets(tenant.db)).toHaveLength(1);
    expect(actionCounts(tenant).get('allocate 192.0.2.0/27 to cust-1')).toBe(1);
    expect((await a.ok('sync', 'status')).pending).toBe(0);
    // Its own changeset is not pulled back and applied again.
    const again = await a.sync();
    expect(again.body).toMatchObject({ pulled: 0, pushed: 0 });
    await b.sync();
    expectEqual([a.db, b.db, tenant.db]);
  });

  it('--stall-after-commit: after a time-out the client asks before resending, and it landed', async () => {
    const { tenant, a, b } = await pair(['--stall-after-commit', '1'], ['--timeout-ms', '1500']);
    await a.sync();
    await work(a);
    const s = await a.sync();
    expect(s.code).toBe(0);
    expect((await logOf(tenant)).some((l) => /never answering/.test(l))).toBe(true);
    expect(await postsOf(tenant, s.body.changeset)).toBe(1);
    expect(tenantChangesets(tenant.db)).toHaveLength(1);
    await b.sync();
    expectEqual([a.db, b.db, tenant.db]);
  });

  it('--throttle: a 429 is retried after the Retry-After it names, with the same id', async () => {
    const { tenant, a } = await pair(['--throttle', '1']);
    await a.sync();
    await work(a);
    const t0 = Date.now();
    const s = await a.sync();
    expect(s.code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(await postsOf(tenant, s.body.changeset)).toBe(1);
    expect(tenantChangesets(tenant.db)).toHaveLength(1);
    expectEqual([a.db, tenant.db]);
  });

  it('--delay-ms: two planners syncing at the very same time, one rebases after a 409, each change lands once', async () => {
    const { tenant, a, b } = await pair(['--delay-ms', '1200']);
    await a.ok('location', 'add', 'EU-FRA');
    await a.ok('subnet', 'add', '192.0.2.0/24');
    await a.ok('customer', 'add', 'cust-1');
    await a.sync();
    await b.sync();
    // Both allocate in the same /24, in different halves; and both touch the same row's fields.
    await a.ok('allocate', 'subnet', '--cidr', '192.0.2.0/26', '--customer', 'cust-1');
    await b.ok('allocate', 'subnet', '--cidr', '192.0.2.128/26', '--customer', 'cust-1');
    await a.ok('subnet', 'set', '192.0.2.0/24', '--description', 'shared');
    await b.ok('subnet', 'set', '192.0.2.0/24', '--location', 'EU-FRA');
    // Alice's sync runs as a process of its own; once the tenant has answered her pull (slowly),
    // Bob's runs here (well inside the 1.2 s before her push can arrive): both pull version 1, both push on it, and the later push is refused with 409.
    const pulls = (await logOf(tenant)).filter((l) => /changes since/.test(l)).length;
    const alice = cliProcess(['sync', '--db', a.db, '--json']);
    for (let i = 0; i < 200 && (await logOf(tenant)).filter((l) => /changes since/.test(l)).length === pulls; i++);
    const pb = await b.sync();
    const pa = await alice;
    expect(pa.code, pa.stdout + pa.stderr).toBe(0);
    expect(pb.code).toBe(0);
    expect(JSON.parse(pa.stdout).conflicts).toBe(0);
    expect(pb.body.conflicts).toBe(0);
    const refused = (await logOf(tenant)).filter((l) => /: 409$/.test(l)).length;
    const counts = actionCounts(tenant);
    expect(counts.get('allocate 192.0.2.0/26 to cust-1')).toBe(1);
    expect(counts.get('allocate 192.0.2.128/26 to cust-1')).toBe(1);
    expect(refused).toBe(1);
    if (process.env.SYNC_DEBUG) console.log((await logOf(tenant)).join('\n'));
    await a.sync();
    await b.sync();
    expectEqual([a.db, b.db, tenant.db]);
  });

  it('--delay-ms longer than the time-out: offline, nothing lost; once the tenant answers in time, each change lands once', async () => {
    const tenant = await startTenant({ faults: ['--delay-ms', '2500'] });
    const a = new Planner('alice');
    await a.connect(tenant, ['--timeout-ms', '1000']);
    await work(a);
    const slow = await a.sync();
    expect(slow.code).toBe(1);
    expect(slow.body.error.reason).toBe('OFFLINE');
    expect(await a.ok('sync', 'status')).toMatchObject({ online: false, version: null });
    const port = Number(new URL(tenant.url).port);
    await tenant.stop();
    const fast = await startTenant({ db: tenant.db, token: tenant.token, port });
    const s = await a.sync();
    expect(s.code).toBe(0);
    expect(s.body.mode).toBe('upload');
    expect(tenantChangesets(fast.db)).toHaveLength(1);
    expectEqual([a.db, fast.db]);
  });

  it('a crash between the commit and its bookkeeping: the next sync asks, books it, and sends nothing twice', async () => {
    const { tenant, a, b } = await pair([]);
    await a.sync();
    await work(a);
    await a.sync();
    await a.ok('allocate', 'subnet', '--family', '4', '--prefix', '28', '--customer', 'cust-1');
    const s = await a.sync();
    const id = s.body.changeset as string;
    // Undo the bookkeeping as if the process had died right after the tenant committed.
    const raw = new Database(a.db);
    const remote = raw.prepare('SELECT id FROM sync_remotes').get() as { id: number };
    raw.prepare("UPDATE sync_sent SET state = 'sending', version = NULL WHERE id = ?").run(id);
    raw.prepare('DELETE FROM sync_pushed WHERE changeset_id = ?').run(id);
    const floor = (raw.prepare('SELECT MIN(batch_id) AS m FROM sync_pushed WHERE remote_id = ?').get(remote.id) as { m: number }).m;
    raw.prepare('UPDATE sync_remotes SET floor_batch = ?, version = version - 1').run(Math.max(0, floor - 1));
    raw.close();
    expect((await a.ok('sync', 'status')).unconfirmed).toBe(1);
    const settle = await a.sync();
    expect(settle.code).toBe(0);
    expect(settle.body).toMatchObject({ pushed: 0, pulled: 0 });
    expect(await a.ok('sync', 'status')).toMatchObject({ pending: 0, unconfirmed: 0 });
    expect(tenantChangesets(tenant.db).filter((c) => c.id === id)).toHaveLength(1);
    expect(tenantChangesets(tenant.db)).toHaveLength(2);
    await b.sync();
    expectEqual([a.db, b.db, tenant.db]);
  });
});

describe('Ctrl-C during a sync', () => {
  it('stops it at the next safe point: exit 130, CANCELLED, nothing sent, the change still pending for the next sync', async () => {
    const tenant = await startTenant({ faults: ['--delay-ms', '2000'] });
    const a = new Planner('alice');
    await a.connect(tenant);
    await a.sync(); // both empty: attach
    await a.ok('subnet', 'add', '192.0.2.0/24');
    const asked = (await logOf(tenant)).filter((l) => l.includes(' changes since ')).length;
    let sync: ChildProcess | null = null;
    const done = cliProcess(['sync', '--db', a.db, '--json'], (proc) => (sync = proc));
    // Interrupted while the tenant holds the sync's pull: the request is on its way, nothing is sent yet.
    for (let i = 0; (await logOf(tenant)).filter((l) => l.includes(' changes since ')).length === asked; i++) {
      if (i > 100) throw new Error('the sync never asked the tenant for its changes');
    }
    sync!.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('stopping at the next safe point');
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'CANCELLED', message: 'The sync was cancelled; nothing was sent and the plan is as it was' } });
    expect(tenantChangesets(tenant.db)).toEqual([]);
    expect(await a.ok('sync', 'status')).toMatchObject({ pending: 1, unconfirmed: 0 });
    const again = await a.sync();
    expect(again.code).toBe(0);
    expect(again.body).toMatchObject({ status: 'synced', pending: 0 });
    expect(tenantChangesets(tenant.db)).toHaveLength(1);
    expectEqual([a.db, tenant.db]);
  });
});

/**
 * Work done while a network call is on its way is never booked as pushed.
 *
 * rdns.push and sync.run are async: they read the plan, await the network, and then write what came
 * of it in a short transaction. Meanwhile the engine (one thread) answers other calls, so the plan
 * can change between the read and the write. Both must check again, in the final write, what they
 * read before the await:
 *
 *  - rDNS push (electron/rdns/push.ts, `record`): an IP record whose PTR name changed while the push
 *    was on its way is not stamped `rdns_updated_at` (the provider holds the old name, so the record
 *    is still pending); an IP record nobody touched is stamped; a provider removed meanwhile gets no
 *    push state written for it.
 *  - Sync (electron/sync/sync.ts): when the changeset lands, only the journal batches it carried
 *    (recorded in sync_sent) are marked pushed; a change made while the POST was on its way stays
 *    pending, and the next sync pushes it, after which the tenant's plan equals the local one. This
 *    holds for a regular sync (a new row, and an edit of the very row being sent), for the first
 *    sync that sends the whole plan to an empty tenant (booked up to the batch it read, not beyond),
 *    and for a clone (work journaled while the snapshot downloads stays this plan's own).
 *
 * The engine runs in this test's process, on this thread, so a call made while the async call awaits
 * really interleaves with it. The slow servers (tests/support/slow-powerdns.ts in-process; the tenant
 * emulator with --delay-ms as a child process) hold every answer back, which keeps the window open;
 * the test never relies on timing for its verdicts: it waits for a state (a request the stand-in
 * holds, a sync_sent row in state 'sending'), makes its change synchronously while that state holds,
 * and asserts only on states and orderings afterwards.
 *
 * Without the re-checks, these assertions fail: a push that stamped every record it sent would stamp
 * the renamed record (rdns_updated_at not null); a push that wrote state for every provider it
 * started with would resurrect rdns_pushed rows of a removed provider (or throw looking it up); a
 * sync that marked every pending batch pushed on landing (or, for the first upload, moved the floor to
 * the newest batch) would report pending 0 after the first sync, push nothing in the second, and leave
 * the tenant without the second change. Each case also checks that no transaction is open while the
 * call waits on the network (better-sqlite3 would otherwise run the interleaved write as a savepoint
 * of it, and the write would appear to succeed).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../electron/api/handlers';
import type { Plan } from '../electron/plan';
import { freshPlan, tempDir } from './support/plan';
import { startSlowPowerDns, type SlowPowerDns } from './support/slow-powerdns';
import { planImage, startTenant, tenantChangesets, tokenFile, violations } from './sync-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls (every 20 ms, yielding to the event loop) until `ready` holds; fails with `what` if it never does. */
async function until(what: string, ready: () => boolean, limitMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + limitMs; !ready(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------- rDNS push

const ZONE = '2.0.192.in-addr.arpa';
const PDNS_DELAY_MS = 400;

const stands: SlowPowerDns[] = [];
afterEach(async () => {
  while (stands.length) await stands.pop()!.close();
});

/**
 * A plan with two named IP records (192.0.2.10 and .11) in a zone served by a PowerDNS stand-in that
 * holds every answer for PDNS_DELAY_MS.
 */
async function rdnsSetup() {
  const key = randomBytes(24).toString('hex');
  const keyFile = join(tempDir(), 'pdns.key');
  writeFileSync(keyFile, `${key}\n`);
  chmodSync(keyFile, 0o600);
  const pdns = await startSlowPowerDns({ key, delayMs: PDNS_DELAY_MS, zones: [ZONE] });
  stands.push(pdns);
  const p = freshPlan();
  p.call('subnet.add', { cidr: '192.0.2.0/24' });
  p.call('subnet.add', { cidr: '192.0.2.0/28', ip_pool: true });
  p.call('allocate.ip', { family: 4, address: '192.0.2.10' });
  p.call('allocate.ip', { family: 4, address: '192.0.2.11' });
  p.call('rdns.set', { address: '192.0.2.10', name: 'old10.example.net' });
  p.call('rdns.set', { address: '192.0.2.11', name: 'web11.example.net' });
  p.call('rdns.provider.add', { name: 'pdns', type: 'powerdns', url: pdns.url, secret_file: keyFile });
  p.call('rdns.zone.add', { zone: '192.0.2.0/24', provider: 'pdns' });
  expect(p.call('rdns.pending', {}).providers).toMatchObject([{ provider: 'pdns', pending: 2, create: 2 }]);
  return { ...p, pdns, keyFile };
}

/** The IP record at an address, as ip.list shows it. */
function ipAt(plan: Plan, address: string) {
  const ip = invoke(plan, 'ip.list', {}).ips.find((i) => i.address === address);
  if (!ip) throw new Error(`no IP record at ${address}`);
  return ip;
}

/** The PTR content the stand-in holds for a last octet of 192.0.2.0/24 (undefined: none). */
const ptrAt = (pdns: SlowPowerDns, octet: number) => pdns.rrsets(ZONE)?.find((r) => r.type === 'PTR' && r.name === `${octet}.${ZONE}.`)?.records.map((r) => r.content);

/**
 * Starts a push and resolves once the stand-in holds its PATCH (the changes are on their way, the push
 * awaits the answer). The push's promise comes back wrapped: returned bare, this async function would
 * adopt it and resolve only when the push is done.
 */
async function pushUntilPatchHeld(p: { plan: Plan }, pdns: SlowPowerDns) {
  const before = pdns.requests.length;
  const pushing = invoke(p.plan, 'rdns.push', {});
  expect(pushing).toBeInstanceOf(Promise);
  // Keep a rejection observed while the test is busy elsewhere; it is awaited below.
  pushing.catch(() => {});
  await until("the stand-in holds the push's PATCH", () => pdns.requests.slice(before).some((r) => r.method === 'PATCH' && r.answeredAt === null));
  return { pushing };
}

describe('an rDNS push while the plan changes under it', () => {
  it('does not stamp a record renamed while the push was on its way; stamps the untouched one; the next push sends the new name', async () => {
    const p = await rdnsSetup();
    const { pushing } = await pushUntilPatchHeld(p, p.pdns);

    // The push waits on the network: no transaction is open, and a write goes through at once.
    expect(p.plan.sqlite.inTransaction).toBe(false);
    const renamed = p.call('rdns.set', { address: '192.0.2.10', name: 'new10.example.net' });
    expect(renamed).toMatchObject({ rdns: 'new10.example.net', previous: 'old10.example.net' });
    expect(p.pdns.held(), 'the rename must happen while the stand-in still holds the PATCH').toBeGreaterThan(0);

    const first = await pushing;
    expect(first).toMatchObject({ ok: true, dry_run: false });
    expect(first.zones).toHaveLength(1);
    expect(first.zones[0]).toMatchObject({ provider: 'pdns', zone: ZONE, status: 'applied', changed: [], deleted: [], failed: [] });
    // What went over the wire is what the plan wanted when the push read it: the old name.
    expect(first.zones[0]!.created).toEqual([
      { name: `10.${ZONE}`, type: 'PTR', content: 'old10.example.net' },
      { name: `11.${ZONE}`, type: 'PTR', content: 'web11.example.net' },
    ]);
    expect(ptrAt(p.pdns, 10)).toEqual(['old10.example.net.']);
    expect(ptrAt(p.pdns, 11)).toEqual(['web11.example.net.']);

    // The renamed record is not stamped: its name has not reached the provider.
    const ten = ipAt(p.plan, '192.0.2.10');
    expect(ten.rdns).toBe('new10.example.net');
    expect(ten.rdns_updated_at).toBeNull();
    // The record nobody touched is stamped: the stamp works at all.
    const eleven = ipAt(p.plan, '192.0.2.11');
    expect(eleven.rdns).toBe('web11.example.net');
    expect(eleven.rdns_updated_at).not.toBeNull();
    // The push state is what the provider holds, so the rename is one pending change.
    expect(first.pending).toEqual([{ provider: 'pdns', pending: 1 }]);
    expect(p.call('rdns.pending', {}).providers).toMatchObject([{ provider: 'pdns', pending: 1, create: 0, change: 1, delete: 0 }]);
    expect(invoke(p.plan, 'ip.list', { ptr: 'unpushed' }).ips.map((i) => i.address)).toEqual(['192.0.2.10']);

    // The next push (nothing interleaved) sends the new name and stamps the record.
    const second = await p.call('rdns.push', {});
    expect(second).toMatchObject({ ok: true, pending: [{ provider: 'pdns', pending: 0 }] });
    expect(second.zones[0]).toMatchObject({
      status: 'applied',
      created: [],
      changed: [{ name: `10.${ZONE}`, type: 'PTR', from: 'old10.example.net', to: 'new10.example.net' }],
      deleted: [],
      failed: [],
    });
    expect(ptrAt(p.pdns, 10)).toEqual(['new10.example.net.']);
    expect(ipAt(p.plan, '192.0.2.10').rdns_updated_at).not.toBeNull();
    expect(ipAt(p.plan, '192.0.2.11').rdns_updated_at).toBe(eleven.rdns_updated_at);
    expect(p.call('rdns.pending', {}).providers).toMatchObject([{ provider: 'pdns', pending: 0 }]);
    expect(p.check()).toEqual([]);
  });

  it('refuses a second push while one is on its way (BUSY), and lets a dry run read beside it', async () => {
    const p = await rdnsSetup();
    const { pushing } = await pushUntilPatchHeld(p, p.pdns);
    expect(await p.refuseAsync('rdns.push', {})).toMatchObject({ code: 'BUSY', message: expect.stringContaining('already running') });
    expect(p.pdns.held(), 'the dry run must start while the push is still on its way').toBeGreaterThan(0);
    const preview = await p.call('rdns.push', { dry_run: true });
    expect(preview).toMatchObject({ dry_run: true, ok: true });
    expect(await pushing).toMatchObject({ ok: true, pending: [{ provider: 'pdns', pending: 0 }] });
    // Once it is over, the next push may go (nothing left to do).
    expect(await p.call('rdns.push', {})).toMatchObject({ ok: true, zones: [{ status: 'unchanged' }] });
  });

  it('writes nothing for a provider removed while the push was on its way', async () => {
    const p = await rdnsSetup();
    const providerId = (p.plan.q("SELECT id FROM rdns_providers WHERE name = 'pdns'").get() as { id: number }).id;
    const { pushing } = await pushUntilPatchHeld(p, p.pdns);

    expect(p.plan.sqlite.inTransaction).toBe(false);
    p.call('rdns.zone.remove', { zone: '192.0.2.0/24' });
    p.call('rdns.provider.remove', { name: 'pdns' });
    expect(p.pdns.held(), 'the removal must happen while the stand-in still holds the PATCH').toBeGreaterThan(0);

    const push = await pushing;
    // The provider did apply the zone (it was sent before the removal) ...
    expect(push.zones).toMatchObject([{ provider: 'pdns', zone: ZONE, status: 'applied' }]);
    expect(ptrAt(p.pdns, 10)).toEqual(['old10.example.net.']);
    // ... but the plan no longer has that provider: no push state for it, and no record stamped on its behalf.
    expect(p.plan.q('SELECT COUNT(*) AS n FROM rdns_pushed WHERE provider_id = ?').get(providerId)).toEqual({ n: 0 });
    expect(ipAt(p.plan, '192.0.2.10').rdns_updated_at).toBeNull();
    expect(ipAt(p.plan, '192.0.2.11').rdns_updated_at).toBeNull();
    expect(p.call('rdns.provider.list', {}).providers.map((x) => x.name)).not.toContain('pdns');
    // Added again, it is a new provider with everything still to push.
    p.call('rdns.provider.add', { name: 'pdns', type: 'powerdns', url: p.pdns.url, secret_file: p.keyFile });
    p.call('rdns.zone.add', { zone: '192.0.2.0/24', provider: 'pdns' });
    expect(p.call('rdns.pending', {}).providers).toMatchObject([{ provider: 'pdns', pending: 2, create: 2 }]);
    expect(p.check()).toEqual([]);
  });
});

// ---------------------------------------------------------------- sync

const TENANT_DELAY_MS = 500;

/** The label of the newest journal batch (the action just done). */
const lastLabel = (plan: Plan) => invoke(plan, 'journal.list', { limit: 1 }).batches[0]!.label;

/** A plan in-process, synced once with a fresh tenant emulator that holds every answer for TENANT_DELAY_MS. */
async function syncSetup() {
  const tenant = await startTenant({ faults: ['--delay-ms', String(TENANT_DELAY_MS)] });
  const p = freshPlan();
  p.call('sync.remote.add', { name: 'fb', url: tenant.url, secret_file: tokenFile(tenant.token) });
  p.call('location.add', { code: 'EU-FRA' });
  p.call('subnet.add', { cidr: '192.0.2.0/24', location: 'EU-FRA' });
  const upload = await p.call('sync.run', {});
  expect(upload).toMatchObject({ mode: 'upload', status: 'synced', pending: 0 });
  expect(p.call('sync.status', {})).toMatchObject({ pending: 0, unconfirmed: 0 });
  return { ...p, tenant };
}

/** The changeset this plan has on its way to the tenant (sent, no answer yet), if any. */
const sending = (plan: Plan) => plan.q("SELECT id, batches FROM sync_sent WHERE state = 'sending'").get() as { id: string; batches: string } | undefined;

/** Starts a sync and resolves once its changeset is on its way (recorded as 'sending': the POST is awaited); the sync's promise comes back wrapped. */
async function syncUntilSending(plan: Plan) {
  expect(sending(plan)).toBeUndefined();
  const syncing = invoke(plan, 'sync.run', {});
  expect(syncing).toBeInstanceOf(Promise);
  syncing.catch(() => {});
  await until('the sync has a changeset on its way', () => sending(plan) !== undefined);
  return { syncing };
}

describe('a sync while the plan changes under it', () => {
  it('books as pushed only the batches its changeset carried; a change made while the POST was on its way is pushed by the next sync', async () => {
    const p = await syncSetup();
    const before = tenantChangesets(p.tenant.db);

    p.call('subnet.add', { cidr: '198.51.100.0/24' });
    const firstLabel = lastLabel(p.plan);
    const firstBatch = invoke(p.plan, 'journal.list', { limit: 1 }).batches[0]!.id;
    expect(p.call('sync.status', {}).pending).toBe(1);

    const { syncing } = await syncUntilSending(p.plan);
    const onItsWay = sending(p.plan)!;
    expect(JSON.parse(onItsWay.batches)).toEqual([firstBatch]);

    // The sync waits on the tenant: no transaction is open, and local work goes through at once.
    expect(p.plan.sqlite.inTransaction).toBe(false);
    p.call('customer.add', { id: 'cust-2' });
    const secondLabel = lastLabel(p.plan);
    expect(sending(p.plan)?.id, 'the change must be made while the changeset is still on its way').toBe(onItsWay.id);

    const first = await syncing;
    expect(first).toMatchObject({ mode: 'sync', status: 'synced', conflicts: 0, changeset: onItsWay.id });
    // Exactly the first change went: one changeset, labelled with the first action only.
    const landed = tenantChangesets(p.tenant.db).slice(before.length);
    expect(landed).toEqual([expect.objectContaining({ id: onItsWay.id, labels: [firstLabel], changes: first.pushed })]);
    expect(first.pushed).toBeGreaterThan(0);
    expect(first.preview.push.subnets_created).toEqual(['198.51.100.0/24']);
    expect(first.preview.push.catalog).toEqual([]);
    // The change made meanwhile is still pending (the result and the status agree).
    expect(first.pending).toBe(1);
    expect(p.call('sync.status', {})).toMatchObject({ pending: 1, unconfirmed: 0, conflicts: 0 });
    expect(p.plan.q('SELECT COUNT(*) AS n FROM sync_pushed WHERE batch_id = ?').get(firstBatch)).toEqual({ n: 1 });
    const tenantCustomers = () => planImage(p.tenant.db).catalog as { customers: Array<{ customer: string }> };
    expect(tenantCustomers().customers.map((c) => c.customer)).not.toContain('cust-2');

    // The next sync pushes it, and nothing else.
    const second = await p.call('sync.run', {});
    expect(second).toMatchObject({ mode: 'sync', status: 'synced', pulled: 0, conflicts: 0, pending: 0 });
    expect(second.pushed).toBeGreaterThan(0);
    expect(second.preview.push.subnets_created).toEqual([]);
    expect(tenantChangesets(p.tenant.db).slice(before.length)).toEqual([
      expect.objectContaining({ id: onItsWay.id, labels: [firstLabel] }),
      expect.objectContaining({ id: second.changeset, labels: [secondLabel], changes: second.pushed }),
    ]);
    expect(p.call('sync.status', {})).toMatchObject({ pending: 0, unconfirmed: 0, conflicts: 0 });
    expect(planImage(p.tenant.db)).toEqual(planImage(p.file));
    expect(violations(p.tenant.db)).toEqual([]);
    expect(p.check()).toEqual([]);
  });

  it('the first sync to an empty tenant: a change made while the whole plan was on its way stays pending', async () => {
    const tenant = await startTenant({ faults: ['--delay-ms', String(TENANT_DELAY_MS)] });
    const p = freshPlan();
    p.call('sync.remote.add', { name: 'fb', url: tenant.url, secret_file: tokenFile(tenant.token) });
    p.call('subnet.add', { cidr: '192.0.2.0/24' });

    const { syncing } = await syncUntilSending(p.plan);
    const onItsWay = sending(p.plan)!;
    expect(p.plan.sqlite.inTransaction).toBe(false);
    p.call('customer.add', { id: 'cust-2' });
    const secondLabel = lastLabel(p.plan);
    expect(sending(p.plan)?.id, 'the change must be made while the plan is still on its way').toBe(onItsWay.id);

    const upload = await syncing;
    expect(upload).toMatchObject({ mode: 'upload', status: 'synced', changeset: onItsWay.id, pending: 1 });
    expect(p.call('sync.status', {})).toMatchObject({ pending: 1, unconfirmed: 0 });
    expect((planImage(tenant.db).catalog as { customers: unknown[] }).customers).toEqual([]);

    const second = await p.call('sync.run', {});
    expect(second).toMatchObject({ mode: 'sync', status: 'synced', pulled: 0, pushed: 1, pending: 0 });
    expect(tenantChangesets(tenant.db).map((c) => c.labels)).toEqual([[`the whole plan of ${p.file}`], [secondLabel]]);
    expect(planImage(tenant.db)).toEqual(planImage(p.file));
  });

  it('a change to the very row on its way stays pending and is pushed from what the tenant then holds', async () => {
    const p = await syncSetup();
    const before = tenantChangesets(p.tenant.db);

    p.call('subnet.add', { cidr: '198.51.100.0/24', description: 'first' });
    const firstLabel = lastLabel(p.plan);

    const { syncing } = await syncUntilSending(p.plan);
    const onItsWay = sending(p.plan)!;
    expect(p.plan.sqlite.inTransaction).toBe(false);
    p.call('subnet.set', { cidr: '198.51.100.0/24', description: 'second' });
    const secondLabel = lastLabel(p.plan);
    expect(sending(p.plan)?.id, 'the change must be made while the changeset is still on its way').toBe(onItsWay.id);

    const first = await syncing;
    expect(first).toMatchObject({ status: 'synced', conflicts: 0, changeset: onItsWay.id, pending: 1 });
    const tenantSubnet = () => (planImage(p.tenant.db).trees[0] as Array<{ cidr: string; description: string | null }>).find((s) => s.cidr === '198.51.100.0/24');
    // The tenant has the subnet as it was sent; the plan has moved on.
    expect(tenantSubnet()?.description).toBe('first');
    expect(p.call('sync.status', {}).pending).toBe(1);

    const second = await p.call('sync.run', {});
    expect(second).toMatchObject({ status: 'synced', pulled: 0, conflicts: 0, pending: 0 });
    expect(second.pushed).toBe(1);
    expect(tenantChangesets(p.tenant.db).slice(before.length).map((c) => c.labels)).toEqual([[firstLabel], [secondLabel]]);
    expect(tenantSubnet()?.description).toBe('second');
    expect(planImage(p.tenant.db)).toEqual(planImage(p.file));
    expect(violations(p.tenant.db)).toEqual([]);
  });

  it('a clone: a change made while the snapshot was on its way stays this plan\'s own work, pending for the next push', async () => {
    const p = await syncSetup();
    const b = freshPlan();
    b.call('sync.remote.add', { name: 'fb', url: p.tenant.url, secret_file: tokenFile(p.tenant.token) });
    const { job } = b.call('sync.start', {});
    // The clone was decided (the tenant answered it holds a plan) and the snapshot is on its way.
    await until('the sync downloads the snapshot', () => b.call('sync.job', { job }).phase === 'cloning');
    expect(b.plan.sqlite.inTransaction).toBe(false);
    b.call('customer.add', { id: 'cust-during-clone' });
    const label = lastLabel(b.plan);
    expect(b.call('sync.status', {}).version, 'the change must be made before the clone is applied').toBeNull();

    await until('the clone is over', () => b.call('sync.job', { job }).state !== 'running');
    expect(b.call('sync.job', { job })).toMatchObject({ state: 'done', result: { mode: 'clone', status: 'synced' } });
    // The tenant's rows are here, and the customer added meanwhile is still this plan's own work.
    expect(b.call('subnet.get', { cidr: '192.0.2.0/24' }).subnet.location).toBe('EU-FRA');
    expect(b.call('sync.status', {})).toMatchObject({ pending: 1, conflicts: 0 });

    const next = await b.call('sync.run', {});
    expect(next).toMatchObject({ mode: 'sync', status: 'synced', pulled: 0, pushed: 1, pending: 0 });
    expect(tenantChangesets(p.tenant.db).at(-1)!.labels).toEqual([label]);
    expect(planImage(p.tenant.db)).toEqual(planImage(b.file));
  });
});

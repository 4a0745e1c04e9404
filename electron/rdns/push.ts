/**
 * Push: per provider and zone, read what the provider holds, diff it against the plan, and (unless a
 * dry run) apply the difference. Only records FluxPlan owns are changed; a zone that fails is
 * reported and the others go on. Afterwards one journaled batch sets rdns_updated_at on the IP
 * records whose PTR went through, and the push state (what FluxPlan knows to be at each provider)
 * is updated for the offline pending counts.
 *
 * The shape is read -> await the network -> write: the plan is read in short transactions, no
 * transaction is open while a provider answers, and the engine serves other calls meanwhile. So the
 * final write checks again what it read: an IP record whose name changed (or that was deleted) while
 * the push was on its way is not stamped as pushed, and stays pending for the next push.
 */
import { addressKey } from '../../shared/cidr';
import { addressOfPtrName } from '../../shared/cidr/reverse';
import { FluxError } from '../../shared/errors';
import type { DnsRecord, PendingView, ZoneOutcome } from '../../shared/rdns';
import type { Plan } from '../plan';
import { getIp, ipsWhere, updateIp } from '../tree/rows';
import { Cloudflare } from './cloudflare';
import { Http } from '../net/http';
import { PowerDns } from './powerdns';
import { isEmpty, diffZone, normalizeContent, ownedAfter, type Adapter, type Applied, type Diff, type RemoteZone } from './remote';
import { readSecret, redact } from './secret';
import { readSettings } from './settings';
import { providers, requireProvider, zoneIdsOf, type ProviderRow } from './store';
import { providerZones, recordKey, type DesiredZone } from './zones';

export interface PushArgs {
  provider?: string | undefined;
  dry_run: boolean;
  secrets?: Record<string, string> | undefined;
}

export interface PushResult {
  dry_run: boolean;
  ok: boolean;
  zones: ZoneOutcome[];
  pending: Array<{ provider: string; pending: number }>;
}

// ---------------------------------------------------------------- pending (offline)

interface PushedRow {
  zone: string;
  name: string;
  type: DnsRecord['type'];
  content: string;
}

function pushedOf(plan: Plan, providerId: number): Map<string, PushedRow> {
  const rows = plan.q('SELECT zone, name, type, content FROM rdns_pushed WHERE provider_id = ?').all(providerId) as PushedRow[];
  return new Map(rows.map((r) => [recordKey(r), r]));
}

/** What differs between the plan and what FluxPlan last pushed to a provider, per zone. */
export function pendingFor(plan: Plan, provider: ProviderRow): PendingView {
  const view: PendingView = { provider: provider.name, type: provider.type, pending: 0, create: 0, change: 0, delete: 0, zones: [] };
  if (provider.type === 'internal') return view;
  const pushed = pushedOf(plan, provider.id);
  for (const d of providerZones(plan, provider)) {
    const z = { zone: d.zone.name, create: 0, change: 0, delete: 0 };
    for (const [k, rec] of d.records) {
      const was = pushed.get(k);
      if (!was) z.create++;
      else if (was.content !== normalizeContent(rec.content)) z.change++;
    }
    for (const [k, was] of pushed) if (was.zone === d.zone.name && !d.records.has(k)) z.delete++;
    if (z.create + z.change + z.delete) {
      view.zones.push(z);
      view.create += z.create;
      view.change += z.change;
      view.delete += z.delete;
    }
  }
  view.pending = view.create + view.change + view.delete;
  return view;
}

// ---------------------------------------------------------------- push

function selectProviders(plan: Plan, name: string | undefined): ProviderRow[] {
  if (name !== undefined) {
    const p = requireProvider(plan, name);
    if (p.type === 'internal') {
      throw new FluxError('INVALID_ARGUMENT', `rDNS provider ${p.name} is internal: the plan is its source; export its zones with: rdns zone-file ZONE`);
    }
    return [p];
  }
  const list = providers(plan).filter((p) => p.type !== 'internal');
  if (!list.length) throw new FluxError('NOT_FOUND', 'There is no rDNS provider to push to; add one with: rdns provider add NAME --type powerdns|cloudflare');
  return list;
}

/** Every provider's secret, checked before anything goes over the network: a refused secret file stops the whole push. */
function secretsFor(list: ProviderRow[], given: Record<string, string> | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const p of list) {
    const passed = given?.[p.name];
    if (passed !== undefined && passed.trim()) out.set(p.id, passed.trim());
    else if (p.secret_file) out.set(p.id, readSecret(p.secret_file));
    else {
      throw new FluxError('INVALID_ARGUMENT', `rDNS provider ${p.name} has no ${p.type === 'cloudflare' ? 'API token' : 'API key'}: give it a secret file with: rdns provider set ${p.name} --secret-file FILE`);
    }
  }
  return out;
}

function adapterFor(plan: Plan, p: ProviderRow, http: Http, secret: string, signal: AbortSignal | undefined): Adapter {
  const settings = plan.read(() => readSettings(plan));
  if (p.type === 'powerdns') return new PowerDns(http, p.url!, secret, settings, signal);
  return new Cloudflare(http, p.url!, secret, zoneIdsOf(p), settings, signal);
}

interface ZoneWork {
  provider: ProviderRow;
  desired: DesiredZone;
  remote: RemoteZone | null;
  diff: Diff | null;
  applied: Applied | null;
}

function outcome(provider: ProviderRow, d: DesiredZone, dryRun: boolean, zoneCreated: boolean, diff: Diff, applied: Applied | null): ZoneOutcome {
  const ok = (k: string) => dryRun || applied!.ok.has(k);
  const failed: ZoneOutcome['failed'] = diff.conflicts.map((c) => ({ name: c.record.name, type: c.record.type, error: c.error }));
  const o: ZoneOutcome = { provider: provider.name, zone: d.zone.name, status: 'unchanged', zone_created: zoneCreated, created: [], changed: [], deleted: [], failed, error: null };
  for (const r of diff.create) {
    if (ok(recordKey(r))) o.created.push(r);
    else failed.push({ name: r.name, type: r.type, error: applied!.failed.get(recordKey(r)) ?? 'not applied' });
  }
  for (const c of diff.change) {
    if (ok(recordKey(c.record))) o.changed.push({ name: c.record.name, type: c.record.type, from: c.from.contents.join(' '), to: c.record.content });
    else failed.push({ name: c.record.name, type: c.record.type, error: applied!.failed.get(recordKey(c.record)) ?? 'not applied' });
  }
  for (const r of diff.delete) {
    const rec = { name: r.name, type: r.type, content: r.contents.join(' ') };
    if (ok(`delete ${recordKey(r)}`)) o.deleted.push(rec);
    else failed.push({ name: r.name, type: r.type, error: applied!.failed.get(`delete ${recordKey(r)}`) ?? 'not applied' });
  }
  const did = o.created.length + o.changed.length + o.deleted.length;
  if (dryRun) o.status = did || zoneCreated ? 'preview' : failed.length ? 'partial' : 'unchanged';
  else if (failed.length) o.status = did ? 'partial' : 'failed';
  else o.status = did || zoneCreated ? 'applied' : 'unchanged';
  return o;
}

function failedOutcome(provider: ProviderRow, d: DesiredZone, error: string): ZoneOutcome {
  return { provider: provider.name, zone: d.zone.name, status: 'failed', zone_created: false, created: [], changed: [], deleted: [], failed: [], error };
}

/**
 * One push of a plan at a time in this process: two would change the same zones at once (Cloudflare
 * would get every new record twice). Dry runs only read at the provider, so they may run beside anything.
 */
const pushing = new WeakSet<Plan>();

export async function push(plan: Plan, args: PushArgs, signal?: AbortSignal): Promise<PushResult> {
  if (plan.sqlite.inTransaction) throw new FluxError('BUSY', 'an rDNS push cannot run inside a batch or another transaction; run it on its own');
  if (args.dry_run) return pushOnce(plan, args, signal);
  if (pushing.has(plan)) throw new FluxError('BUSY', 'an rDNS push of this plan is already running; wait for it to finish');
  pushing.add(plan);
  try {
    return await pushOnce(plan, args, signal);
  } finally {
    pushing.delete(plan);
  }
}

async function pushOnce(plan: Plan, args: PushArgs, signal: AbortSignal | undefined): Promise<PushResult> {
  const list = plan.read(() => selectProviders(plan, args.provider));
  const secrets = secretsFor(list, args.secrets);
  const http = new Http();
  const zones: ZoneOutcome[] = [];
  const done: ZoneWork[] = [];
  try {
    for (const provider of list) {
      const secret = secrets.get(provider.id)!;
      const adapter = adapterFor(plan, provider, http, secret, signal);
      const work = plan.read(() => providerZones(plan, provider));
      for (const desired of work) {
        try {
          let remote = await adapter.readZone(desired.zone);
          let created = false;
          if (!remote.exists) {
            if (!provider.create_zones) {
              const how =
                provider.type === 'powerdns'
                  ? `create it in PowerDNS, or let FluxPlan create missing zones: rdns provider set ${provider.name} --create-zones`
                  : `add it in Cloudflare, or give its id: rdns provider set ${provider.name} --zone-id ${desired.zone.name}=ID`;
              throw new FluxError('NOT_FOUND', `${adapter.label} has no zone ${desired.zone.name}; ${how}`);
            }
            if (!args.dry_run) await adapter.createZone(desired.zone);
            created = true;
            remote = args.dry_run ? { exists: true, records: [], ref: null } : await adapter.readZone(desired.zone);
          }
          const diff = diffZone(desired, remote);
          let applied: Applied | null = null;
          if (!args.dry_run) applied = isEmpty(diff) ? { ok: new Set(), failed: new Map() } : await adapter.apply(desired.zone, remote, diff);
          zones.push(outcome(provider, desired, args.dry_run, created, diff, applied));
          if (!args.dry_run) done.push({ provider, desired, remote, diff, applied });
        } catch (e) {
          if (signal?.aborted) throw e;
          zones.push(failedOutcome(provider, desired, redact((e as Error).message, secret)));
        }
      }
    }
  } finally {
    await http.close();
  }
  if (!args.dry_run && done.length) record(plan, done);
  const pending = plan.read(() => list.map((p) => ({ provider: p.name, pending: pendingFor(plan, p).pending })));
  return { dry_run: args.dry_run, ok: zones.every((z) => z.status !== 'failed' && z.status !== 'partial'), zones, pending };
}

/**
 * One journaled batch: rdns_updated_at on every IP record whose PTR went through (created, changed,
 * or deleted because its name was cleared) or was already right but never stamped, and the push
 * state of every zone read. What the plan wants is read again here: only IP records that still want
 * exactly what was pushed are stamped, and providers removed meanwhile are skipped.
 */
function record(plan: Plan, done: ZoneWork[]): void {
  const names = [...new Set(done.map((w) => w.provider.name))].join(', ');
  plan.mutate(`push rDNS to ${names}`, () => {
    const changed = new Set<number>();
    const inSync = new Set<number>();
    const live = new Map(providers(plan).map((p) => [p.id, p]));
    const now = new Map<number, Map<string, DesiredZone>>();
    /** The IP record behind a record key, if the plan still wants what was pushed for it. */
    const unchanged = (w: ZoneWork, k: string, pushed: DnsRecord): number | null => {
      const id = w.desired.ips.get(k);
      if (id === undefined) return null;
      let zones = now.get(w.provider.id);
      if (!zones) now.set(w.provider.id, (zones = new Map(providerZones(plan, live.get(w.provider.id)!).map((d) => [d.zone.name, d]))));
      const wanted = zones.get(w.desired.zone.name);
      const rec = wanted?.records.get(k);
      return rec && wanted!.ips.get(k) === id && normalizeContent(rec.content) === normalizeContent(pushed.content) ? id : null;
    };
    for (const w of done) {
      if (!live.has(w.provider.id)) continue;
      const { desired, diff, applied } = w;
      const ok = (k: string) => applied!.ok.has(k);
      const touched = new Set<string>();
      for (const rec of [...diff!.create, ...diff!.change.map((c) => c.record)]) {
        const k = recordKey(rec);
        touched.add(k);
        const id = ok(k) ? unchanged(w, k, rec) : null;
        if (id !== null) changed.add(id);
      }
      for (const c of diff!.conflicts) touched.add(recordKey(c.record));
      for (const [k, rec] of desired.records) {
        if (touched.has(k)) continue;
        const id = unchanged(w, k, rec);
        if (id !== null) inSync.add(id);
      }
      for (const r of diff!.delete) {
        if (r.type !== 'PTR' || !ok(`delete ${recordKey(r)}`)) continue;
        const a = addressOfPtrName(r.name);
        if (!a) continue;
        const ip = ipsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND address = ?').get(w.provider.space_id, a.version, addressKey(a.version, a.value));
        if (ip && ip.rdns === null) changed.add(ip.id);
      }
      writeState(plan, w.provider.id, desired.zone.name, ownedAfter(w.remote!, diff!, applied));
    }
    for (const id of changed) updateIp(plan, getIp(plan, id), { rdns_updated_at: plan.now });
    // Already right at the provider: stamped once, so a second push writes nothing.
    for (const id of inSync) {
      const ip = getIp(plan, id);
      if (!changed.has(id) && ip.rdns_updated_at === null) updateIp(plan, ip, { rdns_updated_at: plan.now });
    }
  });
}

function writeState(plan: Plan, providerId: number, zone: string, owned: Map<string, DnsRecord>): void {
  const before = plan.q('SELECT name, type, content FROM rdns_pushed WHERE provider_id = ? AND zone = ?').all(providerId, zone) as PushedRow[];
  const seen = new Set<string>();
  for (const r of before) {
    const k = recordKey(r);
    const now = owned.get(k);
    if (!now) plan.q('DELETE FROM rdns_pushed WHERE provider_id = ? AND name = ? AND type = ?').run(providerId, r.name, r.type);
    else if (now.content !== r.content) plan.q('UPDATE rdns_pushed SET content = ?, pushed_at = ? WHERE provider_id = ? AND name = ? AND type = ?').run(now.content, plan.now, providerId, r.name, r.type);
    seen.add(k);
  }
  for (const [k, r] of owned) {
    if (seen.has(k)) continue;
    plan
      .q('INSERT INTO rdns_pushed (provider_id, zone, name, type, content, pushed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(provider_id, name, type) DO UPDATE SET zone = excluded.zone, content = excluded.content, pushed_at = excluded.pushed_at')
      .run(providerId, zone, r.name.toLowerCase(), r.type, r.content, plan.now);
  }
}

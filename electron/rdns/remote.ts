/** What a provider holds in one zone, and the difference the plan makes to it. */
import type { DnsRecord } from '../../shared/rdns';
import type { DesiredZone, ZoneInfo } from './zones';
import { recordKey } from './zones';

export interface RemoteRecord {
  name: string;
  type: DnsRecord['type'];
  /** Contents, normalized (lower case, no trailing dot). PowerDNS rrsets may hold several. */
  contents: string[];
  /** Carries FluxPlan's mark; only such records are ever changed or deleted. */
  owned: boolean;
  /** Provider ids of the records (Cloudflare), one per content. */
  ids: string[];
}

export interface RemoteZone {
  exists: boolean;
  records: RemoteRecord[];
  /** The provider's id of the zone (Cloudflare). */
  ref: string | null;
}

export interface Change {
  record: DnsRecord;
  from: RemoteRecord;
}

export interface Diff {
  create: DnsRecord[];
  change: Change[];
  delete: RemoteRecord[];
  /** Names the plan wants that hold records FluxPlan does not own: left alone and reported. */
  conflicts: Array<{ record: DnsRecord; error: string }>;
}

/** What applying a diff did: the keys that went through, and why others did not. */
export interface Applied {
  ok: Set<string>;
  failed: Map<string, string>;
}

export interface Adapter {
  readonly label: string;
  readZone(zone: ZoneInfo): Promise<RemoteZone>;
  createZone(zone: ZoneInfo): Promise<void>;
  apply(zone: ZoneInfo, remote: RemoteZone, diff: Diff): Promise<Applied>;
}

export const normalizeContent = (s: string) => s.trim().toLowerCase().replace(/\.$/, '');

/** Creates what is missing, changes what differs, deletes owned records the plan no longer has; never touches what FluxPlan does not own. */
export function diffZone(desired: DesiredZone, remote: RemoteZone): Diff {
  const diff: Diff = { create: [], change: [], delete: [], conflicts: [] };
  const byKey = new Map<string, RemoteRecord[]>();
  for (const r of remote.records) {
    const k = recordKey(r);
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  for (const [k, want] of desired.records) {
    const have = byKey.get(k) ?? [];
    const foreign = have.filter((r) => !r.owned);
    const own = have.filter((r) => r.owned);
    if (foreign.length) {
      diff.conflicts.push({ record: want, error: `${want.name} already has a ${want.type} record FluxPlan does not own (${foreign.flatMap((r) => r.contents).join(', ')}); it was left alone` });
      continue;
    }
    if (!own.length) diff.create.push(want);
    else {
      const [first, ...extra] = own;
      const contents = [first!, ...extra].flatMap((r) => r.contents);
      if (contents.length !== 1 || contents[0] !== normalizeContent(want.content)) diff.change.push({ record: want, from: first! });
      diff.delete.push(...extra);
    }
  }
  for (const [k, have] of byKey) if (!desired.records.has(k)) diff.delete.push(...have.filter((r) => r.owned));
  return diff;
}

export const isEmpty = (d: Diff) => !d.create.length && !d.change.length && !d.delete.length;

/** Owned records after applying: what FluxPlan now knows to be at the provider. */
export function ownedAfter(remote: RemoteZone, diff: Diff, applied: Applied | null): Map<string, DnsRecord> {
  const out = new Map<string, DnsRecord>();
  for (const r of remote.records) if (r.owned && r.contents.length === 1) out.set(recordKey(r), { name: r.name, type: r.type, content: r.contents[0]! });
  if (!applied) return out;
  for (const r of diff.delete) if (applied.ok.has(`delete ${recordKey(r)}`)) out.delete(recordKey(r));
  for (const rec of [...diff.create, ...diff.change.map((c) => c.record)]) {
    if (applied.ok.has(recordKey(rec))) out.set(recordKey(rec), { ...rec, content: normalizeContent(rec.content) });
  }
  return out;
}

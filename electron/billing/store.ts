/**
 * Where billing keeps its data: transit service definitions (journaled through the catalog writers),
 * samples (bulk rows keyed by transit id and time, one import per transaction) and settings.
 */
import type { SampleKind, TransitDefinition } from '../../shared/billing/model';
import { SETTINGS, type SettingKey } from '../../shared/billing/model';
import { FluxError } from '../../shared/errors';
import { deleteRow, insertRow, updateRow } from '../catalog/rows';
import type { Plan } from '../plan';
import { deriveBps, deriveCounters, type CounterRow, type Derived } from './series';

export interface TransitRow {
  id: number;
  service_id: number;
  port_label: string | null;
  port_speed_mbps: number | null;
  model: TransitDefinition['model'];
  commit_mbps: number | null;
  included_gb: number | null;
  fee: number;
  tiers: string;
  tier_mode: TransitDefinition['tier_mode'];
  direction: TransitDefinition['direction'];
  unit_base: 1000 | 1024;
  rounding: TransitDefinition['rounding'];
  anchor_day: number;
  time_zone: string;
  missing_policy: TransitDefinition['missing'];
  start_date: string | null;
  end_date: string | null;
  created_at: string;
  updated_at: string;
}

export interface Transit {
  row: TransitRow;
  service: string;
  customer: string | null;
  def: TransitDefinition;
}

export function definitionOf(row: TransitRow): TransitDefinition {
  return {
    port: row.port_label,
    port_speed: row.port_speed_mbps,
    model: row.model,
    commit: row.commit_mbps,
    included: row.included_gb,
    fee: row.fee,
    tiers: JSON.parse(row.tiers),
    tier_mode: row.tier_mode,
    direction: row.direction,
    base: row.unit_base,
    rounding: row.rounding,
    anchor_day: row.anchor_day,
    tz: row.time_zone,
    missing: row.missing_policy,
    start: row.start_date,
    end: row.end_date,
  };
}

function columnsOf(def: TransitDefinition): Record<string, unknown> {
  return {
    port_label: def.port,
    port_speed_mbps: def.port_speed,
    model: def.model,
    commit_mbps: def.commit,
    included_gb: def.included,
    fee: def.fee,
    tiers: JSON.stringify(def.tiers),
    tier_mode: def.tier_mode,
    direction: def.direction,
    unit_base: def.base,
    rounding: def.rounding,
    anchor_day: def.anchor_day,
    time_zone: def.tz,
    missing_policy: def.missing,
    start_date: def.start,
    end_date: def.end,
  };
}

const SELECT = `SELECT t.*, s.ref AS service_ref, c.ref AS customer_ref FROM transit_services t
  JOIN services s ON s.id = t.service_id LEFT JOIN customers c ON c.id = s.customer_id`;

type Joined = TransitRow & { service_ref: string; customer_ref: string | null };

function transitOf(j: Joined): Transit {
  const { service_ref, customer_ref, ...row } = j;
  return { row, service: service_ref, customer: customer_ref, def: definitionOf(row) };
}

export function findTransit(plan: Plan, service: string): Transit | null {
  const j = plan.q(`${SELECT} WHERE s.ref = ?`).get(service) as Joined | undefined;
  return j ? transitOf(j) : null;
}

export function getTransit(plan: Plan, service: string): Transit {
  const t = findTransit(plan, service);
  if (!t) {
    const exists = plan.q('SELECT 1 FROM services WHERE ref = ?').get(service);
    throw new FluxError(
      'NOT_FOUND',
      exists ? `Service ${service} has no transit billing (add it with: transit add ${service} --model MODEL ...)` : `Service ${service} does not exist (add it with: service add ${service} --customer ID --product NAME)`,
    );
  }
  return t;
}

export function listTransit(plan: Plan): Transit[] {
  return (plan.q(`${SELECT} ORDER BY s.ref`).all() as Joined[]).map(transitOf);
}

export function insertTransit(plan: Plan, serviceId: number, def: TransitDefinition): TransitRow {
  return insertRow(plan, 'transit', { service_id: serviceId, ...columnsOf(def) }) as unknown as TransitRow;
}

export function updateTransit(plan: Plan, row: TransitRow, def: TransitDefinition): TransitRow {
  return updateRow(plan, 'transit', row as unknown as Record<string, unknown> & { id: number }, columnsOf(def)) as unknown as TransitRow;
}

export function deleteTransit(plan: Plan, row: TransitRow): void {
  deleteRow(plan, 'transit', row as unknown as Record<string, unknown> & { id: number });
}

// ---- samples

const SHIFT = 2 ** 32;
const KIND_CODE: Record<SampleKind, number> = { bps: 0, octets: 1 };
const KIND_NAME: SampleKind[] = ['bps', 'octets'];

/** The row key of a transit service's sample at Unix second t. */
export const sampleKey = (transitId: number, t: number) => transitId * SHIFT + t;
const lo = (transitId: number) => transitId * SHIFT;
const hi = (transitId: number) => (transitId + 1) * SHIFT;

/** A counter as SQLite stores it: 64-bit two's complement at and above 2^63. */
const toStored = (v: number | bigint) => (typeof v === 'bigint' ? BigInt.asIntN(64, v) : v);

export function sampleKind(plan: Plan, transitId: number): SampleKind | null {
  const row = plan.q('SELECT kind FROM transit_samples WHERE key >= ? AND key < ? LIMIT 1').get(lo(transitId), hi(transitId)) as { kind: number } | undefined;
  return row ? KIND_NAME[row.kind]! : null;
}

export function sampleSummary(plan: Plan, transitId: number): { kind: SampleKind | null; count: number; first: number | null; last: number | null } {
  const row = plan.q('SELECT count(*) AS n, min(key) AS first, max(key) AS last FROM transit_samples WHERE key >= ? AND key < ?').get(lo(transitId), hi(transitId)) as {
    n: number;
    first: number | null;
    last: number | null;
  };
  return {
    kind: row.n ? sampleKind(plan, transitId) : null,
    count: row.n,
    first: row.first === null ? null : row.first - lo(transitId),
    last: row.last === null ? null : row.last - lo(transitId),
  };
}

/** Writes samples (replacing any at the same times); returns how many replaced a stored one. */
export function writeSamples(plan: Plan, transitId: number, kind: SampleKind, samples: ReadonlyArray<{ t: number; in: number | bigint; out: number | bigint }>): number {
  const exists = plan.q('SELECT 1 FROM transit_samples WHERE key = ?');
  const put = plan.q('INSERT OR REPLACE INTO transit_samples (key, kind, in_value, out_value) VALUES (?, ?, ?, ?)');
  const code = KIND_CODE[kind];
  let replaced = 0;
  for (const s of samples) {
    const key = sampleKey(transitId, s.t);
    if (exists.get(key)) replaced++;
    put.run(key, code, toStored(s.in), toStored(s.out));
  }
  return replaced;
}

export function clearSamples(plan: Plan, transitId: number, from: number | null, to: number | null): number {
  const a = from === null ? lo(transitId) : Math.max(lo(transitId), sampleKey(transitId, Math.max(0, from)));
  const b = to === null ? hi(transitId) : Math.min(hi(transitId), sampleKey(transitId, Math.max(0, to)));
  if (b <= a) return 0;
  return plan.q('DELETE FROM transit_samples WHERE key >= ? AND key < ?').run(a, b).changes;
}

interface StoredRow {
  key: bigint;
  kind: bigint;
  in_value: bigint | number;
  out_value: bigint | number;
}

/** Counters need every bit (BigInt); rates are plain numbers, read faster without. */
function readRows(plan: Plan, sql: string, ...args: number[]): StoredRow[] {
  const stmt = plan.q(sql);
  stmt.safeIntegers(true);
  try {
    return stmt.all(...args) as StoredRow[];
  } finally {
    stmt.safeIntegers(false);
  }
}

/**
 * The rates of a transit service's samples with from <= t < to, derived from the stored values
 * (counters take their first delta from the row just before `from`).
 */
export function loadDerived(plan: Plan, transitId: number, from: number, to: number, portBps: number | null): { derived: Derived; kind: SampleKind | null } {
  const a = sampleKey(transitId, Math.max(0, Math.min(from, SHIFT)));
  const b = sampleKey(transitId, Math.max(0, Math.min(to, SHIFT)));
  const kind = sampleKind(plan, transitId);
  if (kind !== 'octets') {
    const rows = (b > a ? plan.q('SELECT key, in_value, out_value FROM transit_samples WHERE key >= ? AND key < ? ORDER BY key').raw(true).all(a, b) : []) as Array<[number, number, number]>;
    const n = rows.length;
    const t = new Float64Array(n);
    const rin = new Float64Array(n);
    const rout = new Float64Array(n);
    const base = lo(transitId);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      t[i] = r[0] - base;
      rin[i] = r[1];
      rout[i] = r[2];
    }
    return { derived: deriveBps(t, rin, rout, portBps), kind };
  }
  const rows = b > a ? readRows(plan, 'SELECT key, kind, in_value, out_value FROM transit_samples WHERE key >= ? AND key < ? ORDER BY key', a, b) : [];
  const base = BigInt(lo(transitId));
  const time = (r: StoredRow) => Number(r.key - base);
  const counter = (r: StoredRow): CounterRow => ({
    t: time(r),
    in: BigInt.asUintN(64, BigInt(r.in_value)),
    out: BigInt.asUintN(64, BigInt(r.out_value)),
  });
  const prev = readRows(plan, 'SELECT key, kind, in_value, out_value FROM transit_samples WHERE key >= ? AND key < ? ORDER BY key DESC LIMIT 1', lo(transitId), a)[0];
  return { derived: deriveCounters(rows.map(counter), prev ? counter(prev) : null, portBps), kind };
}

// ---- settings

export function getSetting(plan: Plan, key: SettingKey): { value: string; source: 'set' | 'default' } {
  const row = plan.q('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  const parsed = row ? SETTINGS[key].schema.safeParse(row.value) : null;
  return parsed?.success ? { value: parsed.data, source: 'set' } : { value: SETTINGS[key].default, source: 'default' };
}

export function putSetting(plan: Plan, key: SettingKey, value: string): void {
  plan.q('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

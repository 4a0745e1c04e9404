/**
 * `npm run bench:billing`: a year of 5-minute samples for 1,000 transit services, billed monthly.
 *
 * 1. In memory (the goal: under 5 s). Each service's year (105,120 samples per direction) is generated
 *    into typed arrays, then timed: deriving rates and traffic (deriveBps, which also marks samples above
 *    the port speed) and computing 12 bills (computeBill: cycles in the service's time zone, the counted
 *    samples under its missing-sample policy, percentiles per direction by quickselect, transfer, overage,
 *    tiers, lines). That is the engine's billing path minus SQLite; 105M rows would not be read back
 *    from SQLite in 5 s on any laptop, so the storage path is measured apart (part 2).
 *    Every 50th bill is checked against a sort-based reference computed here independently.
 * 2. Through SQLite and the API, for a few services: importing a year's CSV (one transaction) and
 *    billing each month via `invoke(plan, 'transit.bill')`, plus the plan file's bytes per service-year.
 *
 * BILLING_SERVICES overrides the number of services (default 1000). Writes docs/benchmarks-billing.md.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Direction, IndexRule, MissingPolicy, TierBand } from '../shared/billing/model';
import { invoke } from '../electron/api/handlers';
import { Workspace, computeBill, type BillConfig } from '../electron/billing/bill';
import { cycleOf, type Cycle } from '../electron/billing/cycle';
import { percentileIndex } from '../electron/billing/percentile';
import { deriveBps, type Derived } from '../electron/billing/series';
import { Plan } from '../electron/plan';
import { describeMachine, load, machine, ms, nowMs } from './report';

const SERVICES = Number(process.env.BILLING_SERVICES ?? 1000);
const YEAR = 2025;
const START = Date.UTC(YEAR, 0, 1) / 1000;
const SLOTS = 365 * 288;
const MBPS = 1e6;
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
const MODELS = ['percentile', 'commit_burst', 'transfer', 'flat'] as const;
const DIRECTIONS: Direction[] = ['in', 'out', 'max', 'sum'];
const RULES: IndexRule[] = ['nearest_rank', 'librenms', 'cacti'];
const POLICIES: MissingPolicy[] = ['exclude', 'zero', 'spread'];
const LABELS = Array.from({ length: 12 }, (_, m) => `${YEAR}-${String(m + 1).padStart(2, '0')}`);

/** xorshift32: a fast deterministic generator in [0, 1). */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

interface Service {
  i: number;
  cfg: BillConfig;
  tz: string;
  anchor: number;
  portMbps: number;
  direction: Direction;
  rule: IndexRule;
}

function serviceOf(i: number): Service {
  const model = MODELS[i % 4]!;
  const tiers: TierBand[] = model === 'flat' ? [] : model === 'transfer' ? [{ up_to: 10_000, rate: 0.01 }, { up_to: null, rate: 0.005 }] : [{ up_to: 500, rate: 2 }, { up_to: null, rate: 1.5 }];
  return {
    i,
    cfg: {
      model,
      commit: model === 'percentile' || model === 'commit_burst' ? 200 + (i % 7) * 100 : null,
      included: model === 'transfer' ? 50_000 : null,
      fee: 100 + (i % 10) * 50,
      tiers,
      tier_mode: i % 5 === 0 ? 'volume' : 'graduated',
      base: i % 6 === 0 ? 1024 : 1000,
      rounding: i % 2 ? 'up' : 'none',
      missing: POLICIES[i % 3]!,
    },
    tz: ZONES[i % 3]!,
    anchor: i % 2 ? 1 : 15,
    portMbps: 10_000,
    direction: DIRECTIONS[(i >> 2) % 4]!,
    rule: RULES[i % 3]!,
  };
}

/** A year of rates: a daily curve around a per-service level, noise, 0.2% of slots missing and a rare spike past the port. */
function generate(s: Service, t: Float64Array, rin: Float64Array, rout: Float64Array): number {
  const r = rng(0x9e3779b9 ^ (s.i * 2654435761));
  const level = (100 + (s.i % 50) * 40) * MBPS;
  let n = 0;
  for (let j = 0; j < SLOTS; j++) {
    if (r() < 0.002) continue;
    const day = 0.6 + 0.4 * Math.sin((2 * Math.PI * (j % 288)) / 288);
    const spike = r() < 0.0001 ? 20 : 1;
    t[n] = START + j * 300;
    rin[n] = Math.round(level * day * (0.8 + 0.4 * r()) * spike);
    rout[n] = Math.round(level * 0.4 * day * (0.8 + 0.4 * r()));
    n++;
  }
  return n;
}

const cycles = new Map<string, Cycle>();
function cycle(label: string, anchor: number, tz: string): Cycle {
  const k = `${label} ${anchor} ${tz}`;
  let c = cycles.get(k);
  if (!c) cycles.set(k, (c = cycleOf(label, anchor, tz)));
  return c;
}

/** An independent, slow reference for one bill's percentile: build the counted values plainly and sort them. */
function reference(s: Service, t: Float64Array, rin: Float64Array, rout: Float64Array, n: number, c: Cycle): number {
  const limit = s.portMbps * s.cfg.base * s.cfg.base;
  const vin: number[] = [];
  const vout: number[] = [];
  const bySlot = new Map<number, number>();
  for (let k = 0; k < n; k++) if (t[k]! >= c.start && t[k]! < c.end) bySlot.set(Math.floor((t[k]! - c.start) / 300), k);
  const slots = Math.ceil((c.end - c.start) / 300);
  let gap = 0;
  for (let j = 0; j < slots; j++) {
    const k = bySlot.get(j);
    if (k === undefined) {
      gap++;
      if (s.cfg.missing === 'zero') vin.push(0), vout.push(0);
      continue;
    }
    const ok = !(rin[k]! > limit || rout[k]! > limit);
    if (ok) {
      if (s.cfg.missing === 'spread' && gap) {
        for (let g = 0; g <= gap; g++) vin.push(rin[k]! / (gap + 1)), vout.push(rout[k]! / (gap + 1));
      } else vin.push(rin[k]!), vout.push(rout[k]!);
    }
    gap = 0;
  }
  const idx = percentileIndex(s.rule, vin.length);
  if (!idx) return 0;
  const at = (v: number[]) => [...v].sort((a, b) => a - b)[idx.ascending]!;
  if (s.direction === 'in') return at(vin);
  if (s.direction === 'out') return at(vout);
  if (s.direction === 'sum') return at(vin.map((v, k) => v + vout[k]!));
  return Math.max(at(vin), at(vout));
}

function inMemory() {
  const t = new Float64Array(SLOTS);
  const rin = new Float64Array(SLOTS);
  const rout = new Float64Array(SLOTS);
  let genMs = 0;
  let deriveMs = 0;
  let billMs = 0;
  let samples = 0;
  let bills = 0;
  let checked = 0;
  let totalAmount = 0;
  let counted = 0;
  const perBill: number[] = [];
  // One workspace and one derived buffer for the whole batch, as a billing run over many services would use them.
  const ws = new Workspace();
  let reuse: Derived | undefined;
  for (let i = 0; i < SERVICES; i++) {
    const s = serviceOf(i);
    let t0 = nowMs();
    const n = generate(s, t, rin, rout);
    genMs += nowMs() - t0;
    samples += n;
    t0 = nowMs();
    const d = deriveBps(t.subarray(0, n), rin.subarray(0, n), rout.subarray(0, n), s.portMbps * s.cfg.base * s.cfg.base, reuse);
    reuse = d;
    deriveMs += nowMs() - t0;
    for (const label of LABELS) {
      const c = cycle(label, s.anchor, s.tz);
      const b0 = nowMs();
      const b = computeBill(s.cfg, d, { cycleStart: c.start, cycleEnd: c.end, start: c.start, end: c.end, asOf: Infinity }, s.rule, s.direction, false, ws);
      const spent = nowMs() - b0;
      billMs += spent;
      perBill.push(spent);
      bills++;
      totalAmount += b.total;
      counted += b.usage.n;
      if (bills % 50 === 0) {
        const want = reference(s, t, rin, rout, n, c);
        const got = b.billableBps;
        if (Math.abs(want - got) > 1e-6 * Math.max(1, want)) throw new Error(`service ${i} ${label}: percentile ${got} != reference ${want}`);
        checked++;
      }
    }
  }
  perBill.sort((a, b) => a - b);
  return { genMs, deriveMs, billMs, samples, bills, checked, totalAmount, counted, p50: perBill[Math.floor(perBill.length / 2)]!, p99: perBill[Math.floor(perBill.length * 0.99)]!, max: perBill[perBill.length - 1]! };
}

function throughSqlite(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'fluxplan-bench-billing-'));
  const file = join(dir, 'plan.sqlite');
  const plan = Plan.open(file);
  try {
    invoke(plan, 'customer.add', { id: 'cust-bench' });
    invoke(plan, 'product.add', { name: 'transit', ipam_config: { mode: 'disabled' } });
    const t = new Float64Array(SLOTS);
    const rin = new Float64Array(SLOTS);
    const rout = new Float64Array(SLOTS);
    const importMs: number[] = [];
    const billMs: number[] = [];
    let rows = 0;
    for (let i = 0; i < count; i++) {
      const s = serviceOf(i);
      invoke(plan, 'service.add', { id: `svc-${i}`, customer: 'cust-bench', product: 'transit' });
      invoke(plan, 'transit.add', {
        service: `svc-${i}`,
        model: s.cfg.model,
        ...(s.cfg.commit !== null ? { commit: s.cfg.commit } : {}),
        ...(s.cfg.included !== null ? { included: s.cfg.included } : {}),
        fee: s.cfg.fee,
        tiers: s.cfg.tiers,
        tier_mode: s.cfg.tier_mode,
        base: s.cfg.base,
        rounding: s.cfg.rounding,
        missing: s.cfg.missing,
        tz: s.tz,
        anchor_day: s.anchor,
        port_speed: s.portMbps,
        direction: s.direction,
      });
      const n = generate(s, t, rin, rout);
      const lines = ['timestamp,in,out'];
      for (let k = 0; k < n; k++) lines.push(`${i % 2 ? new Date(t[k]! * 1000).toISOString().replace('.000Z', 'Z') : t[k]},${rin[k]},${rout[k]}`);
      const csv = lines.join('\n');
      const t0 = nowMs();
      invoke(plan, 'transit.samples.import', { service: `svc-${i}`, csv, name: `svc-${i}.csv`, kind: 'bps' });
      importMs.push(nowMs() - t0);
      rows += n;
      for (const label of LABELS) {
        const b0 = nowMs();
        invoke(plan, 'transit.bill', { service: `svc-${i}`, cycle: label, rule: s.rule });
        billMs.push(nowMs() - b0);
      }
    }
    // Counters: one service-year of octet counters (BigInt deltas, wrap and reset checks).
    invoke(plan, 'service.add', { id: 'svc-octets', customer: 'cust-bench', product: 'transit' });
    invoke(plan, 'transit.add', { service: 'svc-octets', model: 'transfer', included: 1000, tiers: [{ up_to: null, rate: 0.01 }], port_speed: 10_000 });
    const n = generate(serviceOf(1), t, rin, rout);
    let cin = 0n;
    let cout = 0n;
    const lines = ['timestamp,in,out'];
    for (let k = 0; k < n; k++) {
      cin = (cin + BigInt(Math.round((rin[k]! * 300) / 8))) % (1n << 64n);
      cout = (cout + BigInt(Math.round((rout[k]! * 300) / 8))) % (1n << 64n);
      lines.push(`${t[k]},${cin},${cout}`);
    }
    let t0 = nowMs();
    invoke(plan, 'transit.samples.import', { service: 'svc-octets', csv: lines.join('\n'), name: 'octets.csv', kind: 'octets' });
    const octetImportMs = nowMs() - t0;
    t0 = nowMs();
    for (const label of LABELS) invoke(plan, 'transit.bill', { service: 'svc-octets', cycle: label });
    const octetBillsMs = nowMs() - t0;
    plan.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const counterRows = n;
    const bytes = statSync(file).size;
    importMs.sort((a, b) => a - b);
    billMs.sort((a, b) => a - b);
    return {
      count,
      rows,
      importMedian: importMs[Math.floor(importMs.length / 2)]!,
      billMedian: billMs[Math.floor(billMs.length / 2)]!,
      billMax: billMs[billMs.length - 1]!,
      bytesPerServiceYear: bytes / (count + 1),
      bytesPerRow: bytes / (rows + counterRows),
      octetImportMs,
      octetBillMs: octetBillsMs / 12,
      sqlite: (plan.sqlite.prepare('select sqlite_version() as v').get() as { v: string }).v,
    };
  } finally {
    plan.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const started = nowMs();
const loadBefore = load().text;
const mem = inMemory();
const computeMs = mem.deriveMs + mem.billMs;
const db = throughSqlite(Number(process.env.BILLING_SQLITE_SERVICES ?? 5));
const m = machine(db.sqlite);
const goal = computeMs < 5000 ? 'met' : 'MISSED';
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const fmt = (x: number) => x.toLocaleString('en-US');

const text = `# Benchmarks: IP transit billing

\`npm run bench:billing\` (bench/billing.ts): a year of 5-minute samples for ${fmt(SERVICES)} transit services, billed
monthly (12 cycles each, ${fmt(mem.bills)} bills). It is a benchmark, not a test: nothing here is timed in \`npm test\`.

Method:

- **In memory (the goal).** ${fmt(mem.samples)} samples per direction (${fmt(SLOTS)} slots per service-year, 0.2% left
  missing, rare spikes past the 10 Gbps port) are generated into typed arrays, one service at a time; the timer covers
  the engine's billing path from rates on: \`deriveBps\` (traffic per sample, samples above the port speed marked bad)
  and 12 x \`computeBill\` with one \`Workspace\` lent to every bill of the run (the cycle in the service's time zone and anchor day, counted samples under its missing-sample
  policy, the percentile per direction by Floyd-Rivest selection, transfer, overage, rounding, tiers, lines, total). Services mix
  every model, direction, index rule, missing-sample policy, tier mode, rounding, unit base, three time zones and two
  anchor days. Generating the data is timed apart and not counted. A year for 1,000 services is 105M rows per
  direction: read back from SQLite it would not fit in 5 s, which is why this part computes from arrays in memory.
- **Cross-check.** Every 50th bill's billable rate is recomputed by a plain reference in the benchmark (slots from a
  map, policies written out again, a full sort; only the index formula is the engine's, tested on its own in
  tests/billing-rules.test.ts): ${fmt(mem.checked)} bills, all must agree.
- **Through SQLite and the API.** For ${db.count} services (and one of octet counters), a year's CSV is imported with
  \`invoke(plan, 'transit.samples.import')\` (one transaction; parse with csv-parse, validate, write) and each month
  billed with \`invoke(plan, 'transit.bill')\` (read the cycle's rows, derive, bill, format). Storage is the plan
  file after a checkpoint, per service-year.

Latest run: ${new Date().toISOString().slice(0, 10)}, ${ms(nowMs() - started)} in all. Machine: ${describeMachine(m)}.
Load: at start ${loadBefore}; at end ${load().text}.

| measurement | figure | goal |
|---|---|---|
| derive + bill, ${fmt(SERVICES)} services x 12 months (${fmt(mem.samples)} samples) | **${ms(computeMs)}** (derive ${ms(mem.deriveMs)}, bills ${ms(mem.billMs)}) | < 5 s: ${goal} |
| one monthly bill (computeBill), p50 / p99 / max | ${ms(mem.p50)} / ${ms(mem.p99)} / ${ms(mem.max)} | |
| throughput | ${fmt(Math.round(mem.samples / (computeMs / 1000)))} samples/s | |
| generating the data (not counted) | ${ms(mem.genMs)} | |
| cross-checked bills | ${fmt(mem.checked)} of ${fmt(mem.bills)}, all equal | |
| SQLite: import a year's CSV for one service (105k rows, bps), median of ${db.count} | ${ms(db.importMedian)} | |
| SQLite: \`transit.bill\` for one month through the API, median / max | ${ms(db.billMedian)} / ${ms(db.billMax)} | |
| SQLite: import a year of octet counters / one monthly bill from counters | ${ms(db.octetImportMs)} / ${ms(db.octetBillMs)} | |
| SQLite: plan file per service-year / per sample row | ${mib(db.bytesPerServiceYear)} / ${db.bytesPerRow.toFixed(1)} bytes | |
| SQLite, extrapolated to ${fmt(SERVICES)} service-years (one process, one core) | ${(db.bytesPerServiceYear * SERVICES / 2 ** 30).toFixed(1)} GiB on disk; importing every year ${ms(db.importMedian * SERVICES)}; all ${fmt(SERVICES * 12)} bills through the API ${ms(db.billMedian * 12 * SERVICES)} | not the goal's path |

Sum of all in-memory bill totals (a checksum for reproducibility): ${mem.totalAmount.toFixed(2)}; counted samples: ${fmt(mem.counted)}.
`;

writeFileSync(join(process.cwd(), 'docs', 'benchmarks-billing.md'), text);
console.log(text);

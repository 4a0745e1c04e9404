/** The billing engine's operations: definitions, imports, bills, charts, settings. */
import { readFileSync } from 'node:fs';
import {
  DEFAULT_DIRECTION,
  SETTINGS,
  definitionProblems,
  transitDefinition,
  type Direction,
  type IndexRule,
  type SampleKind,
  type SettingKey,
  type TransitDefinition,
} from '../../shared/billing/model';
import type { BillView, ChartView, TransitView } from '../../shared/billing/views';
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { computeBill, type BillFigures } from './bill';
import { readSamplesCsv } from './csv';
import { checkZone, cycleAt, cycleOf, cyclesBetween, isoLocal, isoUtc, parseInstant, type Cycle } from './cycle';
import { INDEX_FORMULAS } from './percentile';
import { OK, NO_RATE, badReason } from './series';
import {
  clearSamples,
  deleteTransit,
  findTransit,
  getSetting,
  getTransit,
  insertTransit,
  listTransit,
  loadDerived,
  putSetting,
  sampleKind,
  sampleSummary,
  updateTransit,
  writeSamples,
  type Transit,
} from './store';
import { SOURCE_SPREAD, SOURCE_ZERO } from './usage';

const DEFAULTS = {
  port: null,
  port_speed: null,
  commit: null,
  included: null,
  fee: 0,
  tiers: [],
  tier_mode: 'graduated',
  direction: null,
  base: 1000,
  rounding: 'none',
  anchor_day: 1,
  tz: 'UTC',
  missing: 'exclude',
  start: null,
  end: null,
} as const;

const FIELDS = Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>;

/** Validates a whole definition, naming every problem; checks the contract dates in its time zone. */
export function validateDefinition(input: Record<string, unknown>): TransitDefinition {
  const parsed = transitDefinition.safeParse(input);
  if (!parsed.success) throw new FluxError('INVALID_ARGUMENT', `transit service is invalid: ${definitionProblems(parsed.error).join('; ')}`);
  const def = parsed.data;
  checkZone(def.tz);
  const start = def.start === null ? null : contractInstant(def.start, def.tz, 'start');
  const end = def.end === null ? null : contractInstant(def.end, def.tz, 'end');
  if (start !== null && end !== null && end <= start) throw new FluxError('INVALID_ARGUMENT', `transit service is invalid: end: the contract must end after it starts (${def.start})`);
  return def;
}

function contractInstant(text: string, tz: string, what: string): number {
  const t = parseInstant(text, tz);
  if (t === null) throw new FluxError('INVALID_ARGUMENT', `${what}: "${text}" is not YYYY-MM-DD or an ISO 8601 date-time`);
  return t;
}

/** An instant argument (at, from, to): ISO 8601 or Unix seconds; zone-less times are read in the billing time zone. */
function instantArg(text: string | undefined, tz: string, what: string): number | null {
  if (text === undefined) return null;
  const t = parseInstant(text, tz);
  if (t === null) throw new FluxError('INVALID_ARGUMENT', `${what}: "${text}" is not an ISO 8601 date or date-time, or Unix seconds`);
  return t;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

type DefinitionArgs = Partial<Record<keyof typeof DEFAULTS | 'model', unknown>>;

function pickDefined(args: DefinitionArgs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [...FIELDS, 'model'] as const) if (args[k] !== undefined) out[k] = args[k];
  return out;
}

export function addTransit(plan: Plan, service: string, args: DefinitionArgs): Transit {
  const svc = plan.q('SELECT id FROM services WHERE ref = ?').get(service) as { id: number } | undefined;
  if (!svc) throw new FluxError('NOT_FOUND', `Service ${service} does not exist (add it with: service add ${service} --customer ID --product NAME)`);
  if (findTransit(plan, service)) throw new FluxError('EXISTS', `Service ${service} already has transit billing; change it with: transit set ${service}`);
  const def = validateDefinition({ ...DEFAULTS, ...pickDefined(args) });
  insertTransit(plan, svc.id, def);
  return getTransit(plan, service);
}

export function setTransit(plan: Plan, service: string, args: DefinitionArgs): Transit {
  const t = getTransit(plan, service);
  const def = validateDefinition({ ...t.def, ...pickDefined(args) });
  updateTransit(plan, t.row, def);
  return getTransit(plan, service);
}

export function removeTransit(plan: Plan, service: string): void {
  const t = getTransit(plan, service);
  const held = sampleSummary(plan, t.row.id).count;
  if (held) {
    throw new FluxError('CONFLICT', `Service ${service} holds ${held} samples; they are not journaled, so remove them first with: transit samples clear ${service}`);
  }
  deleteTransit(plan, t.row);
}

// ---- directions and rules

export function effectiveDirection(plan: Plan, t: Transit, override?: Direction): { direction: Direction; source: 'argument' | 'service' | 'setting' | 'default' } {
  if (override) return { direction: override, source: 'argument' };
  if (t.def.direction) return { direction: t.def.direction, source: 'service' };
  const s = getSetting(plan, 'transit.direction');
  return { direction: s.value as Direction, source: s.source === 'set' ? 'setting' : 'default' };
}

function effectiveRule(plan: Plan, override?: IndexRule): IndexRule {
  return override ?? (getSetting(plan, 'transit.rule').value as IndexRule);
}

// ---- views

export function transitView(plan: Plan, t: Transit): TransitView {
  const s = sampleSummary(plan, t.row.id);
  return {
    id: t.row.id,
    service: t.service,
    customer: t.customer,
    ...t.def,
    effective_direction: t.def.direction ?? (getSetting(plan, 'transit.direction').value as Direction) ?? DEFAULT_DIRECTION,
    samples: { kind: s.kind, count: s.count, first: s.first === null ? null : isoUtc(s.first), last: s.last === null ? null : isoUtc(s.last) },
    created_at: t.row.created_at,
    updated_at: t.row.updated_at,
  };
}

/** The cycles from the first stored sample to the last. */
export function sampleCycles(plan: Plan, t: Transit): string[] {
  const s = sampleSummary(plan, t.row.id);
  if (s.first === null || s.last === null) return [];
  return cyclesBetween(s.first, s.last, t.def.anchor_day, t.def.tz);
}

// ---- samples

export interface ImportArgs {
  service: string;
  file?: string | undefined;
  csv?: string | undefined;
  name?: string | undefined;
  kind: SampleKind;
  dry_run: boolean;
}

export function importSamples(plan: Plan, a: ImportArgs) {
  const t = plan.read(() => getTransit(plan, a.service));
  let text: string;
  let source: string;
  if (a.file !== undefined) {
    source = a.file;
    try {
      text = readFileSync(a.file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new FluxError(code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT', `Cannot read ${a.file} (${code ?? (e as Error).message})`, { file: a.file });
    }
  } else {
    source = a.name ?? 'csv';
    text = a.csv ?? '';
  }
  const rows = readSamplesCsv(text, source, a.kind, t.def.tz);
  const lineOf = new Map(rows.map((r) => [r.t, r.line]));
  const run = () => {
    // Read again inside the write transaction: another window may have changed the service since.
    if (getTransit(plan, a.service).row.id !== t.row.id) throw new FluxError('CONFLICT', `Transit service ${a.service} changed while the file was read; import it again`);
    const held = sampleKind(plan, t.row.id);
    if (held !== null && held !== a.kind) {
      throw new FluxError(
        'CONFLICT',
        `Service ${a.service} holds ${held === 'octets' ? 'octet counter' : 'bits-per-second'} samples; ${source} was read as ${a.kind}. Import it with --kind ${held}, or clear the samples first with: transit samples clear ${a.service}`,
      );
    }
    const replaced = writeSamples(plan, t.row.id, a.kind, rows);
    const first = rows[0]!.t;
    const last = rows[rows.length - 1]!.t;
    const portBps = t.def.port_speed === null ? null : t.def.port_speed * t.def.base * t.def.base;
    const { derived } = loadDerived(plan, t.row.id, first, last + 1, portBps);
    const bad: Array<{ time: string; line: number; reason: 'counter_reset' | 'above_port_speed' }> = [];
    let noRate = 0;
    for (let i = 0; i < derived.length; i++) {
      const line = lineOf.get(derived.t[i]!);
      if (line === undefined) continue;
      const status = derived.status[i]!;
      if (status === NO_RATE) noRate++;
      else if (status !== OK) bad.push({ time: isoUtc(derived.t[i]!), line, reason: badReason(status)! });
    }
    return {
      service: a.service,
      kind: a.kind,
      source,
      rows: rows.length,
      inserted: rows.length - replaced,
      replaced,
      first: isoUtc(first),
      last: isoUtc(last),
      bad,
      no_rate: noRate,
      dry_run: a.dry_run,
    };
  };
  const label = `import ${rows.length} samples for transit ${a.service}`;
  return a.dry_run ? plan.rehearse(label, run) : plan.mutate(label, run);
}

export function clearServiceSamples(plan: Plan, service: string, from?: string, to?: string): number {
  const t = getTransit(plan, service);
  return clearSamples(plan, t.row.id, instantArg(from, t.def.tz, 'from'), instantArg(to, t.def.tz, 'to'));
}

// ---- bills

export interface BillArgs {
  service: string;
  cycle: string;
  rule?: IndexRule | undefined;
  direction?: Direction | undefined;
  at?: string | undefined;
}

interface Computed {
  t: Transit;
  cycle: Cycle;
  window: { start: number; end: number };
  asOf: number;
  rule: IndexRule;
  direction: Direction;
  source: 'argument' | 'service' | 'setting' | 'default';
  figures: BillFigures;
}

/** The part of a cycle inside the contract, or null when they do not meet. */
function contractWindow(t: Transit, cycle: Cycle): { start: number; end: number } | null {
  const from = t.def.start === null ? -Infinity : contractInstant(t.def.start, t.def.tz, 'start');
  const to = t.def.end === null ? Infinity : contractInstant(t.def.end, t.def.tz, 'end');
  const start = Math.max(cycle.start, from);
  const end = Math.min(cycle.end, to);
  return end > start ? { start, end } : null;
}

function outside(t: Transit, cycle: Cycle): FluxError {
  const span = `${t.def.start ? `from ${t.def.start}` : ''}${t.def.start && t.def.end ? ' ' : ''}${t.def.end ? `until ${t.def.end}` : ''}`;
  return new FluxError(
    'OUT_OF_SCOPE',
    `Cycle ${cycle.label} (${isoLocal(cycle.start, t.def.tz)} to ${isoLocal(cycle.end, t.def.tz)}) is outside the contract of ${t.service} (${span})`,
  );
}

function compute(plan: Plan, t: Transit, cycleLabel: string, a: { rule?: IndexRule | undefined; direction?: Direction | undefined; asOf: number }, trace: boolean): Computed {
  const cycle = cycleOf(cycleLabel, t.def.anchor_day, t.def.tz);
  const window = contractWindow(t, cycle);
  if (!window) throw outside(t, cycle);
  const rule = effectiveRule(plan, a.rule);
  const { direction, source } = effectiveDirection(plan, t, a.direction);
  const until = Math.max(window.start, Math.min(window.end, a.asOf));
  const portBps = t.def.port_speed === null ? null : t.def.port_speed * t.def.base * t.def.base;
  const { derived } = loadDerived(plan, t.row.id, window.start, until, portBps);
  const figures = computeBill(t.def, derived, { cycleStart: cycle.start, cycleEnd: cycle.end, start: window.start, end: window.end, asOf: a.asOf }, rule, direction, trace);
  return { t, cycle, window, asOf: a.asOf, rule, direction, source, figures };
}

const POLICY_TEXT = {
  exclude: 'left out (exclude)',
  zero: 'counted as 0 bps (zero)',
  spread: "filled with the next sample's traffic spread evenly over the gap (spread)",
};

function billView(c: Computed): BillView {
  const { t, figures: f, cycle } = c;
  const u = f.usage;
  const mega = t.def.base * t.def.base;
  const giga = mega * t.def.base;
  const mbps = (bps: number) => bps / mega;
  const src = (i: number) => (u.vsrc[i] === SOURCE_ZERO ? 'zero' : u.vsrc[i] === SOURCE_SPREAD ? 'spread' : 'sample') as 'sample' | 'zero' | 'spread';
  const figure = (p: BillFigures['in']) => ({
    rate: mbps(p.bps),
    index: p.index,
    sample: p.at === null ? null : { time: isoUtc(u.vt[p.at]!), value: mbps(p.bps), source: src(p.at) },
  });
  const chosen = f.billableFrom === 'in' ? f.in : f.billableFrom === 'out' ? f.out : f.sum!;
  const complete = c.asOf >= c.window.end;
  const notes: string[] = [];
  if (!complete) notes.push(`The cycle is still running: an estimate as of ${isoUtc(c.asOf)}; later slots are not missing yet.`);
  if (f.fraction < 1) notes.push(`The contract covers ${isoUtc(c.window.start)} to ${isoUtc(c.window.end)}, ${Number((f.fraction * 100).toPrecision(12))}% of the cycle: fixed and commit fees are pro-rated by time.`);
  if (u.n === 0) notes.push('No counted samples: every percentile is 0.');
  if (u.missing) notes.push(`${u.missing} of ${u.expected} five-minute slots have no sample: ${POLICY_TEXT[t.def.missing]}${t.def.missing === 'spread' && u.missing > u.filled ? `; ${u.missing - u.filled} with no good sample after them in the cycle stay out` : ''}.`);
  if (u.bad) notes.push(`${u.bad} bad sample${u.bad === 1 ? ' is' : 's are'} kept but excluded (${[...new Set(u.badSamples.map((b) => b.reason.replace(/_/g, ' ')))].join(', ')}).`);
  if (u.noRate) notes.push(`${u.noRate} counter row(s) have no rate (the first row of the counter series).`);
  if (t.def.model === 'flat') notes.push('flat bills the fixed fee only; the rates and transfer are for information.');
  return {
    service: t.service,
    customer: t.customer,
    model: t.def.model,
    cycle: cycle.label,
    period: {
      start: isoUtc(cycle.start),
      end: isoUtc(cycle.end),
      local_start: isoLocal(cycle.start, t.def.tz),
      local_end: isoLocal(cycle.end, t.def.tz),
      tz: t.def.tz,
      anchor_day: t.def.anchor_day,
      seconds: cycle.end - cycle.start,
    },
    billed: { start: isoUtc(c.window.start), end: isoUtc(c.window.end), seconds: c.window.end - c.window.start, fraction: f.fraction, prorated: f.fraction < 1 },
    complete,
    as_of: isoUtc(c.asOf),
    rules: {
      percentile: 95,
      index_rule: c.rule,
      index_order: c.rule === 'cacti' ? 'descending' : 'ascending',
      index_formula: INDEX_FORMULAS[c.rule],
      direction: c.direction,
      direction_source: c.source,
      missing: t.def.missing,
      unit_base: t.def.base,
      rounding: t.def.rounding,
      tier_mode: t.def.tier_mode,
      step_seconds: 300,
      cycle_interval: '[start, end)',
    },
    samples: u.n,
    expected: u.expected,
    present: u.present,
    missing: u.missing,
    filled: u.filled,
    bad: u.bad,
    no_rate: u.noRate,
    index: f.index?.index ?? null,
    rate_in: mbps(f.in.bps),
    rate_out: mbps(f.out.bps),
    rate_sum: f.sum ? mbps(f.sum.bps) : null,
    billable_rate: mbps(f.billableBps),
    percentile_sample: chosen.at === null ? null : { time: isoUtc(u.vt[chosen.at]!), value: mbps(chosen.bps), source: src(chosen.at), direction: f.billableFrom },
    directions: { in: figure(f.in), out: figure(f.out), sum: f.sum ? figure(f.sum) : null },
    commit: t.def.commit,
    included_gb: t.def.included,
    transfer_in_gb: f.transferIn / giga,
    transfer_out_gb: f.transferOut / giga,
    transfer_gb: f.transfer / giga,
    overage: f.overage,
    overage_exact: f.overageExact,
    overage_unit: f.overageUnit,
    lines: f.lines,
    total: f.total,
    bad_samples: u.badSamples.map((b) => ({ time: isoUtc(b.t), reason: b.reason })),
    notes,
  };
}

function asOfArg(t: Transit, at: string | undefined): number {
  return instantArg(at, t.def.tz, 'at') ?? nowSeconds();
}

export function bill(plan: Plan, a: BillArgs): BillView {
  return plan.read(() => {
    const t = getTransit(plan, a.service);
    return billView(compute(plan, t, a.cycle, { rule: a.rule, direction: a.direction, asOf: asOfArg(t, a.at) }, false));
  });
}

export function chart(plan: Plan, a: BillArgs): ChartView {
  return plan.read(() => {
    const t = getTransit(plan, a.service);
    const c = compute(plan, t, a.cycle, { rule: a.rule, direction: a.direction, asOf: asOfArg(t, a.at) }, true);
    const mega = t.def.base * t.def.base;
    const points = c.figures.usage.points!;
    const m = (v: number | null) => (v === null || Number.isNaN(v) ? null : v / mega);
    return {
      service: t.service,
      cycle: c.cycle.label,
      start: isoUtc(c.window.start),
      end: isoUtc(c.window.end),
      unit: 'Mbps',
      t: points.map((p) => p.t),
      in: points.map((p) => m(p.in)),
      out: points.map((p) => m(p.out)),
      state: points.map((p) => p.state),
      percentile: {
        in: c.figures.in.bps / mega,
        out: c.figures.out.bps / mega,
        sum: c.figures.sum ? c.figures.sum.bps / mega : null,
        billable: c.figures.billableBps / mega,
      },
      commit: t.def.commit,
      port_speed: t.def.port_speed,
      direction: c.direction,
      rule: c.rule,
    };
  });
}

export function list(plan: Plan, a: { customer?: string | undefined; at?: string | undefined }) {
  return plan.read(() => {
    const at = a.at === undefined ? nowSeconds() : instantArg(a.at, 'UTC', 'at')!;
    const services = listTransit(plan)
      .filter((t) => a.customer === undefined || t.customer === a.customer)
      .map((t) => {
        const view = transitView(plan, t);
        const cycle = cycleAt(at, t.def.anchor_day, t.def.tz);
        if (!contractWindow(t, cycle)) return { ...view, estimate: null, estimate_note: outside(t, cycle).message };
        const c = compute(plan, t, cycle.label, { asOf: at }, false);
        const b = billView(c);
        return {
          ...view,
          estimate: {
            cycle: b.cycle,
            total: b.total,
            billable_rate: b.billable_rate,
            transfer_gb: b.transfer_gb,
            overage: b.overage,
            samples: b.samples,
            missing: b.missing,
            bad: b.bad,
            complete: b.complete,
          },
          estimate_note: null,
        };
      });
    return { services, as_of: isoUtc(at) };
  });
}

// ---- settings

function settingView(plan: Plan, key: SettingKey) {
  const s = getSetting(plan, key);
  return { key, value: s.value, default: SETTINGS[key].default, source: s.source, help: SETTINGS[key].help };
}

function settingKey(key: string): SettingKey {
  if (!(key in SETTINGS)) throw new FluxError('INVALID_ARGUMENT', `key: unknown setting "${key}"; known: ${Object.keys(SETTINGS).join(', ')}`);
  return key as SettingKey;
}

export function getSettings(plan: Plan, key?: string) {
  return plan.read(() => ({ settings: (key === undefined ? (Object.keys(SETTINGS) as SettingKey[]) : [settingKey(key)]).map((k) => settingView(plan, k)) }));
}

export function setSetting(plan: Plan, key: string, value: string) {
  const k = settingKey(key);
  const parsed = SETTINGS[k].schema.safeParse(value);
  if (!parsed.success) throw new FluxError('INVALID_ARGUMENT', `${k}: ${parsed.error.issues[0]?.message ?? 'invalid value'}, got "${value}"`);
  return plan.mutate(`set ${k} ${parsed.data}`, () => {
    putSetting(plan, k, parsed.data);
    return { setting: settingView(plan, k) };
  });
}


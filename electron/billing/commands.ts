/**
 * The transit billing commands. Other tools script against these words and flags and against the
 * JSON of `transit bill --json`; keep them.
 */
import type { BillView, ChartView, TransitView } from '../../shared/billing/views';
import type { Command, Flag, FlagType } from '../cli/commands';

// Declared here rather than imported: electron/cli/commands.ts imports this module, and a value import back would be a cycle.
const f = (name: string, type: FlagType, help: string, extra: Partial<Flag> = {}): Flag => ({ name, type, help, ...extra });

const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '' : String(Number(x.toFixed(digits))));
const money = (x: number) => x.toFixed(2);

function definitionFlags(edit: boolean): Flag[] {
  const opt = edit ? ('nullable-string' as const) : ('string' as const);
  const clears = edit ? ' ("" clears)' : '';
  return [
    f('model', 'string', `percentile, commit_burst, transfer or flat${edit ? '' : ' (required)'}`),
    f('port', opt, `port label, e.g. "fra-edge-1 xe-0/0/1"${clears}`),
    f('port-speed', opt, `port speed, Mbps: a higher rate marks a sample bad${clears}`),
    f('commit', opt, `committed rate, Mbps (percentile, commit_burst)${clears}`),
    f('included', opt, `included transfer per cycle, GB (transfer)${clears}`),
    f('fee', 'string', 'fixed fee per cycle: the port fee, the commit charge (commit_burst) or the price (flat)'),
    f('tiers', 'json', 'overage bands [{"up_to": N or null, "rate": R}] in Mbps (rate models) or GB (transfer): JSON or @FILE'),
    f('tier-mode', 'string', 'graduated (each band at its own rate; default) or volume (the band the total reaches prices every unit)'),
    f('direction', opt, `in, out, max or sum (default: the setting transit.direction)${edit ? ' ("" follows the setting)' : ''}`),
    f('base', 'int', 'unit base for bits per second and bytes: 1000 (default) or 1024'),
    f('rounding', 'string', 'overage rounding: none (default) or up (to a whole Mbps or GB)'),
    f('anchor-day', 'int', 'day of the month each cycle starts, 1-31 (default 1; short months use their last day)'),
    f('tz', 'string', 'billing time zone, IANA (default UTC)'),
    f('missing', 'string', 'missing samples: exclude (default), zero or spread'),
    f('start', opt, `contract start: YYYY-MM-DD (midnight in --tz) or ISO date-time; its cycle is pro-rated${clears}`),
    f('end', opt, `contract end (cancel date, not billed): YYYY-MM-DD or ISO date-time; its cycle is pro-rated${clears}`),
  ];
}

const billFlags = [
  f('cycle', 'string', 'the cycle YYYY-MM: it starts on the anchor day of that month (required)'),
  f('rule', 'string', 'percentile index: nearest_rank (default), librenms or cacti'),
  f('direction', 'string', 'override: in, out, max or sum'),
  f('at', 'string', 'bill as of this time (default now): a running cycle is an estimate'),
];

function describe(t: TransitView): string {
  const parts: string[] = [t.model];
  if (t.commit !== null) parts.push(`commit ${num(t.commit)} Mbps`);
  if (t.included !== null) parts.push(`${num(t.included)} GB included`);
  if (t.fee) parts.push(`fee ${money(t.fee)}`);
  if (t.tiers.length) parts.push(`${t.tier_mode} tiers ${t.tiers.map((b) => `${b.up_to === null ? 'rest' : `to ${num(b.up_to)}`} @ ${b.rate}`).join(', ')}`);
  parts.push(`direction ${t.effective_direction}${t.direction === null ? ' (setting)' : ''}`);
  return parts.join(' · ');
}

function show(t: TransitView): string {
  const rows: Array<[string, string]> = [
    ['customer', t.customer ?? ''],
    ['port', [t.port, t.port_speed !== null ? `${num(t.port_speed)} Mbps` : null].filter(Boolean).join(', ')],
    ['model', t.model],
    ['commit', t.commit === null ? '' : `${num(t.commit)} Mbps`],
    ['included', t.included === null ? '' : `${num(t.included)} GB`],
    ['fee', money(t.fee)],
    ['tiers', t.tiers.length ? `${t.tier_mode}: ${JSON.stringify(t.tiers)}` : ''],
    ['direction', `${t.effective_direction}${t.direction === null ? ' (from the setting transit.direction)' : ''}`],
    ['units', `base ${t.base}, rounding ${t.rounding}`],
    ['cycle', `monthly from day ${t.anchor_day}, ${t.tz}; missing samples: ${t.missing}`],
    ['contract', `${t.start ?? 'open'} to ${t.end ?? 'open'}`],
    ['samples', t.samples.count ? `${t.samples.count} ${t.samples.kind} from ${t.samples.first} to ${t.samples.last}` : 'none'],
  ];
  return [`transit ${t.service}`, ...rows.filter(([, v]) => v).map(([k, v]) => `  ${k.padEnd(10)} ${v}`)].join('\n');
}

/** The bill as a planner reads it: what was counted, which sample set the percentile, each line. */
export function billText(b: BillView): string {
  const out: string[] = [];
  const partial = b.billed.prorated ? ` · billed ${b.billed.start} to ${b.billed.end} (${num(b.billed.fraction * 100, 2)}%)` : '';
  out.push(`${b.service}${b.customer ? ` (${b.customer})` : ''} · ${b.model} · cycle ${b.cycle}: ${b.period.local_start} to ${b.period.local_end} ${b.period.tz}${partial}${b.complete ? '' : ` · ESTIMATE as of ${b.as_of}`}`);
  const r = b.rules;
  out.push(`rules: ${r.index_rule} (${r.index_formula}) · direction ${r.direction} (${r.direction_source}) · missing ${r.missing} · base ${r.unit_base} · rounding ${r.rounding} · ${r.tier_mode}`);
  out.push(`samples: ${b.samples} counted (${b.present} present of ${b.expected} slots, ${b.missing} missing, ${b.filled} filled, ${b.bad} bad, ${b.no_rate} without rate)`);
  const at = (d: BillView['directions']['in'] | null) => (d?.sample ? ` @ ${d.sample.time}${d.sample.source === 'sample' ? '' : ` (${d.sample.source})`}` : '');
  out.push(`95th percentile, index ${b.index ?? '-'} ${r.index_order}: in ${num(b.rate_in)} Mbps${at(b.directions.in)} · out ${num(b.rate_out)} Mbps${at(b.directions.out)}${b.rate_sum !== null ? ` · sum ${num(b.rate_sum)} Mbps${at(b.directions.sum)}` : ''}`);
  out.push(`billable ${num(b.billable_rate)} Mbps (${r.direction})${b.commit !== null ? ` · commit ${num(b.commit)} Mbps` : ''} · transfer ${num(b.transfer_gb)} GB (in ${num(b.transfer_in_gb)}, out ${num(b.transfer_out_gb)})${b.included_gb !== null ? ` · included ${num(b.included_gb)} GB` : ''}`);
  if (b.overage_unit) out.push(`overage ${num(b.overage, 6)} ${b.overage_unit}${b.overage !== b.overage_exact ? ` (exact ${num(b.overage_exact, 6)}, rounded ${r.rounding})` : ''}`);
  const width = Math.max(20, ...b.lines.map((l) => l.description.length));
  for (const l of b.lines) out.push(`  ${l.description.padEnd(width)}  ${num(l.quantity, 6).padStart(12)} x ${String(l.rate).padEnd(8)} ${money(l.amount).padStart(12)}`);
  out.push(`  ${'total'.padEnd(width)}  ${''.padStart(12)}   ${''.padEnd(8)} ${money(b.total).padStart(12)}`);
  for (const n of b.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

function chartText(c: ChartView): string {
  const count = (s: string) => c.state.filter((x) => x === s).length;
  return [
    `${c.service} · cycle ${c.cycle}: ${c.t.length} points from ${c.start} to ${c.end} (${count('counted')} counted, ${count('zero') + count('spread')} filled, ${count('bad')} bad, ${count('no_rate')} without rate)`,
    `95th percentile (${c.rule}): in ${num(c.percentile.in)} Mbps · out ${num(c.percentile.out)} Mbps · billable ${num(c.percentile.billable)} Mbps (${c.direction})${c.commit !== null ? ` · commit ${num(c.commit)} Mbps` : ''}`,
    'Use --json for the series (t, in, out, state).',
  ].join('\n');
}

function table(rows: Array<Record<string, string>>, columns: string[]): string {
  if (!rows.length) return '(none)';
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))].join('\n');
}

const service = { name: 'SERVICE', field: 'service' };

export const billingCommands: Command[] = [
  {
    words: ['transit', 'add'], method: 'transit.add', positionals: [service], flags: definitionFlags(false),
    summary: 'bill a service for IP transit: percentile, commit_burst, transfer or flat',
    human: (r: { transit: TransitView }) => `Added transit ${r.transit.service}: ${describe(r.transit)}`,
  },
  {
    words: ['transit', 'set'], method: 'transit.set', positionals: [service], flags: definitionFlags(true),
    summary: 'change a transit service',
    human: (r: { transit: TransitView }) => `Updated transit ${r.transit.service}: ${describe(r.transit)}`,
  },
  {
    words: ['transit', 'remove'], method: 'transit.remove', positionals: [service], flags: [],
    summary: 'remove a transit service without samples (undoable)', human: (r: { removed: string }) => `Removed transit ${r.removed}`,
  },
  {
    words: ['transit', 'show'], method: 'transit.get', positionals: [service], flags: [], summary: 'one transit service and its samples',
    human: (r: { transit: TransitView; cycles: string[] }) => `${show(r.transit)}${r.cycles.length ? `\n  cycles     ${r.cycles.join(' ')}` : ''}`,
  },
  {
    words: ['transit', 'list'], method: 'transit.list', positionals: [],
    flags: [f('customer', 'string', 'only this customer'), f('at', 'string', 'estimate the cycle running at this time (default now)')],
    summary: 'transit services with their current cycle\'s estimate',
    human: (r: { services: Array<TransitView & { estimate: { cycle: string; total: number; billable_rate: number; transfer_gb: number; samples: number } | null }> }) =>
      table(
        r.services.map((s) => ({
          service: s.service,
          customer: s.customer ?? '',
          model: s.model,
          commit: s.commit === null ? '' : `${num(s.commit)} Mbps`,
          direction: s.effective_direction,
          cycle: s.estimate?.cycle ?? '',
          samples: s.estimate ? String(s.estimate.samples) : '',
          billable: s.estimate ? `${num(s.estimate.billable_rate)} Mbps` : '',
          transfer: s.estimate ? `${num(s.estimate.transfer_gb)} GB` : '',
          estimate: s.estimate ? money(s.estimate.total) : 'outside contract',
        })),
        ['service', 'customer', 'model', 'commit', 'direction', 'cycle', 'samples', 'billable', 'transfer', 'estimate'],
      ),
  },
  {
    words: ['transit', 'samples', 'import'], method: 'transit.samples.import', positionals: [service, { name: 'FILE', field: 'file' }],
    flags: [f('kind', 'string', 'bps (rates, default) or octets (counters)'), f('dry-run', 'bool', 'read and check the file, write nothing')],
    summary: 'import a CSV timestamp,in,out (one transaction; a bad row refuses the file)',
    human: (r: { service: string; rows: number; inserted: number; replaced: number; first: string; last: string; kind: string; bad: Array<{ line: number; time: string; reason: string }>; no_rate: number; dry_run: boolean }) =>
      [
        `${r.dry_run ? 'Would import' : 'Imported'} ${r.rows} ${r.kind} samples for ${r.service} (${r.inserted} new, ${r.replaced} replaced) from ${r.first} to ${r.last}`,
        ...(r.no_rate ? [`  ${r.no_rate} counter row(s) without a rate (the first of the series)`] : []),
        ...(r.bad.length ? [`  ${r.bad.length} bad sample(s), kept and excluded from bills:`, ...r.bad.slice(0, 20).map((b) => `    line ${b.line} ${b.time} ${b.reason}`)] : []),
        ...(r.bad.length > 20 ? [`    ... ${r.bad.length - 20} more (see --json)`] : []),
      ].join('\n'),
  },
  {
    words: ['transit', 'samples', 'clear'], method: 'transit.samples.clear', positionals: [service],
    flags: [f('from', 'string', 'from this time (default: the first sample)'), f('to', 'string', 'up to this time, exclusive (default: the last)')],
    summary: 'delete stored samples (bulk data: not undoable)', human: (r: { service: string; deleted: number }) => `Deleted ${r.deleted} samples of ${r.service}`,
  },
  {
    words: ['transit', 'bill'], method: 'transit.bill', positionals: [service], flags: billFlags,
    summary: 'one cycle\'s bill, explained: samples, index, percentiles, commit, overage, tier lines, total', human: billText,
  },
  {
    words: ['transit', 'chart'], method: 'transit.chart', positionals: [service], flags: billFlags,
    summary: 'a cycle\'s rate series for in and out with excluded samples marked (--json)', human: chartText,
  },
  {
    words: ['settings', 'set'], method: 'transit.settings.set', positionals: [{ name: 'KEY', field: 'key' }, { name: 'VALUE', field: 'value' }], flags: [],
    summary: 'set transit.direction (in, out, max, sum) or transit.rule (nearest_rank, librenms, cacti)',
    human: (r: { setting: { key: string; value: string } }) => `${r.setting.key} = ${r.setting.value}`,
  },
  {
    words: ['settings', 'get'], method: 'transit.settings.get', positionals: [{ name: 'KEY', field: 'key', optional: true }], flags: [],
    summary: 'show the settings and their defaults',
    human: (r: { settings: Array<{ key: string; value: string; source: string; help: string }> }) =>
      table(r.settings.map((s) => ({ key: s.key, value: s.value, source: s.source, meaning: s.help })), ['key', 'value', 'source', 'meaning']),
  },
];

/** What the billing API returns: transit services, bills that explain themselves, chart series, imports. */
import { z } from 'zod';
import { billingModel, direction, indexRule, missingPolicy, rounding, sampleKind, tierBand, tierMode } from './model';

const time = z.string();

export const sampleSummary = z.object({
  kind: sampleKind.nullable(),
  count: z.number().int(),
  first: time.nullable(),
  last: time.nullable(),
});

export const transitView = z.object({
  id: z.number().int(),
  service: z.string(),
  customer: z.string().nullable(),
  port: z.string().nullable(),
  /** Mbps in the service's unit base. */
  port_speed: z.number().nullable(),
  model: billingModel,
  commit: z.number().nullable(),
  included: z.number().nullable(),
  fee: z.number(),
  tiers: z.array(tierBand),
  tier_mode: tierMode,
  /** The service's own direction; null when the global setting decides. */
  direction: direction.nullable(),
  effective_direction: direction,
  base: z.union([z.literal(1000), z.literal(1024)]),
  rounding,
  anchor_day: z.number().int(),
  tz: z.string(),
  missing: missingPolicy,
  start: z.string().nullable(),
  end: z.string().nullable(),
  samples: sampleSummary,
  created_at: z.string(),
  updated_at: z.string(),
});
export type TransitView = z.infer<typeof transitView>;

export const sampleSource = z.enum(['sample', 'zero', 'spread']);

/** The sample that set a percentile: its time (UTC), value (Mbps) and whether it was measured or filled in. */
export const percentileSample = z.object({ time, value: z.number(), source: sampleSource });

export const directionFigure = z.object({
  /** The percentile, Mbps. */
  rate: z.number(),
  /** The index as the rule defines it (0-based; descending order for cacti); null without samples. */
  index: z.number().int().nullable(),
  sample: percentileSample.nullable(),
});

export const billLine = z.object({
  kind: z.enum(['fee', 'overage']),
  description: z.string(),
  quantity: z.number(),
  /** "cycle" for fees (the fraction of the cycle billed), "Mbps" or "GB" for overage. */
  unit: z.string(),
  rate: z.number(),
  /** quantity x rate, rounded to the cent (half away from zero). */
  amount: z.number(),
  /** Overage lines: the tier band (0-based) and its range in overage units. */
  band: z.number().int().nullable(),
  from: z.number().nullable(),
  to: z.number().nullable(),
});
export type BillLine = z.infer<typeof billLine>;

export const badSample = z.object({ time, reason: z.enum(['counter_reset', 'above_port_speed']) });

export const billView = z.object({
  service: z.string(),
  customer: z.string().nullable(),
  model: billingModel,
  cycle: z.string(),
  /** The whole cycle: local midnight of the anchor day to the next one, in the billing time zone. */
  period: z.object({ start: time, end: time, local_start: z.string(), local_end: z.string(), tz: z.string(), anchor_day: z.number().int(), seconds: z.number() }),
  /** The part of the cycle inside the contract; fixed and commit fees are pro-rated by fraction = seconds / period.seconds. */
  billed: z.object({ start: time, end: time, seconds: z.number(), fraction: z.number(), prorated: z.boolean() }),
  /** False while the cycle is still running (an estimate as of `as_of`). */
  complete: z.boolean(),
  as_of: time,
  rules: z.object({
    percentile: z.literal(95),
    index_rule: indexRule,
    /** "ascending" for nearest_rank and librenms, "descending" for cacti. */
    index_order: z.enum(['ascending', 'descending']),
    index_formula: z.string(),
    direction,
    direction_source: z.enum(['argument', 'service', 'setting', 'default']),
    missing: missingPolicy,
    unit_base: z.union([z.literal(1000), z.literal(1024)]),
    rounding,
    tier_mode: tierMode,
    step_seconds: z.number().int(),
    cycle_interval: z.literal('[start, end)'),
  }),
  /** Counted samples: the n of the percentile (measured ones plus slots filled by the missing-sample policy). */
  samples: z.number().int(),
  /** 5-minute slots of the billed part of the cycle (up to as_of while it runs). */
  expected: z.number().int(),
  /** Samples stored inside the billed part of the cycle, counted or not. */
  present: z.number().int(),
  /** Slots without any sample. */
  missing: z.number().int(),
  /** Missing slots the policy filled (zero or spread). */
  filled: z.number().int(),
  /** Samples kept but excluded: counter resets and rates above the port speed. */
  bad: z.number().int(),
  /** Counter rows without a rate (the first row of a counter series). */
  no_rate: z.number().int(),
  index: z.number().int().nullable(),
  rate_in: z.number(),
  rate_out: z.number(),
  /** The percentile of the per-sample sum of in and out (direction sum only). */
  rate_sum: z.number().nullable(),
  /** The rate the direction rule bills, Mbps. */
  billable_rate: z.number(),
  percentile_sample: percentileSample.extend({ direction: z.enum(['in', 'out', 'sum']) }).nullable(),
  directions: z.object({ in: directionFigure, out: directionFigure, sum: directionFigure.nullable() }),
  commit: z.number().nullable(),
  included_gb: z.number().nullable(),
  transfer_in_gb: z.number(),
  transfer_out_gb: z.number(),
  /** The cycle's transfer in the direction rule, before the included transfer is taken off. */
  transfer_gb: z.number(),
  /** The overage quantity priced by the tiers (after rounding). */
  overage: z.number(),
  overage_exact: z.number(),
  overage_unit: z.enum(['Mbps', 'GB']).nullable(),
  lines: z.array(billLine),
  total: z.number(),
  bad_samples: z.array(badSample),
  notes: z.array(z.string()),
});
export type BillView = z.infer<typeof billView>;

export const chartState = z.enum(['counted', 'bad', 'no_rate', 'zero', 'spread']);

/** Columnar series for a chart (uPlot takes these arrays as they are). */
export const chartView = z.object({
  service: z.string(),
  cycle: z.string(),
  start: time,
  end: time,
  unit: z.literal('Mbps'),
  /** Unix seconds of each point: samples and policy-filled slots, in time order. */
  t: z.array(z.number()),
  in: z.array(z.number().nullable()),
  out: z.array(z.number().nullable()),
  /** counted; bad and no_rate are excluded (marked); zero and spread are filled slots. */
  state: z.array(chartState),
  percentile: z.object({ in: z.number(), out: z.number(), sum: z.number().nullable(), billable: z.number() }),
  commit: z.number().nullable(),
  port_speed: z.number().nullable(),
  direction,
  rule: indexRule,
});
export type ChartView = z.infer<typeof chartView>;

export const estimateView = z.object({
  cycle: z.string(),
  total: z.number(),
  billable_rate: z.number(),
  transfer_gb: z.number(),
  overage: z.number(),
  samples: z.number().int(),
  missing: z.number().int(),
  bad: z.number().int(),
  complete: z.boolean(),
});

export const transitListItem = transitView.extend({
  /** The current cycle's bill so far; null when the current cycle is outside the contract. */
  estimate: estimateView.nullable(),
  estimate_note: z.string().nullable(),
});

export const importResult = z.object({
  service: z.string(),
  kind: sampleKind,
  source: z.string(),
  /** Data rows read from the file. */
  rows: z.number().int(),
  inserted: z.number().int(),
  /** Rows that replaced a stored sample with the same timestamp. */
  replaced: z.number().int(),
  first: time.nullable(),
  last: time.nullable(),
  /** Imported rows the engine excludes from bills, with their line in the file. */
  bad: z.array(z.object({ time, line: z.number().int(), reason: z.enum(['counter_reset', 'above_port_speed']) })),
  /** Counter rows without a rate: the first of the series. */
  no_rate: z.number().int(),
  dry_run: z.boolean(),
});

export const settingView = z.object({ key: z.string(), value: z.string(), default: z.string(), source: z.enum(['set', 'default']), help: z.string() });

/**
 * IP transit billing: the vocabulary and the definition of a transit service, shared so that the
 * desktop form validates exactly as the engine does. The rules themselves live in electron/billing.
 */
import { z } from 'zod';

export const BILLING_MODELS = ['percentile', 'commit_burst', 'transfer', 'flat'] as const;
export const DIRECTIONS = ['in', 'out', 'max', 'sum'] as const;
export const INDEX_RULES = ['nearest_rank', 'librenms', 'cacti'] as const;
export const MISSING_POLICIES = ['exclude', 'zero', 'spread'] as const;
export const TIER_MODES = ['graduated', 'volume'] as const;
export const ROUNDINGS = ['none', 'up'] as const;
export const SAMPLE_KINDS = ['bps', 'octets'] as const;
export const UNIT_BASES = [1000, 1024] as const;

export type BillingModel = (typeof BILLING_MODELS)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type IndexRule = (typeof INDEX_RULES)[number];
export type MissingPolicy = (typeof MISSING_POLICIES)[number];
export type TierMode = (typeof TIER_MODES)[number];
export type Rounding = (typeof ROUNDINGS)[number];
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** Samples come in 5-minute steps; a cycle has one slot per step. */
export const STEP_SECONDS = 300;
/** With no setting and no per-service direction, a bill takes the larger of the two percentiles. */
export const DEFAULT_DIRECTION: Direction = 'max';
export const DEFAULT_RULE: IndexRule = 'nearest_rank';

const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `${what} is ${values.map((v) => `"${v}"`).join(', ').replace(/, ([^,]*)$/, ' or $1')}` });

export const billingModel = oneOf(BILLING_MODELS, 'model');
export const direction = oneOf(DIRECTIONS, 'direction');
export const indexRule = oneOf(INDEX_RULES, 'rule');
export const missingPolicy = oneOf(MISSING_POLICIES, 'missing');
export const tierMode = oneOf(TIER_MODES, 'tier_mode');
export const rounding = oneOf(ROUNDINGS, 'rounding');
export const sampleKind = oneOf(SAMPLE_KINDS, 'kind');
export const unitBase = z.union([z.literal(1000), z.literal(1024)], { error: 'base is 1000 or 1024' });

/** A number, or (from the command line) its decimal text: "100", "0.5". */
export const decimal = z.union(
  [
    z.number().refine(Number.isFinite, 'a finite number'),
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number),
  ],
  { error: 'a number such as 100 or 0.5' },
);

/** A cycle label: the cycle that starts in this month on the anchor day. */
export const cycleLabel = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a cycle is YYYY-MM, e.g. 2024-03');

/** A calendar date in the billing time zone (YYYY-MM-DD: its midnight) or an ISO 8601 date-time. */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
export const contractDate = z
  .string()
  .trim()
  .regex(DATE_PATTERN, 'a date is YYYY-MM-DD (midnight in the billing time zone) or an ISO 8601 date-time')
  .refine((s) => !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)), 'not a real date');

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z.string().trim().min(1, 'a time zone is required').refine(isTimeZone, 'not an IANA time zone such as UTC or Europe/Berlin');

/** One overage band: up to `up_to` units of overage (Mbps for rate models, GB for transfer), at `rate` per unit. */
export const tierBand = z
  .object({
    up_to: z.number({ error: 'up_to is a number of units, or null for the open last band' }).positive('up_to must be above 0').nullable(),
    rate: z.number({ error: 'rate is a price per unit' }).min(0, 'rate must not be negative'),
  })
  .strict();

export const tierBands = z.array(tierBand).superRefine((bands, ctx) => {
  bands.forEach((b, i) => {
    if (i < bands.length - 1 && b.up_to === null) ctx.addIssue({ code: 'custom', path: [i, 'up_to'], message: 'only the last band may be open (null)' });
    const prev = bands[i - 1]?.up_to;
    if (i > 0 && prev != null && b.up_to !== null && b.up_to <= prev) {
      ctx.addIssue({ code: 'custom', path: [i, 'up_to'], message: `must be above the band before (${prev})` });
    }
  });
  const last = bands[bands.length - 1];
  if (last && last.up_to !== null) {
    ctx.addIssue({ code: 'custom', path: [bands.length - 1, 'up_to'], message: 'the last band must be open (up_to: null) so that every quantity has a price' });
  }
});
export type TierBand = z.output<typeof tierBand>;

/**
 * A transit service as stored: every field explicit. Rates (port speed, commit) are in Mbps and
 * transfer in GB, both in the service's unit base.
 */
export const transitDefinition = z
  .object({
    port: z.string().nullable(),
    port_speed: z.number().positive('port_speed must be above 0').nullable(),
    model: billingModel,
    commit: z.number().min(0, 'commit must not be negative').nullable(),
    included: z.number().min(0, 'included must not be negative').nullable(),
    fee: z.number().min(0, 'fee must not be negative'),
    tiers: tierBands,
    tier_mode: tierMode,
    /** null: the global setting transit.direction decides. */
    direction: direction.nullable(),
    base: unitBase,
    rounding,
    anchor_day: z.number().int('anchor_day is a whole day').min(1, 'anchor_day is 1-31').max(31, 'anchor_day is 1-31'),
    tz: timeZone,
    missing: missingPolicy,
    start: contractDate.nullable(),
    end: contractDate.nullable(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const add = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const rated = d.model === 'percentile' || d.model === 'commit_burst';
    if (d.model === 'commit_burst' && d.commit === null) add('commit', 'commit_burst needs a commit rate (--commit MBPS)');
    if (!rated && d.commit !== null) add('commit', `a commit rate belongs to the percentile and commit_burst models, not ${d.model}`);
    if (d.model !== 'transfer' && d.included !== null) add('included', `included transfer belongs to the transfer model, not ${d.model}`);
    if (d.model === 'flat' && d.tiers.length) add('tiers', 'flat bills the fixed fee only; it takes no tiers');
    if (d.model !== 'flat' && d.tiers.length === 0) add('tiers', `${d.model} needs overage tiers, e.g. [{"up_to": null, "rate": 2.5}]`);
    if (d.model === 'flat' && d.fee === 0) add('fee', 'flat bills the fixed fee; give --fee AMOUNT');
    if (d.start !== null && d.end !== null && d.start.length === d.end.length && d.end <= d.start) add('end', `the contract must end after it starts (${d.start})`);
  });
export type TransitDefinition = z.output<typeof transitDefinition>;

/** Every problem at once, each with where it is: "tiers[1].up_to: must be above the band before (100)". */
export function definitionProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const where = i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('');
    return where ? `${where}: ${i.message}` : i.message;
  });
}

/** The global settings of the billing domain, with their defaults. */
export const SETTINGS = {
  'transit.direction': { schema: direction, default: DEFAULT_DIRECTION, help: 'direction for services without their own: in, out, max or sum' },
  'transit.rule': { schema: indexRule, default: DEFAULT_RULE, help: 'percentile index rule for bills that do not name one: nearest_rank, librenms or cacti' },
} as const;
export type SettingKey = keyof typeof SETTINGS;

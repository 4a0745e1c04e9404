/**
 * The IP transit billing methods (implemented in electron/billing). Definitions are journaled;
 * samples are bulk data, written one import per transaction and never journaled.
 */
import { z } from 'zod';
import { billingModel, contractDate, cycleLabel, decimal, direction, indexRule, missingPolicy, rounding, sampleKind, tierMode, unitBase } from '../billing/model';
import { billView, chartView, importResult, settingView, transitListItem, transitView } from '../billing/views';
import { method } from './method';

const service = z.string().trim().min(1, 'a service ID is required');
/** An instant: Unix seconds or ISO 8601; without an offset it is read in the billing time zone (in UTC for transit.list). */
const instant = z.string().trim().min(1);

const definitionFields = {
  port: z.string().nullable().optional(),
  port_speed: decimal.nullable().optional(),
  commit: decimal.nullable().optional(),
  included: decimal.nullable().optional(),
  fee: decimal.optional(),
  /** Overage bands [{"up_to": N or null, "rate": R}]: Mbps for the rate models, GB for transfer. Validated by the engine, every problem named. */
  tiers: z.unknown().optional(),
  tier_mode: tierMode.optional(),
  direction: direction.nullable().optional(),
  base: unitBase.optional(),
  rounding: rounding.optional(),
  anchor_day: z.number().int('anchor_day is a whole day').optional(),
  tz: z.string().optional(),
  missing: missingPolicy.optional(),
  start: contractDate.nullable().optional(),
  end: contractDate.nullable().optional(),
};

const billArgs = z.object({
  service,
  cycle: cycleLabel,
  /** Default: the setting transit.rule, else nearest_rank. */
  rule: indexRule.optional(),
  /** Overrides the service's direction and the setting: a what-if. */
  direction: direction.optional(),
  /** Bill as of this instant (default now): a running cycle is an estimate, its later slots are not missing yet. */
  at: instant.optional(),
});

export const billingContract = {
  'transit.add': method(z.object({ service, model: billingModel, ...definitionFields }), z.object({ transit: transitView }), true),
  /** Changes a definition; null clears an optional field (direction null: follow the setting). */
  'transit.set': method(z.object({ service, model: billingModel.optional(), ...definitionFields }), z.object({ transit: transitView }), true),
  /** Refused while the service holds samples (clear them first): samples are not journaled, so undo could not bring them back. */
  'transit.remove': method(z.object({ service }), z.object({ removed: z.string() }), true),
  'transit.get': method(z.object({ service }), z.object({ transit: transitView, cycles: z.array(z.string()) }), false),
  /** Every transit service with its current cycle's estimate as of `at` (default now). */
  'transit.list': method(
    z.object({ customer: z.string().optional(), at: instant.optional() }).default({}),
    z.object({ services: z.array(transitListItem), as_of: z.string() }),
    false,
  ),
  /**
   * Imports a CSV with header timestamp,in,out (ISO 8601 or Unix seconds; bits per second or octet counters)
   * from `file` (a path the engine reads) or `csv` (the text, named `name` in errors). One transaction:
   * any bad row refuses the whole file, naming file, line and column. A row replaces a stored sample with the same timestamp.
   */
  'transit.samples.import': method(
    z
      .object({
        service,
        file: z.string().min(1).optional(),
        csv: z.string().optional(),
        name: z.string().optional(),
        kind: sampleKind.default('bps'),
        dry_run: z.boolean().default(false),
      })
      .refine((a) => (a.file === undefined) !== (a.csv === undefined), { message: 'give either file (a path) or csv (the text)' }),
    importResult,
    true,
  ),
  /** Deletes stored samples in [from, to) (all without bounds). Bulk data: not journaled, not undoable. */
  'transit.samples.clear': method(
    z.object({ service, from: contractDate.optional(), to: contractDate.optional() }),
    z.object({ service: z.string(), deleted: z.number().int() }),
    true,
  ),
  'transit.bill': method(billArgs, billView, false),
  'transit.chart': method(billArgs, chartView, false),
  'transit.settings.get': method(z.object({ key: z.string().optional() }).default({}), z.object({ settings: z.array(settingView) }), false),
  'transit.settings.set': method(z.object({ key: z.string().trim().min(1, 'a setting key is required'), value: z.string().trim() }), z.object({ setting: settingView }), true),
} as const;

/**
 * The transit form's draft (the planner's text) and the definition it makes, checked with the shared
 * schema the engine validates with, so the form shows the engine's own refusals beside each field.
 */
import { transitDefinition, type BillingModel, type Direction, type MissingPolicy, type Rounding, type TierMode } from '../../../../shared/billing/model';
import type { TransitItem } from './types';

export interface BandDraft {
  up_to: string;
  rate: string;
}

export interface Draft {
  model: BillingModel;
  port: string;
  port_speed: string;
  commit: string;
  included: string;
  fee: string;
  tiers: BandDraft[];
  tier_mode: TierMode;
  direction: Direction | '';
  base: 1000 | 1024;
  rounding: Rounding;
  anchor_day: string;
  tz: string;
  missing: MissingPolicy;
  start: string;
  end: string;
}

export const NEW_DRAFT: Draft = {
  model: 'percentile',
  port: '',
  port_speed: '',
  commit: '',
  included: '',
  fee: '',
  tiers: [{ up_to: '', rate: '' }],
  tier_mode: 'graduated',
  direction: '',
  base: 1000,
  rounding: 'none',
  anchor_day: '1',
  tz: 'UTC',
  missing: 'exclude',
  start: '',
  end: '',
};

const text = (n: number | null) => (n === null ? '' : String(n));

export function draftOf(t: TransitItem): Draft {
  return {
    model: t.model,
    port: t.port ?? '',
    port_speed: text(t.port_speed),
    commit: text(t.commit),
    included: text(t.included),
    fee: text(t.fee),
    tiers: t.tiers.length ? t.tiers.map((b) => ({ up_to: text(b.up_to), rate: String(b.rate) })) : [{ up_to: '', rate: '' }],
    tier_mode: t.tier_mode,
    direction: t.direction ?? '',
    base: t.base,
    rounding: t.rounding,
    anchor_day: String(t.anchor_day),
    tz: t.tz,
    missing: t.missing,
    start: t.start ?? '',
    end: t.end ?? '',
  };
}

/** Empty is null; a number is a number; anything else stays text for the schema to name. */
function numberOr(textValue: string, empty: number | null): number | string | null {
  const v = textValue.trim();
  if (v === '') return empty;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

export function definitionOf(d: Draft): Record<string, unknown> {
  const rated = d.model === 'percentile' || d.model === 'commit_burst';
  return {
    port: d.port.trim() || null,
    port_speed: numberOr(d.port_speed, null),
    model: d.model,
    commit: rated ? numberOr(d.commit, null) : null,
    included: d.model === 'transfer' ? numberOr(d.included, null) : null,
    fee: numberOr(d.fee, 0),
    tiers: d.model === 'flat' ? [] : d.tiers.map((b, i) => ({ up_to: i === d.tiers.length - 1 ? null : numberOr(b.up_to, null), rate: numberOr(b.rate, null) })),
    tier_mode: d.tier_mode,
    direction: d.direction || null,
    base: d.base,
    rounding: d.rounding,
    anchor_day: numberOr(d.anchor_day, null),
    tz: d.tz.trim(),
    missing: d.missing,
    start: d.start.trim() || null,
    end: d.end.trim() || null,
  };
}

/** Problems by field ("tiers" also carries the bands' own, e.g. "band 2: must be above the band before"). */
export function problemsOf(d: Draft): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const parsed = transitDefinition.safeParse(definitionOf(d));
  if (parsed.success) return out;
  for (const i of parsed.error.issues) {
    const [field, band, key] = i.path as Array<string | number>;
    const k = String(field ?? '');
    // What the planner typed is text; the schema's "expected number" reads better as what to type.
    const message = i.code === 'invalid_type' && (i as { expected?: string }).expected === 'number' ? 'a number such as 100 or 0.5' : i.message;
    const msg = k === 'tiers' && typeof band === 'number' ? `band ${band + 1}${key ? ` ${String(key)}` : ''}: ${message}` : message;
    out.set(k, [...(out.get(k) ?? []), msg]);
  }
  return out;
}

/** Prices: overage rounding, tier bands (graduated or volume) and amounts in cents. */
import type { Rounding, TierBand, TierMode } from '../../shared/billing/model';

/**
 * An amount rounded to the cent, halves away from zero. The product is first cut to 15 significant
 * digits so that 1.005 (really 1.00499999999999989...) rounds to 1.01 as written.
 */
export function cents(x: number): number {
  const scaled = Number((Math.abs(x) * 100).toPrecision(15));
  return (Math.sign(x) * Math.round(scaled)) / 100 || 0;
}

/** Overage rounding: none keeps the exact quantity; up takes the next whole unit (a quantity within 1e-9 of a whole unit is that unit). */
export function roundQuantity(q: number, rounding: Rounding): number {
  if (q <= 0) return 0;
  if (rounding === 'none') return q;
  return Math.ceil(q - 1e-9);
}

export interface BandCharge {
  band: number;
  from: number;
  to: number | null;
  quantity: number;
  rate: number;
  amount: number;
}

/**
 * Prices q units of overage.
 * graduated: band i holds the units in (up_to of band i - 1, up_to of band i], each band at its own rate;
 * volume: the band whose range q falls in (q <= up_to; the open band beyond the last bound) prices every unit.
 * A quantity exactly on a bound belongs to the band that ends there.
 */
export function priceBands(q: number, bands: readonly TierBand[], mode: TierMode): BandCharge[] {
  const out: BandCharge[] = [];
  let from = 0;
  const reached = bands.findIndex((b) => b.up_to === null || q <= b.up_to);
  bands.forEach((b, i) => {
    const to = b.up_to;
    let quantity: number;
    if (mode === 'graduated') quantity = Math.max(0, Math.min(q, to ?? Infinity) - from);
    else quantity = i === reached ? q : 0;
    out.push({ band: i, from, to, quantity, rate: b.rate, amount: cents(quantity * b.rate) });
    from = to ?? from;
  });
  return out;
}

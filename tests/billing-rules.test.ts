/**
 * The pinned billing rules on small hand-made series, through the engine's pure functions.
 * Every expected value is worked out by hand in the comment beside it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndexRule } from '../shared/billing/model';
import { computeBill, type BillConfig, type BillPeriod } from '../electron/billing/bill';
import { cycleAt, cycleOf, parseInstant } from '../electron/billing/cycle';
import { percentileIndex, selectKth } from '../electron/billing/percentile';
import { cents, priceBands, roundQuantity } from '../electron/billing/price';
import { ABOVE_PORT_SPEED, NO_RATE, OK, RESET, counterDelta, deriveBps, deriveCounters } from '../electron/billing/series';
import { MBPS, at } from './support/billing';

const cfg = (over: Partial<BillConfig> = {}): BillConfig => ({
  model: 'percentile',
  commit: 0,
  included: null,
  fee: 0,
  tiers: [{ up_to: null, rate: 1 }],
  tier_mode: 'graduated',
  base: 1000,
  rounding: 'none',
  missing: 'exclude',
  ...over,
});
/** A short "cycle" of `slots` 5-minute slots starting at 0, complete. */
const period = (slots: number, over: Partial<BillPeriod> = {}): BillPeriod => ({ cycleStart: 0, cycleEnd: slots * 300, start: 0, end: slots * 300, asOf: Infinity, ...over });
/** bps samples at the given slots with rates in Mbps. */
const rates = (slots: number[], inMbps: number[], outMbps: number[] = inMbps.map(() => 0), portMbps: number | null = null) =>
  deriveBps(
    slots.map((j) => j * 300),
    inMbps.map((v) => v * MBPS),
    outMbps.map((v) => v * MBPS),
    portMbps === null ? null : portMbps * MBPS,
  );

// n -> [nearest_rank index, librenms index, cacti index (descending), cacti position ascending], worked by hand:
//   nearest_rank ceil(0.95 n) - 1; librenms round(0.95 n) - 1; cacti ceil(0.05 n) in descending order = n - 1 - that ascending.
const INDEXES: Record<number, [number, number, number, number]> = {
  19: [18, 17, 1, 17], // 0.95*19 = 18.05: ceil 19, round 18; 0.05*19 = 0.95: ceil 1
  20: [18, 18, 1, 18], // 19 exactly; 1 exactly
  21: [19, 19, 2, 18], // 19.95: ceil 20, round 20; 1.05: ceil 2
  100: [94, 94, 5, 94], // 95; 5
  101: [95, 95, 6, 94], // 95.95: 96, 96; 5.05: 6
  8064: [7660, 7660, 404, 7659], // 28 days: 7660.8: 7661, 7661; 403.2: 404
  8352: [7934, 7933, 418, 7933], // 29 days: 7934.4: 7935, 7934; 417.6: 418
  8640: [8207, 8207, 432, 8207], // 30 days: 8208; 432
  8928: [8481, 8481, 447, 8480], // 31 days: 8481.6: 8482, 8482; 446.4: 447
};

describe('percentile index rules (integer arithmetic)', () => {
  for (const [nText, [nearest, libre, cacti, cactiAsc]] of Object.entries(INDEXES)) {
    const n = Number(nText);
    it(`n = ${n}`, () => {
      expect(percentileIndex('nearest_rank', n)).toEqual({ index: nearest, ascending: nearest, order: 'ascending' });
      expect(percentileIndex('librenms', n)).toEqual({ index: libre, ascending: libre, order: 'ascending' });
      expect(percentileIndex('cacti', n)).toEqual({ index: cacti, ascending: cactiAsc, order: 'descending' });
    });
  }

  it('is not the floating-point formula, which is one off for some n', () => {
    // (1 - 0.95) * n in floating point: 1.0000000000000009 for n = 20, 5.000000000000004 for 100,
    // 432.0000000000004 for 8640; ceil then takes one sample too many from the top.
    for (const [n, right] of [[20, 1], [100, 5], [8640, 432]] as const) {
      expect(Math.ceil((1 - 0.95) * n)).toBe(right + 1);
      expect(percentileIndex('cacti', n)!.index).toBe(right);
    }
  });

  it('has no index without samples, and cacti never leaves the list', () => {
    expect(percentileIndex('nearest_rank', 0)).toBeNull();
    expect(percentileIndex('nearest_rank', 1)!.ascending).toBe(0);
    expect(percentileIndex('librenms', 1)!.ascending).toBe(0); // round(0.95) = 1, minus 1
    expect(percentileIndex('cacti', 1)).toEqual({ index: 0, ascending: 0, order: 'descending' }); // ceil(0.05) = 1, clamped to n - 1
  });

  it('matches exact rational arithmetic for every n up to 100,000', () => {
    for (let n = 1; n <= 100_000; n++) {
      const N = BigInt(n);
      const nearest = Number((95n * N + 99n) / 100n) - 1; // ceil(95n/100) - 1
      const libre = Number((95n * N + 50n) / 100n) - 1; // floor(95n/100 + 1/2) - 1
      const cacti = Math.min(Number((5n * N + 99n) / 100n), n - 1);
      if (percentileIndex('nearest_rank', n)!.index !== nearest || percentileIndex('librenms', n)!.index !== libre || percentileIndex('cacti', n)!.index !== cacti) {
        throw new Error(`n = ${n} differs`);
      }
    }
  });

  it('selects the k-th smallest value like a full sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }), fc.nat(), (values, kk) => {
        const k = kk % values.length;
        const sorted = [...values].sort((a, b) => a - b);
        expect(selectKth(Float64Array.from(values), values.length, k)).toBe(sorted[k]);
      }),
    );
    // Longer than 600: the sampling step of Floyd-Rivest runs too (sorted, reversed and tied inputs included).
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 601, maxLength: 5000 }), fc.nat(), fc.constantFrom('as is', 'sorted', 'reversed'), (values, kk, order) => {
        const k = kk % values.length;
        const sorted = [...values].sort((a, b) => a - b);
        const input = order === 'sorted' ? sorted : order === 'reversed' ? [...sorted].reverse() : values;
        expect(selectKth(Float64Array.from(input), input.length, k)).toBe(sorted[k]);
      }),
      { numRuns: 60 },
    );
  });

  for (const n of Object.keys(INDEXES).map(Number)) {
    it(`bills the sample at that index, n = ${n}, for each rule`, () => {
      // Rates 1..n Mbps, shuffled in time (k -> slot k * 7919 mod n; 7919 is prime and divides none of these n).
      const slots = Array.from({ length: n }, (_, k) => k);
      const values = new Array<number>(n);
      for (let k = 0; k < n; k++) values[(k * 7919) % n] = k + 1;
      const d = rates(slots, values);
      for (const [rule, column] of [['nearest_rank', 0], ['librenms', 1], ['cacti', 3]] as Array<[IndexRule, number]>) {
        const b = computeBill(cfg(), d, period(n), rule, 'in');
        const ascending = INDEXES[n]![column]!;
        expect(b.usage.n).toBe(n);
        expect(b.billableBps, rule).toBe((ascending + 1) * MBPS);
        expect(b.in.index).toBe(rule === 'cacti' ? INDEXES[n]![2] : ascending);
        // The sample that set it: value ascending + 1 sits at slot (ascending * 7919) mod n.
        expect(b.usage.vt[b.in.at!]).toBe(((ascending * 7919) % n) * 300);
      }
    });
  }

  it('breaks ties by time, and cacti counts them from the top', () => {
    // 20 samples: 18 at 1 Mbps, then 5 Mbps at slots 3 and 7. Ascending: 1 x18, 5 (slot 3), 5 (slot 7).
    const values = Array.from({ length: 20 }, (_, j) => (j === 3 || j === 7 ? 5 : 1));
    const d = rates([...values.keys()], values);
    const nearest = computeBill(cfg(), d, period(20), 'nearest_rank', 'in'); // index 18: the first 5, slot 3
    expect(nearest.billableBps).toBe(5 * MBPS);
    expect(nearest.usage.vt[nearest.in.at!]).toBe(3 * 300);
    const cacti = computeBill(cfg(), d, period(20), 'cacti', 'in'); // descending index 1 = ascending 18: slot 3
    expect(cacti.usage.vt[cacti.in.at!]).toBe(3 * 300);
  });
});

describe('counters', () => {
  it('take the delta over the time between rows, and the first row has no rate', () => {
    // 37,500,000 octets in 300 s = 300,000,000 bits / 300 s = 1,000,000 bps.
    const d = deriveCounters(
      [
        { t: 0, in: 1000n, out: 0n },
        { t: 300, in: 37_501_000n, out: 75_000_000n },
        { t: 900, in: 112_501_000n, out: 75_000_000n }, // 75,000,000 octets over 600 s: 1 Mbps
      ],
      null,
      null,
    );
    expect([...d.status]).toEqual([NO_RATE, OK, OK]);
    expect(d.rin[0]).toBeNaN();
    expect([d.rin[1], d.rout[1], d.rin[2], d.rout[2]]).toEqual([1 * MBPS, 2 * MBPS, 1 * MBPS, 0]);
    expect([d.bin[1], d.bin[2]]).toEqual([37_500_000, 75_000_000]);
  });

  it('wrap at 32 bits', () => {
    // 2^32 - 296 = 4,294,967,000, then 37,499,704: 296 + 37,499,704 = 37,500,000 octets.
    expect(counterDelta(4_294_967_000n, 37_499_704n)).toBe(37_500_000n);
    const d = deriveCounters([{ t: 300, in: 37_499_704n, out: 0n }], { t: 0, in: 4_294_967_000n, out: 0n }, null);
    expect(d.status[0]).toBe(OK);
    expect(d.rin[0]).toBe(1 * MBPS);
  });

  it('wrap at 64 bits', () => {
    // 2^64 - 1000 = 18,446,744,073,709,550,616, then 37,499,000: 1000 + 37,499,000 = 37,500,000 octets.
    expect(counterDelta(18_446_744_073_709_550_616n, 37_499_000n)).toBe(37_500_000n);
    const d = deriveCounters([{ t: 300, in: 0n, out: 37_499_000n }], { t: 0, in: 0n, out: 18_446_744_073_709_550_616n }, null);
    expect(d.status[0]).toBe(OK);
    expect(d.rout[0]).toBe(1 * MBPS);
  });

  it('treat a reset as a bad sample and restart from it', () => {
    // 32-bit: from 1,000,000,000 to 5 would be a wrap of 2^32 - 1e9 + 5 = 3,294,967,301 > 2^31: a reset.
    expect(counterDelta(1_000_000_000n, 5n)).toBeNull();
    // 64-bit: from 5e12 to 1000 would be a wrap of about 1.8e19 > 2^63: a reset.
    expect(counterDelta(5_000_000_000_000n, 1000n)).toBeNull();
    const d = deriveCounters(
      [
        { t: 300, in: 1000n, out: 1000n }, // reset
        { t: 600, in: 37_501_000n, out: 1000n }, // 37,500,000 from the reset row: 1 Mbps
      ],
      { t: 0, in: 5_000_000_000_000n, out: 5_000_000_000_000n },
      null,
    );
    expect([...d.status]).toEqual([RESET, OK]);
    expect(d.rin[0]).toBeNaN();
    expect(d.rin[1]).toBe(1 * MBPS);
  });

  it('mark a rate above the port speed bad, in either direction; equal is fine', () => {
    // Port 1 Mbps: 37,500,000 octets/300 s is exactly 1 Mbps (fine), 37,500,008 is above it.
    const d = deriveCounters(
      [
        { t: 300, in: 37_500_000n, out: 0n },
        { t: 600, in: 37_500_000n, out: 37_500_008n },
      ],
      { t: 0, in: 0n, out: 0n },
      1 * MBPS,
    );
    expect([...d.status]).toEqual([OK, ABOVE_PORT_SPEED]);
    const b = deriveBps([0, 300], [1 * MBPS, 1 * MBPS + 1], [0, 0], 1 * MBPS);
    expect([...b.status]).toEqual([OK, ABOVE_PORT_SPEED]);
  });
});

describe('missing samples', () => {
  // 40 slots; slots 0-19 hold 1..20 Mbps in, slots 20-39 are missing.
  const d = rates(
    Array.from({ length: 20 }, (_, j) => j),
    Array.from({ length: 20 }, (_, j) => j + 1),
  );

  it('exclude (default): n counts the samples present', () => {
    const b = computeBill(cfg({ missing: 'exclude' }), d, period(40), 'nearest_rank', 'in');
    // n = 20, index 18: 19 Mbps.
    expect([b.usage.n, b.usage.expected, b.usage.missing, b.usage.filled]).toEqual([20, 40, 20, 0]);
    expect(b.billableBps).toBe(19 * MBPS);
  });

  it('zero: every missing slot is a 0 bps sample', () => {
    const b = computeBill(cfg({ missing: 'zero' }), d, period(40), 'nearest_rank', 'in');
    // n = 40: 20 zeros then 1..20; index ceil(38) - 1 = 37: the 18th of 1..20 = 18 Mbps.
    expect([b.usage.n, b.usage.missing, b.usage.filled]).toEqual([40, 20, 20]);
    expect(b.billableBps).toBe(18 * MBPS);
  });

  it('spread: the next sample\'s traffic spread evenly over the gap; a gap with no later sample stays out', () => {
    const trailing = computeBill(cfg({ missing: 'spread' }), d, period(40), 'nearest_rank', 'in');
    expect([trailing.usage.n, trailing.usage.missing, trailing.usage.filled]).toEqual([20, 20, 0]);
    expect(trailing.billableBps).toBe(19 * MBPS);

    // 6 slots: 10, 20, missing, missing, 60 (bps: 60 Mbps x 300 s of traffic), 30.
    const g = rates([0, 1, 4, 5], [10, 20, 60, 30]);
    const exclude = computeBill(cfg(), g, period(6), 'nearest_rank', 'in');
    expect([exclude.usage.n, exclude.billableBps]).toEqual([4, 60 * MBPS]); // n < 20: the largest
    const zero = computeBill(cfg({ missing: 'zero' }), g, period(6), 'nearest_rank', 'in');
    expect([zero.usage.n, zero.billableBps]).toEqual([6, 60 * MBPS]);
    const spread = computeBill(cfg({ missing: 'spread' }), g, period(6), 'nearest_rank', 'in');
    // 60 Mbps x 300 s shared by 3 slots: 20 Mbps each; values 10, 20, 20, 20, 20, 30.
    expect([spread.usage.n, spread.usage.filled, spread.billableBps]).toEqual([6, 2, 30 * MBPS]);
    expect([...spread.usage.vin.subarray(0, 6)]).toEqual([10, 20, 20, 20, 20, 30].map((v) => v * MBPS));
    expect([...spread.usage.vsrc.subarray(0, 6)]).toEqual([0, 0, 2, 2, 0, 0]);
    // Traffic is the same under every policy: (10 + 20 + 60 + 30) Mbps x 300 s / 8 = 4,500,000,000 octets.
    for (const b of [exclude, zero, spread]) expect(b.transferIn).toBe(4_500_000_000);
  });

  it('spread with counters gives every slot of the gap the rate since the previous row', () => {
    // Counters every 5 minutes; 900 and 1200 are missing; the row at 1500 carries 225,000,000 octets over 900 s = 2 Mbps.
    const d2 = deriveCounters(
      [
        { t: 0, in: 0n, out: 0n },
        { t: 300, in: 37_500_000n, out: 0n },
        { t: 600, in: 75_000_000n, out: 0n },
        { t: 1500, in: 300_000_000n, out: 0n },
      ],
      null,
      null,
    );
    const exclude = computeBill(cfg(), d2, period(6), 'nearest_rank', 'in');
    expect([exclude.usage.n, exclude.usage.noRate, exclude.usage.missing]).toEqual([3, 1, 2]); // 1, 1, 2
    const zero = computeBill(cfg({ missing: 'zero' }), d2, period(6), 'nearest_rank', 'in');
    expect([...zero.usage.vin.subarray(0, zero.usage.n)]).toEqual([1, 1, 0, 0, 2].map((v) => v * MBPS));
    const spread = computeBill(cfg({ missing: 'spread' }), d2, period(6), 'nearest_rank', 'in');
    expect([...spread.usage.vin.subarray(0, spread.usage.n)]).toEqual([1, 1, 2, 2, 2].map((v) => v * MBPS));
    expect(spread.usage.vt.subarray(0, 5)).toEqual(Float64Array.from([300, 600, 900, 1200, 1500]));
  });

  it('excludes bad samples under every policy; their slots are not missing', () => {
    // 4 slots, port 100 Mbps: 50, 500 (bad), 70, 60.
    const g = rates([0, 1, 2, 3], [50, 500, 70, 60], [0, 0, 0, 0], 100);
    for (const missing of ['exclude', 'zero', 'spread'] as const) {
      const b = computeBill(cfg({ missing }), g, period(4), 'nearest_rank', 'in');
      expect([b.usage.n, b.usage.bad, b.usage.missing, b.billableBps]).toEqual([3, 1, 0, 70 * MBPS]);
      expect(b.usage.badSamples).toEqual([{ t: 300, reason: 'above_port_speed' }]);
      expect(b.transferIn).toBe(((50 + 70 + 60) * MBPS * 300) / 8);
    }
  });

  it('counts the cycle half-open: a sample at the end belongs to the next cycle', () => {
    const g = rates([0, 1, 2, 3, 4], [1, 1, 1, 1, 99]); // slot 4 starts at 1200 = the end of a 4-slot cycle
    const b = computeBill(cfg(), g, period(4), 'nearest_rank', 'in');
    expect([b.usage.n, b.usage.present, b.billableBps]).toEqual([4, 4, 1 * MBPS]);
  });
});

describe('directions', () => {
  // 20 samples: in = j + 1 Mbps (1..20), out = 2 (20 - j) Mbps (40..2); sum = 41 - j (41..22). n = 20, index 18.
  const slots = Array.from({ length: 20 }, (_, j) => j);
  const d = rates(
    slots,
    slots.map((j) => j + 1),
    slots.map((j) => 2 * (20 - j)),
  );
  const bill = (direction: 'in' | 'out' | 'max' | 'sum', over: Partial<BillConfig> = {}) => computeBill(cfg(over), d, period(20), 'nearest_rank', direction);

  it('in, out and max use the per-direction percentiles', () => {
    // in: 19 (slot 18); out: ascending 2..40, index 18 = 38 (slot 1)
    const b = bill('in');
    expect([b.in.bps, b.out.bps, b.billableBps, b.billableFrom]).toEqual([19 * MBPS, 38 * MBPS, 19 * MBPS, 'in']);
    expect(b.usage.vt[b.in.at!]).toBe(18 * 300);
    expect(b.usage.vt[b.out.at!]).toBe(1 * 300);
    expect(bill('out').billableBps).toBe(38 * MBPS);
    expect([bill('max').billableBps, bill('max').billableFrom]).toEqual([38 * MBPS, 'out']);
    expect(bill('max').sum).toBeNull();
  });

  it('sum is the percentile of the per-sample sums, not the sum of percentiles', () => {
    // sums 22..41, index 18 = 40 (slot 1); 19 + 38 would be 57.
    const b = bill('sum');
    expect([b.sum!.bps, b.billableBps, b.billableFrom]).toEqual([40 * MBPS, 40 * MBPS, 'sum']);
    expect(b.usage.vt[b.sum!.at!]).toBe(300);
  });

  it('transfer follows the direction rule', () => {
    // in: 210 Mbps-slots x 300 s / 8 = 7,875,000,000 octets = 7.875 GB; out: 420 -> 15.75 GB.
    const t = (direction: 'in' | 'out' | 'max' | 'sum') => bill(direction, { model: 'transfer', commit: null, included: 0 }).transfer;
    expect([t('in'), t('out'), t('max'), t('sum')]).toEqual([7_875_000_000, 15_750_000_000, 15_750_000_000, 23_625_000_000]);
  });
});

describe('commit, tiers, rounding, units', () => {
  // 20 samples of in = j + 1 Mbps: p95 (nearest_rank) = 19 Mbps.
  const slots = Array.from({ length: 20 }, (_, j) => j);
  const d = rates(
    slots,
    slots.map((j) => j + 1),
  );
  const tiers = [
    { up_to: 100, rate: 2 },
    { up_to: 500, rate: 1.5 },
    { up_to: null, rate: 1 },
  ];

  it('p95 equal to the commit, and below it, bills no overage; the commit fee is always charged', () => {
    for (const commit of [19, 25]) {
      const b = computeBill(cfg({ model: 'commit_burst', commit, fee: 300, tiers }), d, period(20), 'nearest_rank', 'in');
      expect([b.overage, b.total]).toEqual([0, 300]);
      expect(b.lines[0]).toMatchObject({ kind: 'fee', description: `commit ${commit} Mbps`, quantity: 1, rate: 300, amount: 300 });
      expect(b.lines.filter((l) => l.kind === 'overage').every((l) => l.quantity === 0 && l.amount === 0)).toBe(true);
    }
    // Above: commit 10 -> 9 Mbps at 2 = 18, total 318.
    const above = computeBill(cfg({ model: 'commit_burst', commit: 10, fee: 300, tiers }), d, period(20), 'nearest_rank', 'in');
    expect([above.overage, above.total]).toEqual([9, 318]);
  });

  it('graduated tiers at and around the boundaries', () => {
    const charge = (q: number) => priceBands(q, tiers, 'graduated').reduce((s, b) => s + b.amount, 0);
    expect(charge(0)).toBe(0);
    expect(charge(100)).toBe(200); // 100 x 2
    expect(charge(100.5)).toBe(200.75); // + 0.5 x 1.5
    expect(charge(500)).toBe(800); // 200 + 400 x 1.5
    expect(charge(501)).toBe(801); // + 1 x 1
    expect(priceBands(100, tiers, 'graduated').map((b) => b.quantity)).toEqual([100, 0, 0]);
    expect(priceBands(501, tiers, 'graduated').map((b) => [b.from, b.to, b.quantity])).toEqual([[0, 100, 100], [100, 500, 400], [500, null, 1]]);
  });

  it('volume tiers: the band the total reaches prices every unit; a bound belongs to the band it ends', () => {
    const charge = (q: number) => priceBands(q, tiers, 'volume').reduce((s, b) => s + b.amount, 0);
    expect(charge(100)).toBe(200); // 100 x 2
    expect(charge(100.5)).toBe(150.75); // 100.5 x 1.5
    expect(charge(500)).toBe(750); // 500 x 1.5
    expect(charge(501)).toBe(501); // 501 x 1
    expect(priceBands(100.5, tiers, 'volume').map((b) => b.quantity)).toEqual([0, 100.5, 0]);
  });

  it('tier boundaries through a bill, both modes', () => {
    // p95 19 Mbps, commit 9: overage exactly 10 Mbps on the bound of [{10 @ 3}, {rest @ 1}].
    const t2 = [{ up_to: 10, rate: 3 }, { up_to: null, rate: 1 }];
    const g = computeBill(cfg({ commit: 9, tiers: t2 }), d, period(20), 'nearest_rank', 'in');
    expect([g.overage, g.total]).toEqual([10, 30]);
    const v = computeBill(cfg({ commit: 8, tiers: t2, tier_mode: 'volume' }), d, period(20), 'nearest_rank', 'in');
    expect([v.overage, v.total]).toEqual([11, 11]); // 11 is past 10: every unit at 1
    const g2 = computeBill(cfg({ commit: 8, tiers: t2 }), d, period(20), 'nearest_rank', 'in');
    expect(g2.total).toBe(31); // 10 x 3 + 1 x 1
  });

  it('rounding: none keeps the exact overage, up takes the next whole unit', () => {
    // p95 19 Mbps, commit 13.8: overage 5.2 Mbps at 2: none 10.40, up 6 x 2 = 12.
    const none = computeBill(cfg({ commit: 13.8, tiers: [{ up_to: null, rate: 2 }] }), d, period(20), 'nearest_rank', 'in');
    expect(none.overage).toBeCloseTo(5.2, 12);
    expect(none.total).toBe(10.4);
    const up = computeBill(cfg({ commit: 13.8, rounding: 'up', tiers: [{ up_to: null, rate: 2 }] }), d, period(20), 'nearest_rank', 'in');
    expect([up.overage, up.total]).toEqual([6, 12]);
    expect(up.overageExact).toBeCloseTo(5.2, 12);
    expect(roundQuantity(5, 'up')).toBe(5);
    expect(roundQuantity(5.000000000001, 'up')).toBe(5);
    expect(roundQuantity(5.001, 'up')).toBe(6);
    expect(roundQuantity(0, 'up')).toBe(0);
  });

  it('amounts round to the cent, halves away from zero, as written', () => {
    expect(cents(1.005)).toBe(1.01); // 1.005 is 1.00499999999999989... in binary
    expect(cents(2.675)).toBe(2.68);
    expect(cents(0.125)).toBe(0.13);
    expect(cents(0.1 + 0.2)).toBe(0.3);
    expect(cents(10.404)).toBe(10.4);
  });

  it('unit base 1000 versus 1024 for rates and bytes', () => {
    // 104,857,600 bps = 104.8576 Mbps (base 1000) = 100 Mbps (base 1024).
    const r = deriveBps([0], [104_857_600], [0], null);
    expect(computeBill(cfg({ base: 1000 }), r, period(1), 'nearest_rank', 'in').overageExact).toBeCloseTo(104.8576, 10);
    expect(computeBill(cfg({ base: 1024 }), r, period(1), 'nearest_rank', 'in').overageExact).toBe(100);
    // A commit of 100 Mbps is 100 x 1,048,576 bps in base 1024: no overage.
    expect(computeBill(cfg({ base: 1024, commit: 100 }), r, period(1), 'nearest_rank', 'in').overage).toBe(0);
    // 2^30 octets = 1 GB in base 1024, 1.073741824 GB in base 1000.
    const c = deriveCounters([{ t: 0, in: 1n << 30n, out: 0n }], { t: -300, in: 0n, out: 0n }, null);
    const transfer = (base: 1000 | 1024) => computeBill(cfg({ model: 'transfer', commit: null, included: 0, base }), c, period(1), 'nearest_rank', 'in');
    expect(transfer(1024).overage).toBe(1);
    expect(transfer(1000).overage).toBe(1.073741824);
  });

  it('transfer: the included pool comes off before rounding and pricing', () => {
    // 10.2 GB (10,200,000,000 octets) with 10 GB included at 0.5 per GB: none 0.2 -> 0.10; up 1 -> 0.50.
    const c = deriveCounters([{ t: 0, in: 10_200_000_000n, out: 0n }], { t: -300, in: 0n, out: 0n }, null);
    const base = { model: 'transfer' as const, commit: null, included: 10, fee: 5, tiers: [{ up_to: null, rate: 0.5 }] };
    const none = computeBill(cfg(base), c, period(1), 'nearest_rank', 'in');
    expect(none.overage).toBeCloseTo(0.2, 12);
    expect(none.total).toBe(5.1);
    const up = computeBill(cfg({ ...base, rounding: 'up' }), c, period(1), 'nearest_rank', 'in');
    expect([up.overage, up.total]).toEqual([1, 5.5]);
    const under = computeBill(cfg({ ...base, included: 11 }), c, period(1), 'nearest_rank', 'in');
    expect([under.overage, under.total]).toEqual([0, 5]);
  });

  it('flat: the fixed fee only', () => {
    const b = computeBill(cfg({ model: 'flat', commit: null, fee: 250, tiers: [] }), d, period(20), 'nearest_rank', 'max');
    expect([b.total, b.lines.length, b.overageUnit]).toEqual([250, 1, null]);
  });

  it('pro-rates fixed and commit fees by time, not the commit rate', () => {
    // Half the cycle inside the contract: fee 300 -> 150; p95 of the samples inside still against the full commit.
    const b = computeBill(cfg({ model: 'commit_burst', commit: 10, fee: 300, tiers: [{ up_to: null, rate: 2 }] }), d, period(40, { end: 20 * 300 }), 'nearest_rank', 'in');
    expect(b.fraction).toBe(0.5);
    expect(b.lines[0]!.amount).toBe(150);
    expect(b.overage).toBe(9); // 19 - 10, not 19 - 5
    expect(b.total).toBe(168);
  });
});

describe('cycles in the billing time zone', () => {
  it('a month crossing the spring DST change in Europe/Berlin is an hour short: 8916 slots', () => {
    const c = cycleOf('2024-03', 1, 'Europe/Berlin');
    expect(c.start).toBe(at('2024-02-29T23:00:00Z')); // midnight CET
    expect(c.end).toBe(at('2024-03-31T22:00:00Z')); // midnight CEST
    expect((c.end - c.start) / 300).toBe(31 * 288 - 12);
    const oct = cycleOf('2024-10', 1, 'Europe/Berlin');
    expect((oct.end - oct.start) / 300).toBe(31 * 288 + 12);
  });

  it('anchor days, clamped to short months', () => {
    const feb = cycleOf('2024-02', 15, 'UTC');
    expect([feb.start, feb.end]).toEqual([at('2024-02-15T00:00:00Z'), at('2024-03-15T00:00:00Z')]);
    const leap = cycleOf('2024-02', 31, 'UTC');
    expect([leap.start, leap.end]).toEqual([at('2024-02-29T00:00:00Z'), at('2024-03-31T00:00:00Z')]);
    const plain = cycleOf('2023-02', 30, 'America/New_York');
    expect([plain.start, plain.end]).toEqual([at('2023-02-28T05:00:00Z'), at('2023-03-30T04:00:00Z')]);
    expect(cycleAt(at('2024-03-14T23:59:59Z'), 15, 'UTC').label).toBe('2024-02');
    expect(cycleAt(at('2024-03-15T00:00:00Z'), 15, 'UTC').label).toBe('2024-03');
    expect(cycleAt(at('2024-01-10T00:00:00Z'), 15, 'UTC').label).toBe('2023-12');
  });

  it('reads instants as ISO 8601 or Unix seconds; zone-less ones in the billing time zone', () => {
    expect(parseInstant('1709247600', 'UTC')).toBe(1709247600);
    expect(parseInstant('2024-03-01T00:00:00Z', 'Europe/Berlin')).toBe(at('2024-03-01T00:00:00Z'));
    expect(parseInstant('2024-03-01T00:00:00+01:00', 'UTC')).toBe(at('2024-02-29T23:00:00Z'));
    expect(parseInstant('2024-03-01T00:00:00', 'Europe/Berlin')).toBe(at('2024-02-29T23:00:00Z'));
    expect(parseInstant('2024-03-01', 'Europe/Berlin')).toBe(at('2024-02-29T23:00:00Z'));
    expect(parseInstant('2024-02-30T00:00:00Z', 'UTC')).toBeNull();
    expect(parseInstant('2024-03-01T00:00:00.5Z', 'UTC')).toBeNull();
    expect(parseInstant('yesterday', 'UTC')).toBeNull();
  });
});

/**
 * One cycle's counted samples: the measured ones that are good, plus the missing 5-minute slots the
 * policy fills. The cycle is half-open, [start, end): a sample at exactly `end` belongs to the next one.
 */
import { STEP_SECONDS, type MissingPolicy } from '../../shared/billing/model';
import { ceilDiv } from './percentile';
import { NO_RATE, OK, badReason, lowerBound, type BadReason, type Derived } from './series';

export const SOURCE_SAMPLE = 0;
export const SOURCE_ZERO = 1;
export const SOURCE_SPREAD = 2;

export interface Window {
  /** Where the slot grid starts: the cycle's start. Slot j is [origin + 300 j, origin + 300 (j + 1)). */
  origin: number;
  /** The billed part of the cycle, [start, until): the cycle cut by the contract, and by `as of` while it runs. */
  start: number;
  until: number;
}

/** Arrays a caller may lend to cycleUsage (a batch of bills reuses them instead of allocating per bill). */
export interface UsageBuffers {
  vin: Float64Array;
  vout: Float64Array;
  vt: Float64Array;
  vsrc: Uint8Array;
}

export function newBuffers(cap: number): UsageBuffers {
  return { vin: new Float64Array(cap), vout: new Float64Array(cap), vt: new Float64Array(cap), vsrc: new Uint8Array(cap) };
}

export type PointState = 'counted' | 'bad' | 'no_rate' | 'zero' | 'spread';

export interface Usage {
  /** Counted values in time order, bits per second, with their time and where they come from. */
  n: number;
  vin: Float64Array;
  vout: Float64Array;
  vt: Float64Array;
  vsrc: Uint8Array;
  expected: number;
  present: number;
  missing: number;
  filled: number;
  bad: number;
  noRate: number;
  /** Octets of the counted samples. Filling never adds traffic: zero slots carry none, spread shares a sample's. */
  trafficIn: number;
  trafficOut: number;
  badSamples: Array<{ t: number; reason: BadReason }>;
  /** Every point for a chart (only when asked for). */
  points: Array<{ t: number; in: number | null; out: number | null; state: PointState }> | null;
}

/** Fills slots [from, to) with one value from position n on; returns the new count. (A closure here would put the loop's counters on the heap.) */
function fill(u: Usage, n: number, origin: number, from: number, to: number, rin: number, rout: number, src: number): number {
  for (let j = from; j < to; j++) {
    const t = origin + j * STEP_SECONDS;
    u.vin[n] = rin;
    u.vout[n] = rout;
    u.vt[n] = t;
    u.vsrc[n] = src;
    n++;
    if (u.points) u.points.push({ t, in: rin, out: rout, state: src === SOURCE_ZERO ? 'zero' : 'spread' });
  }
  return n;
}

/**
 * The counted samples of d inside [w.start, w.until).
 * - exclude: missing slots are left out, n counts the good samples only;
 * - zero: every missing slot counts as a 0 bps sample;
 * - spread: a run of k missing slots right before a good sample shares that sample's traffic with it:
 *   the k + 1 slots each get 8 x traffic / ((k + 1) x 300 s). For counters read every 5 minutes that is
 *   the sample's own rate; missing slots with no good sample after them in the cycle stay missing.
 * Bad samples (resets, above the port speed) and counter rows without a rate are excluded under every
 * policy; their slots are not missing.
 */
export function cycleUsage(d: Derived, w: Window, policy: MissingPolicy, trace = false, buffers?: UsageBuffers): Usage {
  const a = lowerBound(d.t, d.length, w.start);
  const b = lowerBound(d.t, d.length, w.until);
  const firstSlot = w.until > w.start ? ceilDiv(w.start - w.origin, STEP_SECONDS) : 0;
  const endSlot = w.until > w.start ? ceilDiv(w.until - w.origin, STEP_SECONDS) : 0;
  const expected = Math.max(0, endSlot - firstSlot);
  const cap = policy === 'exclude' ? b - a : b - a + expected;
  const buf = buffers && buffers.vin.length >= cap ? buffers : newBuffers(cap);
  const u: Usage = {
    n: 0,
    vin: buf.vin,
    vout: buf.vout,
    vt: buf.vt,
    vsrc: buf.vsrc,
    expected,
    present: b - a,
    missing: 0,
    filled: 0,
    bad: 0,
    noRate: 0,
    trafficIn: 0,
    trafficOut: 0,
    badSamples: [],
    points: trace ? [] : null,
  };
  // The hot loop of a bill: locals instead of object fields, and no closures on the common path.
  const { vin, vout, vt, vsrc } = u;
  const dt = d.t;
  const drin = d.rin;
  const drout = d.rout;
  const dbin = d.bin;
  const dbout = d.bout;
  const dstatus = d.status;
  const points = u.points;
  const origin = w.origin;
  let n = 0;
  let missing = 0;
  let filled = 0;
  let trafficIn = 0;
  let trafficOut = 0;

  let next = firstSlot;
  for (let i = a; i < b; i++) {
    const t = dt[i]!;
    // Whole seconds below 2^32: the division is exact enough that floor is the integer quotient (and fmod is slow).
    const slot = Math.floor((t - origin) / STEP_SECONDS);
    const gapEnd = slot < endSlot ? slot : endSlot;
    const gap = gapEnd > next ? gapEnd - next : 0;
    const status = dstatus[i]!;
    if (gap) {
      missing += gap;
      if (policy === 'zero') {
        n = fill(u, n, origin, next, gapEnd, 0, 0, SOURCE_ZERO);
        filled += gap;
      }
    }
    if (status === OK) {
      trafficIn += dbin[i]!;
      trafficOut += dbout[i]!;
      let rin = drin[i]!;
      let rout = drout[i]!;
      if (gap && policy === 'spread') {
        const span = (gap + 1) * STEP_SECONDS;
        rin = (dbin[i]! * 8) / span;
        rout = (dbout[i]! * 8) / span;
        n = fill(u, n, origin, next, gapEnd, rin, rout, SOURCE_SPREAD);
        filled += gap;
      }
      vin[n] = rin;
      vout[n] = rout;
      vt[n] = t;
      vsrc[n] = SOURCE_SAMPLE;
      n++;
      if (points) points.push({ t, in: rin, out: rout, state: 'counted' });
    } else if (status === NO_RATE) {
      u.noRate++;
      if (points) points.push({ t, in: null, out: null, state: 'no_rate' });
    } else {
      u.bad++;
      u.badSamples.push({ t, reason: badReason(status)! });
      if (points) points.push({ t, in: Number.isNaN(drin[i]!) ? null : drin[i]!, out: Number.isNaN(drout[i]!) ? null : drout[i]!, state: 'bad' });
    }
    if (slot + 1 > next) next = slot + 1;
  }
  if (endSlot > next) {
    missing += endSlot - next;
    if (policy === 'zero') {
      n = fill(u, n, origin, next, endSlot, 0, 0, SOURCE_ZERO);
      filled += endSlot - next;
    }
  }
  u.n = n;
  u.missing = missing;
  u.filled = filled;
  u.trafficIn = trafficIn;
  u.trafficOut = trafficOut;
  return u;
}

/**
 * One cycle's counted samples: the measured ones that are good, plus the missing 5-minute slots the
 * policy fills. The cycle is half-open, [start, end): a sample at exactly `end` belongs to the next one.
 */
import { STEP_SECONDS, type MissingPolicy } from '../../shared/billing/model';
import { floorDiv, ceilDiv } from './percentile';
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
export function cycleUsage(d: Derived, w: Window, policy: MissingPolicy, trace = false): Usage {
  const a = lowerBound(d.t, d.length, w.start);
  const b = lowerBound(d.t, d.length, w.until);
  const firstSlot = w.until > w.start ? ceilDiv(w.start - w.origin, STEP_SECONDS) : 0;
  const endSlot = w.until > w.start ? ceilDiv(w.until - w.origin, STEP_SECONDS) : 0;
  const expected = Math.max(0, endSlot - firstSlot);
  const cap = b - a + expected;
  const u: Usage = {
    n: 0,
    vin: new Float64Array(cap),
    vout: new Float64Array(cap),
    vt: new Float64Array(cap),
    vsrc: new Uint8Array(cap),
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
  const push = (t: number, vin: number, vout: number, src: number) => {
    u.vin[u.n] = vin;
    u.vout[u.n] = vout;
    u.vt[u.n] = t;
    u.vsrc[u.n] = src;
    u.n++;
    if (u.points) u.points.push({ t, in: vin, out: vout, state: src === SOURCE_ZERO ? 'zero' : src === SOURCE_SPREAD ? 'spread' : 'counted' });
  };
  const slotTime = (j: number) => w.origin + j * STEP_SECONDS;
  const fillZeros = (from: number, to: number) => {
    for (let j = from; j < to; j++) push(slotTime(j), 0, 0, SOURCE_ZERO);
    u.filled += to - from;
  };

  let next = firstSlot;
  for (let i = a; i < b; i++) {
    const t = d.t[i]!;
    const slot = floorDiv(t - w.origin, STEP_SECONDS);
    const gapEnd = Math.min(slot, endSlot);
    const gap = Math.max(0, gapEnd - next);
    const status = d.status[i]!;
    u.missing += gap;
    if (gap && policy === 'zero') fillZeros(next, gapEnd);
    if (status === OK) {
      u.trafficIn += d.bin[i]!;
      u.trafficOut += d.bout[i]!;
      if (gap && policy === 'spread') {
        const slots = (gap + 1) * STEP_SECONDS;
        const rin = (d.bin[i]! * 8) / slots;
        const rout = (d.bout[i]! * 8) / slots;
        for (let j = next; j < gapEnd; j++) push(slotTime(j), rin, rout, SOURCE_SPREAD);
        u.filled += gap;
        push(t, rin, rout, SOURCE_SAMPLE);
      } else {
        push(t, d.rin[i]!, d.rout[i]!, SOURCE_SAMPLE);
      }
    } else if (status === NO_RATE) {
      u.noRate++;
      if (u.points) u.points.push({ t, in: null, out: null, state: 'no_rate' });
    } else {
      u.bad++;
      u.badSamples.push({ t, reason: badReason(status)! });
      if (u.points) u.points.push({ t, in: Number.isNaN(d.rin[i]!) ? null : d.rin[i]!, out: Number.isNaN(d.rout[i]!) ? null : d.rout[i]!, state: 'bad' });
    }
    if (slot + 1 > next) next = slot + 1;
  }
  if (endSlot > next) {
    u.missing += endSlot - next;
    if (policy === 'zero') fillZeros(next, endSlot);
  }
  return u;
}

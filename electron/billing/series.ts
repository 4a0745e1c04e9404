/**
 * From stored samples to rates: bits per second as given, or octet counters turned into the rate
 * since the previous row. Bad samples are kept and marked, never dropped: the bill excludes them.
 */
import { STEP_SECONDS } from '../../shared/billing/model';

export const OK = 0;
/** A counter row with no earlier row to take a delta from. */
export const NO_RATE = 1;
/** A counter went backwards and no wrap explains it. */
export const RESET = 2;
/** A rate above the port speed (when the port speed is known). */
export const ABOVE_PORT_SPEED = 3;

export type BadReason = 'counter_reset' | 'above_port_speed';
export const badReason = (status: number): BadReason | null => (status === RESET ? 'counter_reset' : status === ABOVE_PORT_SPEED ? 'above_port_speed' : null);

/** A service's samples in time order with their rates (bps) and traffic (octets), as parallel arrays. */
export interface Derived {
  length: number;
  /** Unix seconds. */
  t: Float64Array;
  /** Rates in bits per second; NaN where there is none (a counter's first row, a reset). */
  rin: Float64Array;
  rout: Float64Array;
  /** Traffic in octets: a counter row's delta, or a bps row's rate over one 5-minute step. */
  bin: Float64Array;
  bout: Float64Array;
  status: Uint8Array;
}

function allocate(n: number, into?: Derived): Derived {
  if (into && into.t.length >= n) {
    return { length: n, t: into.t, rin: into.rin, rout: into.rout, bin: into.bin, bout: into.bout, status: into.status };
  }
  return { length: n, t: new Float64Array(n), rin: new Float64Array(n), rout: new Float64Array(n), bin: new Float64Array(n), bout: new Float64Array(n), status: new Uint8Array(n) };
}

/**
 * Rates given in bits per second. Each stands for one 5-minute step of traffic (rate x 300 s / 8 octets).
 * A rate above the port speed in either direction marks the sample bad.
 */
export function deriveBps(t: ArrayLike<number>, rin: ArrayLike<number>, rout: ArrayLike<number>, portBps: number | null, into?: Derived): Derived {
  const n = t.length;
  const d = allocate(n, into);
  const limit = portBps ?? Infinity;
  for (let i = 0; i < n; i++) {
    const a = rin[i]!;
    const b = rout[i]!;
    d.t[i] = t[i]!;
    d.rin[i] = a;
    d.rout[i] = b;
    d.bin[i] = (a * STEP_SECONDS) / 8;
    d.bout[i] = (b * STEP_SECONDS) / 8;
    d.status[i] = a > limit || b > limit ? ABOVE_PORT_SPEED : OK;
  }
  return d;
}

const R32 = 1n << 32n;
const R64 = 1n << 64n;

/**
 * The octets between two readings of one counter, or null for a reset.
 * A counter that went backwards wrapped if the wrap is the short way round: a counter below 2^32 is
 * taken as 32-bit, a larger one as 64-bit, and the wrapped delta must be under half that range.
 * Anything else (a reboot that zeroed it) is a reset.
 */
export function counterDelta(prev: bigint, cur: bigint): bigint | null {
  if (cur >= prev) return cur - prev;
  const range = prev < R32 ? R32 : R64;
  const delta = range - prev + cur;
  return delta < range / 2n ? delta : null;
}

export interface CounterRow {
  t: number;
  in: bigint;
  out: bigint;
}

/**
 * Octet counters: a row's rate is its delta over the time since the previous row (the row before the
 * first one given, when there is one, is `prev`). The first row of a series has no rate. A reset in
 * either direction, or a rate above the port speed in either, marks the row bad; the row after a reset
 * takes its delta from the reset row.
 */
export function deriveCounters(rows: readonly CounterRow[], prev: CounterRow | null, portBps: number | null): Derived {
  const n = rows.length;
  const d = allocate(n);
  const limit = portBps ?? Infinity;
  let before = prev;
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    d.t[i] = row.t;
    if (!before) {
      d.rin[i] = NaN;
      d.rout[i] = NaN;
      d.status[i] = NO_RATE;
    } else {
      const dt = row.t - before.t;
      const din = counterDelta(before.in, row.in);
      const dout = counterDelta(before.out, row.out);
      if (din === null || dout === null) {
        d.rin[i] = NaN;
        d.rout[i] = NaN;
        d.status[i] = RESET;
      } else {
        const oin = Number(din);
        const oout = Number(dout);
        d.bin[i] = oin;
        d.bout[i] = oout;
        d.rin[i] = (oin * 8) / dt;
        d.rout[i] = (oout * 8) / dt;
        d.status[i] = d.rin[i]! > limit || d.rout[i]! > limit ? ABOVE_PORT_SPEED : OK;
      }
    }
    before = row;
  }
  return d;
}

/** The first index whose time is >= t (binary search over the sorted times). */
export function lowerBound(times: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

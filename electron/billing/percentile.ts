/**
 * The 95th percentile: which sample index each rule takes, computed with integer arithmetic only.
 * With floating point, 1 - 0.95 is not 0.05 and 0.95 * 30 is 28.499999999999996, so n = 20, 30, 100 and
 * 8640 come out one off; here every index is a quotient of integers.
 */
import type { IndexRule } from '../../shared/billing/model';

/** floor(a / b) for integers a >= 0, b > 0, without a floating-point division. */
export function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** ceil(a / b) for integers a >= 0, b > 0. */
export function ceilDiv(a: number, b: number): number {
  return floorDiv(a + b - 1, b);
}

export interface PercentileIndex {
  /** The index as the rule defines it, 0-based, in the rule's own order. */
  index: number;
  /** The same sample's 0-based position in ascending order. */
  ascending: number;
  order: 'ascending' | 'descending';
}

export const INDEX_FORMULAS: Record<IndexRule, string> = {
  nearest_rank: 'ceil(95n/100) - 1, ascending',
  librenms: 'round(95n/100) - 1 (halves up), ascending',
  cacti: 'ceil(5n/100), descending (at most n - 1)',
};

/**
 * nearest_rank: ceil(0.95 n) - 1 over the samples sorted ascending;
 * librenms: round(0.95 n) - 1 (halves round up), ascending;
 * cacti: ceil(0.05 n) over the samples sorted descending (clamped to n - 1: for n = 1 it is the only sample).
 * Null when there are no samples.
 */
export function percentileIndex(rule: IndexRule, n: number): PercentileIndex | null {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number, got ${n}`);
  if (n === 0) return null;
  switch (rule) {
    case 'nearest_rank': {
      const index = ceilDiv(95 * n, 100) - 1;
      return { index, ascending: index, order: 'ascending' };
    }
    case 'librenms': {
      const index = Math.max(0, floorDiv(95 * n + 50, 100) - 1);
      return { index, ascending: index, order: 'ascending' };
    }
    case 'cacti': {
      const index = Math.min(ceilDiv(5 * n, 100), n - 1);
      return { index, ascending: n - 1 - index, order: 'descending' };
    }
  }
}

/**
 * The k-th smallest value (0-based) of values[0..n), by quickselect on a scratch copy: linear time,
 * where sorting a month of samples would cost twenty times more.
 */
export function selectKth(values: Float64Array, n: number, k: number, scratch?: Float64Array): number {
  if (k < 0 || k >= n) throw new RangeError(`k = ${k} is outside 0..${n - 1}`);
  const a = scratch && scratch.length >= n ? scratch : new Float64Array(n);
  a.set(values.subarray(0, n));
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    // Median of three as the pivot.
    const p = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < p) i++;
      while (a[j]! > p) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * Which sample holds the k-th smallest value v, with ties in time order (values are in time order):
 * the samples sort by value, then by time. Returns its position in values.
 */
export function locateKth(values: Float64Array, n: number, k: number, v: number): number {
  let below = 0;
  for (let i = 0; i < n; i++) if (values[i]! < v) below++;
  let tie = k - below;
  for (let i = 0; i < n; i++) {
    if (values[i] === v) {
      if (tie === 0) return i;
      tie--;
    }
  }
  throw new Error(`no sample holds the value ${v}`);
}

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
 * The k-th smallest value (0-based) of values[0..n), by Floyd-Rivest selection on a scratch copy:
 * linear time, about n + min(k, n - k) comparisons, where sorting a month of samples costs twenty times more.
 */
export function selectKth(values: Float64Array, n: number, k: number, scratch?: Float64Array): number {
  if (k < 0 || k >= n) throw new RangeError(`k = ${k} is outside 0..${n - 1}`);
  const a = scratch && scratch.length >= n ? scratch : new Float64Array(n);
  a.set(values.subarray(0, n));
  floydRivest(a, k, 0, n - 1);
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Floyd and Rivest, "Algorithm 489: SELECT" (CACM 18(3), 1975): narrows [left, right] around k by sampling first. */
function floydRivest(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      floydRivest(a, k, newLeft, newRight);
    }
    const t = a[k]!;
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right]! > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i]! < t) i++;
      while (a[j]! > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

/**
 * Which sample holds the k-th smallest value v, with ties in time order (values are in time order):
 * the samples sort by value, then by time. Returns its position in values.
 */
export function locateKth(values: Float64Array, n: number, k: number, v: number): number {
  // One pass: count the values below v and keep the first few positions holding v (ties are rare in rates).
  let below = 0;
  const ties: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x < v) below++;
    else if (x === v && ties.length <= k) ties.push(i);
  }
  const at = ties[k - below];
  if (at === undefined) throw new Error(`no sample holds the value ${v}`);
  return at;
}

/**
 * The chart's series from transit.chart: rate in and out (excluded samples left out of the lines and
 * marked on their own), the percentile and commit lines, and a y range that the counted samples set,
 * so that one absurd bad sample does not flatten the month.
 */
import type uPlot from 'uplot';
import type { ChartView } from '../../../../shared/billing/views';

export interface Series {
  data: uPlot.AlignedData;
  yMax: number;
  excluded: number;
  hasCommit: boolean;
}

export function seriesOf(c: ChartView): Series {
  const n = c.t.length;
  const counted = (i: number) => c.state[i] !== 'bad' && c.state[i] !== 'no_rate';
  let top = Math.max(c.percentile.billable, c.commit ?? 0, 1);
  for (let i = 0; i < n; i++) {
    if (!counted(i)) continue;
    top = Math.max(top, c.in[i] ?? 0, c.out[i] ?? 0);
  }
  const yMax = niceCeil(top * 1.12);
  const rin = new Array<number | null>(n);
  const rout = new Array<number | null>(n);
  const marks = new Array<number | null>(n);
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    if (counted(i)) {
      rin[i] = c.in[i] ?? null;
      rout[i] = c.out[i] ?? null;
      marks[i] = null;
    } else {
      rin[i] = null;
      rout[i] = null;
      excluded++;
      // Marked where it was, or pinned to the top edge when it lies above the range.
      marks[i] = Math.min(Math.max(c.in[i] ?? 0, c.out[i] ?? 0), yMax * 0.97);
    }
  }
  const flat = (v: number) => new Array<number>(n).fill(v);
  const data: uPlot.AlignedData = [c.t, rin, rout, flat(c.percentile.billable), c.commit === null ? new Array<null>(n).fill(null) : flat(c.commit), marks];
  return { data, yMax, excluded, hasCommit: c.commit !== null };
}

/** 1, 2, 2.5 or 5 times a power of ten, at or above x. */
export function niceCeil(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

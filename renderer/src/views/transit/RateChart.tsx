/** Rate over time for one service and cycle (uPlot: a month of 5-minute samples draws at once), with the percentile and commit lines. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartView } from '../../../../shared/billing/views';
import { seriesOf } from './chartData';
import { DIRECTION_LABEL, num } from './format';

const COLORS = { in: '#2f6bea', out: '#2e9e6a', pct: '#d23c3c', commit: '#6d28d9', bad: '#e08a00' };

function options(c: ChartView, width: number, yMax: number, tz: string): uPlot.Options {
  const fmt = (v: number | null) => (v === null || v === undefined ? '—' : `${num(v, 2)} Mbps`);
  return {
    width,
    height: 300,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), tz),
    scales: { x: { time: true }, y: { range: () => [0, yMax] } },
    cursor: { points: { size: 6 }, drag: { x: true, y: false } },
    legend: { live: true },
    series: [
      { label: 'Time', value: '{YYYY}-{MM}-{DD} {HH}:{mm}' },
      { label: 'In', stroke: COLORS.in, fill: 'rgba(47, 107, 234, 0.07)', width: 1.2, points: { show: false }, value: (_u, v) => fmt(v) },
      { label: 'Out', stroke: COLORS.out, width: 1.2, points: { show: false }, value: (_u, v) => fmt(v) },
      { label: `95th percentile (${c.direction})`, stroke: COLORS.pct, width: 1.6, dash: [7, 5], points: { show: false }, value: (_u, v) => fmt(v) },
      { label: 'Commit', stroke: COLORS.commit, width: 2, dash: [3, 3], points: { show: false }, show: c.commit !== null, value: (_u, v) => fmt(v) },
      {
        label: 'Excluded',
        stroke: COLORS.bad,
        width: 0,
        paths: () => null,
        points: { show: true, size: 9, width: 2, stroke: '#fff', fill: COLORS.bad },
        value: (_u, v) => (v === null || v === undefined ? '—' : 'excluded'),
      },
    ],
    axes: [
      { stroke: '#6b7386', grid: { stroke: '#eef0f4', width: 1 }, ticks: { stroke: '#e2e5ec', width: 1 } },
      { stroke: '#6b7386', size: 64, grid: { stroke: '#eef0f4', width: 1 }, ticks: { stroke: '#e2e5ec', width: 1 }, values: (_u, vals) => vals.map((v) => `${num(v, 1)}`), label: 'Mbps', labelSize: 18 },
    ],
  };
}

export function RateChart({ chart, tz }: { chart: ChartView; tz: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const s = seriesOf(chart);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(options(chart, Math.max(320, el.clientWidth), s.yMax, tz), s.data, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(320, el.clientWidth), height: 300 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [chart, tz]);
  return (
    <div className="chart-card" data-testid="rate-chart" data-points={chart.t.length} data-excluded={s.excluded}>
      <div className="chart-head">
        <div>
          <div className="section-title">Rate · {chart.cycle}</div>
          <div className="muted small">
            {chart.t.length ? `${chart.t.length.toLocaleString('en')} points · percentile of ${DIRECTION_LABEL[chart.direction]} (${chart.rule}) · times in ${tz}` : 'No samples in this cycle'}
            {s.excluded ? ` · ${s.excluded} excluded` : ''}
          </div>
        </div>
      </div>
      <div className="chart-box" ref={box} />
    </div>
  );
}

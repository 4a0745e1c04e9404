/** Small helpers for the benchmark: timing, percentiles, the machine, and the table. */
import { cpus, freemem, loadavg, release, totalmem, type as osType } from 'node:os';

/** Milliseconds since an arbitrary origin, at nanosecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  sqlite: string;
}

export function machine(sqliteVersion: string): Machine {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()}`,
    sqlite: sqliteVersion,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM (${Math.round(freemem() / 2 ** 30)} GiB free), ${m.os}, Node ${m.node}, SQLite ${m.sqlite}`;
}

/** The 1-minute load average, and whether other work competes for the cores (figures are then inflated). */
export function load(): { avg: number; busy: boolean; text: string } {
  const avg = loadavg()[0]!;
  const busy = avg > cpus().length * 0.5;
  return { avg, busy, text: `load average ${avg.toFixed(2)} on ${cpus().length} cores${busy ? ' (BUSY: other processes compete for the CPU; latency tails are inflated)' : ''}` };
}

export function ms(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(3)} ms`;
}

export function count(v: number): string {
  return Math.round(v).toLocaleString('en');
}

export function bytes(v: number): string {
  return v >= 2 ** 30 ? `${(v / 2 ** 30).toFixed(2)} GiB` : `${(v / 2 ** 20).toFixed(0)} MiB`;
}

/** A plain-text table with aligned columns. */
export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table in Markdown. */
export function markdownTable(head: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/**
 * Where a large import spends its time and memory (`npm run bench:import:profile -- [ROWS]`): the
 * benchmark's CSV imported in this process (no worker), with the time of each phase and the process's
 * memory (RSS and V8 heap) at each phase change and at its peak. For working on the import; the
 * figures of record come from `npm run bench:import`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImportTask } from '../electron/import/task';
import { Plan } from '../electron/plan';
import { writeCsv } from './import-data';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'fluxplan-import-profile-'));
const mb = (n: number) => Math.round(n / 1048576);
try {
  const csv = join(dir, 'plan.csv');
  await writeCsv(csv, rows);
  const plan = Plan.open(join(dir, 'plan.sqlite'));
  const args = { file: csv, space: 'global', dry_run: false, valid_rows: false, create_subnets: false, tree_limit: 0 };
  const quiet = { phase: () => {}, read: () => {}, checked: () => {}, written: () => {}, cancelled: () => false };
  // AGAIN=1: profile a re-import of the same file into the plan it made (every row exists, nothing changes).
  if (process.env.AGAIN) await runImportTask(plan, 'import', args, quiet);
  if (process.env.CACHE_KB) plan.sqlite.pragma(`cache_size = -${process.env.CACHE_KB}`);
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    return m;
  };
  const timer = setInterval(sample, 50);
  let at = performance.now();
  let phase = 'start';
  const mark = (next: string) => {
    const m = sample();
    // With LIVE=1: what is still reachable at each phase change (a full collection first; slower).
    if (process.env.LIVE) {
      (globalThis as { gc?: () => void }).gc?.();
      const live = process.memoryUsage();
      console.log(`  live heap ${mb(live.heapUsed)} MB, external ${mb(live.external + live.arrayBuffers)} MB`);
    }
    const now = performance.now();
    console.log(`${phase.padEnd(9)} ${((now - at) / 1000).toFixed(2).padStart(6)} s   then rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB, external ${mb(m.external + m.arrayBuffers)} MB`);
    at = now;
    phase = next;
  };
  const t0 = performance.now();
  // What the job worker runs, in this thread.
  const result = (await runImportTask(plan, 'import', args, { ...quiet, phase: (p) => mark(p) })) as { created: number; failed: number };
  mark('commit');
  clearInterval(timer);
  console.log(`${rows.toLocaleString('en')} rows: ${((performance.now() - t0) / 1000).toFixed(2)} s in all, created ${result.created}, failed ${result.failed}; peak rss ${mb(peakRss)} MB, peak heap ${mb(peakHeap)} MB`);
  plan.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

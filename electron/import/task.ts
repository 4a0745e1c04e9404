/** Imports, exports and detections as jobs of the job worker (electron/jobs). */
import type { JobHooks, JobTask } from '../jobs/counters';
import type { Plan } from '../plan';
import { detectFile } from './detect';
import { runExport } from './export';
import { runImport } from './run';

export async function runImportTask(plan: Plan, task: Extract<JobTask, 'import' | 'export' | 'detect'>, args: Record<string, unknown>, hooks: JobHooks): Promise<unknown> {
  if (task === 'detect') return await detectFile(plan, args as never, hooks.cancelled);
  if (task === 'export') {
    hooks.phase('exporting');
    return await runExport(plan, args as never, { written: hooks.written, cancelled: hooks.cancelled });
  }
  // The WAL checkpoint (copying the committed pages into the plan file) waits until the result is out.
  plan.sqlite.pragma('wal_autocheckpoint = 0');
  // The import writes rows in key order, so a small page cache does as well as the plan's usual 64 MB
  // (measured: the 1M-row import was no slower with 8 MB) and the job's peak memory is 55 MB lower.
  plan.sqlite.pragma('cache_size = -8192');
  // Reading the plan through a memory map counts every page touched as the process's memory: a
  // re-import of a million rows into the plan they came from touched ~600 MB of it, for no speed gain.
  plan.sqlite.pragma('mmap_size = 0');
  const writer = (args.writer as 'rows' | 'bulk' | undefined) ?? 'bulk';
  // The bulk writer proves every id its rows refer to once (BulkWriter.finish); SQLite's own check
  // would probe six tables for each of a million rows. This connection is the job's alone.
  if (writer === 'bulk') plan.sqlite.pragma('foreign_keys = OFF');
  try {
    return await runImport(plan, args as never, hooks, writer);
  } finally {
    plan.sqlite.pragma('foreign_keys = ON');
  }
}

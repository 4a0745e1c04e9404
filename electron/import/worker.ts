/**
 * The import worker thread: opens its own connection to the plan file and runs one import, export or
 * detection, reporting progress through shared counters (job.ts reads them without waiting for this
 * thread's messages) and checking the cancel flag between batches of rows. Bundled on its own
 * (dist/import-worker.mjs) because it runs in a thread of its own.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Plan } from '../plan';
import { detectFile } from './detect';
import { ExportCancelled, runExport } from './export';
import { COUNTER, PHASES, type JobTask } from './counters';
import { errorBody } from './errors';
import { Cancelled } from './read';
import { ImportCancelled, runImport } from './run';

interface Data {
  task: JobTask;
  planFile: string;
  args: Record<string, unknown>;
  shared: SharedArrayBuffer;
  port: MessagePort;
}

const { task, planFile, args, shared, port } = workerData as Data;
const counters = new Int32Array(shared);
const set = (i: number, v: number) => Atomics.store(counters, i, v);
const cancelled = () => Atomics.load(counters, COUNTER.cancel) === 1;

function finish(message: unknown): void {
  port.postMessage(message);
  Atomics.store(counters, COUNTER.state, 1);
  Atomics.notify(counters, COUNTER.state);
}

const plan = (() => {
  try {
    return Plan.open(planFile);
  } catch (e) {
    finish({ ok: false, cancelled: false, error: errorBody(e) });
    return null;
  }
})();

async function main(p: Plan): Promise<unknown> {
  if (task === 'detect') return await detectFile(p, args as never, cancelled);
  if (task === 'export') {
    set(COUNTER.phase, PHASES.indexOf('exporting'));
    return await runExport(p, args as never, { written: (n) => set(COUNTER.written, n), cancelled });
  }
  // The WAL checkpoint (copying the committed pages into the plan file) waits until the result is out.
  p.sqlite.pragma('wal_autocheckpoint = 0');
  return await runImport(p, args as never, {
    phase: (ph) => set(COUNTER.phase, PHASES.indexOf(ph)),
    read: (n) => set(COUNTER.read, n),
    checked: (n) => set(COUNTER.checked, n),
    written: (n) => set(COUNTER.written, n),
    cancelled,
  }, (args.writer as 'rows' | 'bulk' | undefined) ?? 'bulk');
}

if (plan) {
  main(plan).then(
    (result) => {
      set(COUNTER.phase, PHASES.indexOf('done'));
      finish({ ok: true, result });
    },
    (e) => {
      const stopped = e instanceof ImportCancelled || e instanceof ExportCancelled || e instanceof Cancelled;
      finish({ ok: false, cancelled: stopped, error: stopped ? { code: 'CANCELLED', message: (e as Error).message } : errorBody(e) });
    },
  ).finally(() => {
    try {
      plan.sqlite.pragma('wal_checkpoint(PASSIVE)');
    } finally {
      plan.close();
      Atomics.store(counters, COUNTER.closed, 1);
      Atomics.notify(counters, COUNTER.closed);
    }
  });
}

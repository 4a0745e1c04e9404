/**
 * The job worker thread: opens its own connection to the plan file and runs one job (an import, an
 * export, a detection, a sync), reporting progress through shared counters (job.ts reads them without
 * waiting for this thread's messages) and checking the cancel flag at the job's safe points. Bundled on
 * its own (dist/job-worker.mjs) because it runs in a thread of its own.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { toErrorBody } from '../api/error-body';
import { runImportTask } from '../import/task';
import { Plan } from '../plan';
import { runSyncTask } from '../sync/task';
import { COUNTER, JobCancelled, PHASES, type JobHooks, type JobTask } from './counters';

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

const hooks: JobHooks = {
  phase: (p) => set(COUNTER.phase, PHASES.indexOf(p)),
  read: (n) => set(COUNTER.read, n),
  checked: (n) => set(COUNTER.checked, n),
  written: (n) => set(COUNTER.written, n),
  cancelled: () => Atomics.load(counters, COUNTER.cancel) === 1,
};

function finish(message: unknown): void {
  port.postMessage(message);
  Atomics.store(counters, COUNTER.state, 1);
  Atomics.notify(counters, COUNTER.state);
}

const plan = (() => {
  try {
    // The host that started the job opened (and checked) the plan already.
    return Plan.open(planFile, { quickCheck: 'never' });
  } catch (e) {
    finish({ ok: false, cancelled: false, error: toErrorBody(e) });
    return null;
  }
})();

async function main(p: Plan): Promise<unknown> {
  if (task === 'sync' || task === 'sync-probe') return runSyncTask(p, task, args, hooks);
  return runImportTask(p, task, args, hooks);
}

if (plan) {
  main(plan).then(
    (result) => {
      hooks.phase('done');
      finish({ ok: true, result });
    },
    (e) => {
      const stopped = e instanceof JobCancelled;
      finish({ ok: false, cancelled: stopped, error: stopped ? { code: 'CANCELLED', message: (e as Error).message } : toErrorBody(e) });
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

/**
 * The job worker thread: opens its own connection to the plan file and runs one job (an import, an
 * export, a detection, applying a cloned plan), reporting progress through shared counters (job.ts
 * reads them without waiting for this thread's messages) and checking the cancel flag at the job's
 * safe points. It ends with one message (the outcome), then checkpoints and closes the plan, and the
 * thread exits. Bundled on its own (dist/job-worker.mjs) because it runs in a thread of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorBody } from '../api/error-body';
import { runImportTask } from '../import/task';
import { Plan } from '../plan';
import { applyClone } from '../sync/clone';
import { COUNTER, PHASES, type JobHooks, type WorkerData, type WorkerOutcome } from './counters';
import { outcomeOfError } from './outcome';

// exceljs's zip dependencies still call the deprecated Buffer(); that is no news for the planner's terminal.
process.noDeprecation = true;

const { task, planFile, args, shared } = workerData as WorkerData;
const counters = new Int32Array(shared);
const set = (i: number, v: number) => Atomics.store(counters, i, v);
const port = parentPort!;

const hooks: JobHooks = {
  phase: (p) => set(COUNTER.phase, PHASES.indexOf(p)),
  read: (n) => set(COUNTER.read, n),
  checked: (n) => set(COUNTER.checked, n),
  written: (n) => set(COUNTER.written, n),
  cancelled: () => Atomics.load(counters, COUNTER.cancel) === 1,
};

const finish = (outcome: WorkerOutcome) => port.postMessage(outcome);

async function main(p: Plan): Promise<unknown> {
  if (task === 'clone') return applyClone(p, args as never, hooks);
  return runImportTask(p, task, args, hooks);
}

let plan: Plan | null = null;
try {
  // The host that started the job opened (and checked) the plan already.
  plan = Plan.open(planFile, { quickCheck: 'never' });
} catch (e) {
  finish({ ok: false, cancelled: false, error: toErrorBody(e) });
}

if (plan) {
  const p = plan;
  main(p)
    .then(
      (result) => {
        hooks.phase('done');
        finish({ ok: true, result });
      },
      (e) => finish(outcomeOfError(e)),
    )
    .finally(() => {
      try {
        p.sqlite.pragma('wal_checkpoint(PASSIVE)');
      } finally {
        p.close();
        port.close();
      }
    });
}

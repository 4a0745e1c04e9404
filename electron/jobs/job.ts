/**
 * Jobs: long work the API starts and then polls, with progress, a result and cancel.
 *
 * - CPU work (imports, exports, detections, applying a cloned plan) runs in a worker thread with its
 *   own connection to the plan file (`startJob`), so the thread that serves the API never blocks on
 *   parsing and writing a million rows. Progress comes from shared counters the worker writes, the
 *   outcome as one message; cancel is a shared flag the worker checks at its safe points (a cancelled
 *   import rolls back, so the plan is untouched). The worker is a real bundled file (worker.ts).
 * - Async work that mostly waits on the network (a sync started from the desktop) runs in this thread
 *   (`startTask`): its awaits leave the thread free, and cancel aborts its AbortSignal.
 *
 * Both are polled the same way (`jobState`) and awaited the same way (`waitJob`).
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FluxError, type ErrorCode } from '../../shared/errors';
import { outcomeOfError } from './outcome';
import { COUNTER, COUNTERS, PHASES, type JobError, type JobHooks, type JobPhase, type JobState, type JobTask, type TaskKind, type WorkerData, type WorkerOutcome, type WorkerTask } from './counters';

interface Job {
  id: string;
  kind: JobTask;
  planFile: string;
  counters: Int32Array;
  state: JobState;
  result: unknown;
  error: JobError | null;
  cancel(): void;
  /** Resolves when the outcome is known. */
  settled: Promise<void>;
  /** Resolves when the job's thread (or task) is over: the plan's connection closed. */
  closed: Promise<void>;
  finish(outcome: WorkerOutcome): void;
  exited(): void;
}

const jobs = new Map<string, Job>();
let seq = 0;
/** Finished jobs kept for status queries; the oldest go first. */
const KEEP = 20;

// ------------------------------------------------------------ the worker script

let script: string | null = null;

/** The package root: the nearest folder above this module with FluxPlan's package.json. */
function packageRoot(from: string): string | null {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fluxplan') return dir;
      } catch {
        // not ours
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * Where the worker's code is: FLUXPLAN_JOB_WORKER; when running from TypeScript sources (tests,
 * development) a bundle built from them on first use; job-worker.mjs (or .js) next to this bundle or
 * one folder up (the CLI's dist/, the desktop's out/main/ with this code in out/main/chunks/); the
 * package's dist/job-worker.mjs (built at install).
 */
export function workerScript(): string {
  if (script) return script;
  const env = process.env.FLUXPLAN_JOB_WORKER;
  if (env) return (script = env);
  const here = fileURLToPath(import.meta.url);
  const root = packageRoot(dirname(here));
  if (here.endsWith('.ts') && root) {
    const out = join(root, 'node_modules', '.cache', 'fluxplan-jobs', `worker-${process.pid}.mjs`);
    // esbuild is a development dependency: loaded only here, never bundled.
    const load = createRequire(import.meta.url);
    const esbuild = load('esbuild') as typeof import('esbuild');
    esbuild.buildSync({
      entryPoints: [join(root, 'electron', 'jobs', 'worker.ts')],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
    });
    process.once('exit', () => rmSync(out, { force: true }));
    return (script = out);
  }
  // Next to this bundle, or one folder up when the bundler put this code in a chunk (out/main/chunks/).
  for (const dir of [dirname(here), dirname(dirname(here))]) {
    for (const name of ['job-worker.mjs', 'job-worker.js']) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return (script = candidate);
    }
  }
  if (root && existsSync(join(root, 'dist', 'job-worker.mjs'))) return (script = join(root, 'dist', 'job-worker.mjs'));
  throw new FluxError('INTERNAL', 'The job worker (job-worker.mjs) is missing; run npm install (or npm run build) to build it');
}

// ------------------------------------------------------------ jobs

function keep(j: Job): string {
  jobs.set(j.id, j);
  const done = [...jobs.values()].filter((x) => x.state !== 'running');
  for (const x of done.slice(0, Math.max(0, done.length - KEEP))) jobs.delete(x.id);
  return j.id;
}

function newJob(kind: JobTask, planFile: string, cancel: (j: Job) => void): Job {
  let settle!: () => void;
  let exit!: () => void;
  const j: Job = {
    id: `${kind}-${++seq}-${Date.now().toString(36)}`,
    kind,
    planFile,
    counters: new Int32Array(new SharedArrayBuffer(COUNTERS * 4)),
    state: 'running',
    result: null,
    error: null,
    cancel: () => cancel(j),
    settled: new Promise<void>((r) => (settle = r)),
    closed: new Promise<void>((r) => (exit = r)),
    finish: (outcome) => {
      if (j.state !== 'running') return;
      if (outcome.ok) {
        j.state = 'done';
        j.result = outcome.result;
      } else {
        j.state = outcome.cancelled ? 'cancelled' : 'failed';
        j.error = outcome.error ?? { code: 'INTERNAL', message: 'the job failed without saying why' };
      }
      settle();
    },
    exited: () => exit(),
  };
  return j;
}

/** Long CPU work on a plan file, in a worker thread of its own (an import, an export, a detection, applying a cloned plan). */
export function startJob(planFile: string, kind: WorkerTask, args: Record<string, unknown>): string {
  if (planFile === ':memory:') throw new FluxError('INVALID_ARGUMENT', 'Imports, exports and clones need a plan file; an in-memory plan cannot be shared with the job worker');
  if ((kind === 'import' || kind === 'detect') && typeof args.file === 'string') {
    try {
      if (!statSync(args.file).isFile()) throw new FluxError('INVALID_ARGUMENT', `${args.file} is not a file`);
    } catch (e) {
      if (e instanceof FluxError) throw e;
      throw new FluxError('NOT_FOUND', `${args.file} does not exist`, { file: args.file });
    }
  }
  const j = newJob(kind, planFile, (x) => Atomics.store(x.counters, COUNTER.cancel, 1));
  const worker = new Worker(workerScript(), { workerData: { task: kind, planFile, args, shared: j.counters.buffer } satisfies WorkerData });
  worker.on('message', (m: WorkerOutcome) => j.finish(m));
  // The module failed to load, or threw outside the job's own error handling: the job has failed.
  worker.on('error', (e) => j.finish({ ok: false, cancelled: false, error: { code: 'INTERNAL', message: `the job worker failed: ${e.message}` } }));
  worker.on('exit', (code) => {
    j.finish({ ok: false, cancelled: false, error: { code: 'INTERNAL', message: `the job worker stopped before it answered (exit ${code})` } });
    j.exited();
  });
  return keep(j);
}

/**
 * Async work in this thread, tracked like a job (a sync started from the desktop): `run` gets the
 * progress hooks and a signal that `cancelJob` aborts. It must reach its safe points by itself.
 */
export function startTask(planFile: string, kind: TaskKind, run: (hooks: JobHooks, signal: AbortSignal) => Promise<unknown>): string {
  const controller = new AbortController();
  const j = newJob(kind, planFile, () => controller.abort(new FluxError('CANCELLED', 'cancelled')));
  const set = (i: number, v: number) => Atomics.store(j.counters, i, v);
  const hooks: JobHooks = {
    phase: (p) => set(COUNTER.phase, PHASES.indexOf(p)),
    read: (n) => set(COUNTER.read, n),
    checked: (n) => set(COUNTER.checked, n),
    written: (n) => set(COUNTER.written, n),
    cancelled: () => controller.signal.aborted,
  };
  keep(j);
  run(hooks, controller.signal)
    .then(
      (result) => {
        hooks.phase('done');
        j.finish({ ok: true, result });
      },
      (e) => j.finish(outcomeOfError(e)),
    )
    .finally(() => j.exited());
  return j.id;
}

function job(id: string): Job {
  const j = jobs.get(id);
  if (!j) throw new FluxError('NOT_FOUND', `No job ${id} (jobs live as long as the process that started them)`);
  return j;
}

export function jobState(id: string): { kind: JobTask; state: JobState; phase: JobPhase; read: number; checked: number; written: number; result: unknown; error: Job['error'] } {
  const j = job(id);
  const c = j.counters;
  return {
    kind: j.kind,
    state: j.state,
    phase: PHASES[Atomics.load(c, COUNTER.phase)] ?? 'starting',
    read: Atomics.load(c, COUNTER.read),
    checked: Atomics.load(c, COUNTER.checked),
    written: Atomics.load(c, COUNTER.written),
    result: j.result,
    error: j.error,
  };
}

/** The id of a job of this kind on this plan file that is still running, if any. */
export function runningJob(planFile: string, kind: JobTask): string | null {
  for (const j of jobs.values()) if (j.kind === kind && j.state === 'running' && j.planFile === planFile) return j.id;
  return null;
}

/** Asks the job to stop at its next safe point; an import in progress rolls back. Returns the state right after asking. */
export function cancelJob(id: string): JobState {
  const j = job(id);
  if (j.state === 'running') j.cancel();
  return j.state;
}

/** Resolves once a job's worker has also checkpointed the plan and closed its connection (after its result is out). */
export function waitClosed(id: string): Promise<void> {
  return job(id).closed;
}

/**
 * Waits for a job, calling `progress` a few times a second; `signal` cancels it. The result, or the
 * job's error thrown as a FluxError.
 */
export async function waitJob(id: string, options: { progress?: (s: ReturnType<typeof jobState>) => void; signal?: AbortSignal; keep?: boolean } = {}): Promise<unknown> {
  const j = job(id);
  const onAbort = () => cancelJob(id);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const ticker = options.progress ? setInterval(() => options.progress!(jobState(id)), 250) : null;
  try {
    await j.settled;
  } finally {
    if (ticker) clearInterval(ticker);
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (!options.keep) jobs.delete(id);
  if (j.state === 'done') return j.result;
  const { code, message, ...details } = j.error!;
  throw new FluxError(code as ErrorCode, message, { ...details, cancelled: j.state === 'cancelled' });
}

/** Drops a finished job's result (the desktop calls this once the wizard or dialog is closed). */
export function forgetJob(id: string): void {
  const j = job(id);
  if (j.state === 'running') j.cancel();
  jobs.delete(id);
}

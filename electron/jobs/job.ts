/**
 * Long work (imports, exports, detections, syncs) runs in a worker thread with its own connection to
 * the plan file, so the thread that serves the API (the desktop's engine thread, the CLI) never blocks
 * on parsing and writing a million rows or on the network. A job is started and then polled: progress
 * comes from shared counters, the result through a message port read synchronously, cancel is a shared
 * flag the worker checks at the job's safe points (a cancelled import rolls back, so the plan is
 * untouched). `runJob` waits for one, for callers that want the answer in one call (the command line).
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { FluxError, type ErrorCode } from '../../shared/errors';
import { COUNTER, COUNTERS, PHASES, type JobPhase, type JobState, type JobTask } from './counters';

interface Job {
  id: string;
  kind: JobTask;
  planFile: string;
  worker: Worker;
  counters: Int32Array;
  port: MessagePort;
  state: JobState;
  result: unknown;
  error: ({ code: string; message: string } & Record<string, unknown>) | null;
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

/**
 * A small CommonJS loader runs first: if the worker module cannot even load, it still reports the
 * failure through the port, so a caller waiting for the job is never left hanging.
 */
const BOOT = `
// exceljs's zip dependencies still call the deprecated Buffer(); that is no news for the planner's terminal.
process.noDeprecation = true;
const { workerData } = require('node:worker_threads');
const flags = new Int32Array(workerData.shared);
import(workerData.script).catch((e) => {
  workerData.port.postMessage({ ok: false, error: { code: 'INTERNAL', message: 'the job worker could not start: ' + (e && e.message || e) } });
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
});
`;

// ------------------------------------------------------------ jobs

export function startJob(planFile: string, kind: JobTask, args: Record<string, unknown>): string {
  if (planFile === ':memory:') throw new FluxError('INVALID_ARGUMENT', 'Imports, exports and background syncs need a plan file; an in-memory plan cannot be shared with the job worker');
  if ((kind === 'import' || kind === 'detect') && typeof args.file === 'string') {
    try {
      if (!statSync(args.file).isFile()) throw new FluxError('INVALID_ARGUMENT', `${args.file} is not a file`);
    } catch (e) {
      if (e instanceof FluxError) throw e;
      throw new FluxError('NOT_FOUND', `${args.file} does not exist`, { file: args.file });
    }
  }
  const shared = new SharedArrayBuffer(COUNTERS * 4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { task: kind, planFile, args, shared, port: port2, script: pathToFileURL(workerScript()).href },
    transferList: [port2],
  });
  const id = `${kind}-${++seq}-${Date.now().toString(36)}`;
  jobs.set(id, { id, kind, planFile, worker, counters: new Int32Array(shared), port: port1, state: 'running', result: null, error: null });
  const done = [...jobs.values()].filter((j) => j.state !== 'running');
  for (const j of done.slice(0, Math.max(0, done.length - KEEP))) jobs.delete(j.id);
  return id;
}

function job(id: string): Job {
  const j = jobs.get(id);
  if (!j) throw new FluxError('NOT_FOUND', `No job ${id} (jobs live as long as the process that started them)`);
  return j;
}

/** Picks up the worker's answer once it has signalled it. */
function settle(j: Job): void {
  if (j.state !== 'running' || Atomics.load(j.counters, COUNTER.state) !== 1) return;
  const msg = receiveMessageOnPort(j.port)?.message as { ok: boolean; result?: unknown; cancelled?: boolean; error?: Job['error'] } | undefined;
  if (!msg) return;
  j.port.close();
  if (msg.ok) {
    j.state = 'done';
    j.result = msg.result;
  } else {
    j.state = msg.cancelled ? 'cancelled' : 'failed';
    j.error = msg.error ?? { code: 'INTERNAL', message: 'the job worker failed' };
  }
}

export function jobState(id: string): { kind: JobTask; state: JobState; phase: JobPhase; read: number; checked: number; written: number; result: unknown; error: Job['error'] } {
  const j = job(id);
  settle(j);
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
  for (const j of jobs.values()) {
    settle(j);
    if (j.kind === kind && j.state === 'running' && j.planFile === planFile) return j.id;
  }
  return null;
}

/** Asks the job to stop at its next safe point; an import in progress rolls back. Returns the state right after asking. */
export function cancelJob(id: string): JobState {
  const j = job(id);
  settle(j);
  if (j.state === 'running') Atomics.store(j.counters, COUNTER.cancel, 1);
  return j.state;
}

/** Waits until a job's worker has also checkpointed the plan and closed its connection (after its result is out). */
export function waitClosed(id: string): void {
  const j = job(id);
  while (Atomics.load(j.counters, COUNTER.closed) !== 1) Atomics.wait(j.counters, COUNTER.closed, 0, 250);
}

/** Waits for a job, calling `progress` a few times a second. The result, or the job's error thrown as a FluxError. */
export function waitJob(id: string, progress?: (s: ReturnType<typeof jobState>) => void, keep = false): unknown {
  const j = job(id);
  for (;;) {
    Atomics.wait(j.counters, COUNTER.state, 0, 250);
    const s = jobState(id);
    if (s.state === 'running') {
      progress?.(s);
      continue;
    }
    if (!keep) jobs.delete(id);
    if (s.state === 'done') return s.result;
    const { code, message, ...details } = s.error!;
    throw new FluxError(code as ErrorCode, message, { ...details, cancelled: s.state === 'cancelled' });
  }
}

export function runJob(planFile: string, kind: JobTask, args: Record<string, unknown>, progress?: (s: ReturnType<typeof jobState>) => void): unknown {
  return waitJob(startJob(planFile, kind, args), progress);
}

/** Drops a finished job's result (the desktop calls this once the wizard or dialog is closed). */
export function forgetJob(id: string): void {
  const j = job(id);
  if (j.state === 'running') Atomics.store(j.counters, COUNTER.cancel, 1);
  jobs.delete(id);
}

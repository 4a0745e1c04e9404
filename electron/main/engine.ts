/**
 * The engine as the hosts see it: `call(method, args)` answering in the `reply` shape.
 * `workerEngine` runs the plan in a worker thread so that a long call (a big split, the demo plan,
 * a wide search) never blocks the host's own event loop: Electron's main process keeps its menus and
 * IPC responsive, and the browser host keeps serving. No `electron` import here: the browser host uses it too.
 */
import { Worker } from 'node:worker_threads';
import type { MethodName, Reply } from '../../shared/api/contract';
import { reply, toErrorBody } from '../api/handlers';
import { Plan } from '../plan';

export interface Engine {
  readonly file: string;
  call<M extends MethodName>(method: M, args: unknown): Promise<Reply<M>>;
  close(): Promise<void>;
}

/** In the caller's thread: what tests use, and the fallback when no worker script is at hand. */
export function inProcessEngine(file: string): Engine {
  const plan = Plan.open(file);
  return {
    file,
    call: (method, args) => reply(plan, method, args),
    close: async () => plan.close(),
  };
}

type Pending = { resolve: (r: Reply<MethodName>) => void };

export interface WorkerMessage {
  id: number;
  reply?: Reply<MethodName>;
  ready?: boolean;
  fatal?: { code: string; message: string };
}

/**
 * Starts the worker (engine-worker.ts, bundled next to the host), waits until the plan is open and
 * migrated, and resolves; rejects with the engine's error (e.g. DB_DAMAGED) when it cannot open.
 */
export function workerEngine(file: string, script: URL | string): Promise<Engine> {
  return new Promise((resolveStart, rejectStart) => {
    const worker = new Worker(script, { workerData: { file } });
    const pending = new Map<number, Pending>();
    let seq = 0;
    let started = false;
    let dead: { code: string; message: string } | null = null;
    const fail = (error: { code: string; message: string }) => {
      dead = error;
      for (const p of pending.values()) p.resolve({ ok: false, error });
      pending.clear();
      if (!started) rejectStart(Object.assign(new Error(error.message), { code: error.code }));
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.ready) {
        started = true;
        resolveStart(engine);
        return;
      }
      if (m.fatal) return fail(m.fatal);
      const p = pending.get(m.id);
      if (p && m.reply) {
        pending.delete(m.id);
        p.resolve(m.reply);
      }
    });
    worker.on('error', (e) => fail(toErrorBody(e)));
    worker.on('exit', (code) => {
      if (!dead) fail({ code: 'INTERNAL', message: `the FluxPlan engine stopped (exit ${code})` });
    });
    const engine: Engine = {
      file,
      call(method, args) {
        if (dead) return Promise.resolve({ ok: false, error: dead });
        const id = ++seq;
        return new Promise((resolve) => {
          pending.set(id, { resolve: resolve as Pending['resolve'] });
          worker.postMessage({ id, method, args });
        });
      },
      async close() {
        dead = { code: 'INTERNAL', message: 'the plan is closed' };
        worker.postMessage({ id: 0, close: true });
        await new Promise((r) => worker.once('exit', r));
      },
    };
  });
}

/**
 * The engine's thread: opens the plan (migrations applied), then answers one message per API call.
 * Calls are answered as they finish, not in the order they came: an async call (a push, a sync)
 * waits on the network while the calls after it are answered.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MethodName } from '../../shared/api/contract';
import { isMethod, reply, toErrorBody } from '../api/handlers';
import { Plan } from '../plan';
import type { WorkerMessage } from './engine';

const port = parentPort!;
let plan: Plan | null = null;
try {
  plan = Plan.open((workerData as { file: string }).file);
  port.postMessage({ id: 0, ready: true } satisfies WorkerMessage);
} catch (e) {
  port.postMessage({ id: 0, fatal: toErrorBody(e) } satisfies WorkerMessage);
}

port.on('message', (m: { id: number; method?: string; args?: unknown; close?: boolean }) => {
  if (m.close) {
    plan?.close();
    plan = null;
    port.close();
    return;
  }
  if (!plan) return port.postMessage({ id: m.id, reply: { ok: false, error: { code: 'INTERNAL', message: 'the plan is not open' } } } satisfies WorkerMessage);
  const method = String(m.method);
  if (!isMethod(method)) return port.postMessage({ id: m.id, reply: { ok: false, error: { code: 'NOT_FOUND', message: `no method ${method}` } } } satisfies WorkerMessage);
  void reply(plan, method as MethodName, m.args).then((out) => port.postMessage({ id: m.id, reply: out } satisfies WorkerMessage));
});

/**
 * Synchronous HTTP for the push. API handlers are synchronous (one plan, one better-sqlite3
 * connection, one call at a time), so a push runs its requests on a helper thread and waits for each
 * answer with Atomics.wait. The thread runs Node's own fetch; the code is inline so that the bundled
 * CLI needs no extra file. Only the push uses it, and it ends the thread when done.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { FluxError } from '../../shared/errors';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
const signal = new Int32Array(flag);
port.on('message', async (req) => {
  let reply;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(req.timeoutMs) });
    const headers = {};
    res.headers.forEach((v, k) => { headers[k] = v; });
    reply = { status: res.status, headers, body: await res.text() };
  } catch (e) {
    const cause = e && e.cause ? ' (' + (e.cause.code || e.cause.message || e.cause) + ')' : '';
    reply = { error: (e && e.name === 'TimeoutError' ? 'timed out after ' + req.timeoutMs + ' ms' : String(e && e.message || e)) + cause };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

export class SyncHttp {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  private start(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag: this.flag.buffer }, transferList: [port2] });
    this.worker.unref();
    this.port = port1;
    return port1;
  }

  /** One request; network failures and time-outs throw a FluxError naming the URL (never its headers). */
  request(req: HttpRequest): HttpResponse {
    const port = this.start();
    const timeoutMs = req.timeoutMs ?? 30_000;
    Atomics.store(this.flag, 0, 0);
    port.postMessage({ ...req, timeoutMs });
    const waited = Atomics.wait(this.flag, 0, 0, timeoutMs + 5_000);
    const msg = receiveMessageOnPort(port)?.message as (HttpResponse & { error?: string }) | undefined;
    if (waited === 'timed-out' || !msg) throw new FluxError('INTERNAL', `${req.method} ${req.url}: no answer within ${timeoutMs} ms`);
    if (msg.error) throw new FluxError('INTERNAL', `${req.method} ${req.url} failed: ${msg.error}`);
    return msg;
  }

  close(): void {
    this.port?.close();
    void this.worker?.terminate();
    this.port = null;
    this.worker = null;
  }
}

/** Blocks the thread for ms milliseconds (a 429's Retry-After). */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

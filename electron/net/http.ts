/**
 * Synchronous HTTP(S) for the engine's calls out (sync with the tenant, rDNS pushes to PowerDNS and
 * Cloudflare). API handlers are synchronous (one plan, one better-sqlite3 connection, one call at a
 * time), so the requests run on a helper thread with node:http/https, and the caller waits for each
 * answer with Atomics.wait. The thread's code is inline so that the bundled CLI needs
 * no extra file. Certificates are verified (a self-signed or otherwise untrusted one is an error, never
 * retried); bodies can be streamed from a file (big pushes) and answers streamed line by line (the snapshot).
 * Headers are never part of an error message, so the bearer token cannot leak into a log.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Stream the body from this file instead. */
  bodyFile?: string;
  timeoutMs: number;
  /** PEM certificate authorities to trust instead of the system's. */
  ca?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type TransportFailure = 'timeout' | 'network' | 'tls';

/** The request did not get an answer: no connection, a cut connection, a timeout, or a certificate refused. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

const WORKER_SOURCE = String.raw`
const { workerData } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const fs = require('node:fs');
const { port, flag } = workerData;
const signal = new Int32Array(flag);
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 2 }), 'https:': null };
const streams = new Map();
const TLS = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME/;

function reply(msg) {
  port.postMessage(msg);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
function classify(e, url) {
  const code = (e && e.code) || null;
  const text = (e && e.message) || String(e);
  if (e && e.kind === 'timeout') return { kind: 'timeout', code: 'TIMEOUT', message: text };
  if ((code && TLS.test(code)) || /certificate/i.test(text)) return { kind: 'tls', code, message: 'the certificate of ' + url.host + ' is not trusted (' + (code || text) + ')' };
  return { kind: 'network', code, message: text + (code && !text.includes(code) ? ' (' + code + ')' : '') };
}
function headersOf(res) {
  const out = {};
  for (const [k, v] of Object.entries(res.headers)) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}
function start(m, onResponse, onError) {
  const url = new URL(m.url);
  const lib = url.protocol === 'https:' ? https : http;
  if (url.protocol === 'https:' && !agents['https:']) agents['https:'] = new https.Agent({ keepAlive: true, maxSockets: 2 });
  const options = { method: m.method, headers: m.headers, agent: m.ca ? false : agents[url.protocol] };
  if (m.ca) options.ca = m.ca;
  let req;
  try {
    req = lib.request(url, options, onResponse);
  } catch (e) {
    onError(classify(e, url));
    return null;
  }
  req.on('error', (e) => onError(classify(e, url)));
  if (m.bodyFile) {
    const file = fs.createReadStream(m.bodyFile);
    file.on('error', (e) => { req.destroy(); onError({ kind: 'network', code: e.code || null, message: 'cannot read ' + m.bodyFile + ': ' + e.message }); });
    file.pipe(req);
  } else req.end(m.body);
  return req;
}
function request(m) {
  let done = false;
  const finish = (msg) => { if (done) return; done = true; clearTimeout(timer); reply(Object.assign({ seq: m.seq }, msg)); };
  const timer = setTimeout(() => {
    finish({ error: { kind: 'timeout', code: 'TIMEOUT', message: 'no answer within ' + m.timeoutMs + ' ms' } });
    if (req) req.destroy();
  }, m.timeoutMs);
  const req = start(m, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => finish({ status: res.statusCode, headers: headersOf(res), body: Buffer.concat(chunks).toString('utf8') }));
    res.on('error', (e) => finish({ error: classify(e, new URL(m.url)) }));
    res.on('aborted', () => finish({ error: { kind: 'network', code: 'ECONNRESET', message: 'the connection was cut during the answer' } }));
  }, (err) => finish({ error: err }));
}
// A streamed answer: lines are queued as they arrive (reading pauses above 16 MB) and handed out by 'next'.
function open(m) {
  let answered = false;
  const s = { queue: [], bytes: 0, tail: '', ended: false, error: null, waiting: null, res: null, idle: null, flush: null };
  const answer = (msg) => { if (answered) return; answered = true; reply(Object.assign({ seq: m.seq }, msg)); };
  const touch = () => {
    clearTimeout(s.idle);
    s.idle = setTimeout(() => { if (s.res && s.res.isPaused()) return touch(); s.error = { kind: 'timeout', code: 'TIMEOUT', message: 'the stream stalled for ' + m.timeoutMs + ' ms' }; if (s.res) s.res.destroy(); if (req) req.destroy(); flush(); answer({ error: s.error }); }, m.timeoutMs);
  };
  const flush = () => {
    if (!s.waiting) return;
    if (!s.queue.length && !s.ended && !s.error) return;
    const w = s.waiting;
    s.waiting = null;
    if (s.error && !s.queue.length) return reply({ seq: w.seq, error: s.error });
    const lines = s.queue.splice(0, w.max);
    s.bytes -= lines.reduce((n, l) => n + l.length, 0);
    if (s.res && s.res.isPaused() && s.bytes < 4 * 1024 * 1024) s.res.resume();
    reply({ seq: w.seq, text: lines.join('\n'), done: s.ended && !s.queue.length });
  };
  s.flush = flush;
  touch();
  const req = start(m, (res) => {
    touch();
    if (res.statusCode !== 200) {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => { clearTimeout(s.idle); answer({ status: res.statusCode, headers: headersOf(res), body: Buffer.concat(chunks).toString('utf8') }); });
      return;
    }
    s.res = res;
    streams.set(m.id, s);
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      touch();
      const parts = (s.tail + chunk).split('\n');
      s.tail = parts.pop();
      for (const p of parts) if (p) { s.queue.push(p); s.bytes += p.length; }
      if (s.bytes > 16 * 1024 * 1024) res.pause();
      flush();
    });
    res.on('end', () => { clearTimeout(s.idle); if (s.tail) s.queue.push(s.tail); s.tail = ''; s.ended = true; flush(); });
    res.on('aborted', () => { clearTimeout(s.idle); s.error = { kind: 'network', code: 'ECONNRESET', message: 'the connection was cut during the snapshot' }; flush(); });
    res.on('error', (e) => { clearTimeout(s.idle); s.error = classify(e, new URL(m.url)); flush(); });
    answer({ status: 200, headers: headersOf(res), stream: m.id });
  }, (err) => { clearTimeout(s.idle); s.error = err; answer({ error: err }); flush(); });
}
port.on('message', (m) => {
  if (m.op === 'request') request(m);
  else if (m.op === 'open') open(m);
  else if (m.op === 'next') {
    const s = streams.get(m.id);
    if (!s) return reply({ seq: m.seq, error: { kind: 'network', code: null, message: 'no such stream' } });
    s.waiting = { seq: m.seq, max: m.max };
    s.flush();
  } else if (m.op === 'close') {
    const s = streams.get(m.id);
    if (s) { clearTimeout(s.idle); if (s.res) s.res.destroy(); streams.delete(m.id); }
  }
});
`;

interface Reply {
  seq: number;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  stream?: number;
  text?: string;
  done?: boolean;
  error?: { kind: TransportFailure; code: string | null; message: string };
}

/** One helper thread; close() ends it. */
export class SyncHttp {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private streams = 0;

  private start(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag: this.flag.buffer }, transferList: [port2] });
    this.worker.unref();
    this.port = port1;
    return port1;
  }

  private call(message: Record<string, unknown>, waitMs: number): Reply {
    const port = this.start();
    const seq = ++this.seq;
    Atomics.store(this.flag, 0, 0);
    port.postMessage({ ...message, seq });
    const deadline = Date.now() + waitMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new TransportError('timeout', `no answer within ${waitMs} ms`, 'TIMEOUT');
      Atomics.wait(this.flag, 0, 0, left);
      let msg: Reply | undefined;
      while ((msg = receiveMessageOnPort(port)?.message as Reply | undefined)) {
        if (msg.seq === seq) {
          if (msg.error) throw new TransportError(msg.error.kind, msg.error.message, msg.error.code);
          return msg;
        }
        // An answer to an earlier request that was given up on: drop it.
      }
      Atomics.store(this.flag, 0, 0);
    }
  }

  request(req: HttpRequest): HttpResponse {
    const r = this.call({ op: 'request', ...req }, req.timeoutMs + 5_000);
    return { status: r.status!, headers: r.headers!, body: r.body! };
  }

  /** Opens a streamed GET: a non-200 answer comes back whole; a 200 gives a stream to read lines from. */
  open(req: HttpRequest): HttpResponse | LineStream {
    const id = ++this.streams;
    const r = this.call({ op: 'open', id, ...req }, req.timeoutMs + 5_000);
    if (r.stream === undefined) return { status: r.status!, headers: r.headers!, body: r.body! };
    return new LineStream(this, id, req.timeoutMs);
  }

  /** @internal */
  nextLines(id: number, max: number, timeoutMs: number): { text: string; done: boolean } {
    const r = this.call({ op: 'next', id, max }, timeoutMs + 5_000);
    return { text: r.text ?? '', done: !!r.done };
  }

  /** @internal */
  closeStream(id: number): void {
    this.port?.postMessage({ op: 'close', id, seq: 0 });
  }

  close(): void {
    this.port?.close();
    void this.worker?.terminate();
    this.port = null;
    this.worker = null;
  }
}

/** Lines of a streamed answer, a batch at a time. */
export class LineStream {
  private finished = false;

  constructor(
    private readonly http: SyncHttp,
    private readonly id: number,
    private readonly timeoutMs: number,
  ) {}

  /** Up to `max` lines joined by "\n" ("" when none are left), and whether the stream has ended. */
  next(max = 2000): { text: string; done: boolean } {
    if (this.finished) return { text: '', done: true };
    const r = this.http.nextLines(this.id, max, this.timeoutMs);
    if (r.done) this.finished = true;
    return r;
  }

  close(): void {
    this.http.closeStream(this.id);
  }
}

/** Blocks this thread for ms milliseconds (backoff, Retry-After). */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

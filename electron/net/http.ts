/**
 * HTTP(S) for the engine's calls out (sync with the tenant, rDNS pushes to PowerDNS and Cloudflare),
 * on undici's fetch. Every call is async: the engine's thread goes on answering the UI while a
 * request waits, so nothing here may block it. A request ends in an answer, a TransportError (no
 * answer: refused or cut connection, time-out, certificate refused), or the caller's cancellation
 * (its AbortSignal's reason is thrown as it is).
 *
 * - The time-out is an idle time-out: no byte for `timeoutMs` (waiting for the headers, or between two
 *   chunks of a body) ends the request, so a big streamed snapshot may take as long as it keeps coming.
 * - Certificates are verified; `ca` trusts a staging CA instead of the system's. A refused certificate
 *   is its own kind of failure, which callers never retry.
 * - HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured (undici's EnvHttpProxyAgent).
 * - Request bodies can be streamed from a file (big pushes) and answers read line by line (snapshots).
 * - Headers are never part of an error message, so a bearer token or API key cannot leak into a log.
 */
import { createReadStream } from 'node:fs';
import type { EnvHttpProxyAgent, Response } from 'undici';

type Undici = typeof import('undici');
let undici: Promise<Undici> | null = null;
/** Loaded on the first request: most commands (and the CLI's start-up) never need it. */
const loadUndici = () => (undici ??= import('undici'));

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Stream the body from this file instead. */
  bodyFile?: string;
  /** Idle time-out: no answer, or no new byte of it, for this long ends the request. */
  timeoutMs: number;
  /** Cancels the request; its reason is what the call throws. */
  signal?: AbortSignal;
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

const TLS = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME/;

/** undici wraps the socket's error as `cause` (sometimes twice); the innermost one names the problem. */
function rootCause(e: unknown): { code: string | null; message: string } {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur instanceof Error && cur.cause instanceof Error; i++) cur = cur.cause;
  const err = cur as { code?: unknown; message?: unknown } | null;
  return { code: typeof err?.code === 'string' ? err.code : null, message: typeof err?.message === 'string' ? err.message : String(cur) };
}

/** One request's time-out and the caller's cancel, as one signal. */
class Deadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  timedOut = false;
  /** Ended on purpose by its reader (a stream closed before its end). */
  stopped = false;
  readonly signal: AbortSignal;

  constructor(
    private readonly ms: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    this.signal = caller ? AbortSignal.any([caller, this.controller.signal]) : this.controller.signal;
    this.touch();
  }

  /** Some progress: the idle time starts again. */
  touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.ms);
  }

  done(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  stop(): void {
    this.stopped = true;
    this.done();
    this.controller.abort();
  }

  /** What a failure of this request means to its caller. */
  failure(e: unknown, url: URL, during = ''): unknown {
    this.done();
    if (this.caller?.aborted) return this.caller.reason;
    if (this.timedOut) return new TransportError('timeout', `no answer${during} within ${this.ms} ms`, 'TIMEOUT');
    const { code, message } = rootCause(e);
    if ((code && TLS.test(code)) || /certificate/i.test(message)) {
      return new TransportError('tls', `the certificate of ${url.host} is not trusted (${code ?? message})`, code);
    }
    return new TransportError('network', `${message}${code && !message.includes(code) ? ` (${code})` : ''}${during}`, code);
  }
}

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/** A streamed answer, read a batch of lines at a time. */
export interface LineStream {
  status: 200;
  headers: Record<string, string>;
  /** Batches of at most `max` non-empty lines, in order; throws TransportError if the answer is cut or stalls. */
  batches(max: number): AsyncGenerator<string[]>;
  /** Stops reading (the connection is dropped). */
  close(): void;
}

/** One dispatcher per use (a push, a sync): its connections are kept alive between requests and closed with it. */
export class Http {
  private dispatcher: EnvHttpProxyAgent | null = null;

  constructor(private readonly options: { ca?: string } = {}) {}

  private async start(req: HttpRequest, deadline: Deadline, url: URL): Promise<Response> {
    const { fetch, EnvHttpProxyAgent } = await loadUndici();
    const tls = this.options.ca ? { ca: this.options.ca } : undefined;
    // `connect` holds for direct connections, `requestTls` for the target behind a proxy.
    this.dispatcher ??= new EnvHttpProxyAgent({ connections: 4, ...(tls ? { connect: tls, requestTls: tls } : {}) });
    const body = req.bodyFile ? createReadStream(req.bodyFile) : req.body;
    try {
      return await fetch(url, {
        method: req.method,
        headers: req.headers,
        body,
        signal: deadline.signal,
        dispatcher: this.dispatcher,
        ...(req.bodyFile ? { duplex: 'half' as const } : {}),
      });
    } catch (e) {
      throw deadline.failure(e, url);
    }
  }

  private async text(res: Response, deadline: Deadline, url: URL): Promise<string> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res.body ?? []) {
        deadline.touch();
        chunks.push(Buffer.from(chunk as Uint8Array));
      }
    } catch (e) {
      throw deadline.failure(e, url, ' (the connection was cut during the answer)');
    }
    deadline.done();
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The whole answer. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.url);
    const deadline = new Deadline(req.timeoutMs, req.signal);
    const res = await this.start(req, deadline, url);
    deadline.touch();
    return { status: res.status, headers: headersOf(res), body: await this.text(res, deadline, url) };
  }

  /** A streamed GET: a non-200 answer comes back whole; a 200 as lines to read. */
  async open(req: HttpRequest): Promise<HttpResponse | LineStream> {
    const url = new URL(req.url);
    const deadline = new Deadline(req.timeoutMs, req.signal);
    const res = await this.start(req, deadline, url);
    deadline.touch();
    if (res.status !== 200 || !res.body) return { status: res.status, headers: headersOf(res), body: await this.text(res, deadline, url) };
    const body = res.body;
    return {
      status: 200,
      headers: headersOf(res),
      async *batches(max: number) {
        const decoder = new TextDecoder();
        let tail = '';
        let batch: string[] = [];
        try {
          for await (const chunk of body) {
            deadline.touch();
            const parts = (tail + decoder.decode(chunk as Uint8Array, { stream: true })).split('\n');
            tail = parts.pop()!;
            for (const p of parts) {
              if (!p) continue;
              batch.push(p);
              if (batch.length >= max) {
                yield batch;
                batch = [];
              }
            }
          }
        } catch (e) {
          if (deadline.stopped) return;
          throw deadline.failure(e, url, ' (the connection was cut during the stream)');
        }
        deadline.done();
        tail += decoder.decode();
        if (tail) batch.push(tail);
        if (batch.length) yield batch;
      },
      close() {
        deadline.stop();
      },
    };
  }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }
}

/**
 * The tenant as sync sees it. Everything above this interface (pull, merge, push, conflicts) is
 * independent of how the tenant is reached: HttpTenant speaks protocol v1 (shared/sync/protocol.ts);
 * an adapter for a real FluxBilling API implements the same five calls.
 *
 * HttpTenant retries network errors, time-outs, 5xx and 429 with backoff (honouring Retry-After),
 * posts a changeset again only under the same id, and after a time-out or a cut connection first
 * asks the tenant whether the changeset landed. A refused token or certificate is never retried.
 * Every call is async (electron/net): the engine answers other calls while the tenant thinks. The
 * signal cancels every request but a changeset's POST, which is never cut off once on its way.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { FluxError } from '../../shared/errors';
import {
  accepted,
  API_PREFIX,
  changesetStatus as changesetStatusSchema,
  changesPage,
  conflictAnswer,
  describeZod,
  errorAnswer,
  invalidAnswer,
  NDJSON,
  snapshotEnd,
  snapshotHeader,
  snapshotRow,
  tenantStatus,
  type Accepted,
  type Changeset,
  type ChangesetStatus,
  type ChangesPage,
  type ConflictAnswer,
  type InvalidAnswer,
  type SnapshotRow,
  type TenantStatus,
} from '../../shared/sync/protocol';
import { Http, TransportError, type HttpRequest, type HttpResponse, type LineStream } from '../net/http';
import { retrying } from '../net/retry';
import { redact } from './secret';

export type PostOutcome =
  | { status: 200; answer: Accepted }
  | { status: 409; answer: ConflictAnswer }
  | { status: 422; answer: InvalidAnswer };

export type SnapshotRows = (rows: SnapshotRow[], info: SnapshotInfo, texts: string[]) => void | Promise<void>;

export interface SnapshotInfo {
  tenant: string;
  version: number;
  rows: number;
}

export interface TenantAdapter {
  /** Who the tenant is, its version, and whether it holds anything. */
  status(): Promise<TenantStatus>;
  /** One page of the changesets after `since`; follow `next` until it is null. */
  changes(since: number, cursor: string | null): Promise<ChangesPage>;
  /**
   * The whole plan, handed over in batches of rows in creation order (each batch awaited before the
   * next is read), each row also as its JSON text (`texts[i]` is `rows[i]`), for a caller that stores it.
   */
  snapshot(onRows: SnapshotRows): Promise<SnapshotInfo>;
  /** Sends one changeset, exactly once by its id. */
  post(changeset: Changeset): Promise<PostOutcome>;
  /** Whether a changeset landed (null: the tenant never saw it). */
  changesetStatus(id: string): Promise<ChangesetStatus | null>;
  close(): Promise<void>;
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 200, maxMs: 30_000 };
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Changesets with more changes than this go as NDJSON streamed from a file. */
export const STREAM_THRESHOLD = 20_000;

export interface HttpTenantOptions {
  url: string;
  token: string;
  timeoutMs?: number;
  ca?: string;
  retry?: Partial<RetryPolicy>;
  /** Where each attempt is told (tests and the desktop's progress); never given headers. */
  onEvent?: (event: string) => void;
  /** Cancels what is under way, except a changeset's POST. */
  signal?: AbortSignal;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** https, or http to this machine only. Returns the base URL without a trailing slash. */
export function checkTenantUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new FluxError('INVALID_ARGUMENT', `"${text}" is not a URL; give the tenant's address, e.g. https://billing.example.net`, { reason: 'URL' });
  }
  if (u.username || u.password) throw new FluxError('INVALID_ARGUMENT', 'the URL must not carry a user name or password; the token goes in a token file', { reason: 'URL' });
  if (u.search || u.hash) throw new FluxError('INVALID_ARGUMENT', 'the URL must not carry a query or fragment', { reason: 'URL' });
  const host = u.hostname.toLowerCase();
  const loopback = LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (u.protocol === 'http:' && !loopback) {
    throw new FluxError('INVALID_ARGUMENT', `${text}: the tenant must be reached over https (plain http is only allowed to this machine: localhost, 127.0.0.1, ::1)`, { reason: 'URL' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new FluxError('INVALID_ARGUMENT', `${text}: only https (and http to this machine) is supported`, { reason: 'URL' });
  let base = `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
  if (base.endsWith(API_PREFIX)) base = base.slice(0, -API_PREFIX.length);
  return base;
}

export class HttpTenant implements TenantAdapter {
  private readonly http: Http;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly event: (e: string) => void;
  /** Bytes sent and received in request and answer bodies (for the benchmark). */
  bytesOut = 0;
  bytesIn = 0;

  constructor(private readonly options: HttpTenantOptions) {
    this.base = checkTenantUrl(options.url);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.event = options.onEvent ?? (() => {});
    this.http = new Http(options.ca ? { ca: options.ca } : {});
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.options.token}`, accept: 'application/json', 'user-agent': 'FluxPlan-sync/1', ...extra };
  }

  private req(method: 'GET' | 'POST', path: string, extra: Partial<HttpRequest> = {}): HttpRequest {
    return { method, url: `${this.base}${API_PREFIX}${path}`, timeoutMs: this.timeoutMs, signal: this.options.signal, ...extra, headers: this.headers(extra.headers) };
  }

  /** The wait before attempt n (n >= 2), at least what the tenant asked for (up to ten minutes). */
  private backoff(n: number, retryAfter: number | null): number {
    const exp = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (n - 2));
    const jittered = exp * (0.8 + Math.random() * 0.4);
    return Math.max(jittered, retryAfter === null ? 0 : Math.min(retryAfter, 10 * 60_000));
  }

  /** Retries what may pass: no answer, 5xx, 429; `signal` (none while a changeset is on its way) cuts the waits short. */
  private withRetries<T extends { status: number; headers: Record<string, string> }>(what: string, attempt: () => Promise<T>, signal: AbortSignal | undefined, beforeRetry?: () => Promise<T | null>) {
    return retrying(attempt, {
      attempts: this.retry.attempts,
      wait: (n, retryAfter) => this.backoff(n, retryAfter),
      retryStatus: (status) => status === 429 || status >= 500,
      retryTransport: true,
      signal,
      onRetry: (n, wait, problem) => this.event(`${what}: attempt ${n} of ${this.retry.attempts} in ${Math.round(wait)} ms (${problem})`),
      ...(beforeRetry ? { beforeRetry } : {}),
    });
  }

  private fail(e: unknown, what: string): never {
    if (e instanceof TransportError) {
      if (e.kind === 'tls') throw new FluxError('INVALID_ARGUMENT', `${what}: ${e.message}; certificate errors are never ignored (for a staging tenant with its own CA, set the remote's --ca-file)`, { reason: 'TLS' });
      throw new FluxError('BUSY', `${what}: the tenant at ${this.base} cannot be reached (${e.message}); working offline, local changes stay pending`, { reason: 'OFFLINE' });
    }
    throw e;
  }

  /** Refusals that retrying cannot fix. */
  private refuse(res: HttpResponse, what: string): never {
    const parsed = errorAnswer.safeParse(safeJson(res.body));
    const message = redact(parsed.success ? parsed.data.message : res.body.slice(0, 300), this.options.token);
    if (res.status === 401 || res.status === 403) {
      throw new FluxError('INVALID_ARGUMENT', `${what}: the tenant refused the token (${res.status}${message ? `: ${message}` : ''}); check the token file`, { reason: 'UNAUTHORIZED', status: res.status });
    }
    throw new FluxError('INTERNAL', `${what}: the tenant answered ${res.status}${message ? `: ${message}` : ''}`, { reason: 'PROTOCOL', status: res.status });
  }

  /** A request with retries for what may pass: no answer, 5xx, 429. `onLost` decides after a lost answer. */
  private async send(make: () => HttpRequest, what: string, onLost?: () => Promise<HttpResponse | null>, signal: AbortSignal | null = this.options.signal ?? null): Promise<HttpResponse> {
    let outcome: { answer: HttpResponse; problem: string };
    try {
      outcome = await this.withRetries(
        what,
        async () => {
          const r = make();
          this.bytesOut += r.body ? Buffer.byteLength(r.body) : 0;
          const res = await this.http.request(r);
          this.bytesIn += Buffer.byteLength(res.body);
          return res;
        },
        signal ?? undefined,
        onLost,
      );
    } catch (e) {
      this.fail(e, what);
    }
    const res = outcome.answer;
    if (res.status === 429 || res.status >= 500) {
      throw new FluxError('BUSY', `${what}: the tenant is not able to answer (${outcome.problem}) after ${this.retry.attempts} attempts; try again later`, { reason: 'UNAVAILABLE', status: res.status });
    }
    return res;
  }

  private parse<T>(schema: z.ZodType<T>, res: HttpResponse, what: string): T {
    const parsed = schema.safeParse(safeJson(res.body));
    if (!parsed.success) throw new FluxError('INTERNAL', `${what}: the tenant's answer does not follow protocol v1 (${describeZod(parsed.error)})`, { reason: 'PROTOCOL' });
    return parsed.data;
  }

  async status(): Promise<TenantStatus> {
    const res = await this.send(() => this.req('GET', '/status'), 'GET /status');
    if (res.status !== 200) this.refuse(res, 'GET /status');
    return this.parse(tenantStatus, res, 'GET /status');
  }

  async changes(since: number, cursor: string | null): Promise<ChangesPage> {
    const q = `/changes?since=${since}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await this.send(() => this.req('GET', q), 'GET /changes');
    if (res.status !== 200) this.refuse(res, 'GET /changes');
    return this.parse(changesPage, res, 'GET /changes');
  }

  changesetStatus(id: string): Promise<ChangesetStatus | null> {
    return this.lookup(id, this.options.signal);
  }

  /** A changeset's fate; while a POST is on its way (signal undefined) the question is never cut off. */
  private async lookup(id: string, signal: AbortSignal | undefined): Promise<ChangesetStatus | null> {
    const what = `GET /changesets/${id}`;
    const res = await this.send(() => this.req('GET', `/changesets/${encodeURIComponent(id)}`, { signal }), what, undefined, signal ?? null);
    if (res.status === 404) {
      const body = changesetStatusSchema.safeParse(safeJson(res.body));
      if (body.success || res.body === '') return null;
    }
    if (res.status !== 200) this.refuse(res, what);
    return this.parse(changesetStatusSchema, res, what);
  }

  async post(cs: Changeset): Promise<PostOutcome> {
    const what = `POST /changesets (${cs.id})`;
    let dir: string | null = null;
    let make: () => HttpRequest;
    if (cs.changes.length > STREAM_THRESHOLD) {
      // A big changeset goes as NDJSON, streamed from a file: the same bytes on every attempt.
      dir = mkdtempSync(join(tmpdir(), 'fluxplan-push-'));
      const file = join(dir, `${cs.id}.ndjson`);
      const header = JSON.stringify({ id: cs.id, base_version: cs.base_version, count: cs.changes.length, ...(cs.labels ? { labels: cs.labels } : {}) });
      const lines: string[] = [header];
      for (const c of cs.changes) lines.push(JSON.stringify(c));
      writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
      make = () => this.req('POST', '/changesets', { headers: { 'content-type': NDJSON }, bodyFile: file, signal: undefined });
    } else {
      const body = JSON.stringify(cs);
      make = () => this.req('POST', '/changesets', { headers: { 'content-type': 'application/json' }, body, signal: undefined });
    }
    try {
      // After a lost answer, ask before sending again: it may have landed.
      // Never cut off once on its way: no signal for the POST, its retries or its questions.
      const res = await this.send(make, what, async () => {
        const known = await this.lookup(cs.id, undefined);
        if (!known || known.status === null) return null;
        this.event(`${what}: the tenant already has it (${known.status}); not sending it again`);
        if (known.landed) return { status: 200, headers: {}, body: JSON.stringify({ id: cs.id, version: known.version }) };
        // Refused the first time: the same id gets the same answer, which holds the details.
        return null;
      }, null);
      if (res.status === 200) return { status: 200, answer: this.parse(accepted, res, what) };
      if (res.status === 409) return { status: 409, answer: this.parse(conflictAnswer, res, what) };
      if (res.status === 422) return { status: 422, answer: this.parse(invalidAnswer, res, what) };
      return this.refuse(res, what);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }

  async snapshot(onRows: SnapshotRows): Promise<SnapshotInfo> {
    const what = 'GET /snapshot';
    let opened: { answer: HttpResponse | LineStream; problem: string };
    try {
      opened = await this.withRetries(what, () => this.http.open(this.req('GET', '/snapshot', { headers: { accept: NDJSON } })), this.options.signal);
    } catch (e) {
      this.fail(e, what);
    }
    const stream = opened.answer;
    if (!('batches' in stream)) {
      if (stream.status !== 429 && stream.status < 500) this.refuse(stream, what);
      throw new FluxError('BUSY', `${what}: the tenant is not able to answer (${opened.problem}); try again later`, { reason: 'UNAVAILABLE' });
    }
    try {
      let info: SnapshotInfo | null = null;
      let count = 0;
      let ended = false;
      const batches = stream.batches(4000);
      for (;;) {
        let next: IteratorResult<string[]>;
        try {
          next = await batches.next();
        } catch (e) {
          this.fail(e, `${what} (after ${count} rows)`);
        }
        if (next.done) break;
        const lines = next.value;
        for (const line of lines) this.bytesIn += line.length + 1;
        let values: unknown[];
        try {
          values = JSON.parse(`[${lines.join(',')}]`) as unknown[];
        } catch {
          throw new FluxError('INTERNAL', `${what}: a line of the snapshot is not JSON`, { reason: 'PROTOCOL' });
        }
        const rows: SnapshotRow[] = [];
        const texts: string[] = [];
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (ended) throw new FluxError('INTERNAL', `${what}: rows after the end line`, { reason: 'PROTOCOL' });
          if (!info) {
            const h = snapshotHeader.safeParse(v);
            if (!h.success) throw new FluxError('INTERNAL', `${what}: the first line is not a snapshot header (${describeZod(h.error)})`, { reason: 'PROTOCOL' });
            info = { tenant: h.data.snapshot.tenant, version: h.data.snapshot.version, rows: h.data.snapshot.rows };
            continue;
          }
          const row = snapshotRow.safeParse(v);
          if (row.success) {
            rows.push(row.data);
            texts.push(lines[i]!);
            count++;
            continue;
          }
          const end = snapshotEnd.safeParse(v);
          if (!end.success) throw new FluxError('INTERNAL', `${what}: row ${count + 1} does not follow protocol v1 (${describeZod(row.error)})`, { reason: 'PROTOCOL' });
          if (end.data.end.rows !== count) throw new FluxError('INTERNAL', `${what}: the tenant says it sent ${end.data.end.rows} rows, ${count} came`, { reason: 'PROTOCOL' });
          ended = true;
        }
        if (rows.length) await onRows(rows, info!, texts);
      }
      if (!info || !ended) throw new FluxError('BUSY', `${what}: the snapshot was cut after ${count} rows; nothing was kept, try again`, { reason: 'OFFLINE' });
      return info;
    } finally {
      stream.close();
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

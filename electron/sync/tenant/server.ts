/**
 * The tenant emulator's HTTP server: the sync protocol v1 exactly, every request validated with the
 * schemas in shared/sync/protocol.ts, plus fault switches for tests. It is for tests and local
 * staging, not a FluxBilling server, and says so in its answers' Server header and at start-up.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { isFluxError } from '../../../shared/errors';
import {
  API_PREFIX,
  change as changeSchema,
  changeset as changesetSchema,
  changesetHeader,
  describeZod,
  NDJSON,
  type Change,
  type Changeset,
} from '../../../shared/sync/protocol';
import { Plan } from '../../plan';
import { streamSnapshot, Tenant } from './tenant';

export interface TenantOptions {
  /** The plan file the tenant keeps (created when missing). */
  db: string;
  token: string;
  port?: number;
  host?: string;
  /** Commit the Nth changeset POST, then cut the connection without answering. */
  dropAfterCommit?: number;
  /** Commit the Nth changeset POST, then never answer it (the client times out). */
  stallAfterCommit?: number;
  /** Answer the Nth changeset POST with 500 without committing it. */
  failBeforeCommit?: number;
  /** Answer the Nth changeset POST with 429 and Retry-After: 1 without committing it. */
  throttle?: number;
  /** Wait this long before every answer (after the work is done). */
  delayMs?: number;
  /** Serve https with this certificate and key (PEM files). */
  tlsCert?: string;
  tlsKey?: string;
  /** Where to say what happens; default: nowhere. */
  log?: (line: string) => void;
}

export interface TenantServer {
  readonly url: string;
  readonly port: number;
  readonly tenant: Tenant;
  readonly server: Server;
  close(): Promise<void>;
}

const MAX_JSON_BODY = 256 * 1024 * 1024;
export const EMULATOR_NOTICE = 'FluxPlan tenant emulator: for tests and local staging only, not a FluxBilling server';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

const badRequest = (message: string) => new HttpError(400, { error: 'bad_request', message });

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), server: 'fluxplan-tenant-emulator', ...headers });
  res.end(text);
}

function authorized(req: IncomingMessage, token: string): boolean {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, { error: 'too_large', message: `a JSON body is at most ${limit} bytes; send big changesets as ${NDJSON}` });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A changeset from the request: one JSON value, or NDJSON (a header line, then one change per line). */
async function readChangeset(req: IncomingMessage): Promise<Changeset> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === NDJSON) {
    const lines = createInterface({ input: req, crlfDelay: Infinity });
    let header: { id: string; base_version: number; count: number; labels?: string[] | undefined } | null = null;
    const changes: Change[] = [];
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw badRequest(`line ${n} is not JSON`);
      }
      if (!header) {
        const h = changesetHeader.safeParse(value);
        if (!h.success) throw badRequest(`line 1 is not a changeset header: ${describeZod(h.error)}`);
        header = h.data;
        continue;
      }
      const c = changeSchema.safeParse(value);
      if (!c.success) throw badRequest(`line ${n} (change ${changes.length}): ${describeZod(c.error)}`);
      changes.push(c.data);
    }
    if (!header) throw badRequest('the body is empty');
    if (changes.length !== header.count) throw badRequest(`the header announces ${header.count} changes but ${changes.length} came; the body was cut`);
    return { id: header.id, base_version: header.base_version, changes, ...(header.labels ? { labels: header.labels } : {}) };
  }
  if (type !== 'application/json') throw badRequest(`send the changeset as application/json or ${NDJSON}`);
  const text = await readBody(req, MAX_JSON_BODY);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('the body is not JSON');
  }
  const parsed = changesetSchema.safeParse(value);
  if (!parsed.success) throw badRequest(`not a changeset: ${describeZod(parsed.error)}`);
  return parsed.data;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startTenant(options: TenantOptions): Promise<TenantServer> {
  const plan = Plan.open(options.db);
  const tenant = new Tenant(plan);
  const log = options.log ?? (() => {});
  let posts = 0;
  const stalled = new Set<ServerResponse>();
  const delay = options.delayMs ?? 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://tenant');
    const path = url.pathname;
    if (!path.startsWith(`${API_PREFIX}/`)) throw new HttpError(404, { error: 'not_found', message: `no such endpoint; the API is under ${API_PREFIX}` });
    if (!authorized(req, options.token)) {
      // Drain the body so that the client sees the answer, not a reset.
      req.resume();
      throw new HttpError(401, { error: 'unauthorized', message: 'a valid bearer token is required (Authorization: Bearer TOKEN)' });
    }
    const route = path.slice(API_PREFIX.length);
    const method = req.method ?? 'GET';
    const only = (m: string) => {
      if (method !== m) throw new HttpError(405, { error: 'method_not_allowed', message: `${route} takes ${m}` });
    };
    if (route === '/status') {
      only('GET');
      await answer(res, 200, tenant.status());
      return;
    }
    if (route === '/snapshot') {
      only('GET');
      res.writeHead(200, { 'content-type': `${NDJSON}; charset=utf-8`, server: 'fluxplan-tenant-emulator' });
      if (delay) await sleep(delay);
      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      const rows = await streamSnapshot(
        options.db,
        tenant.id,
        (text) => {
          if (closed) throw new Error('the client went away');
          return res.write(text);
        },
        () => (res.writableNeedDrain ? new Promise((r) => res.once('drain', r)) : Promise.resolve()),
      );
      res.end();
      log(`snapshot: ${rows} rows`);
      return;
    }
    if (route === '/changes') {
      only('GET');
      const since = url.searchParams.get('since');
      if (since === null || !/^\d+$/.test(since)) throw badRequest('since=V is required (a version, 0 for everything)');
      const limitText = url.searchParams.get('limit');
      if (limitText !== null && !/^\d+$/.test(limitText)) throw badRequest('limit is a whole number of changes');
      let body: string;
      try {
        body = tenant.changesPage(Number(since), url.searchParams.get('cursor'), limitText === null ? undefined : Number(limitText));
      } catch (e) {
        if (isFluxError(e)) throw badRequest(e.message);
        throw e;
      }
      log(`changes since ${since}${url.searchParams.get('cursor') ? ` (cursor ${url.searchParams.get('cursor')})` : ''}: version ${tenant.version()}`);
      await answer(res, 200, body);
      return;
    }
    if (route === '/changesets') {
      only('POST');
      const n = ++posts;
      if (options.failBeforeCommit === n) {
        req.resume();
        log(`changeset POST #${n}: failing before commit (--fail-before-commit)`);
        await answer(res, 500, { error: 'internal', message: `injected failure before commit (--fail-before-commit ${n})` });
        return;
      }
      if (options.throttle === n) {
        req.resume();
        log(`changeset POST #${n}: throttled (--throttle)`);
        await answer(res, 429, { error: 'busy', message: 'too many requests; retry after 1 s', retry_after: 1 }, { 'retry-after': '1' });
        return;
      }
      const cs = await readChangeset(req);
      const result = tenant.post(cs);
      log(`changeset ${cs.id} (${cs.changes.length} changes, base ${cs.base_version}): ${result.status}`);
      if (options.stallAfterCommit === n) {
        log(`changeset POST #${n}: committed, never answering (--stall-after-commit)`);
        stalled.add(res);
        return;
      }
      if (options.dropAfterCommit === n) {
        log(`changeset POST #${n}: committed, cutting the connection (--drop-after-commit)`);
        if (delay) await sleep(delay);
        req.socket.destroy();
        return;
      }
      await answer(res, result.status, result.body);
      return;
    }
    const m = /^\/changesets\/([^/]+)$/.exec(route);
    if (m) {
      only('GET');
      const id = decodeURIComponent(m[1]!);
      if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) throw badRequest(`${id} is not a changeset id`);
      const s = tenant.changesetStatus(id);
      await answer(res, s.status, s.body);
      return;
    }
    throw new HttpError(404, { error: 'not_found', message: `no such endpoint: ${route}` });
  };

  const answer = async (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (delay) await sleep(delay);
    send(res, status, body, headers);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) {
        void answer(res, e.status, e.body);
        return;
      }
      log(`internal error: ${(e as Error).stack ?? String(e)}`);
      void answer(res, 500, { error: 'internal', message: (e as Error).message ?? String(e) });
    });
  };
  const server =
    options.tlsCert && options.tlsKey
      ? createHttpsServer({ cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) }, listener)
      : createHttpServer(listener);
  server.keepAliveTimeout = 5_000;
  // A client that refuses the certificate ends the handshake: said in the log, so that tests can count attempts.
  server.on('tlsClientError', (e: Error) => log(`TLS handshake refused by the client (${e.message})`));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tlsCert ? 'https' : 'http';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    tenant,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of stalled) r.destroy();
        server.close(() => {
          plan.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

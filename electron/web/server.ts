/**
 * The loopback browser host: the renderer's files and the handler table over HTTP, on 127.0.0.1 only.
 *
 * Every request needs the per-run token (in the query once, then the cookie set from it, or the
 * X-FluxPlan-Token header the page sends), and a Host and Origin naming this loopback address and port:
 * another local user's page cannot guess the token, and a DNS-rebound name fails the Host check.
 * The API is POST /api/<method> with a JSON body, answered in the `reply` shape.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { isMethod } from '../api/handlers';
import type { Engine } from '../main/engine';

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";
export const TOKEN_HEADER = 'x-fluxplan-token';
const MAX_BODY = 2 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface WebHostOptions {
  engine: Engine;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Fixed only in tests; a fresh random token otherwise. */
  token?: string;
}

export interface WebHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly server: Server;
  close(): Promise<void>;
}

function cookieName(port: number): string {
  return `fluxplan_token_${port}`;
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why a request is refused, or null when it may proceed. Exported for the unit tests. */
export function refusal(req: Pick<IncomingMessage, 'headers' | 'url'>, port: number, token: string): string | null {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host ?? '';
  if (!hosts.includes(host)) return `Host ${host || '(none)'} is not this loopback host`;
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) return `Origin ${origin} is not this loopback host`;
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site request';
  const url = new URL(req.url ?? '/', `http://${hosts[0]}`);
  const given = [url.searchParams.get('token'), readCookie(req.headers.cookie, cookieName(port)), (req.headers[TOKEN_HEADER] as string | undefined) ?? null];
  if (!given.some((t) => t !== null && same(t, token))) return 'missing or wrong token';
  return null;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  let port = 0;

  const security = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const why = refusal(req, port, token);
    if (why) {
      send(res, 403, `Forbidden: ${why}. Open the URL that npm run web printed.\n`, 'text/plain; charset=utf-8', security);
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const extra: Record<string, string> = { ...security };
    if (url.searchParams.get('token')) {
      // The page keeps working after it drops the token from its address bar.
      extra['Set-Cookie'] = `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'POST only\n', undefined, { ...extra, Allow: 'POST' });
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return send(res, 415, 'application/json only\n', undefined, extra);
      const method = decodeURIComponent(url.pathname.slice(5));
      if (!isMethod(method)) {
        return send(res, 404, JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: `FluxPlan has no method ${method}` } }), 'application/json', extra);
      }
      let args: unknown;
      try {
        const text = await readBody(req);
        args = text.trim() ? JSON.parse(text) : {};
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        return send(res, 400, JSON.stringify({ ok: false, error: { code: 'INVALID_ARGUMENT', message: `the request body is not JSON: ${message}` } }), 'application/json', extra);
      }
      const reply = await options.engine.call(method, args);
      return send(res, 200, JSON.stringify(reply), 'application/json', extra);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only\n', undefined, { ...extra, Allow: 'GET' });
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    const file = join(root, rel);
    if (!file.startsWith(root + sep)) return send(res, 404, 'not found\n', undefined, extra);
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      return send(res, 404, 'not found\n', undefined, extra);
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': size,
      'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'private, max-age=3600',
      ...extra,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } }), 'application/json');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

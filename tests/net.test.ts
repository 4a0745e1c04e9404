/**
 * The engine's network module (electron/net) against real servers on 127.0.0.1: answers read whole
 * and line by line (lines cut across chunks put back together), the idle time-out, cancel through an
 * AbortSignal (the signal's reason is what the call throws), HTTP(S)_PROXY and NO_PROXY honoured
 * through a real CONNECT proxy, the one retry loop with Retry-After, and no header in any error.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Http, TransportError, type LineStream } from '../electron/net/http';
import { retryAfterMs, retrying } from '../electron/net/retry';

const servers: Array<Server | TcpServer> = [];
const clients: Http[] = [];
const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createHttpServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(): Http {
  const c = new Http();
  clients.push(c);
  return c;
}

const GET = (url: string, extra: { timeoutMs?: number; signal?: AbortSignal; headers?: Record<string, string> } = {}) => ({
  method: 'GET' as const,
  url,
  headers: extra.headers ?? {},
  timeoutMs: extra.timeoutMs ?? 5_000,
  ...(extra.signal ? { signal: extra.signal } : {}),
});

describe('electron/net', () => {
  it('reads an answer whole, with its status and headers', async () => {
    const base = await serve((req, res) => {
      res.writeHead(201, { 'x-seen': String(req.headers['x-token'] ?? '') });
      res.end('héllo');
    });
    const r = await client().request(GET(`${base}/a`, { headers: { 'x-token': 't1' } }));
    expect(r).toMatchObject({ status: 201, body: 'héllo' });
    expect(r.headers['x-seen']).toBe('t1');
  });

  it('streams lines in batches, putting lines cut across chunks back together', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"n":1}\n{"n"');
      setTimeout(() => {
        res.write(':2}\n\n{"n":3}\n{"n":4');
        setTimeout(() => res.end('}\n{"n":5}'), 20);
      }, 20);
    });
    const stream = (await client().open(GET(base))) as LineStream;
    expect(stream.status).toBe(200);
    const batches: string[][] = [];
    for await (const b of stream.batches(2)) batches.push(b);
    expect(batches.flat().map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
  });

  it('gives a non-200 answer to a stream back whole', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(503, { 'retry-after': '7' });
      res.end('later');
    });
    expect(await client().open(GET(base))).toMatchObject({ status: 503, body: 'later', headers: { 'retry-after': '7' } });
  });

  it('ends a request that gets no byte within its idle time-out, naming it a time-out', async () => {
    const base = await serve(() => {
      // never answers
    });
    const t0 = performance.now();
    const e = await client().request(GET(base, { timeoutMs: 300 })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).kind).toBe('timeout');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('a stream that stalls midway is a time-out too, after the rows that came', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200);
      res.write('a\nb\n');
      // and then nothing more
    });
    const stream = (await client().open(GET(base, { timeoutMs: 300 }))) as LineStream;
    const seen: string[] = [];
    const e = await (async () => {
      for await (const b of stream.batches(1)) seen.push(...b);
    })().catch((x: unknown) => x);
    expect(seen).toEqual(['a', 'b']);
    expect((e as TransportError).kind).toBe('timeout');
  });

  it('a cancel ends the wait at once and throws the signal reason', async () => {
    const base = await serve(() => {
      // never answers
    });
    const controller = new AbortController();
    const reason = new Error('stopped by the planner');
    setTimeout(() => controller.abort(reason), 100);
    const t0 = performance.now();
    await expect(client().request(GET(base, { timeoutMs: 10_000, signal: controller.signal }))).rejects.toBe(reason);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('no answer at all is a network failure whose message holds no header', async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = (await client().request(GET(`http://127.0.0.1:${port}/`, { headers: { authorization: 'Bearer secret-token-123' } })).catch((x: unknown) => x)) as TransportError;
    expect(e.kind).toBe('network');
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.message).not.toContain('secret-token-123');
  });

  it('goes through HTTP_PROXY, and around it for hosts in NO_PROXY', async () => {
    const base = await serve((_req, res) => res.end('via'));
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (req: IncomingMessage, socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    servers.push(proxy);
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    delete process.env.NO_PROXY;
    expect((await client().request(GET(`${base}/x`))).body).toBe('via');
    expect(tunnels).toEqual([base.replace('http://', '')]);
    process.env.NO_PROXY = '127.0.0.1';
    expect((await client().request(GET(`${base}/y`))).body).toBe('via');
    expect(tunnels).toHaveLength(1);
  });

  it('retries what may pass, waiting at least what Retry-After asks, and stops at once on a cancel', async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      if (calls < 3) {
        res.writeHead(429, { 'retry-after': '0.2' });
        res.end();
      } else res.end('ok');
    });
    const http = client();
    const waits: number[] = [];
    const t0 = performance.now();
    const { answer } = await retrying(() => http.request(GET(base)), {
      attempts: 5,
      wait: (_n, retryAfter) => retryAfter ?? 0,
      retryStatus: (s) => s === 429,
      retryTransport: false,
      onRetry: (_n, ms) => waits.push(ms),
    });
    expect(answer.body).toBe('ok');
    expect(waits).toEqual([200, 200]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);

    const controller = new AbortController();
    const reason = new Error('cancelled');
    setTimeout(() => controller.abort(reason), 50);
    calls = 0;
    await expect(
      retrying(() => http.request(GET(base)), { attempts: 5, wait: () => 60_000, retryStatus: (s) => s === 429, retryTransport: false, signal: controller.signal }),
    ).rejects.toBe(reason);
    expect(calls).toBe(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(20_000).toUTCString(), 5_000)).toBe(15_000);
    expect(retryAfterMs(new Date(1_000).toUTCString(), 5_000)).toBe(0);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});

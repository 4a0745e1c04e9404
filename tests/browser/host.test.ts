/** The loopback browser host over plain HTTP: token, Host and Origin checks, the API shape, static files. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessEngine, type Engine } from '../../electron/main/engine';
import { parseWebArgs } from '../../electron/web/cli';
import { startWebHost, type WebHost } from '../../electron/web/server';

let dir: string;
let engine: Engine;
let host: WebHost;

function req(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${host.port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    r.on('error', reject);
    if (opts.body !== undefined) r.write(opts.body);
    r.end();
  });
}

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  req(`/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-FluxPlan-Token': host.token, ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fluxplan-host-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>FluxPlan</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  engine = inProcessEngine(join(dir, 'plan.sqlite'));
  host = await startWebHost({ engine, rendererDir: renderer });
});

afterAll(async () => {
  await host.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the loopback browser host', () => {
  it('listens on 127.0.0.1 with a random token in the printed URL', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`));
    expect((host.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('refuses every request without the token', async () => {
    expect((await req('/')).status).toBe(403);
    expect((await req('/assets/app.js')).status).toBe(403);
    expect((await req('/api/plan.info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(403);
    expect((await req('/?token=wrong')).status).toBe(403);
    expect((await api('plan.info', {}, { 'X-FluxPlan-Token': `${host.token}x` })).status).toBe(403);
  });

  it('accepts the token in the query and sets a strict cookie from it', async () => {
    const r = await req(`/?token=${host.token}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>FluxPlan</title>');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const js = await req('/assets/app.js', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
  });

  it('refuses a Host or Origin that is not this loopback address and port (DNS rebinding, other pages)', async () => {
    const t = `?token=${host.token}`;
    expect((await req(`/${t}`, { headers: { Host: `evil.example:${host.port}` } })).status).toBe(403);
    expect((await req(`/${t}`, { headers: { Host: `127.0.0.1:${host.port + 1}` } })).status).toBe(403);
    expect((await api('plan.info', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('plan.info', {}, { Origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);
    expect((await api('plan.info', {}, { Origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await api('plan.info', {}, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
  });

  it('answers API calls in the reply shape through the same handler table', async () => {
    const ok = await api('subnet.add', { cidr: '203.0.113.0/24' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, result: { subnet: { cidr: '203.0.113.0/24', allocation_status: 'unallocated' } } });
    const refused = JSON.parse((await api('subnet.add', { cidr: '203.0.113.0/24' })).body);
    expect(refused).toMatchObject({ ok: false, error: { code: 'EXISTS' } });
    const bad = JSON.parse((await api('subnet.add', { cidr: 7 })).body);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((await api('no.such', {})).status).toBe(404);
    expect((await req(`/api/plan.info?token=${host.token}`)).status).toBe(405);
    expect((await req('/api/plan.info', { method: 'POST', headers: { 'X-FluxPlan-Token': host.token, 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect((await req('/api/plan.info', { method: 'POST', headers: { 'X-FluxPlan-Token': host.token, 'Content-Type': 'application/json' }, body: '{' })).status).toBe(400);
  });

  it('serves only the renderer folder', async () => {
    expect((await req(`/../secret.txt?token=${host.token}`)).status).toBe(404);
    expect((await req(`/%2e%2e/secret.txt?token=${host.token}`)).status).toBe(404);
    expect((await req(`/nope.js?token=${host.token}`)).status).toBe(404);
  });

  it('reads --port and --db', () => {
    expect(parseWebArgs(['--port', '8123', '--db', '/tmp/x.sqlite'], {})).toEqual({ port: 8123, db: '/tmp/x.sqlite' });
    expect(parseWebArgs(['--port=0'], { FLUXPLAN_DB: '/tmp/y.sqlite' })).toEqual({ port: 0, db: '/tmp/y.sqlite' });
    expect(() => parseWebArgs(['--port', 'x'], {})).toThrow(/port/);
    expect(() => parseWebArgs(['--bogus'], {})).toThrow(/unknown option/);
  });
});

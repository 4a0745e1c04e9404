/**
 * Pushes to Cloudflare's API v4 as documented (the real service is out of reach here): a local
 * server (tests/rdns-cloudflare-mock.mjs, a separate process on 127.0.0.1) speaks the envelope,
 * pages DNS record lists three at a time and answers every 7th request with 429 and Retry-After.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Plan } from '../electron/plan';
import { checkedCall } from './support/plan';
import { type MethodArgs, type MethodName, type MethodResult } from '../shared/api/contract';

const TOKEN = 'cf-test-token-7f3a9c';
const V4 = '113.0.203.in-addr.arpa';
const V6 = '1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
const BROKEN = '2.0.192.in-addr.arpa';

let mock: ChildProcess;
let base: string;
let dir: string;
let plan: Plan;
/** One plan for the whole file: the steps build on each other. */
const env = {
  call: <M extends MethodName>(method: M, args?: MethodArgs<M>) => checkedCall(plan, method, args),
};

interface State {
  records: Record<string, Array<{ id: string; type: string; name: string; content: string; comment: string | null }>>;
  log: Array<{ method: string; path: string; status: number }>;
}
const state = async (): Promise<State> => (await fetch(`${base}/__state`)).json() as Promise<State>;
const contents = async (zone: string) => Object.fromEntries((await state()).records[zone]!.map((r) => [r.name, `${r.content}${r.comment ? ` (${r.comment})` : ''}`]));
const summary = (r: MethodResult<'rdns.push'>) =>
  Object.fromEntries(r.zones.map((z) => [z.zone, `${z.status} +${z.created.length} ~${z.changed.length} -${z.deleted.length} !${z.failed.length}`]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fluxplan-cf-'));
  plan = Plan.open(join(dir, 'plan.sqlite'));
  const zones = [
    { id: 'zone-v4', name: V4 },
    { id: 'zone-v6', name: V6 },
    { id: 'zone-broken', name: BROKEN, broken: true },
  ];
  mock = spawn(process.execPath, [join(__dirname, 'rdns-cloudflare-mock.mjs'), TOKEN, JSON.stringify(zones), '7'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: mock.stdout! }).once('line', resolve);
    mock.once('exit', (code) => reject(new Error(`the Cloudflare stand-in exited (${code})`)));
  });
  base = `http://127.0.0.1:${JSON.parse(first).port}`;
  const seed = (record: object) => fetch(`${base}/__seed`, { method: 'POST', body: JSON.stringify({ zone_id: 'zone-v4', record }) });
  await seed({ type: 'PTR', name: `9.${V4}`, content: 'by-hand.example.org' });
  await seed({ type: 'PTR', name: `10.${V4}`, content: 'other.example.org', comment: 'made by the NOC' });
});

afterAll(() => {
  plan?.close();
  mock?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('push to Cloudflare', () => {
  it('creates records in every zone (ids given or looked up by name), waits out 429s, and reports the broken zone without stopping', async () => {
    const { call } = env;
    call('location.add', { code: 'EU-FRA' });
    call('subnet.add', { cidr: '203.0.113.0/24', location: 'EU-FRA' });
    call('subnet.add', { cidr: '203.0.113.0/29', ip_pool: true });
    for (let i = 0; i < 5; i++) call('allocate.ip', { family: 4 });
    call('rdns.pattern', { cidr: '203.0.113.0/24', pattern: '{ip-dashed}.static.example.net' });
    call('subnet.add', { cidr: '2001:db8:1::/48' });
    call('subnet.add', { cidr: '2001:db8:1::/64', ip_pool: true });
    call('allocate.ip', { family: 6, address: '2001:db8:1::1' });
    call('rdns.set', { address: '2001:db8:1::1', name: 'v6.example.net' });
    call('subnet.add', { cidr: '192.0.2.0/24' });
    call('subnet.add', { cidr: '192.0.2.0/29', ip_pool: true });
    call('allocate.ip', { family: 4, address: '192.0.2.1' });
    call('rdns.set', { address: '192.0.2.1', name: 'gw.example.net' });
    const key = join(dir, 'cf.token');
    writeFileSync(key, `${TOKEN}\n`);
    chmodSync(key, 0o600);
    call('rdns.provider.add', { name: 'cf', type: 'cloudflare', url: `${base}/client/v4`, zone_ids: [`${V4}=zone-v4`, `${BROKEN}=zone-broken`], secret_file: key });

    const preview = await call('rdns.push', { dry_run: true });
    expect(summary(preview)).toEqual({ [BROKEN]: 'failed +0 ~0 -0 !0', [V4]: 'preview +5 ~0 -0 !0', [V6]: 'preview +1 ~0 -0 !0' });
    expect((await state()).log.filter((l) => l.method !== 'GET')).toEqual([]);

    const started = Date.now();
    const r = await call('rdns.push', {});
    expect(summary(r)).toEqual({ [BROKEN]: 'failed +0 ~0 -0 !0', [V4]: 'applied +5 ~0 -0 !0', [V6]: 'applied +1 ~0 -0 !0' });
    expect(r.zones.find((z) => z.zone === BROKEN)!.error).toBe(`Cloudflare could not list the records of ${BROKEN}: HTTP 500: 10001 Internal error in this zone`);
    expect(r.ok).toBe(false);
    expect(r.pending).toEqual([{ provider: 'cf', pending: 1 }]);
    expect(JSON.stringify(r)).not.toContain(TOKEN);

    const log = (await state()).log;
    const throttled = log.filter((l) => l.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    // Each 429 was followed by the same request again, which went through.
    for (const t of throttled) {
      const next = log[log.indexOf(t) + 1]!;
      expect([next.method, next.path]).toEqual([t.method, t.path]);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000 * throttled.length - 100);
    expect(log.some((l) => l.path === `/client/v4/zones?name=${encodeURIComponent(V6)}`)).toBe(true);
    expect(log.filter((l) => l.method === 'POST' && l.status === 200)).toHaveLength(6);

    expect(await contents('zone-v4')).toEqual({
      [`9.${V4}`]: 'by-hand.example.org',
      [`10.${V4}`]: 'other.example.org (made by the NOC)',
      ...Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`${n}.${V4}`, `203-0-113-${n}.static.example.net (managed by FluxPlan)`])),
    });
    expect(await contents('zone-v6')).toEqual({ [`1.${'0.'.repeat(19)}1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa`]: 'v6.example.net (managed by FluxPlan)' });
    expect(call('ip.list', {}).ips.filter((i) => i.rdns_updated_at !== null).map((i) => i.address)).toEqual([
      '203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5', '2001:db8:1::1',
    ]);
  });

  it('a second push reads every page and writes nothing', async () => {
    const before = (await state()).log.length;
    const journal = env.call('journal.list', {}).batches.length;
    const r = await env.call('rdns.push', {});
    expect(summary(r)).toEqual({ [BROKEN]: 'failed +0 ~0 -0 !0', [V4]: 'unchanged +0 ~0 -0 !0', [V6]: 'unchanged +0 ~0 -0 !0' });
    const log = (await state()).log.slice(before);
    expect(log.filter((l) => l.method !== 'GET')).toEqual([]);
    const pages = log.filter((l) => l.path.startsWith('/client/v4/zones/zone-v4/dns_records') && l.status === 200).map((l) => new URL(l.path, base).searchParams.get('page'));
    expect(pages).toEqual(['1', '2', '3']);
    expect(env.call('journal.list', {}).batches.length).toBe(journal);
  });

  it('updates and deletes its own records only', async () => {
    const { call } = env;
    call('rdns.set', { address: '203.0.113.1', name: 'web1.example.net' });
    call('rdns.set', { address: '203.0.113.2', name: '' });
    call('ip.release', { address: '203.0.113.3' });
    const before = (await state()).log.length;
    const r = await call('rdns.push', {});
    expect(summary(r)).toMatchObject({ [V4]: 'applied +0 ~1 -2 !0', [V6]: 'unchanged +0 ~0 -0 !0' });
    const writes = (await state()).log.slice(before).filter((l) => l.method !== 'GET' && l.status === 200).map((l) => l.method).sort();
    expect(writes).toEqual(['DELETE', 'DELETE', 'PATCH']);
    expect(await contents('zone-v4')).toEqual({
      [`9.${V4}`]: 'by-hand.example.org',
      [`10.${V4}`]: 'other.example.org (made by the NOC)',
      [`1.${V4}`]: 'web1.example.net (managed by FluxPlan)',
      [`4.${V4}`]: '203-0-113-4.static.example.net (managed by FluxPlan)',
      [`5.${V4}`]: '203-0-113-5.static.example.net (managed by FluxPlan)',
    });
    expect(call('rdns.pending', {}).providers[0]!.zones).toEqual([{ zone: BROKEN, create: 1, change: 0, delete: 0 }]);
  });

  it('reports a refused token per zone, without the token', async () => {
    const r = await env.call('rdns.push', { secrets: { cf: 'not-the-token' } });
    expect(r.zones.map((z) => z.status)).toEqual(['failed', 'failed', 'failed']);
    expect(r.zones[1]!.error).toContain('HTTP 403: 10000 Authentication error');
    expect(JSON.stringify(r)).not.toContain('not-the-token');
  });
});

/**
 * Pushes to a real PowerDNS Authoritative server (Debian's pdns-server with the gsqlite3 backend,
 * installed by scripts/ensure-pdns.mjs), started here on loopback with a temporary SQLite database
 * and a random API key, and stopped afterwards.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Plan } from '../electron/plan';
import { checkedCall, refusedAsync } from './support/plan';
import { type MethodArgs, type MethodName, type MethodResult } from '../shared/api/contract';

const SERVER = process.env.FLUXPLAN_PDNS_SERVER || '/usr/sbin/pdns_server';
const SCHEMA = ['/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql', '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql'].find((f) => existsSync(f));
const ROOT = join(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Pdns {
  url: string;
  dnsPort: number;
  key: string;
  process: ChildProcess;
  log: string[];
}

async function startPdns(dir: string): Promise<Pdns> {
  if (!existsSync(SERVER) || !SCHEMA) throw new Error(`PowerDNS is missing (${SERVER}); run: node scripts/ensure-pdns.mjs`);
  const db = new Database(join(dir, 'pdns.sqlite'));
  db.exec(readFileSync(SCHEMA, 'utf8'));
  db.close();
  const key = randomBytes(24).toString('hex');
  const [dnsPort, apiPort] = [await freePort(), await freePort()];
  const args = [
    '--no-config', '--daemon=no', '--guardian=no', '--disable-syslog', '--loglevel=4',
    '--launch=gsqlite3', `--gsqlite3-database=${join(dir, 'pdns.sqlite')}`,
    '--local-address=127.0.0.1', `--local-port=${dnsPort}`, `--socket-dir=${dir}`,
    // No security polling: the server must not talk to anything but loopback.
    '--security-poll-suffix=',
    '--api=yes', `--api-key=${key}`, '--webserver=yes', '--webserver-address=127.0.0.1', `--webserver-port=${apiPort}`, '--webserver-allow-from=127.0.0.0/8',
  ];
  const child = spawn(SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  const url = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/api/v1/servers/localhost`, { headers: { 'X-API-Key': key } });
      if (res.status === 200) return { url, dnsPort, key, process: child, log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`PowerDNS did not start:\n${log.join('')}`);
}

let dir: string;
let pdns: Pdns;
let plan: Plan;
let planFile: string;
let keyFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fluxplan-pdns-'));
  pdns = await startPdns(dir);
  planFile = join(dir, 'plan.sqlite');
  plan = Plan.open(planFile);
  keyFile = join(dir, 'pdns.key');
  writeFileSync(keyFile, `${pdns.key}\n`);
  chmodSync(keyFile, 0o600);
});

afterAll(async () => {
  plan?.close();
  if (pdns && pdns.process.exitCode === null) {
    const exited = new Promise((r) => pdns.process.once('exit', r));
    pdns.process.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (pdns.process.exitCode === null) pdns.process.kill('SIGKILL');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = <M extends MethodName>(method: M, args?: MethodArgs<M>) => checkedCall(plan, method, args);

// ---- the PowerDNS API, read directly
const zoneId = (zone: string) => `${zone}.`.replace(/\//g, '=2F');
async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${pdns.url}/api/v1/servers/localhost${path}`, {
    method,
    headers: { 'X-API-Key': pdns.key, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}
interface Rrset {
  name: string;
  type: string;
  records: Array<{ content: string }>;
  comments: Array<{ account: string; content: string }>;
}
/** name -> "TYPE content[,content]" for PTR and CNAME rrsets of a zone (null when the zone does not exist). */
async function records(zone: string): Promise<Record<string, string> | null> {
  const r = await api('GET', `/zones/${zoneId(zone)}`);
  if (r.status === 404) return null;
  const out: Record<string, string> = {};
  for (const s of (r.json as { rrsets: Rrset[] }).rrsets) {
    if (s.type === 'PTR' || s.type === 'CNAME') out[s.name] = `${s.type} ${s.records.map((x) => x.content).join(',')}`;
  }
  return out;
}
async function rrset(zone: string, name: string): Promise<Rrset | undefined> {
  const r = await api('GET', `/zones/${zoneId(zone)}`);
  return (r.json as { rrsets: Rrset[] }).rrsets.find((s) => s.name === name);
}

const V4 = '113.0.203.in-addr.arpa';
const CLASSLESS = '64/26.100.51.198.in-addr.arpa';
const V6 = '1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
const v6ptr = (last: string) => `${last.split('').reverse().join('.')}.${'0.'.repeat(32 - 12 - last.length)}${V6}.`;
const summary = (r: MethodResult<'rdns.push'>) =>
  Object.fromEntries(r.zones.map((z) => [z.zone, `${z.status} +${z.created.length} ~${z.changed.length} -${z.deleted.length} !${z.failed.length}`]));

describe('push to a real PowerDNS', () => {
  it('starts the plan: IPv4 /24, an RFC 2317 /26, IPv6, names, a provider; the /24 zone exists with hand-made records', async () => {
    call('location.add', { code: 'EU-FRA' });
    call('subnet.add', { cidr: '203.0.113.0/24', location: 'EU-FRA' });
    call('subnet.add', { cidr: '203.0.113.0/28', ip_pool: true });
    for (const a of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) call('allocate.ip', { family: 4, address: a });
    call('subnet.add', { cidr: '198.51.100.64/26', ip_pool: true });
    call('allocate.ip', { family: 4, address: '198.51.100.65' });
    call('allocate.ip', { family: 4, address: '198.51.100.100' });
    call('subnet.add', { cidr: '2001:db8:1::/48', location: 'EU-FRA' });
    call('subnet.add', { cidr: '2001:db8:1::/64', ip_pool: true });
    call('allocate.ip', { family: 6, address: '2001:db8:1::10' });
    call('allocate.ip', { family: 6, address: '2001:DB8:1::11' });

    call('rdns.pattern', { cidr: '203.0.113.0/24', pattern: 'host-{last-octet}.{location}.example.net' });
    call('rdns.set', { address: '203.0.113.3', name: '' });
    call('rdns.set', { address: '198.51.100.65', name: 'a.example.net' });
    call('rdns.set', { address: '198.51.100.100', name: 'b.example.net' });
    call('rdns.set', { address: '2001:db8:1::10', name: 'v6-10.example.net' });
    call('rdns.set', { address: '2001:db8:1::11', name: 'v6-11.example.net' });
    call('rdns.settings.set', { ns: ['ns1.example.net', 'ns2.example.net'], soa_rname: 'hostmaster@example.net' });
    call('rdns.provider.add', { name: 'pdns', type: 'powerdns', url: pdns.url, secret_file: keyFile, create_zones: true });

    // The /24 zone exists already, with records FluxPlan does not own: one for an address without a name in the plan, one for an address outside it.
    expect((await api('POST', '/zones', { name: `${V4}.`, kind: 'Native', nameservers: ['ns1.example.net.'] })).status).toBe(201);
    const hand = (name: string, content: string) => ({ name, type: 'PTR', ttl: 300, changetype: 'REPLACE', records: [{ content, disabled: false }] });
    expect((await api('PATCH', `/zones/${V4}.`, { rrsets: [hand(`3.${V4}.`, 'by-hand.example.org.'), hand(`200.${V4}.`, 'other.example.org.')] })).status).toBe(204);

    expect(call('rdns.pending', {}).providers[0]).toMatchObject({ provider: 'pdns', pending: 6, create: 6 });
  });

  it('previews the diff without writing anything', async () => {
    const batches = call('journal.list', {}).batches.length;
    const r = await call('rdns.push', { dry_run: true });
    expect(r.dry_run).toBe(true);
    expect(summary(r)).toEqual({ [CLASSLESS]: 'preview +2 ~0 -0 !0', [V4]: 'preview +2 ~0 -0 !0', [V6]: 'preview +2 ~0 -0 !0' });
    expect(r.zones.find((z) => z.zone === CLASSLESS)!.zone_created).toBe(true);
    expect(r.zones.find((z) => z.zone === V4)!.created).toEqual([
      { name: `1.${V4}`, type: 'PTR', content: 'host-1.eu-fra.example.net' },
      { name: `2.${V4}`, type: 'PTR', content: 'host-2.eu-fra.example.net' },
    ]);
    expect(await records(CLASSLESS)).toBeNull();
    expect(Object.keys((await records(V4))!).sort()).toEqual([`200.${V4}.`, `3.${V4}.`]);
    expect(call('journal.list', {}).batches.length).toBe(batches);
    expect(r.pending).toEqual([{ provider: 'pdns', pending: 6 }]);
  });

  it('pushes: creates the missing zones (the classless one by its =2F id) and the PTRs, marked as FluxPlan\'s', async () => {
    const r = await call('rdns.push', {});
    expect(r.ok).toBe(true);
    expect(summary(r)).toEqual({ [CLASSLESS]: 'applied +2 ~0 -0 !0', [V4]: 'applied +2 ~0 -0 !0', [V6]: 'applied +2 ~0 -0 !0' });
    expect(r.zones.filter((z) => z.zone_created).map((z) => z.zone)).toEqual([CLASSLESS, V6]);
    expect(r.pending).toEqual([{ provider: 'pdns', pending: 0 }]);

    expect(await records(V4)).toEqual({
      [`1.${V4}.`]: 'PTR host-1.eu-fra.example.net.',
      [`2.${V4}.`]: 'PTR host-2.eu-fra.example.net.',
      [`3.${V4}.`]: 'PTR by-hand.example.org.',
      [`200.${V4}.`]: 'PTR other.example.org.',
    });
    expect(await records(CLASSLESS)).toEqual({ [`65.${CLASSLESS}.`]: 'PTR a.example.net.', [`100.${CLASSLESS}.`]: 'PTR b.example.net.' });
    expect(await records(V6)).toEqual({ [v6ptr('10')]: 'PTR v6-10.example.net.', [v6ptr('11')]: 'PTR v6-11.example.net.' });
    expect((await rrset(V4, `1.${V4}.`))!.comments).toMatchObject([{ account: 'fluxplan', content: 'managed by FluxPlan' }]);
    expect((await rrset(V4, `3.${V4}.`))!.comments).toEqual([]);
    const soa = (await api('GET', `/zones/${zoneId(V6)}`)).json.rrsets.find((s: Rrset) => s.type === 'SOA').records[0].content;
    expect(soa).toMatch(/^ns1\.example\.net\. hostmaster\.example\.net\. /);

    const ips = Object.fromEntries(call('ip.list', {}).ips.map((i) => [i.address, i.rdns_updated_at]));
    expect(ips['203.0.113.1']).not.toBeNull();
    expect(ips['2001:db8:1::11']).not.toBeNull();
    expect(ips['203.0.113.3']).toBeNull();
    expect(call('journal.list', {}).batches[0]!.label).toBe('push rDNS to pdns');
    expect(call('check.run', {}).violations).toEqual([]);
  });

  it('a second push right after changes nothing, here or there', async () => {
    const before = { v4: await records(V4), journal: call('journal.list', {}).batches.length, ips: call('ip.list', {}) };
    const r = await call('rdns.push', {});
    expect(summary(r)).toEqual({ [CLASSLESS]: 'unchanged +0 ~0 -0 !0', [V4]: 'unchanged +0 ~0 -0 !0', [V6]: 'unchanged +0 ~0 -0 !0' });
    expect(r.ok).toBe(true);
    expect(await records(V4)).toEqual(before.v4);
    expect(call('journal.list', {}).batches.length).toBe(before.journal);
    expect(call('ip.list', {})).toEqual(before.ips);
  });

  it('changes and deletes what the plan changed, pending offline until pushed; hand-made records survive', async () => {
    call('rdns.set', { address: '203.0.113.1', name: 'web1.example.net' });
    call('rdns.set', { address: '203.0.113.2', name: '' });
    call('ip.release', { address: '2001:db8:1::11' });
    call('rdns.set', { address: '198.51.100.100', name: 'b2.example.net' });
    expect(call('rdns.pending', {}).providers[0]).toMatchObject({ pending: 4, create: 0, change: 2, delete: 2 });

    const r = await call('rdns.push', {});
    expect(summary(r)).toEqual({ [CLASSLESS]: 'applied +0 ~1 -0 !0', [V4]: 'applied +0 ~1 -1 !0', [V6]: 'applied +0 ~0 -1 !0' });
    expect(r.zones.find((z) => z.zone === V4)!.changed).toEqual([{ name: `1.${V4}`, type: 'PTR', from: 'host-1.eu-fra.example.net', to: 'web1.example.net' }]);
    expect(r.zones.find((z) => z.zone === V4)!.deleted).toEqual([{ name: `2.${V4}`, type: 'PTR', content: 'host-2.eu-fra.example.net' }]);
    expect(await records(V4)).toEqual({ [`1.${V4}.`]: 'PTR web1.example.net.', [`3.${V4}.`]: 'PTR by-hand.example.org.', [`200.${V4}.`]: 'PTR other.example.org.' });
    expect(await records(V6)).toEqual({ [v6ptr('10')]: 'PTR v6-10.example.net.' });
    expect(await records(CLASSLESS)).toMatchObject({ [`100.${CLASSLESS}.`]: 'PTR b2.example.net.' });
    const cleared = call('ip.list', {}).ips.find((i) => i.address === '203.0.113.2')!;
    expect(cleared.rdns).toBeNull();
    expect(cleared.rdns_updated_at).not.toBeNull();
    expect(call('rdns.pending', {}).providers[0]!.pending).toBe(0);
    expect(summary(await call('rdns.push', {}))[V4]).toBe('unchanged +0 ~0 -0 !0');
  });

  it('leaves a record it does not own alone even when the plan names that address, and says so', async () => {
    call('rdns.set', { address: '203.0.113.3', name: 'mine.example.net' });
    const r = await call('rdns.push', {});
    const z = r.zones.find((x) => x.zone === V4)!;
    expect(z.status).toBe('failed');
    expect(z.failed).toEqual([{ name: `3.${V4}`, type: 'PTR', error: `3.${V4} already has a PTR record FluxPlan does not own (by-hand.example.org); it was left alone` }]);
    expect(r.ok).toBe(false);
    expect((await records(V4))![`3.${V4}.`]).toBe('PTR by-hand.example.org.');
    expect(call('rdns.pending', {}).providers[0]!.pending).toBe(1);
    call('rdns.set', { address: '203.0.113.3', name: '' });
  });

  it('one zone failing does not stop the others; the CLI bundle prints each zone\'s outcome as JSON and exits 1', async () => {
    call('rdns.provider.set', { name: 'pdns', create_zones: false });
    call('subnet.add', { cidr: '192.0.2.0/24' });
    call('subnet.add', { cidr: '192.0.2.0/25', ip_pool: true });
    call('allocate.ip', { family: 4, address: '192.0.2.5' });
    call('rdns.set', { address: '192.0.2.5', name: 'five.example.net' });
    call('rdns.set', { address: '203.0.113.1', name: 'web2.example.net' });

    const run = spawnSync('node', [join(ROOT, 'bin', 'fluxplan'), '--db', planFile, 'rdns', 'push', '--provider', 'pdns', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout);
    const byZone = Object.fromEntries(out.zones.map((z: { zone: string }) => [z.zone, z]));
    expect(byZone['2.0.192.in-addr.arpa']).toMatchObject({
      status: 'failed',
      error: 'PowerDNS has no zone 2.0.192.in-addr.arpa; create it in PowerDNS, or let FluxPlan create missing zones: rdns provider set pdns --create-zones',
    });
    expect(byZone[V4]).toMatchObject({ status: 'applied', changed: [{ name: `1.${V4}`, type: 'PTR', from: 'web1.example.net', to: 'web2.example.net' }] });
    expect(out.pending).toEqual([{ provider: 'pdns', pending: 1 }]);
    expect(run.stdout).not.toContain(pdns.key);
    expect((await records(V4))![`1.${V4}.`]).toBe('PTR web2.example.net.');
    expect(call('rdns.pending', {}).providers[0]!.zones).toEqual([{ zone: '2.0.192.in-addr.arpa', create: 1, change: 0, delete: 0 }]);
  });

  it('fills a declared parent /24 with the CNAMEs its RFC 2317 child needs, so the PTR resolves over DNS', async () => {
    call('rdns.provider.set', { name: 'pdns', create_zones: true });
    call('rdns.zone.add', { zone: '198.51.100.0/24' });
    const r = await call('rdns.push', {});
    expect(summary(r)).toMatchObject({ '100.51.198.in-addr.arpa': 'applied +64 ~0 -0 !0', '2.0.192.in-addr.arpa': 'applied +1 ~0 -0 !0' });
    expect(r.ok).toBe(true);
    const parent = (await records('100.51.198.in-addr.arpa'))!;
    expect(Object.keys(parent)).toHaveLength(64);
    expect(parent['65.100.51.198.in-addr.arpa.']).toBe(`CNAME 65.${CLASSLESS}.`);
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${pdns.dnsPort}`]);
    expect(await resolver.resolvePtr('65.100.51.198.in-addr.arpa')).toEqual(['a.example.net']);
    expect(await resolver.resolvePtr('1.113.0.203.in-addr.arpa')).toEqual(['web2.example.net']);
    expect(summary(await call('rdns.push', {}))['100.51.198.in-addr.arpa']).toBe('unchanged +0 ~0 -0 !0');
  });

  it('refuses to push with a secret file others can read, before any request', async () => {
    chmodSync(keyFile, 0o644);
    try {
      const e = await refusedAsync(plan, 'rdns.push', {});
      expect(e.message).toBe(`secret file ${keyFile} is readable by others (mode 0644); only its owner may read it: chmod 600 ${keyFile}`);
    } finally {
      chmodSync(keyFile, 0o600);
    }
  });

  it('reports a wrong API key per zone without showing the key', async () => {
    const r = await call('rdns.push', { secrets: { pdns: 'wrong-key-0000' } });
    expect(r.ok).toBe(false);
    expect(r.zones.every((z) => z.status === 'failed' && /HTTP 401/.test(z.error ?? ''))).toBe(true);
    expect(JSON.stringify(r)).not.toContain('wrong-key-0000');
  });
});

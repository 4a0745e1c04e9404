/**
 * The engine keeps answering while an rDNS push waits on a slow provider.
 *
 * A push talks to PowerDNS over the network; a provider can take seconds per answer. While it does,
 * everything else the user does (the status bar's plan.info, the tree, the inspector) goes through the
 * same engine, and must answer as fast as when the engine is idle. This is a property of the design,
 * not a speed goal: an engine that waits on the network in its own thread answers nothing else until
 * the provider does, so a blocked call takes seconds, not milliseconds.
 *
 * The browser host runs as `npm run web` runs it: its entry bundled with the engine worker (and the
 * job worker) beside it, in a child process, over a plan file in a temporary folder; this test talks
 * to its API with plain fetch (no browser). PowerDNS is a stand-in (tests/support/slow-powerdns.ts) in
 * this test's process that holds every answer for 4 s. The push is started through the host and,
 * while the stand-in still holds one of its requests, plan.info is called one call after another: each
 * must come back ok in under 0.5 s. Then the push must finish ok with the zone applied, after at least
 * the stand-in's 4 s.
 */
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodArgs, MethodName, MethodResult, Reply } from '../shared/api/contract';
import { startSlowPowerDns, type SlowPowerDns } from './support/slow-powerdns';

const PROVIDER_DELAY_MS = 4_000;
const FAST_MS = 500;
const CALLS = 6;
const CALL_GAP_MS = 300;
const ZONE = '2.0.192.in-addr.arpa';

let dir: string;
let bundle: string;
let host: ChildProcess;
let hostLog = '';
let origin: string;
let token: string;
let pdns: SlowPowerDns;
let keyFile: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One call through the browser host's API, and how long the host took to answer it. */
async function timed<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<{ reply: Reply<M>; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-FluxPlan-Token': token },
    body: JSON.stringify(args),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${method}: HTTP ${res.status} from the browser host: ${text}`);
  return { reply: JSON.parse(text) as Reply<M>, ms };
}

/** The call's result, or an Error naming the method. */
async function call<M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
  const { reply } = await timed(method, args);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.result;
}

/** Bundles the browser host as scripts/build-web.mjs does, into this folder inside the checkout (.bench/ is ignored by git; migrations/ is found from there). */
async function bundleHost(root: string): Promise<void> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning' as const,
  };
  await build({ ...common, entryPoints: ['electron/web/entry.ts'], outfile: join(root, 'web', 'fluxplan-web.mjs') });
  await build({ ...common, entryPoints: ['electron/main/engine-worker.ts'], outfile: join(root, 'web', 'engine-worker.mjs') });
  await build({ ...common, entryPoints: ['electron/jobs/worker.ts'], outfile: join(root, 'web', 'job-worker.mjs') });
  // The host refuses to start without a built renderer; this test opens no page, so one file stands in for it.
  mkdirSync(join(root, 'renderer'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>FluxPlan</title>');
}

/** Starts the host in a child process and reads its origin and token from the URL it prints. */
async function startHost(planFile: string): Promise<void> {
  host = spawn(process.execPath, [join(bundle, 'web', 'fluxplan-web.mjs'), '--port', '0', '--db', planFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  host.stderr!.on('data', (d) => (hostLog += String(d)));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the browser host printed no URL within 20 s:\n${hostLog}`)), 20_000);
    createInterface({ input: host.stdout! }).on('line', (line) => {
      hostLog += `${line}\n`;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(new URL(m[1]!));
      }
    });
    host.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the browser host exited (${code}):\n${hostLog}`));
    });
  });
  origin = url.origin;
  token = url.searchParams.get('token')!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fluxplan-freeze-'));
  bundle = join(process.cwd(), '.bench', `engine-freeze-${process.pid}`);
  await bundleHost(bundle);
  const key = randomBytes(24).toString('hex');
  keyFile = join(dir, 'pdns.key');
  writeFileSync(keyFile, `${key}\n`);
  chmodSync(keyFile, 0o600);
  pdns = await startSlowPowerDns({ key, delayMs: PROVIDER_DELAY_MS, zones: [ZONE] });
  await startHost(join(dir, 'plan.sqlite'));
});

afterAll(async () => {
  if (host && host.exitCode === null && host.signalCode === null) {
    const exited = new Promise((r) => host.once('exit', r));
    host.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
    if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
  }
  await pdns?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (bundle) rmSync(bundle, { recursive: true, force: true });
});

interface Sample {
  ms: number;
  ok: boolean;
  /** Requests the stand-in still held when the answer came back. */
  held: number;
}

/** "3 ms, 8045 ms (after the stand-in answered)": the times of a run of calls, for the failure message. */
const show = (s: Sample[], whilePushing: boolean) =>
  s.map((x) => `${Math.round(x.ms)} ms${x.ok ? '' : ' (not ok)'}${whilePushing && !x.held ? ' (after the stand-in answered)' : ''}`).join(', ');

describe('an rDNS push waiting on a slow PowerDNS', () => {
  it('leaves every other call to the engine answering as fast as when idle', async () => {
    await call('subnet.add', { cidr: '192.0.2.0/24' });
    await call('subnet.add', { cidr: '192.0.2.0/28', ip_pool: true });
    await call('allocate.ip', { family: 4, address: '192.0.2.10' });
    await call('rdns.set', { address: '192.0.2.10', name: 'web10.example.net' });
    await call('rdns.provider.add', { name: 'pdns', type: 'powerdns', url: pdns.url, secret_file: keyFile });
    await call('rdns.zone.add', { zone: '192.0.2.0/24', provider: 'pdns' });
    expect((await call('rdns.pending', {})).providers).toMatchObject([{ provider: 'pdns', pending: 1, create: 1 }]);

    const sample = async (): Promise<Sample> => {
      const { reply, ms } = await timed('plan.info', {});
      return { ms, ok: reply.ok, held: pdns.held() };
    };
    const idle: Sample[] = [];
    for (let i = 0; i < 3; i++) idle.push(await sample());

    const pushStarted = performance.now();
    const pushing = timed('rdns.push', {}).then((r) => ({ ...r, ms: performance.now() - pushStarted }));
    // The push is waiting on the stand-in once it holds the push's first request.
    for (const deadline = Date.now() + 5_000; pdns.held() === 0 && Date.now() < deadline; ) await sleep(20);
    expect(pdns.held(), 'the push never reached the PowerDNS stand-in').toBeGreaterThan(0);

    const busy: Sample[] = [];
    for (let i = 0; i < CALLS; i++) {
      if (i) await sleep(CALL_GAP_MS);
      busy.push(await sample());
    }
    const push = await pushing;

    const report = `plan.info idle: ${show(idle, false)}; while the push waited on the stand-in: ${show(busy, true)}; the push took ${Math.round(push.ms)} ms`;
    expect(idle.every((s) => s.ok && s.ms < FAST_MS), report).toBe(true);
    expect(
      busy.filter((s) => !(s.ok && s.ms < FAST_MS && s.held > 0)),
      `every plan.info must come back ok in under ${FAST_MS} ms while the stand-in holds the push; ${report}`,
    ).toEqual([]);

    // The push itself went through, after the stand-in's answers (a GET of the zone, then one PATCH).
    expect(push.reply, report).toMatchObject({ ok: true, result: { ok: true, dry_run: false } });
    if (!push.reply.ok) return;
    expect(push.reply.result.zones).toEqual([
      {
        provider: 'pdns',
        zone: ZONE,
        status: 'applied',
        zone_created: false,
        created: [{ name: `10.${ZONE}`, type: 'PTR', content: 'web10.example.net' }],
        changed: [],
        deleted: [],
        failed: [],
        error: null,
      },
    ]);
    expect(push.reply.result.pending).toEqual([{ provider: 'pdns', pending: 0 }]);
    expect(push.ms, report).toBeGreaterThanOrEqual(PROVIDER_DELAY_MS);
    expect(pdns.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `GET /api/v1/servers/localhost/zones/${ZONE}. 200`,
      `PATCH /api/v1/servers/localhost/zones/${ZONE}. 204`,
    ]);
    expect(pdns.rrsets(ZONE)!.find((r) => r.type === 'PTR')).toMatchObject({
      name: `10.${ZONE}.`,
      records: [{ content: 'web10.example.net.' }],
      comments: [{ account: 'fluxplan' }],
    });
  }, 60_000);
});

/**
 * `npm run bench:sync`: sync with the tenant emulator on 127.0.0.1, the way the CLI and the desktop
 * call it (`sync.run`: pull, rebase, preview, push, bookkeeping), the tenant a real process of its own.
 *
 *  1. push 10,000 changes: a synced plan, then enough /29 allocations (each its own action) for about
 *     10,000 row changes, pushed by one sync; goal under 3 s;
 *  2. a sync with nothing to do, in-process (median of 30), and the whole `fluxplan sync` command for
 *     reference (process start-up included); goal under 200 ms;
 *  3. clone a plan of 1,000,000 prefixes (bench/fixture.ts writes the tenant's plan) into an empty plan
 *     through the streamed snapshot; goal under 30 s; then check.run on the clone;
 *  4. bytes on the wire for 1, 10, 100 and 1,000 changes on that 1,000,000-prefix plan and on a plan of
 *     a few rows: proportional to the changes, not to the plan.
 * It rewrites docs/benchmarks-sync.md when run with the default sizes.
 *
 * Knobs: BENCH_SYNC_PREFIXES (default 1000000), BENCH_SYNC_CHANGES (10000), BENCH_DIR, BENCH_KEEP=1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { invoke } from '../electron/api/handlers';
import { Plan } from '../electron/plan';
import { HttpTenant } from '../electron/sync/adapter';
import { getRemote } from '../electron/sync/store';
import { runSync } from '../electron/sync/sync';
import { buildFixture } from './fixture';
import { count, describeMachine, load, machine, markdownTable, ms, nowMs, percentile, textTable } from './report';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const envInt = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const DEFAULTS = { prefixes: 1_000_000, changes: 10_000 };
const CONFIG = { prefixes: envInt('BENCH_SYNC_PREFIXES', DEFAULTS.prefixes), changes: envInt('BENCH_SYNC_CHANGES', DEFAULTS.changes) };
const IS_DEFAULT = CONFIG.prefixes === DEFAULTS.prefixes && CONFIG.changes === DEFAULTS.changes;
const TOKEN = 'bench-token-0123456789abcdef';
const DIR = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'fluxplan-bench-sync-'));
const TENANT_BUNDLE = join(ROOT, 'dist', 'tenant-bench.mjs');

interface Row {
  what: string;
  n: string;
  time: string;
  goal: string;
  detail: string;
}
const rows: Row[] = [];
const notes: string[] = [];

function kib(b: number): string {
  return b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;
}

async function startTenant(db: string): Promise<{ url: string; proc: ChildProcess; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, [TENANT_BUNDLE, '--port', '0', '--db', db, '--token', TOKEN, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /Listening on (\S+)/.exec(buf);
      if (m) res(m[1]!);
    });
    proc.once('exit', (c) => rej(new Error(`tenant exited ${c}`)));
  });
  return { url, proc, stop: () => new Promise((r) => { proc.once('exit', () => r()); proc.kill('SIGTERM'); }) };
}

function tokenFile(): string {
  const f = join(DIR, 'token');
  writeFileSync(f, `${TOKEN}\n`);
  chmodSync(f, 0o600);
  return f;
}

function planner(name: string, url: string): Plan {
  const plan = Plan.open(join(DIR, `${name}.sqlite`));
  invoke(plan, 'sync.remote.add', { name: 'fb', url, secret_file: tokenFile(), timeout_ms: 600_000 });
  return plan;
}

/** One sync through an adapter whose byte counters we can read. */
async function syncCounted(plan: Plan) {
  const remote = getRemote(plan);
  const adapter = new HttpTenant({ url: remote.url, token: TOKEN, timeoutMs: 600_000 });
  const t0 = nowMs();
  try {
    const r = await runSync(plan, { adapter });
    return { r, ms: nowMs() - t0, out: adapter.bytesOut, in: adapter.bytesIn };
  } finally {
    await adapter.close();
  }
}

async function benchPush(): Promise<void> {
  const tenant = await startTenant(join(DIR, 'push-tenant.sqlite'));
  try {
    const a = planner('push', tenant.url);
    invoke(a, 'customer.add', { id: 'cust-1' });
    invoke(a, 'subnet.add', { cidr: '10.0.0.0/12' });
    await runSync(a);
    // Allocations, each its own action, until about CONFIG.changes rows differ from the tenant.
    const base = (a.q('SELECT COUNT(*) AS n FROM subnets').get() as { n: number }).n;
    let actions = 0;
    // Each allocation inserts about two rows (its leaf and a free buddy or a parent); the root changes once.
    while ((a.q('SELECT COUNT(*) AS n FROM subnets').get() as { n: number }).n - base + 1 < CONFIG.changes) {
      for (let i = 0; i < 50; i++) invoke(a, 'allocate.subnet', { family: 4, prefix: 29, customer: 'cust-1' });
      actions += 50;
    }
    const dry = await invoke(a, 'sync.run', { dry_run: true });
    const { r, ms: took, out } = await syncCounted(a);
    if (r.pushed !== dry.pushed) throw new Error(`pushed ${r.pushed}, previewed ${dry.pushed}`);
    rows.push({
      what: `push: ${count(actions)} actions (/29 allocations) as one changeset`,
      n: count(r.pushed),
      time: ms(took),
      goal: `< 3 s: ${took < 3000 ? 'met' : 'MISSED'}`,
      detail: `${kib(out)} sent (${(out / r.pushed).toFixed(0)} bytes/change); pull, three-way merge, preview, POST, the tenant's 409 check, apply through the writers and invariant check, bookkeeping`,
    });
    a.close();
  } finally {
    await tenant.stop();
  }
}

async function benchNoop(): Promise<void> {
  const tenant = await startTenant(join(DIR, 'noop-tenant.sqlite'));
  try {
    const a = planner('noop', tenant.url);
    invoke(a, 'subnet.add', { cidr: '192.0.2.0/24' });
    invoke(a, 'allocate.subnet', { family: 4, prefix: 26 });
    await runSync(a);
    const samples: number[] = [];
    for (let i = 0; i < 33; i++) {
      const t0 = nowMs();
      const r = await invoke(a, 'sync.run', {});
      const t = nowMs() - t0;
      if (r.pulled || r.pushed) throw new Error('the no-op sync did something');
      if (i >= 3) samples.push(t);
    }
    const p50 = percentile(samples, 50);
    rows.push({ what: 'sync with nothing to do, in-process (sync.run)', n: String(samples.length), time: `${ms(p50)} p50, ${ms(percentile(samples, 99))} max`, goal: `< 200 ms: ${p50 < 200 ? 'met' : 'MISSED'}`, detail: 'one GET /changes on a new connection, and the bookkeeping' });
    a.close();
    const cli = join(ROOT, 'bin', 'fluxplan');
    const cmd: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = nowMs();
      const p = spawnSync(cli, ['sync', '--db', join(DIR, 'noop.sqlite'), '--json'], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`fluxplan sync failed: ${p.stdout}${p.stderr}`);
      if (i >= 2) cmd.push(nowMs() - t0);
    }
    rows.push({ what: '  for reference: the whole `fluxplan sync --json` command', n: String(cmd.length), time: `${ms(percentile(cmd, 50))} p50`, goal: '', detail: 'process start-up, opening the plan (quick_check) and the sync' });
  } finally {
    await tenant.stop();
  }
}

async function benchCloneAndBytes(): Promise<void> {
  const tenantDb = join(DIR, 'clone-tenant.sqlite');
  // Allocated /29 leaves make up about half the rows of the canonical tree.
  const info = buildFixture(tenantDb, {
    rootNet: 0x0a000000, rootLen: 8, allocated: Math.round(CONFIG.prefixes / 2), exactHoles: 100, mergeHoles: 100, customers: 1000, history: false,
  });
  notes.push(`The tenant's plan: ${count(info.rows)} subnet rows in 10.0.0.0/8 (${count(info.allocatedLeaves)} allocated /29, ${count(info.freeLeaves)} free leaves), ${kib(info.bytes)} on disk, built by bench/fixture.ts in ${ms(info.buildMs)}.`);
  const tenant = await startTenant(tenantDb);
  try {
    const c = planner('clone', tenant.url);
    const { r, ms: took, in: got } = await syncCounted(c);
    if (r.mode !== 'clone') throw new Error(`expected a clone, got ${r.mode}`);
    const subnets = (c.q('SELECT COUNT(*) AS n FROM subnets').get() as { n: number }).n;
    if (subnets !== info.rows) throw new Error(`cloned ${subnets} subnets, the tenant has ${info.rows}`);
    rows.push({
      what: `clone a plan of ${count(info.rows)} prefixes (streamed snapshot)`,
      n: count(r.pulled),
      time: ms(took),
      goal: `< 30 s: ${took < 30_000 ? 'met' : 'MISSED'}`,
      detail: `${kib(got)} received (${(got / r.pulled).toFixed(0)} bytes/row); rows written and journaled in one transaction; ${count(r.pulled / (took / 1000))} rows/s; plan file ${kib(statSync(join(DIR, 'clone.sqlite')).size)}`,
    });
    const t0 = nowMs();
    const v = invoke(c, 'check.run', {});
    notes.push(`check.run on the clone: ${v.violations.length} violation(s) in ${ms(nowMs() - t0)}${v.violations.length ? ` (${v.violations.slice(0, 3).map((x) => x.message).join('; ')})` : ''}.`);
    // Bytes on the wire per change, on this big plan and on a small one.
    const small = planner('small', (await startSmall()).url);
    const leaves = (c.q("SELECT cidr FROM subnets WHERE allocation_status = 'allocated' ORDER BY net LIMIT 1000").all() as Array<{ cidr: string }>).map((x) => x.cidr);
    invoke(small, 'subnet.add', { cidr: '10.0.0.0/8' });
    invoke(small, 'customer.add', { id: 'cust-1' });
    for (const leaf of leaves) invoke(small, 'allocate.subnet', { cidr: leaf, customer: 'cust-1' });
    await runSync(small);
    const table: string[][] = [];
    let n = 0;
    for (const k of [1, 10, 100, 1000]) {
      const line: string[] = [count(k)];
      for (const plan of [c, small]) {
        for (let i = 0; i < k; i++) invoke(plan, 'subnet.set', { cidr: leaves[i]!, description: `edit ${n}` });
        const m = await syncCounted(plan);
        line.push(`${m.r.pushed}`, `${count(m.out)} B`, `${(m.out / m.r.pushed).toFixed(0)} B`, ms(m.ms));
      }
      n++;
      table.push(line);
    }
    bytesTable = markdownTable(
      ['changes', `${count(info.rows)}-prefix plan: pushed`, 'bytes sent', 'per change', 'sync time', 'small plan: pushed', 'bytes sent', 'per change', 'sync time'],
      table,
    );
    c.close();
    small.close();
  } finally {
    await tenant.stop();
    for (const s of smalls) await s.stop();
  }
}

let bytesTable = '';
const smalls: Array<{ stop: () => Promise<void> }> = [];
async function startSmall() {
  const t = await startTenant(join(DIR, 'small-tenant.sqlite'));
  smalls.push(t);
  return t;
}

async function main(): Promise<void> {
  const sqlite = (new Plan({ file: ':memory:', sqlite: new (await import('better-sqlite3')).default(':memory:'), orm: null as never, close: () => {} }).sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  const m = machine(sqlite);
  const startLoad = load();
  const t0 = Date.now();
  await build({ entryPoints: [join(ROOT, 'electron/sync/tenant/main.ts')], outfile: TENANT_BUNDLE, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
  console.log(`Machine: ${describeMachine(m)}; ${startLoad.text}`);
  await benchNoop();
  await benchPush();
  await benchCloneAndBytes();
  const endLoad = load();
  const head = ['measurement', 'n', 'time', 'goal', 'detail'];
  const body = rows.map((r) => [r.what, r.n, r.time, r.goal, r.detail]);
  console.log(`\n${textTable(head, body)}\n`);
  console.log(bytesTable);
  for (const n of notes) console.log(n);
  if (IS_DEFAULT) {
    const date = new Date().toISOString().slice(0, 10);
    const doc = `# Sync benchmarks (\`npm run bench:sync\`)

bench/sync.ts runs sync the way the CLI and the desktop do (\`sync.run\`: pull, three-way merge, preview, push, bookkeeping)
against the tenant emulator running as a process of its own on 127.0.0.1 (plain http on loopback; TLS costs are not included).
Each figure is wall time measured around the call in the planner's process, so it includes the tenant's work too.

Latest run: ${date}, ${((Date.now() - t0) / 1000).toFixed(0)} s in all. Machine: ${describeMachine(m)}; ${startLoad.text} at the start, ${endLoad.avg.toFixed(2)} at the end.

${markdownTable(head, body)}

Bytes on the wire (request bodies sent by the planner) for K edited subnets, on the ${count(CONFIG.prefixes)}-prefix clone and on a plan of a
thousand allocated /29 leaves holding the same rows: the same K gives the same bytes, whatever the size of the plan.

${bytesTable}

${notes.map((n) => `- ${n}`).join('\n')}
`;
    writeFileSync(join(ROOT, 'docs', 'benchmarks-sync.md'), doc);
    console.log('docs/benchmarks-sync.md rewritten');
  }
  if (process.env.BENCH_KEEP !== '1') rmSync(DIR, { recursive: true, force: true });
  rmSync(TENANT_BUNDLE, { force: true });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

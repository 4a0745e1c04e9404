/**
 * `npm run bench`: the allocator against a /8 holding 1,000,000 allocated leaves.
 *
 *  1. proves the fixture builder on a small plan: the rows it writes equal, column for column, the
 *     rows the engine makes carving the same layout through its API, and check.run finds nothing
 *     but the (expected) missing journal records, before and after allocating on top of it;
 *  2. builds the 1M-leaf plan file and opens it as the engine does;
 *  3. next free /29 through invoke('allocate.subnet') in the exact, merge and split cases, each
 *     request's latency including its commit, with the NetBox way of answering the same requests
 *     (bench/netbox-baseline.ts, in a worker thread) timed side by side on the same file;
 *  4. the sustained allocation rate, one transaction per allocation, and through `fluxplan batch`;
 *  5. CLI start-up for a small command (with bare Node and a CLI call on the 1M plan for reference);
 * then prints the table, the query plans of every statement the engine prepared, and rewrites
 * docs/benchmarks-allocator.md. It aborts (exit 1) when the fixture is not what the engine would hold, when a
 * request takes another strategy than its case, or when the baseline's answer differs from FluxPlan's.
 *
 * Knobs (environment): BENCH_LEAVES, BENCH_REQUESTS, BENCH_WARMUP, BENCH_SUSTAINED, BENCH_NETBOX_SAMPLES,
 * BENCH_CLI_RUNS, BENCH_HISTORY=0 (no journal/log history in the fixture), BENCH_KEEP=1 (keep the files),
 * BENCH_DIR (where the plan files go; default the OS temp folder). docs/benchmarks-allocator.md is only
 * rewritten by a run with the default sizes.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { invoke } from '../electron/api/handlers';
import { Plan } from '../electron/plan';
import { buildFixture, buildThroughEngine, treeImage, type FixtureInfo, type FixtureSpec } from './fixture';
import { NetboxBaseline, type NetboxAnswer } from './netbox-baseline';
import { bytes, count, describeMachine, gc, load, machine, markdownTable, ms, nowMs, percentile, textTable, type Machine } from './report';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number`);
  return n;
}

const DEFAULTS = { leaves: 1_000_000, requests: 2000, warmup: 200, sustained: 20_000, netboxSamples: 10, cliRuns: 20 };
const CONFIG = {
  leaves: envInt('BENCH_LEAVES', DEFAULTS.leaves),
  requests: envInt('BENCH_REQUESTS', DEFAULTS.requests),
  warmup: envInt('BENCH_WARMUP', DEFAULTS.warmup),
  sustained: envInt('BENCH_SUSTAINED', DEFAULTS.sustained),
  netboxSamples: envInt('BENCH_NETBOX_SAMPLES', DEFAULTS.netboxSamples),
  cliRuns: envInt('BENCH_CLI_RUNS', DEFAULTS.cliRuns),
  history: process.env.BENCH_HISTORY !== '0',
  keep: process.env.BENCH_KEEP === '1',
};
const IS_DEFAULT = (Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>).every((k) => CONFIG[k] === DEFAULTS[k]) && CONFIG.history;

/** A case gives up measuring (and says so) after this long, so that a regression cannot hang the run. */
const CASE_DEADLINE_MS = 60_000;
const CUSTOMERS = 1000;
/** Idle time after each NetBox-way sample before FluxPlan answers the same request. */
const SETTLE_MS = 250;
const ROOT_CIDR = '10.0.0.0/8';

class BenchFailure extends Error {}

/** A pause before timing, so that background work of the previous step (GC, write-back) is over. */
async function settle(ms = 1000): Promise<void> {
  gc();
  await new Promise((r) => setTimeout(r, ms));
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchFailure(message);
}

function log(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function parseV4(cidr: string): { net: number; len: number } {
  const [a, l] = cidr.split('/');
  const p = a!.split('.').map(Number);
  return { net: ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0, len: Number(l) };
}

function inside(inner: string, outer: string): boolean {
  const i = parseV4(inner);
  const o = parseV4(outer);
  return i.len >= o.len && i.net >= o.net && i.net + 2 ** (32 - i.len) <= o.net + 2 ** (32 - o.len);
}

function violationCodes(plan: Plan): Map<string, number> {
  const result = invoke(plan, 'check.run', {});
  const codes = new Map<string, number>();
  for (const v of result.violations) codes.set(v.code, (codes.get(v.code) ?? 0) + 1);
  return codes;
}

function onlyJournal(codes: Map<string, number>, what: string): void {
  const other = [...codes.keys()].filter((c) => c !== 'JOURNAL');
  assert(other.length === 0, `${what}: check.run reports ${other.join(', ')} violations; the fixture builder is wrong`);
}

// ---------------------------------------------------------------- requests

type Strategy = 'exact' | 'merge' | 'split' | 'chosen';

interface Allocator {
  plan: Plan;
  parked: string[];
  customers: number;
  seq: number;
}

function allocate(a: Allocator) {
  const r = invoke(a.plan, 'allocate.subnet', { family: 4, prefix: 29, customer: `cust-${(a.seq++ % a.customers) + 1}` });
  for (const p of a.parked) assert(!inside(r.cidr, p), `${r.cidr} was allocated inside parked ${p}`);
  return r;
}

function expectStrategy(r: { cidr: string; strategy: Strategy }, want: Strategy, when: string): void {
  assert(r.strategy === want, `${when}: expected strategy ${want}, got ${r.strategy} (${r.cidr}); the fixture does not set up this case`);
}

interface CaseResult {
  name: string;
  strategy: Strategy;
  latencies: number[];
  halvings: number[];
  netbox: number[];
  netboxAgree: number;
  netboxChildren: number;
  netboxCidrs: number;
  stoppedEarly: boolean;
  /** CPU time this process got over wall time while measuring: well below 1 means it waited (I/O, or other processes had the CPU). */
  onCpu: number;
}

function cpuShare(since: NodeJS.CpuUsage, wallMs: number): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000 / wallMs;
}

/**
 * The NetBox-way baseline runs in a worker thread: its own V8 heap, so that the garbage of reading a
 * million child prefixes (and collecting it) never lands in a FluxPlan request's latency. The worker
 * times its own answer; the main thread waits for it between two FluxPlan requests.
 */
class NetboxWorker {
  private readonly worker: Worker;
  private waiting: ((a: NetboxAnswer & { ms: number }) => void) | null = null;
  private constructor(file: string) {
    this.worker = new Worker(fileURLToPath(import.meta.url), { workerData: { netbox: file } });
    this.worker.on('message', (m: NetboxAnswer & { ms: number }) => {
      const w = this.waiting;
      this.waiting = null;
      w?.(m);
    });
    this.worker.on('error', (e) => {
      throw e;
    });
  }
  /** Starts the worker and waits until it has loaded and opened the file. */
  static async start(file: string): Promise<NetboxWorker> {
    const w = new NetboxWorker(file);
    await new Promise<unknown>((ready) => {
      w.waiting = ready;
      w.worker.postMessage({ ping: true });
    });
    return w;
  }

  firstAvailable(parent: string, len: number): Promise<NetboxAnswer & { ms: number }> {
    return new Promise((resolveAnswer) => {
      this.waiting = resolveAnswer;
      this.worker.postMessage({ parent, len });
    });
  }
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function netboxWorkerMain(file: string): void {
  const nb = new NetboxBaseline(file);
  parentPort!.on('message', (m: { parent: string; len: number; ping?: boolean }) => {
    if (m.ping) {
      parentPort!.postMessage({ ready: true });
      return;
    }
    const t = nowMs();
    const answer = nb.firstAvailable(m.parent, m.len);
    const elapsed = nowMs() - t;
    gc(); // collect the baseline's garbage here, before the main thread goes on
    parentPort!.postMessage({ ...answer, ms: elapsed });
  });
}

/**
 * Measures `requests` allocations that must all take `strategy`; then, for the comparison, asks the
 * NetBox-way baseline `netboxSamples` times and lets FluxPlan answer the very same request on the
 * very same state right after each (those paired requests are not part of the latency figures, so
 * the baseline's scan cannot disturb them). For split, the free /29 buddy each split leaves behind
 * is allocated untimed right after, so that the next request splits again.
 */
async function runCase(a: Allocator, nb: NetboxWorker | null, name: string, strategy: Strategy): Promise<CaseResult> {
  const buddy = strategy === 'split';
  const step = (when: string) => {
    const r = allocate(a);
    expectStrategy(r, strategy, when);
    if (buddy) expectStrategy(allocate(a), 'exact', `${when} (the split's free buddy)`);
    return r;
  };
  for (let i = 0; i < CONFIG.warmup; i++) step(`${name} warm-up #${i + 1}`);
  await settle();
  const res: CaseResult = { name, strategy, latencies: [], halvings: [], netbox: [], netboxAgree: 0, netboxChildren: 0, netboxCidrs: 0, stoppedEarly: false, onCpu: 0 };
  const started = nowMs();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < CONFIG.requests; i++) {
    const t0 = nowMs();
    const r = allocate(a);
    res.latencies.push(nowMs() - t0);
    expectStrategy(r, strategy, `${name} request #${i + 1}`);
    res.halvings.push(r.splits.length);
    if (buddy) expectStrategy(allocate(a), 'exact', `${name} request #${i + 1} (the split's free buddy)`);
    if (nowMs() - started > CASE_DEADLINE_MS) {
      res.stoppedEarly = true;
      break;
    }
  }
  res.onCpu = cpuShare(cpu0, nowMs() - started);
  if (!nb) return res;
  for (let k = 0; k < CONFIG.netboxSamples; k++) {
    // Same state for both: nothing is written between the baseline's answer and FluxPlan's.
    const ans = await nb.firstAvailable(ROOT_CIDR, 29);
    res.netbox.push(ans.ms);
    res.netboxChildren = ans.children;
    res.netboxCidrs = ans.availableCidrs;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const r = step(`${name} paired request #${k + 1}`);
    if (ans.cidr === r.cidr) res.netboxAgree++;
  }
  return res;
}

interface SustainedResult {
  n: number;
  seconds: number;
  latencies: number[];
  mix: Map<string, number>;
}

async function runSustained(a: Allocator): Promise<SustainedResult> {
  await settle();
  const latencies: number[] = [];
  const mix = new Map<string, number>();
  const t0 = nowMs();
  for (let i = 0; i < CONFIG.sustained; i++) {
    const s = nowMs();
    const r = allocate(a);
    latencies.push(nowMs() - s);
    mix.set(r.strategy, (mix.get(r.strategy) ?? 0) + 1);
    if (nowMs() - t0 > CASE_DEADLINE_MS) break;
  }
  return { n: latencies.length, seconds: (nowMs() - t0) / 1000, latencies, mix };
}

// ---------------------------------------------------------------- the builder's proof

interface Validation {
  rows: number;
  journalViolations: number;
  allocationsAfter: number;
}

function validateBuilder(dir: string): Validation {
  const spec: FixtureSpec = { rootNet: 0x0a000000, rootLen: 16, allocated: 3000, exactHoles: 40, mergeHoles: 40, customers: 50, history: true };
  const direct = join(dir, 'small-direct.sqlite');
  const carved = join(dir, 'small-engine.sqlite');
  const info = buildFixture(direct, spec);
  buildThroughEngine(carved, spec);

  // 1. Same rows as the engine's own carving, derived columns included (ids mapped to CIDRs).
  const a = treeImage(direct);
  const b = treeImage(carved);
  const diffs: string[] = [];
  for (const [cidr, row] of a) if (b.get(cidr) !== row) diffs.push(`${cidr}: builder ${row} / engine ${b.get(cidr) ?? 'missing'}`);
  for (const cidr of b.keys()) if (!a.has(cidr)) diffs.push(`${cidr}: missing from the builder's plan`);
  assert(diffs.length === 0, `the fixture builder differs from the engine on ${diffs.length} rows, e.g. ${diffs.slice(0, 3).join('; ')}`);

  // 2. check.run: the engine-carved plan is clean; the built one lacks only journal records.
  const engine = Plan.open(carved);
  try {
    const codes = violationCodes(engine);
    assert(codes.size === 0, `check.run fails on the engine-carved reference plan: ${[...codes.keys()].join(', ')}`);
  } finally {
    engine.close();
  }
  const plan = Plan.open(direct);
  let journalViolations = 0;
  let allocationsAfter = 0;
  try {
    const before = violationCodes(plan);
    onlyJournal(before, 'small fixture');
    journalViolations = before.get('JOURNAL') ?? 0;
    // 3. The engine keeps it valid while allocating on top of it, in every case.
    const alloc: Allocator = { plan, parked: info.parked, customers: spec.customers, seq: 0 };
    for (let i = 0; i < spec.exactHoles; i++) expectStrategy(allocate(alloc), 'exact', `small fixture exact #${i + 1}`);
    for (let i = 0; i < spec.mergeHoles; i++) expectStrategy(allocate(alloc), 'merge', `small fixture merge #${i + 1}`);
    for (let i = 0; i < 20; i++) {
      expectStrategy(allocate(alloc), 'split', `small fixture split #${i + 1}`);
      expectStrategy(allocate(alloc), 'exact', `small fixture split buddy #${i + 1}`);
    }
    allocationsAfter = alloc.seq;
    onlyJournal(violationCodes(plan), 'small fixture after allocating');
  } finally {
    plan.close();
  }
  return { rows: info.rows, journalViolations, allocationsAfter };
}

// ---------------------------------------------------------------- CLI

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** dist/cli.mjs, (re)built with `npm run build` when it is missing or older than the sources. */
function ensureCli(): string {
  const bundle = join(ROOT, 'dist', 'cli.mjs');
  const sources = Math.max(newestMtime(join(ROOT, 'electron')), newestMtime(join(ROOT, 'shared')));
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
    log(`building the CLI (${existsSync(bundle) ? 'dist/cli.mjs is older than the sources' : 'dist/cli.mjs is missing'}): npm run build`);
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    assert(r.status === 0, 'npm run build failed');
  }
  return bundle;
}

function timeCommand(cmd: string, args: string[], runs: number, check: (stdout: string, status: number | null) => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = nowMs();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FLUXPLAN_DB: '' } });
    const elapsed = nowMs() - t;
    check(r.stdout, r.status);
    if (i >= 2) times.push(elapsed); // two warm-up runs fill the OS file cache
  }
  return times;
}

interface BatchResult {
  n: number;
  wallSeconds: number;
  /** From the first result line to the last: the rate once the process is up and the plan open. */
  steadySeconds: number;
  steadyLines: number;
}

/**
 * `fluxplan batch` fed `n` allocation lines at once: lines that arrive together share a commit
 * (the CLI's group commit). Every line must come back as an allocation.
 */
function timeBatch(fluxplan: string, db: string, n: number): Promise<BatchResult> {
  const input = Array.from({ length: n }, (_, i) => JSON.stringify(['allocate', 'subnet', '--family', '4', '--prefix', '29', '--customer', `cust-${(i % CUSTOMERS) + 1}`])).join('\n') + '\n';
  return new Promise((done, fail) => {
    const t0 = nowMs();
    let first = 0;
    let linesAtFirst = 0;
    let last = 0;
    let lines = 0;
    let errors = 0;
    let tail = '';
    const child = spawn(fluxplan, ['batch', '--db', db, '--json'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const now = nowMs();
      const text = tail + chunk;
      const parts = text.split('\n');
      tail = parts.pop()!;
      for (const line of parts) {
        if (!line.includes('"cidr"') || line.startsWith('{"error"')) errors++;
      }
      if (!first) {
        first = now;
        linesAtFirst = parts.length;
      }
      lines += parts.length;
      last = now;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const wall = (nowMs() - t0) / 1000;
      if (code !== 0 || errors || lines !== n) {
        fail(new BenchFailure(`fluxplan batch: exit ${code}, ${lines} of ${n} lines back, ${errors} not allocations`));
        return;
      }
      done({ n, wallSeconds: wall, steadySeconds: (last - first) / 1000, steadyLines: lines - linesAtFirst });
    });
    child.stdin.end(input);
  });
}

// ---------------------------------------------------------------- query plans

interface PlanLine {
  sql: string;
  detail: string[];
}

/** EXPLAIN QUERY PLAN for every statement the engine prepared while the benchmark ran. */
function queryPlans(plan: Plan): PlanLine[] {
  // Plan keeps its prepared statements in a private map; read it if it is still there.
  const statements = (plan as unknown as { statements?: unknown }).statements;
  const out: PlanLine[] = [];
  if (!(statements instanceof Map)) return out;
  for (const key of statements.keys()) {
    const sql = key.replace(/^raw:/, ''); // Plan.raw caches array-mode statements under this prefix
    if (!/^\s*(SELECT|UPDATE|DELETE|INSERT)/i.test(sql)) continue;
    const explain = plan.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    // Parameters are bound as NULL: the plan depends on the SQL, not on the values.
    for (let n = 0; n <= 64; n++) {
      try {
        const detail = (explain.all(...new Array<null>(n).fill(null)) as Array<{ detail: string }>).map((r) => r.detail);
        out.push({ sql: sql.replace(/\s+/g, ' ').trim(), detail });
        break;
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
    }
  }
  return out;
}

/** A full scan of a table (not of an index) or a sort: what a handful of index probes must not contain. */
function suspicious(p: PlanLine): string[] {
  return p.detail.filter((d) => /^SCAN (?!.*USING (COVERING )?INDEX)/.test(d) || /TEMP B-TREE/.test(d));
}

// ---------------------------------------------------------------- main

interface Row {
  what: string;
  n: string;
  p50: string;
  p99: string;
  goal: string;
  netbox: string;
  ratio: string;
}

function caseRow(c: CaseResult, extra: string): Row {
  const p50 = percentile(c.latencies, 50);
  const p99 = percentile(c.latencies, 99);
  const nb = percentile(c.netbox, 50);
  return {
    what: `next free /29, ${c.name}${extra}`,
    n: count(c.latencies.length) + (c.stoppedEarly ? ' (time cap)' : ''),
    p50: ms(p50),
    p99: ms(p99),
    goal: `p99 < 1 ms: ${p99 < 1 ? 'met' : 'MISSED'}`,
    netbox: c.netbox.length ? `${ms(nb)} (n=${c.netbox.length})` : 'n/a',
    ratio: c.netbox.length ? `${count(nb / p50)}x slower` : 'n/a',
  };
}

async function main(): Promise<void> {
  const startedAt = nowMs();
  const dir = mkdtempSync(join(process.env.BENCH_DIR || tmpdir(), 'fluxplan-bench-'));
  let exitCode = 0;
  try {
    exitCode = await run(dir, startedAt);
  } catch (e) {
    if (e instanceof BenchFailure) {
      log(`\nBENCHMARK ABORTED: ${e.message}`);
      exitCode = 1;
    } else throw e;
  } finally {
    if (CONFIG.keep) log(`plan files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = exitCode;
}

async function run(dir: string, startedAt: number): Promise<number> {
  const probe = new Database(':memory:');
  const sqliteVersion = (probe.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  probe.close();
  const m: Machine = machine(sqliteVersion);
  log(`FluxPlan allocator benchmark`);
  log(`machine: ${describeMachine(m)}`);
  const loadStart = load();
  log(`load:    ${loadStart.text}`);
  log(`config:  ${JSON.stringify(CONFIG)}${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: GC between phases is not forced)'}`);
  log(`files:   ${dir}`);
  const fluxplan = join(ROOT, 'bin', 'fluxplan');
  ensureCli();

  // 1. The builder's proof.
  log('\n[1/5] proving the fixture builder on a small plan ...');
  const v = validateBuilder(dir);
  log(
    `      ${count(v.rows)} rows identical to the engine's own carving of the same layout; check.run: only JOURNAL violations ` +
      `(${count(v.journalViolations)}${v.journalViolations >= 1000 ? ', capped' : ''}: the rows were not made through the journal), ` +
      `also after ${v.allocationsAfter} allocations (exact, merge, split) on top`,
  );

  // 2. The 1M plan.
  log(`\n[2/5] building the ${count(CONFIG.leaves)}-leaf plan ...`);
  const spec: FixtureSpec = {
    rootNet: 0x0a000000,
    rootLen: 8,
    allocated: CONFIG.leaves,
    exactHoles: CONFIG.warmup + CONFIG.requests + CONFIG.netboxSamples,
    mergeHoles: CONFIG.warmup + CONFIG.requests + CONFIG.netboxSamples,
    customers: CUSTOMERS,
    history: CONFIG.history,
  };
  const big = join(dir, 'plan-1m.sqlite');
  const fx: FixtureInfo = buildFixture(big, spec);
  // Measure against a plan at rest: the bulk load's dirty pages written back, not flushed by the first checkpoint.
  for (const f of [big, `${big}-wal`]) {
    if (!existsSync(f)) continue;
    const fd = openSync(f, 'r+');
    fsyncSync(fd);
    closeSync(fd);
  }
  log(
    `      ${count(fx.rows)} subnet rows (${count(fx.allocatedLeaves)} allocated, ${count(fx.freeLeaves)} free leaves, ${count(fx.subdivided)} subdivided)` +
      `${fx.historyRows ? ` + ${count(fx.historyRows)} journal-batch and log rows of history` : ''}, ${bytes(fx.bytes)}, built in ${ms(fx.buildMs)}`,
  );
  gc();
  const tOpen = nowMs();
  const plan = Plan.open(big);
  const openMs = nowMs() - tOpen;
  log(`      Plan.open (migration check + PRAGMA quick_check): ${ms(openMs)}`);

  // 3. The three cases, NetBox beside them.
  const nb = await NetboxWorker.start(big);
  await settle();
  const a: Allocator = { plan, parked: fx.parked, customers: CUSTOMERS, seq: 0 };
  const cases: CaseResult[] = [];
  let sustained: SustainedResult;
  let plans: PlanLine[];
  try {
    log('\n[3/5] next free /29: exact, merge, split ...');
    for (const [name, strategy] of [['exact', 'exact'], ['merge', 'merge'], ['split', 'split']] as Array<[string, Strategy]>) {
      const c = await runCase(a, nb, name, strategy);
      cases.push(c);
      log(
        `      ${name}: p50 ${ms(percentile(c.latencies, 50))}, p99 ${ms(percentile(c.latencies, 99))}, max ${ms(Math.max(...c.latencies))}` +
          ` | NetBox way p50 ${ms(percentile(c.netbox, 50))} (${count(c.netboxChildren)} child prefixes read, ${count(c.netboxCidrs)} free CIDRs),` +
          ` same answer ${c.netboxAgree}/${c.netbox.length}; on CPU ${Math.round(c.onCpu * 100)}% of the time`,
      );
    }
    assert(cases.every((c) => c.netboxAgree === c.netbox.length), 'the NetBox-way baseline answered differently from FluxPlan on this layout; the baseline is wrong');

    // 4. Sustained rate.
    log(`\n[4/5] sustained allocation rate over ${count(CONFIG.sustained)} allocations ...`);
    sustained = await runSustained(a);
    log(`      one transaction per allocation: ${count(sustained.n / sustained.seconds)} allocations/s (${count(sustained.n)} in ${sustained.seconds.toFixed(2)} s; ${[...sustained.mix].map(([k, n]) => `${k} ${count(n)}`).join(', ')})`);

    const allocated = (plan.sqlite.prepare("SELECT COUNT(*) AS n FROM subnets WHERE allocation_status = 'allocated'").get() as { n: number }).n;
    assert(allocated === CONFIG.leaves + a.seq, `the plan holds ${allocated} allocated subnets, expected ${CONFIG.leaves + a.seq}`);
    plans = queryPlans(plan);
  } finally {
    await nb.close();
    plan.close();
  }
  const explainer = new NetboxBaseline(big);
  const nbPlan = explainer.explain();
  explainer.close();
  const batch = await timeBatch(fluxplan, big, CONFIG.sustained);
  const batchRate = batch.steadyLines / batch.steadySeconds;
  log(
    `      through fluxplan batch (lines arriving together share a commit): ${count(batchRate)} allocations/s once running ` +
      `(${count(batch.n)} lines in ${batch.wallSeconds.toFixed(2)} s wall clock with process start and plan open: ${count(batch.n / batch.wallSeconds)}/s)`,
  );

  // 5. CLI start-up.
  log(`\n[5/5] CLI start-up (${CONFIG.cliRuns} runs after 2 warm-ups) ...`);
  const small = join(dir, 'cli-small.sqlite');
  const sp = Plan.open(small);
  try {
    invoke(sp, 'location.add', { code: 'EU-FRA', name: 'Frankfurt' });
    invoke(sp, 'vlan.add', { vid: 102, location: 'EU-FRA' });
    invoke(sp, 'customer.add', { id: 'cust-7421' });
    invoke(sp, 'customer.add', { id: 'cust-7422' });
    invoke(sp, 'subnet.add', { cidr: '203.0.113.0/24', location: 'EU-FRA' });
    invoke(sp, 'allocate.subnet', { family: 4, prefix: 26, customer: 'cust-7421', vlan: 102 });
    invoke(sp, 'allocate.subnet', { family: 4, prefix: 27, customer: 'cust-7422', vlan: 102 });
    invoke(sp, 'subnet.add', { cidr: '203.0.113.96/29' });
    invoke(sp, 'subnet.park', { cidr: '203.0.113.96/29' });
  } finally {
    sp.close();
  }
  const cli = timeCommand(fluxplan, ['tree', '--db', small, '--json'], CONFIG.cliRuns, (out, status) => {
    assert(status === 0, `fluxplan tree exited ${status}`);
    const parsed = JSON.parse(out) as { subnets?: unknown[] };
    assert(Array.isArray(parsed.subnets) && parsed.subnets.length > 0, 'fluxplan tree printed no subnets');
  });
  const bareNode = timeCommand(process.execPath, ['-e', ''], CONFIG.cliRuns, (_out, status) => assert(status === 0, 'node -e "" failed'));
  const cliBig = timeCommand(fluxplan, ['allocate', 'subnet', '--family', '4', '--prefix', '29', '--db', big, '--json'], 3, (out, status) => {
    assert(status === 0, `fluxplan allocate on the 1M plan exited ${status}: ${out}`);
  });
  log(`      fluxplan tree --json (small plan): p50 ${ms(percentile(cli, 50))}; bare node -e '': p50 ${ms(percentile(bareNode, 50))}; fluxplan allocate subnet on the big plan: p50 ${ms(percentile(cliBig, 50))}`);

  // The table.
  const rate = sustained.n / sustained.seconds;
  const split = cases.find((c) => c.strategy === 'split')!;
  const meanHalvings = split.halvings.reduce((s, h) => s + h, 0) / split.halvings.length;
  const rows: Row[] = [
    {
      what: `fixture: ${count(fx.rows)} subnet rows, ${count(fx.allocatedLeaves)} allocated /29 in ${ROOT_CIDR}${fx.historyRows ? ', with history' : ''}; ${bytes(fx.bytes)}`,
      n: '1', p50: ms(fx.buildMs), p99: '', goal: 'build time', netbox: '', ratio: '',
    },
    { what: 'Plan.open of that file (incl. PRAGMA quick_check)', n: '1', p50: ms(openMs), p99: '', goal: '', netbox: '', ratio: '' },
    caseRow(cases[0]!, ''),
    caseRow(cases[1]!, ''),
    caseRow(cases[2]!, ` (${meanHalvings.toFixed(1)} halvings on average, up to ${Math.max(...split.halvings)})`),
    {
      what: `sustained rate, one transaction per allocation: ${count(rate)} /s (${[...sustained.mix].map(([k, n]) => `${k} ${count(n)}`).join(', ')})`,
      n: count(sustained.n) + (sustained.n < CONFIG.sustained ? ' (time cap)' : ''),
      p50: ms(percentile(sustained.latencies, 50)),
      p99: ms(percentile(sustained.latencies, 99)),
      goal: `>= 20,000 /s: ${rate >= 20_000 ? 'met' : 'MISSED'}`,
      netbox: '', ratio: '',
    },
    {
      what: `sustained rate through fluxplan batch (group commit): ${count(batchRate)} /s once running, ${count(batch.n / batch.wallSeconds)} /s with start-up`,
      n: count(batch.n), p50: '', p99: '',
      goal: `>= 20,000 /s: ${batchRate >= 20_000 ? 'met' : 'MISSED'}`,
      netbox: '', ratio: '',
    },
    { what: 'CLI start-up: fluxplan tree --json on a small plan', n: count(cli.length), p50: ms(percentile(cli, 50)), p99: '', goal: '', netbox: '', ratio: '' },
    { what: "  for reference: bare node -e ''", n: count(bareNode.length), p50: ms(percentile(bareNode, 50)), p99: '', goal: '', netbox: '', ratio: '' },
    { what: `  for reference: fluxplan allocate subnet on the ${count(CONFIG.leaves)}-leaf plan`, n: count(cliBig.length), p50: ms(percentile(cliBig, 50)), p99: '', goal: '', netbox: '', ratio: '' },
  ];
  const head = ['measurement', 'n', 'p50', 'p99', 'goal', 'NetBox way p50', 'ratio'];
  const cells = rows.map((r) => [r.what, r.n, r.p50, r.p99, r.goal, r.netbox, r.ratio]);
  log(`\n${textTable(head, cells)}`);

  const flagged = plans.filter((p) => suspicious(p).length);
  log(`\nquery plans: ${plans.length} statements the engine prepared during the run${plans.length ? '' : ' (Plan no longer exposes its statement cache: nothing checked)'}; ${flagged.length} with a table scan or a sort:`);
  for (const p of flagged) log(`  ${suspicious(p).join('; ')}  <=  ${p.sql.slice(0, 160)}`);
  log(`NetBox-way child read: ${nbPlan.join('; ')}`);

  const missed = rows.filter((r) => r.goal.includes('MISSED')).length;
  const total = (nowMs() - startedAt) / 1000;
  const loadEnd = load();
  log(`load at the end: ${loadEnd.text}`);
  const loadNote =
    `1-minute load average ${loadStart.avg.toFixed(2)} at the start and ${loadEnd.avg.toFixed(2)} at the end; while measuring the exact, merge and split cases ` +
    `the benchmark was on CPU ${cases.map((c) => `${Math.round(c.onCpu * 100)}%`).join(', ')} of the time` +
    `${loadStart.busy || loadEnd.busy || cases.some((c) => c.onCpu < 0.8) ? ' (other work competed for the cores: latency tails are inflated)' : ''}`;
  log(`\n${missed ? `${missed} goal(s) missed` : 'all goals met'}; total bench time ${total.toFixed(0)} s`);

  if (IS_DEFAULT) {
    writeDocs(m, head, cells, { fx, rate, total, flagged: flagged.map((p) => `\`${suspicious(p).join('; ')}\` in \`${p.sql.replace(/SELECT id, space_id, .*? FROM/, 'SELECT <columns> FROM').slice(0, 140)}\``), statements: plans.length, loadNote });
    log('docs/benchmarks-allocator.md updated');
  } else {
    log('docs/benchmarks-allocator.md left alone: this run does not use the default sizes');
  }
  return 0;
}

function writeDocs(m: Machine, head: string[], cells: string[][], info: { fx: FixtureInfo; rate: number; total: number; flagged: string[]; statements: number; loadNote: string }): void {
  const date = new Date().toISOString().slice(0, 10);
  const text = `# Benchmarks

\`npm run bench\` (bench/allocator.ts) measures the allocator the way the CLI, the desktop app and the browser host
call it: \`invoke(plan, 'allocate.subnet', {family: 4, prefix: 29, customer})\` on an open plan file, each request
timed from the call to its return, so validation, the IMMEDIATE transaction, the journal and the commit are included.
It is a benchmark, not a test: nothing here is timed in \`npm test\`.

Method:

- **Fixture.** A real plan file (WAL, the engine's migrations) holding ${ROOT_CIDR} with ${count(info.fx.allocatedLeaves)} allocated /29
  leaves, built by bench/fixture.ts, which writes the canonical tree rows and their derived columns (effective
  location and VLAN with their source rows, \`parked_by\`, \`clear\`) directly in one transaction, plus the history
  a plan of that size carries in the tables the allocation path touches (one journal batch and provisioning log
  per allocation, one split log per subdivided row). Each run first proves the builder on a /16: its rows equal,
  column for column, the rows the engine makes carving the same layout through its own API, and \`check.run\`
  reports nothing but the missing journal records (the rows were not written through the journal), also after
  allocating on top of it.
- **Cases.** The layout holds free /29 leaves (exact), fully free subdivided /29s (merge) and, above the allocated
  space, only larger free leaves (split); each case runs ${CONFIG.warmup} warm-up and ${count(CONFIG.requests)} measured requests
  and asserts the strategy of every answer (for split, the free buddy each split leaves is allocated untimed, so that
  every measured request splits). Percentiles are nearest-rank.
- **NetBox way.** bench/netbox-baseline.ts answers the same request as NetBox's \`get_available_prefixes\` and
  available-prefixes view do: read every prefix inside the parent (here: the rows that occupy space), compute
  parent minus children as a set, list its CIDRs and take the first that fits. It runs read-only on the same file
  in a worker thread (its own heap). After each case's measured requests it answers ${CONFIG.netboxSamples} more requests, each
  immediately followed by FluxPlan answering the same request on the same state; the two answers must be equal
  (those paired FluxPlan requests are not in the latency columns). The ratio is the baseline's p50 over FluxPlan's
  p50. The baseline is a lower bound for NetBox (JavaScript on numbers instead of Python, netaddr and an ORM, and
  the engine's own mmap and cache settings), and it writes nothing, while FluxPlan's figures include the commit.
- **Sustained rate.** ${count(CONFIG.sustained)} allocations in a row on the same plan, each its own transaction; then
  ${count(CONFIG.sustained)} more through \`./bin/fluxplan batch\` (fed at once, so lines that arrive together share a commit),
  timed from the first result line to the last, and from process start.
- **CLI start-up.** \`./bin/fluxplan tree --db SMALL_PLAN --json\` as a child process, ${CONFIG.cliRuns} runs after 2 warm-ups.

Latest run: ${date}, ${info.total.toFixed(0)} s in all. Machine: ${describeMachine(m)}; ${info.loadNote}.

${markdownTable(head, cells)}

Query plans: the ${info.statements} statements the engine prepared during the run were checked with EXPLAIN QUERY PLAN
(parameters bound as NULL);
${info.flagged.length === 0 ? 'none scans a table or sorts.' : `${info.flagged.length} scan${info.flagged.length === 1 ? 's' : ''} a table or sort${info.flagged.length === 1 ? 's' : ''} (a sort of a few rows is harmless):\n\n${info.flagged.map((f) => `- ${f}`).join('\n')}`}
`;
  writeFileSync(join(ROOT, 'docs', 'benchmarks-allocator.md'), text);
}

if (isMainThread) {
  void main();
} else {
  netboxWorkerMain((workerData as { netbox: string }).netbox);
}

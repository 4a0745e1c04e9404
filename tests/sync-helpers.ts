/**
 * Test support for sync: the tenant emulator as a real process on 127.0.0.1 (bundled once per test
 * file, exactly as `npm run tenant` runs it), planners with their own plan files driven through the
 * command line in-process, and plan comparisons with internal ids and times aside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach } from 'vitest';
import { invoke } from '../electron/api/handlers';
import { main, type Io } from '../electron/cli/main';
import { Plan } from '../electron/plan';
import { tempDir } from './support/plan';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'dist', `tenant-test-${process.pid}.mjs`);
let built: Promise<void> | null = null;

function bundle(): Promise<void> {
  built ??= build({
    entryPoints: [join(ROOT, 'electron/sync/tenant/main.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  }).then(() => undefined);
  return built;
}

const CLI_BUNDLE = join(ROOT, 'dist', `cli-test-${process.pid}.mjs`);
let cliBuilt: Promise<void> | null = null;

/** The command line bundled as scripts/build-cli.mjs does, for running it as a process of its own. */
function cliBundle(): Promise<void> {
  cliBuilt ??= build({
    entryPoints: [join(ROOT, 'electron/cli/entry.ts')],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  }).then(() => undefined);
  return cliBuilt;
}

afterAll(() => {
  rmSync(BUNDLE, { force: true });
  rmSync(CLI_BUNDLE, { force: true });
});

/** `fluxplan ARGS` as a separate process (two planners syncing at the very same time; a signal sent to it). */
export async function cliProcess(argv: string[], onSpawn?: (proc: ChildProcess) => void): Promise<{ code: number; stdout: string; stderr: string }> {
  await cliBundle();
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI_BUNDLE, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(proc);
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const running = new Set<Tenant>();
afterEach(async () => {
  for (const t of [...running]) await t.stop();
});

export interface TenantOptions {
  db?: string;
  token?: string;
  faults?: string[];
  tls?: { cert: string; key: string };
  port?: number;
}

export interface Tenant {
  url: string;
  db: string;
  token: string;
  proc: ChildProcess;
  log: string[];
  stop(): Promise<void>;
}

/** Starts `tenant --port 0 --db FILE --token TOKEN [faults]` and waits for its banner. */
export async function startTenant(o: TenantOptions = {}): Promise<Tenant> {
  await bundle();
  const db = o.db ?? join(tempDir(), 'tenant.sqlite');
  const token = o.token ?? 'tenant-token-0123456789';
  const args = [BUNDLE, '--port', String(o.port ?? 0), '--db', db, '--token', token, ...(o.faults ?? [])];
  if (o.tls) args.push('--tls-cert', o.tls.cert, '--tls-key', o.tls.key);
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        log.push(line);
        const m = /^Listening on (\S+)/.exec(line);
        if (m) resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    proc.once('exit', (code) => reject(new Error(`tenant exited with ${code}: ${log.join('\n')}`)));
    setTimeout(() => reject(new Error(`tenant did not start: ${log.join('\n')}`)), 20_000);
  });
  const tenant: Tenant = {
    url,
    db,
    token,
    proc,
    log,
    stop: async () => {
      running.delete(tenant);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    },
  };
  running.add(tenant);
  return tenant;
}

/**
 * The tenant's log so far. A sync blocks this thread while it waits for answers, so the tenant's
 * output is read only once the event loop runs again: give it a moment.
 */
export async function logOf(tenant: Tenant): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 150));
  return tenant.log;
}

/** A token file only its owner can read. */
export function tokenFile(token: string, dir = tempDir(), mode = 0o600): string {
  const file = join(dir, `token-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `${token}\n`);
  chmodSync(file, mode);
  return file;
}

export interface CliResult {
  code: number;
  out: string[];
  err: string[];
  json(): any;
}

/** The command line, in-process, with captured output. */
export async function cli(argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    lines: async function* () {},
  };
  const code = await main(argv, io, {});
  return { code, out, err, json: () => JSON.parse(out.join('\n')) };
}

/** A planner: a plan file of their own, and the CLI pointed at it. */
export class Planner {
  readonly db: string;

  constructor(readonly name: string, dir = tempDir()) {
    this.db = join(dir, `${name}.sqlite`);
  }

  async run(...argv: string[]): Promise<CliResult> {
    return cli([...argv, '--db', this.db]);
  }

  /** Runs a command that must succeed; returns its JSON. */
  async ok(...argv: string[]): Promise<any> {
    const r = await cli([...argv, '--db', this.db, '--json']);
    if (r.code !== 0) throw new Error(`${this.name}: ${argv.join(' ')} exited ${r.code}: ${r.out.join('\n')}${r.err.join('\n')}`);
    return r.json();
  }

  /** Runs a command in JSON mode, whatever its exit code. */
  async json(...argv: string[]): Promise<{ code: number; body: any }> {
    const r = await cli([...argv, '--db', this.db, '--json']);
    return { code: r.code, body: r.out.length ? r.json() : null };
  }

  async connect(tenant: Tenant, extra: string[] = []): Promise<void> {
    await this.ok('sync', 'remote', 'add', 'fb', '--url', tenant.url, '--secret-file', tokenFile(tenant.token), ...extra);
  }

  sync(...extra: string[]) {
    return this.json('sync', ...extra);
  }
}

const strip = ({ id: _i, created_at: _c, updated_at: _u, ...rest }: Record<string, unknown>) => rest;

/** What `tree --json` and `ip list --json` show of every space, internal ids and times aside. */
export function planImage(file: string): { spaces: string[]; trees: unknown[]; ips: unknown[]; catalog: unknown } {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const plan = Plan.open(file);
  try {
    const spaces = invoke(plan, 'space.list', {}).spaces.map((s) => s.name).sort();
    return {
      spaces,
      trees: spaces.map((space) => invoke(plan, 'tree.get', { space }).subnets.map((s) => strip(s as never))),
      ips: spaces.map((space) => invoke(plan, 'ip.list', { space }).ips.map((i) => strip(i as never))),
      catalog: {
        locations: invoke(plan, 'location.list', {}).locations.map((x) => strip(x as never)),
        vlans: invoke(plan, 'vlan.list', {}).vlans.map((x) => strip(x as never)),
        customers: invoke(plan, 'customer.list', {}).customers.map((x) => strip(x as never)),
        devices: invoke(plan, 'device.list', {}).devices.map((x) => strip(x as never)),
        products: invoke(plan, 'product.list', {}).products.map((x) => strip(x as never)),
        services: invoke(plan, 'service.list', {}).services.map((x) => strip(x as never)),
      },
    };
  } finally {
    plan.close();
  }
}

/** Every invariant of a plan file (check.run). */
export function violations(file: string): unknown[] {
  const plan = Plan.open(file);
  try {
    return invoke(plan, 'check.run', {}).violations;
  } finally {
    plan.close();
  }
}

/** The tenant's committed changesets, oldest first. */
export function tenantChangesets(file: string): Array<{ version: number; id: string; changes: number; labels: string[] }> {
  const plan = Plan.open(file);
  try {
    return (plan.q('SELECT version, id, changes, labels FROM tenant_changesets ORDER BY version').all() as Array<{ version: number; id: string; changes: number; labels: string }>).map(
      (r) => ({ ...r, labels: JSON.parse(r.labels) as string[] }),
    );
  } finally {
    plan.close();
  }
}

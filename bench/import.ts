/**
 * Spreadsheet import benchmark (`npm run bench:import`):
 *  - a 1,000,000-row CSV of subnets and IP addresses (IPv4 and IPv6) imported end to end through the
 *    job worker into an empty plan: wall time and the process's peak memory (goal: under 15 s and
 *    500 MB); beside it, from the same run, the floor: the same subnet and address rows inserted straight
 *    into SQLite in one transaction (no journal, no checks);
 *  - a 100,000-row XLSX of the same shape imported end to end (goal: under 8 s);
 *  - for scale, the row-by-row writer (the engine's insertSubnet/insertIp per row) on a 100,000-row CSV.
 * Figures and the machine go into docs/benchmarks-import.md.
 */
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetJob, startJob, waitClosed, waitJob } from '../electron/jobs/job';
import { Plan } from '../electron/plan';

const LOCATIONS = ['EU-FRA', 'EU-AMS', 'US-NYC', 'US-LAX'];
const HEADER = ['prefix', 'address', 'status', 'location', 'vlan', 'customer', 'description', 'dns_name'];

function v4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * Rows of a hosting plan: per location a /10 container, allocated /29s for customers with VLANs, /27 IP
 * pools with addresses in them; an IPv6 /32 with allocated /64s and addresses. `total` rows in all.
 */
function* planRows(total: number): Generator<string[]> {
  const scale = total / 1_000_000;
  const per29 = Math.round((350_000 * scale) / 4);
  const perPool = Math.round((50_000 * scale) / 4);
  const v6Nets = Math.round(25_000 * scale);
  let rows = 0;
  const emit = (r: string[]) => {
    rows++;
    return r;
  };
  yield emit(['2001:db8::/32', '', 'container', 'EU-FRA', '', '', 'IPv6 aggregate', '']);
  for (let l = 0; l < 4; l++) {
    const base = (10 << 24) + l * (1 << 22);
    yield emit([`${v4(base)}/10`, '', 'container', LOCATIONS[l]!, '', '', `${LOCATIONS[l]} aggregate`, '']);
    for (let i = 0; i < per29; i++) {
      const c = (i * 7 + l) % 20_000;
      yield emit([`${v4(base + i * 8)}/29`, '', 'active', '', `vlan-${100 + (i % 20)} (${100 + (i % 20)})`, `cust-${c}`, `service ${l}-${i}`, '']);
    }
    const poolBase = base + (1 << 21);
    for (let i = 0; i < perPool; i++) yield emit([`${v4(poolBase + i * 32)}/27`, '', 'container', '', '', '', '', '']);
  }
  for (let i = 0; i < v6Nets; i++) yield emit([`2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`, '', 'active', '', '', `cust-${i % 20_000}`, '', '']);
  // Addresses: as many as fit the total, spread over the pools and the IPv6 /64s.
  const left = total - rows;
  const v6Ips = Math.round(left * 0.04);
  const v4Ips = left - v6Ips;
  const perPoolIps = Math.ceil(v4Ips / (perPool * 4));
  let made = 0;
  for (let l = 0; l < 4 && made < v4Ips; l++) {
    const poolBase = (10 << 24) + l * (1 << 22) + (1 << 21);
    for (let i = 0; i < perPool && made < v4Ips; i++) {
      for (let k = 1; k <= perPoolIps && made < v4Ips; k++, made++) {
        yield emit(['', v4(poolBase + i * 32 + k), 'active', '', '', `cust-${(i + k) % 20_000}`, '', `h${l}-${i}-${k}.example.net`]);
      }
    }
  }
  for (let i = 0; i < v6Ips; i++) {
    const net = i % v6Nets;
    yield emit(['', `2001:db8:${(net >> 16).toString(16)}:${(net & 0xffff).toString(16)}::${(Math.floor(i / v6Nets) + 1).toString(16)}`, 'active', '', '', '', '', `v6-${i}.example.net`]);
  }
}

async function writeCsv(file: string, total: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  let buf = `${HEADER.join(',')}\n`;
  for (const r of planRows(total)) {
    buf += `${r.join(',')}\n`;
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}

async function writeXlsx(file: string, total: number): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  const sheet = book.addWorksheet('Plan');
  sheet.addRow(HEADER).commit();
  let n = 0;
  for (const r of planRows(total)) {
    sheet.addRow(r).commit();
    if (++n % 5000 === 0) await new Promise((r2) => setImmediate(r2));
  }
  sheet.commit();
  await book.commit();
}

interface Result {
  created: number;
  failed: number;
  seconds: number;
  rows_read: number;
  carved: number;
}

/** Imports through the worker: seconds until the result (committed), and until the worker has checkpointed the WAL and closed. */
function importFile(planFile: string, file: string, writer: 'bulk' | 'rows' = 'bulk'): { result: Result; wall: number; closed: number } {
  Plan.open(planFile).close();
  const t0 = performance.now();
  const job = startJob(planFile, 'import', { file, space: 'global', dry_run: false, valid_rows: false, create_subnets: false, tree_limit: 0, writer });
  const result = waitJob(job, undefined, true) as Result;
  const wall = (performance.now() - t0) / 1000;
  waitClosed(job);
  const closed = (performance.now() - t0) / 1000;
  forgetJob(job);
  if (result.failed) throw new Error(`the benchmark file has ${result.failed} failed rows`);
  return { result, wall, closed };
}

/** The same subnet and address rows, straight into a fresh plan in one transaction: what SQLite alone costs. */
function floor(from: string, to: string, withJournal = false): { seconds: number; subnets: number; ips: number; records: number } {
  Plan.open(to).close();
  const src = new Database(from, { readonly: true });
  const dst = new Database(to);
  dst.pragma('journal_mode = WAL');
  dst.pragma('synchronous = NORMAL');
  dst.pragma('foreign_keys = OFF');
  const copy = (table: string) => {
    const cols = (src.prepare(`SELECT * FROM ${table} LIMIT 1`).columns() as Array<{ name: string }>).map((c) => c.name);
    return { cols, insert: dst.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`) };
  };
  const s = copy('subnets');
  const i = copy('ip_addresses');
  const j = copy('journal_records');
  // Read everything first so that only the inserts are timed.
  const subnets = src.prepare('SELECT * FROM subnets ORDER BY id').raw(true).all() as unknown[][];
  const ips = src.prepare('SELECT * FROM ip_addresses ORDER BY id').raw(true).all() as unknown[][];
  const records = withJournal ? (src.prepare('SELECT * FROM journal_records ORDER BY id').raw(true).all() as unknown[][]) : [];
  src.close();
  const t0 = performance.now();
  dst.transaction(() => {
    if (withJournal) dst.prepare("INSERT INTO journal_batches (label, kind, created_at) VALUES ('bench', 'do', '')").run();
    for (const r of subnets) s.insert.run(...r);
    for (const r of ips) i.insert.run(...r);
    for (const r of records) j.insert.run(...r);
  })();
  dst.pragma('wal_checkpoint(TRUNCATE)');
  const seconds = (performance.now() - t0) / 1000;
  dst.close();
  return { seconds, subnets: subnets.length, ips: ips.length, records: records.length };
}

function counts(planFile: string): { subnets: number; ips: number; records: number; mb: number } {
  const db = new Database(planFile, { readonly: true });
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const out = { subnets: one('SELECT COUNT(*) AS n FROM subnets'), ips: one('SELECT COUNT(*) AS n FROM ip_addresses'), records: one('SELECT COUNT(*) AS n FROM journal_records'), mb: 0 };
  db.close();
  out.mb = Math.round((statSync(planFile).size + (statSync(`${planFile}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 1e6);
  return out;
}

const fmt = (n: number) => n.toLocaleString('en');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxplan-bench-import-'));
  try {
    console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, Node ${process.version}`);
    const only = process.argv[2];

    if (!only || only === 'csv') {
      const csv = join(dir, 'plan-1m.csv');
      await writeCsv(csv, 1_000_000);
      const before = process.resourceUsage().maxRSS;
      const { result, wall, closed } = importFile(join(dir, 'csv.sqlite'), csv);
      const peak = Math.round(process.resourceUsage().maxRSS / 1024);
      const c = counts(join(dir, 'csv.sqlite'));
      const f = floor(join(dir, 'csv.sqlite'), join(dir, 'floor.sqlite'));
      const fj = floor(join(dir, 'csv.sqlite'), join(dir, 'floor-journal.sqlite'), true);
      console.log(`1,000,000-row CSV (${Math.round(statSync(csv).size / 1e6)} MB): ${wall.toFixed(2)} s end to end, committed (goal < 15 s); ${closed.toFixed(2)} s until the worker had also checkpointed the WAL; peak memory ${peak} MB (goal < 500 MB; ${Math.round(before / 1024)} MB before)`);
      console.log(`  rows read ${fmt(result.rows_read)}, created ${fmt(result.created)}, carving added ${fmt(result.carved)}; plan: ${fmt(c.subnets)} subnets, ${fmt(c.ips)} IP records, ${fmt(c.records)} journal records, ${c.mb} MB`);
      console.log(`  floor: the same ${fmt(f.subnets)} subnet and ${fmt(f.ips)} address rows inserted straight into SQLite in one transaction (checkpoint included): ${f.seconds.toFixed(2)} s`);
      console.log(`  the same rows plus their ${fmt(fj.records)} journal records, straight into SQLite the same way: ${fj.seconds.toFixed(2)} s`);
    }

    if (!only || only === 'xlsx') {
      const xlsx = join(dir, 'plan-100k.xlsx');
      await writeXlsx(xlsx, 100_000);
      const { result, wall, closed } = importFile(join(dir, 'xlsx.sqlite'), xlsx);
      console.log(`100,000-row XLSX (${Math.round(statSync(xlsx).size / 1e6)} MB): ${wall.toFixed(2)} s end to end (goal < 8 s; ${closed.toFixed(2)} s with the checkpoint); created ${fmt(result.created)}`);
    }

    if (!only || only === 'rows') {
      const csv = join(dir, 'plan-100k.csv');
      await writeCsv(csv, 100_000);
      const bulk = importFile(join(dir, 'bulk100k.sqlite'), csv, 'bulk');
      const rows = importFile(join(dir, 'rows100k.sqlite'), csv, 'rows');
      console.log(`100,000-row CSV: bulk writer ${bulk.wall.toFixed(2)} s, row-by-row writer (insertSubnet/insertIp per row) ${rows.wall.toFixed(2)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

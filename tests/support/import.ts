/** Fixtures for the import tests: files written by the tests themselves, and a generated plan. */
import ExcelJS from 'exceljs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportResult } from '../../shared/import/schema';
import type { WriterKind } from '../../electron/import/apply';
import { runImport, type ImportArgs } from '../../electron/import/run';
import type { freshPlan } from './plan';

export type Env = ReturnType<typeof freshPlan>;

/** Writes a CSV from lines (joined with \n unless `eol` says otherwise). */
export function csvFile(dir: string, name: string, lines: string[], eol = '\n'): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join(eol) + eol);
  return file;
}

/** Writes an XLSX with one sheet per entry, cells as given (strings, numbers). */
export async function xlsxFile(dir: string, name: string, sheets: Record<string, Array<Array<string | number | null>>>): Promise<string> {
  const file = join(dir, name);
  const book = new ExcelJS.Workbook();
  for (const [sheet, rows] of Object.entries(sheets)) {
    const ws = book.addWorksheet(sheet);
    for (const r of rows) ws.addRow(r);
  }
  await book.xlsx.writeFile(file);
  return file;
}

/** Imports in this thread (the worker runs the same function). */
export function importInto(env: Env, file: string, args: Partial<ImportArgs> = {}, writer: WriterKind = 'bulk'): Promise<ImportResult> {
  return runImport(env.plan, { file, space: 'global', dry_run: false, valid_rows: false, create_subnets: false, ...args }, {}, writer);
}

/** What `tree --json` and `ip list --json` show, internal ids and times aside. */
export function visible(env: Env, space = 'global') {
  const strip = ({ id: _id, created_at: _c, updated_at: _u, ...rest }: Record<string, unknown>) => rest;
  return {
    tree: env.call('tree.get', { space }).subnets.map((s) => strip(s)),
    ips: env.call('ip.list', { space }).ips.map((i) => strip(i)),
  };
}

/** Every table's rows, for comparing two plans written two ways. */
export function tables(env: Env): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const names = env.plan.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name").all() as Array<{ name: string }>;
  for (const { name } of names) out[name] = env.plan.sqlite.prepare(`SELECT * FROM ${name} ORDER BY rowid`).all();
  return out;
}

/**
 * A plan of a few thousand rows built through the API: two locations with VLANs, allocations to
 * customers with VLANs and descriptions (some starting with formula characters), IP pools with
 * addresses (management, parked, PTR names), parked space, IPv6, and a second space.
 */
export function generatedPlan(env: Env, size = 600): void {
  const { call } = env;
  call('location.add', { code: 'EU-FRA', name: 'Frankfurt' });
  call('location.add', { code: 'US-NYC' });
  call('vlan.add', { vid: 102, location: 'EU-FRA', name: 'web' });
  call('vlan.add', { vid: 103, location: 'EU-FRA' });
  call('vlan.add', { vid: 102, location: 'US-NYC', name: '=cmd|calc' });
  const cust = (k: number) => (k % 7 === 0 ? `-cust-${k}` : `cust-${k}`);
  for (let i = 0; i < 40; i++) call('customer.add', { id: cust(i) });
  call('device.add', { name: 'srv-1', location: 'EU-FRA' });
  call('space.add', { name: 'dc-private' });
  call('subnet.add', { cidr: '10.0.0.0/12', location: 'EU-FRA', vlan: 102, description: '@root pool' });
  call('subnet.add', { cidr: '10.16.0.0/12', location: 'US-NYC' });
  call('subnet.add', { cidr: '2001:db8::/32', location: 'EU-FRA' });
  call('subnet.add', { cidr: '10.0.0.0/16', space: 'dc-private', location: 'US-NYC', description: 'private' });
  const descriptions = ['=SUM(A1:A3)', '+1 555 0100', '-dash', '@at', '\tTabbed', '\rreturn', "'=quoted", 'plain, with comma', 'line one\nline two', '"quoted" text'];
  for (let i = 0; i < size; i++) {
    const customer = cust(i % 40);
    call('allocate.subnet', {
      family: 4,
      prefix: 29 - (i % 3),
      pools: [i % 2 ? '10.16.0.0/12' : '10.0.0.0/12'],
      customer,
      vlan: i % 2 ? 102 : i % 4 === 0 ? 103 : undefined,
      description: descriptions[i % descriptions.length],
    });
    if (i % 5 === 0) call('allocate.subnet', { family: 6, prefix: 64, customer, description: `v6 ${i}` });
  }
  call('subnet.add', { cidr: '10.8.0.0/24', ip_pool: true, description: 'pool a' });
  call('subnet.add', { cidr: '10.24.0.0/25', ip_pool: true });
  call('subnet.add', { cidr: '10.9.0.0/20' });
  call('subnet.park', { cidr: '10.9.0.0/20' });
  for (let i = 0; i < Math.min(size, 200); i++) {
    call('allocate.ip', { pools: [i % 2 ? '10.24.0.0/25' : '10.8.0.0/24'], customer: cust((i % 40) | 1), ...(i % 3 ? { purpose: 'primary' } : {}) });
  }
  call('device.mgmt', { name: 'srv-1', address: '10.8.0.250', purpose: 'bmc' });
  call('ip.park', { address: '10.8.0.251' });
  call('rdns.set', { address: '10.8.0.1', name: 'host-1.example.net' });
  call('subnet.add', { cidr: '10.0.128.0/24', space: 'dc-private', ip_pool: true });
  call('allocate.ip', { space: 'dc-private', pools: ['10.0.128.0/24'], customer: 'cust-3' });
}

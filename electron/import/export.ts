/**
 * Exports the plan's subnets and IP records to CSV (one table, a `kind` column per row) or XLSX (a
 * Subnets and an IP addresses sheet), every field plus the effective location and VLAN. Cells a
 * spreadsheet would run as formulas are neutralized; FluxPlan's import reads the file back to the same
 * plan. Rows are read a page at a time inside one read transaction, so the file is one snapshot and
 * memory stays flat.
 */
import { JobCancelled } from '../jobs/counters';
import type ExcelJS from 'exceljs';
import { loadExcel } from './read';
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { basename, extname } from 'node:path';
import Papa from 'papaparse';
import { FluxError } from '../../shared/errors';
import { formatVlanCell, neutralizeCell } from '../../shared/import/fields';
import type { Plan } from '../plan';
import { ipsWhere, subnetsWhere, type IpRow, type SubnetRow } from '../tree/rows';

export const EXPORT_COLUMNS = [
  'kind', 'space', 'cidr', 'address', 'status', 'parked', 'ip_pool', 'location', 'vlan', 'customer', 'service', 'device', 'description',
  'rdns', 'rdns_updated_at', 'management', 'purpose', 'effective_location', 'effective_vlan', 'parent',
] as const;

export interface ExportArgs {
  file: string;
  /** Only this space (default: every space). */
  space?: string | undefined;
}

export interface ExportHooks {
  written?(rows: number): void;
  cancelled?(): boolean;
}

export class ExportCancelled extends JobCancelled {
  constructor() {
    super('The export was cancelled; no file was written');
  }
}

const PAGE = 5000;
/** Excel's limit is 1,048,576 rows a sheet; a longer table continues on "Subnets 2", and so on. */
const SHEET_ROWS = 1_000_000;

/** The catalog's keys by id, read once: lookups while paging through the tree touch no other statement. */
function catalog(plan: Plan) {
  const map = (sql: string) => new Map((plan.q(sql).all() as Array<{ id: number; k: string }>).map((r) => [r.id, r.k]));
  const vlans = new Map((plan.q('SELECT id, vid, name FROM vlans').all() as Array<{ id: number; vid: number; name: string | null }>).map((r) => [r.id, formatVlanCell(r.vid, r.name)]));
  return {
    spaces: map('SELECT id, name AS k FROM spaces'),
    locations: map('SELECT id, code AS k FROM locations'),
    customers: map('SELECT id, ref AS k FROM customers'),
    services: map('SELECT id, ref AS k FROM services'),
    devices: map('SELECT id, name AS k FROM devices'),
    vlans,
  };
}

type Catalog = ReturnType<typeof catalog>;

const yes = (v: number) => (v ? 'yes' : '');
const of = (m: Map<number, string>, id: number | null) => (id === null ? '' : m.get(id) ?? '');

function subnetCells(c: Catalog, r: SubnetRow, parent: string): string[] {
  return [
    'subnet', of(c.spaces, r.space_id), r.cidr, '', r.allocation_status, yes(r.is_unavailable), yes(r.is_ip_pool), of(c.locations, r.location_id),
    of(c.vlans, r.vlan_id), of(c.customers, r.customer_id), of(c.services, r.service_id), of(c.devices, r.device_id), r.description ?? '',
    '', '', '', '', of(c.locations, r.eff_location_id), of(c.vlans, r.eff_vlan_id), parent,
  ].map(neutralizeCell);
}

function ipCells(c: Catalog, r: IpRow, leaf: { cidr: string; eff_location_id: number | null; eff_vlan_id: number | null } | undefined): string[] {
  return [
    'ip', of(c.spaces, r.space_id), '', r.address_text, '', yes(r.is_unavailable), '', '', of(c.vlans, r.vlan_id), of(c.customers, r.customer_id),
    of(c.services, r.service_id), of(c.devices, r.device_id), r.description ?? '', r.rdns ?? '', r.rdns_updated_at ?? '', yes(r.is_management), r.purpose ?? '',
    leaf ? of(c.locations, leaf.eff_location_id) : '', leaf ? of(c.vlans, leaf.eff_vlan_id) : '', leaf?.cidr ?? '',
  ].map(neutralizeCell);
}

interface Sink {
  subnets(rows: string[][]): Promise<void>;
  ips(rows: string[][]): Promise<void>;
  close(): Promise<void>;
  abort(): void;
}

function write(stream: WriteStream, text: string): Promise<void> {
  return stream.write(text) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', resolve));
}

function csvSink(file: string): Sink {
  const stream = createWriteStream(file, { encoding: 'utf8' });
  let failure: Error | null = null;
  stream.on('error', (e) => (failure = e));
  const out = async (rows: string[][]) => {
    if (failure) throw failure;
    if (rows.length) await write(stream, `${Papa.unparse(rows, { newline: '\r\n' })}\r\n`);
  };
  // A byte-order mark tells spreadsheet programs the file is UTF-8; FluxPlan's import skips it.
  const ready = write(stream, `\uFEFF${Papa.unparse([[...EXPORT_COLUMNS]], { newline: '\r\n' })}\r\n`);
  return {
    subnets: async (rows) => {
      await ready;
      await out(rows);
    },
    ips: out,
    close: () =>
      new Promise((resolve, reject) => {
        stream.end(() => (failure ? reject(failure) : resolve()));
      }),
    abort: () => stream.destroy(),
  };
}

/**
 * XML cannot carry a bare carriage return (a reader turns it into a line feed) nor most other control
 * characters: OOXML writes them as _xHHHH_, as Excel does, and a literal "_xHHHH_" as "_x005F_xHHHH_".
 */
export function ooxmlEscape(text: string): string {
  return text
    .replace(/_x[0-9A-Fa-f]{4}_/g, (m) => `_x005F_${m.slice(1)}`)
    .replace(/[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}

function xlsxSink(Excel: typeof ExcelJS, file: string): Sink {
  const book = new Excel.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  type Name = 'Subnets' | 'IP addresses';
  let current: { name: Name; part: number; rows: number; sheet: ExcelJS.Worksheet } | null = null;
  // Sheets are written one after the other: each is committed before the next begins.
  const start = (name: Name, part: number) => {
    current?.sheet.commit();
    const sheet = book.addWorksheet(part > 1 ? `${name} ${part}` : name);
    sheet.addRow([...EXPORT_COLUMNS]).commit();
    current = { name, part, rows: 0, sheet };
  };
  start('Subnets', 1);
  const add = async (name: Name, rows: string[][]) => {
    if (current!.name !== name) start(name, 1);
    for (const r of rows) {
      if (current!.rows >= SHEET_ROWS) start(name, current!.part + 1);
      current!.sheet.addRow(r.map(ooxmlEscape)).commit();
      current!.rows++;
    }
    // Let the zip stream catch up before the next page.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    subnets: (rows) => add('Subnets', rows),
    ips: (rows) => add('IP addresses', rows),
    close: async () => {
      if (current!.name !== 'IP addresses') start('IP addresses', 1);
      current!.sheet.commit();
      await book.commit();
    },
    abort: () => undefined,
  };
}

export function exportFormat(file: string): 'csv' | 'xlsx' {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.xls') throw new FluxError('INVALID_ARGUMENT', `FluxPlan writes .xlsx workbooks, not legacy .xls: export to ${basename(file, ext)}.xlsx`);
  throw new FluxError('INVALID_ARGUMENT', `Cannot tell the format of ${basename(file)}: name it FILE.csv or FILE.xlsx`);
}

/**
 * Writes the export to FILE (through a temporary file next to it, renamed at the end, so a failed or
 * cancelled export never leaves half a file). Holds one read transaction for a consistent snapshot.
 */
export async function runExport(plan: Plan, args: ExportArgs, hooks: ExportHooks = {}): Promise<{ file: string; format: 'csv' | 'xlsx'; subnets: number; ips: number }> {
  const format = exportFormat(args.file);
  const temp = `${args.file}.partial-${process.pid}`;
  let sink: Sink | null = null;
  let began = false;
  try {
    plan.sqlite.exec('BEGIN');
    began = true;
    const spaceId = args.space === undefined ? null : (plan.q('SELECT id FROM spaces WHERE name = ?').get(args.space) as { id: number } | undefined)?.id;
    if (spaceId === undefined) throw new FluxError('NOT_FOUND', `Address space "${args.space}" does not exist`);
    const c = catalog(plan);
    sink = format === 'csv' ? csvSink(temp) : xlsxSink(await loadExcel(), temp);
    const scope = spaceId === null ? '' : 'space_id = ? AND';
    const scopeArgs = spaceId === null ? [] : [spaceId];
    const subnetPage = subnetsWhere(plan, `WHERE ${scope} (space_id, ip_version, net, prefix_len) > (?, ?, ?, ?) ORDER BY space_id, ip_version, net, prefix_len LIMIT ${PAGE}`);
    const parentCidr = plan.raw('SELECT cidr FROM subnets WHERE id = ?');
    let subnets = 0;
    let cursor: unknown[] = [0, 0, Buffer.alloc(0), -1];
    for (;;) {
      if (hooks.cancelled?.()) throw new ExportCancelled();
      const rows = subnetPage.all(...scopeArgs, ...cursor);
      if (!rows.length) break;
      const cells = rows.map((r) => subnetCells(c, r, r.parent_id === null ? '' : ((parentCidr.get(r.parent_id) as [string] | undefined)?.[0] ?? '')));
      const last = rows[rows.length - 1]!;
      cursor = [last.space_id, last.ip_version, last.net, last.prefix_len];
      subnets += rows.length;
      await sink.subnets(cells);
      hooks.written?.(subnets);
    }
    const ipPage = ipsWhere(plan, `WHERE ${scope} (space_id, ip_version, address) > (?, ?, ?) ORDER BY space_id, ip_version, address LIMIT ${PAGE}`);
    const leafOf = plan.q('SELECT cidr, eff_location_id, eff_vlan_id FROM subnets WHERE id = ?');
    let ips = 0;
    let ipCursor: unknown[] = [0, 0, Buffer.alloc(0)];
    for (;;) {
      if (hooks.cancelled?.()) throw new ExportCancelled();
      const rows = ipPage.all(...scopeArgs, ...ipCursor);
      if (!rows.length) break;
      const cells = rows.map((r) => ipCells(c, r, leafOf.get(r.subnet_id) as { cidr: string; eff_location_id: number | null; eff_vlan_id: number | null } | undefined));
      const last = rows[rows.length - 1]!;
      ipCursor = [last.space_id, last.ip_version, last.address];
      ips += rows.length;
      await sink.ips(cells);
      hooks.written?.(subnets + ips);
    }
    plan.sqlite.exec('COMMIT');
    began = false;
    await sink.close();
    renameSync(temp, args.file);
    return { file: args.file, format, subnets, ips };
  } catch (e) {
    if (began && plan.sqlite.inTransaction) plan.sqlite.exec('ROLLBACK');
    sink?.abort();
    rmSync(temp, { force: true });
    throw e;
  }
}

/**
 * One import from start to end: read the file, map its columns, check every row, work out the tree,
 * then write it as one transaction and one journal batch (or rehearse it for a dry run). Runs in the
 * job worker (electron/jobs) with its own connection; tests call it directly.
 */
import { JobCancelled } from '../jobs/counters';
import { basename } from 'node:path';
import { addressKey, formatCidr, lastAddress } from '../../shared/cidr';
import { FluxError } from '../../shared/errors';
import type { ImportError, ImportResult } from '../../shared/import/schema';
import type { ImportField } from '../../shared/import/fields';
import type { Plan } from '../plan';
import { subnetsWhere } from '../tree/rows';
import { Keys, subnetView } from '../tree/view';
import { applyWrites, type WriterKind } from './apply';
import { parseRow, type Problem, type RowContext } from './cells';
import { FileRows } from './file-rows';
import { Interner, Texts } from './texts';
import { isHeaderCandidate, mapHeaders, toOverrides, type Overrides, type SheetMap } from './mapping';
import { Planner, type RowError } from './planner';
import { profileOverrides } from './profiles';
import { readSpreadsheet, type RawRow } from './read';

export interface ImportArgs {
  file: string;
  space: string;
  dry_run: boolean;
  valid_rows: boolean;
  sheet?: string | undefined;
  profile?: string | undefined;
  mapping?: Record<string, ImportField | null> | string[] | undefined;
  statuses?: Record<string, string> | string[] | undefined;
  create_subnets: boolean;
  /** Dry run: how many rows of the resulting tree to return. */
  tree_limit?: number;
}

export type Phase = 'reading' | 'checking' | 'writing';

export interface RunHooks {
  phase?(phase: Phase): void;
  read?(rows: number): void;
  checked?(rows: number): void;
  written?(rows: number): void;
  /** Polled between batches of rows; true stops the import and leaves the plan untouched. */
  cancelled?(): boolean;
}

export class ImportCancelled extends JobCancelled {
  constructor() {
    super('The import was cancelled; the plan is unchanged');
  }
}

interface SheetState {
  name: string;
  index: number;
  pending: RawRow[];
  map: SheetMap | null;
  headerRow: number;
  ctx: RowContext | null;
  unreadable: boolean;
}

const HEADER_SEARCH = 10;

/** Reads the file into rows; every cell problem becomes an error with its sheet, row and column. */
async function readRows(args: ImportArgs, profile: Overrides | null, overrides: Overrides, hooks: RunHooks) {
  const sheets: SheetState[] = [];
  const rows = new FileRows(new Interner(), new Texts());
  const errors: ImportError[] = [];
  const warnings: ImportError[] = [];
  const failedRows = new Set<string>();
  let read = 0;
  let current: SheetState | null = null;
  const statuses = new Map([...(profile?.statuses ?? []), ...overrides.statuses]);

  const columnOf = (s: SheetState, field: ImportField | null): string | null => {
    if (field === null || !s.map) return null;
    const i = s.map.index[field];
    return i === undefined ? null : s.map.columns[i]!.header;
  };
  const report = (s: SheetState, row: number, p: Problem) => {
    failedRows.add(`${s.index}:${row}`);
    const e: ImportError = { sheet: s.name, row, column: columnOf(s, p.field), code: p.code, message: p.message };
    if (p.suggestion !== undefined) e.suggestion = p.suggestion;
    errors.push(e);
  };
  const parse = (s: SheetState, raw: RawRow) => {
    if (s.unreadable) {
      if (raw.cells.some((c) => c.trim() !== '')) failedRows.add(`${s.index}:${raw.row}`);
      return;
    }
    const out = parseRow(raw.cells, raw.row, s.ctx!);
    if (!out) return;
    if (out.row === null) {
      if ('skipped' in out && out.skipped) warnings.push({ sheet: s.name, row: raw.row, column: columnOf(s, 'prefix'), code: 'SKIPPED', message: out.skipped });
      for (const p of out.problems) report(s, raw.row, p);
      return;
    }
    if (out.problems.length) {
      for (const p of out.problems) report(s, raw.row, p);
      return;
    }
    rows.push(out.row);
  };
  const decideHeader = (s: SheetState, header: RawRow) => {
    s.headerRow = header.row;
    s.map = mapHeaders(header.cells, profile, overrides);
    for (const p of s.map.problems) {
      if (s.map.index.prefix === undefined && s.map.index.address === undefined) {
        errors.push({ sheet: s.name, row: header.row, column: null, code: 'MAPPING', message: p });
        s.unreadable = true;
      } else warnings.push({ sheet: s.name, row: header.row, column: null, code: 'MAPPING', message: p });
    }
    s.ctx = { map: s.map, sheet: s.index, defaultSpace: args.space, statuses, skipFolders: s.map.layout.startsWith('phpipam') };
    for (const raw of s.pending) if (raw.row > header.row) parse(s, raw);
    s.pending = [];
  };
  const close = (s: SheetState | null) => {
    if (s && !s.map && s.pending.length) decideHeader(s, s.pending[0]!);
  };
  hooks.phase?.('reading');
  const { format, sheets: names } = await readSpreadsheet(args.file, { sheet: args.sheet, cancelled: hooks.cancelled }, {
    sheet(name) {
      close(current);
      current = { name, index: sheets.length, pending: [], map: null, headerRow: 0, ctx: null, unreadable: false };
      sheets.push(current);
      return true;
    },
    rows(batch) {
      const s = current!;
      for (const raw of batch) {
        if (!s.map) {
          if (raw.cells.every((c) => c.trim() === '')) continue;
          s.pending.push(raw);
          if (isHeaderCandidate(raw.cells, profile, overrides)) decideHeader(s, raw);
          else if (s.pending.length >= HEADER_SEARCH) decideHeader(s, s.pending[0]!);
          continue;
        }
        parse(s, raw);
      }
      read += batch.length;
      hooks.read?.(read);
      if (hooks.cancelled?.()) throw new ImportCancelled();
      return true;
    },
  });
  close(current);
  if (!sheets.some((s) => s.map)) {
    throw new FluxError('INVALID_ARGUMENT', `${basename(args.file)} has no rows${names.length > 1 ? ` in any of its sheets (${names.join(', ')})` : ''}`, { file: args.file });
  }
  return { format, sheets, rows, errors, warnings, failedRows, read };
}

type ReadInput = Awaited<ReturnType<typeof readRows>>;

/**
 * Checks every row, pass after pass until no new error appears (a row that fails takes the rows that
 * depend on it along), then lets go of the file's rows: from here on the tree's final values hold all
 * the writers need, and the rows are a large share of an import's memory.
 */
function checkRows(plan: Plan, input: ReadInput, args: ImportArgs, hooks: RunHooks) {
  const sheetNames = input.sheets.map((s) => s.name);
  const planErrors: RowError[] = [];
  const rows = input.rows;
  const fileRows = rows.length;
  const excluded = new Set<number>();
  const synthetic: number[] = [];
  let covered = false;
  let planner: Planner;
  let checked = 0;
  for (;;) {
    planner = new Planner(plan, rows, {
      tick: (n) => {
        hooks.checked?.(checked + n);
        if (hooks.cancelled?.()) throw new ImportCancelled();
      },
    });
    planner.sheetNames = sheetNames;
    planner.group(active(fileRows, excluded, synthetic));
    for (const g of planner.groups) planner.planSubnets(g);
    for (const g of planner.groups) planner.planIps(g);
    if (args.create_subnets && !covered && planner.covering.size) {
      covered = true;
      for (const c of planner.covering.values()) {
        synthetic.push(rows.push({
          sheet: rows.sheet[c.row]!, row: rows.line[c.row]!, ip: false, space: c.space, version: c.version, net: c.net, len: c.len,
          status: undefined, parked: undefined, pool: undefined, location: undefined, vlan: undefined, customer: undefined, service: undefined,
          device: undefined, description: undefined, rdns: undefined, rdns_updated_at: undefined, management: undefined, purpose: undefined,
        }));
      }
      continue;
    }
    planner.finalize();
    checked = Math.max(checked, planner.checked);
    if (!planner.errors.length) break;
    for (const e of planner.errors) {
      planErrors.push(e);
      excluded.add(e.row);
    }
  }
  hooks.checked?.(fileRows);
  const errors = [...input.errors, ...planErrors.map((e) => toImportError(e, input.sheets, rows))];
  const failed = new Set(input.failedRows);
  for (const e of planErrors) failed.add(`${rows.sheet[e.row]}:${rows.line[e.row]}`);
  const warnings = [
    ...input.warnings,
    ...planner.warnings.map((w) => ({ ...toImportError({ ...w, code: w.code as RowError['code'] }, input.sheets, rows), code: w.code })),
    ...synthetic.map((r) => ({
      sheet: sheetNames[rows.sheet[r]!] ?? null, row: rows.line[r]!, column: null, code: 'SUBNET_CREATED',
      message: `created ${formatCidr({ version: rows.version(r), net: rows.net[r]!, len: rows.len[r]! })} to hold the address of this row`,
    })),
  ];
  input.rows = new FileRows(rows.strings, rows.texts);
  planner.release(input.rows);
  return { planner, errors, warnings, failed, synthetic: synthetic.length };
}

/** Runs the import; writes nothing when it is a dry run, when it is cancelled, or when a row fails without valid_rows. */
export async function runImport(plan: Plan, args: ImportArgs, hooks: RunHooks = {}, writer: WriterKind = 'bulk'): Promise<ImportResult> {
  const started = performance.now();
  const overrides = toOverrides(args.mapping, args.statuses as Record<string, never> | string[] | undefined);
  const profile = args.profile ? plan.read(() => profileOverrides(plan, args.profile!)) : null;
  const input = await readRows(args, profile, overrides, hooks);
  const sheetNames = input.sheets.map((s) => s.name);
  if (hooks.cancelled?.()) throw new ImportCancelled();

  const label = `import ${basename(args.file)}`;
  const work = () => {
    hooks.phase?.('checking');
    const { planner, errors, warnings, failed, synthetic } = checkRows(plan, input, args, hooks);
    const writes = planner.writes();
    const counts = planner.classify();
    counts.created -= synthetic;
    const blocked = errors.length > 0 && !args.valid_rows;
    let tree: Array<Record<string, unknown>> = [];
    let treeTotal = 0;
    let writesDone = false;
    if (!blocked || args.dry_run) {
      hooks.phase?.('writing');
      applyWrites(plan, planner, writes, writer, {
        tick: (n) => {
          hooks.written?.(n);
          if (hooks.cancelled?.()) throw new ImportCancelled();
        },
      });
      writesDone = true;
      if (args.dry_run) ({ tree, total: treeTotal } = previewTree(plan, planner, args.tree_limit ?? 200));
    }
    return {
      counts,
      failed: failed.size,
      errors,
      warnings,
      carved: counts.carved,
      catalog: {
        spaces: [...planner.needs.spaces].sort(),
        locations: [...planner.needs.locations].sort(),
        vlans: [...planner.needs.vlans].map(([k, name]) => ({ location: k.split('\u0000')[0]!, vid: Number(k.split('\u0000')[1]), name })).sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : a.vid - b.vid)),
        customers: [...planner.needs.customers].sort(),
        devices: [...planner.needs.devices.keys()].sort(),
        services: [...planner.needs.services.keys()].sort(),
      },
      tree,
      treeTotal,
      committed: writesDone && !args.dry_run && !!plan.batch?.id,
      batch: !args.dry_run && writesDone ? plan.batch?.id ?? null : null,
    };
  };
  const out = args.dry_run ? plan.rehearse(label, work) : plan.mutate(label, work);
  out.errors.sort((a, b) => sheetNames.indexOf(a.sheet ?? '') - sheetNames.indexOf(b.sheet ?? '') || (a.row ?? 0) - (b.row ?? 0));
  out.warnings.sort((a, b) => sheetNames.indexOf(a.sheet ?? '') - sheetNames.indexOf(b.sheet ?? '') || (a.row ?? 0) - (b.row ?? 0));
  return {
    file: args.file,
    dry_run: args.dry_run,
    committed: out.committed,
    created: out.counts.created,
    updated: out.counts.updated,
    unchanged: out.counts.unchanged,
    failed: out.failed,
    errors: out.errors,
    errors_total: out.errors.length,
    warnings: out.warnings,
    rows_read: input.read,
    carved: out.carved,
    catalog: out.catalog,
    sheets: input.sheets.filter((s) => s.map).map((s) => ({ sheet: s.name, header_row: s.headerRow, layout: s.map!.layout, columns: s.map!.columns })),
    tree: out.tree,
    tree_total: out.treeTotal,
    batch: out.batch,
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

/** The rows of this pass: the file's rows not excluded by an earlier pass, then the covering subnets added. */
function* active(fileRows: number, excluded: Set<number>, synthetic: number[]): Generator<number> {
  for (let r = 0; r < fileRows; r++) if (!excluded.has(r)) yield r;
  for (const r of synthetic) if (!excluded.has(r)) yield r;
}

function toImportError(e: RowError, sheets: SheetState[], rows: FileRows): ImportError {
  const s = sheets[rows.sheet[e.row]!];
  const i = e.field === null || !s?.map ? undefined : s.map.index[e.field];
  const out: ImportError = { sheet: s?.name ?? null, row: rows.line[e.row]!, column: i === undefined ? null : s!.map!.columns[i]!.header, code: e.code, message: e.message };
  if (e.suggestion !== undefined) out.suggestion = e.suggestion;
  return out;
}

/** The touched part of the tree after the rehearsed writes, pre-order, at most `limit` rows. */
function previewTree(plan: Plan, planner: Planner, limit: number): { tree: Array<Record<string, unknown>>; total: number } {
  const keys = new Keys(plan);
  const tree: Array<Record<string, unknown>> = [];
  let total = 0;
  const rows = subnetsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? AND prefix_len >= ? ORDER BY net, prefix_len LIMIT ?');
  const count = plan.q('SELECT COUNT(*) AS n FROM subnets WHERE space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? AND prefix_len >= ?');
  for (const t of planner.touched()) {
    const g = t.group;
    const spaceId = g.spaceId ?? (plan.q('SELECT id FROM spaces WHERE name = ?').get(g.space) as { id: number } | undefined)?.id;
    if (spaceId === undefined) continue;
    const from = addressKey(g.version, t.net);
    const to = addressKey(g.version, lastAddress({ version: g.version, net: t.net, len: t.len }));
    total += (count.get(spaceId, g.version, from, to, t.len) as { n: number }).n;
    if (tree.length < limit) for (const r of rows.all(spaceId, g.version, from, to, t.len, limit - tree.length)) tree.push(subnetView(keys, r));
  }
  return { tree, total };
}

/**
 * Reads spreadsheets row by row: CSV through papaparse (comma, semicolon or tab, detected; UTF-8 with or
 * without BOM; quoted fields with embedded newlines) and XLSX through exceljs's streaming reader (every
 * sheet, or one). A legacy .xls is refused with what to do instead. Rows are handed over in batches as
 * text cells, so memory stays flat however long the file is.
 */
import { JobCancelled } from '../jobs/counters';
import type ExcelJS from 'exceljs';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import Papa from 'papaparse';
import { FluxError } from '../../shared/errors';

export interface RawRow {
  /** The row number a spreadsheet program shows (CSV: the record number, header = 1). */
  row: number;
  cells: string[];
}

export interface RowSink {
  /** A sheet starts; return false to skip it. */
  sheet(name: string): boolean;
  /** A batch of rows of the current sheet; return false to stop reading this sheet. */
  rows(rows: RawRow[]): boolean;
}

export type Format = 'csv' | 'xlsx';

export interface ReadOptions {
  sheet?: string | undefined;
  cancelled?: () => boolean;
}

const BATCH = 2048;

/** Raised inside a reader when the caller cancels; the import turns it into a cancelled job. */
export class Cancelled extends JobCancelled {
  constructor() {
    super('cancelled');
  }
}

function head(file: string, bytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FluxError('NOT_FOUND', `${file} does not exist`, { file });
    if (code === 'EISDIR') throw new FluxError('INVALID_ARGUMENT', `${file} is a folder, not a spreadsheet`, { file });
    throw new FluxError('INVALID_ARGUMENT', `Cannot read ${file} (${code ?? (e as Error).message})`, { file });
  }
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** What the file is, by its first bytes (a renamed file is still read for what it is) and its extension. */
export function sniffFormat(file: string): Format {
  const start = head(file, 8);
  if (statSync(file).isDirectory()) throw new FluxError('INVALID_ARGUMENT', `${file} is a folder, not a spreadsheet`, { file });
  const ole = start.length >= 4 && start[0] === 0xd0 && start[1] === 0xcf && start[2] === 0x11 && start[3] === 0xe0;
  if (ole || extname(file).toLowerCase() === '.xls') {
    throw new FluxError(
      'INVALID_ARGUMENT',
      `${basename(file)} is a legacy Excel workbook (.xls), which FluxPlan does not read: open it in your spreadsheet program, save it as an Excel Workbook (.xlsx) or as CSV (UTF-8), and import that file`,
      { file },
    );
  }
  const zip = start.length >= 2 && start[0] === 0x50 && start[1] === 0x4b;
  if (zip) return 'xlsx';
  if (extname(file).toLowerCase() === '.xlsx') throw new FluxError('INVALID_ARGUMENT', `${basename(file)} is named .xlsx but is not an Excel workbook`, { file });
  if (start.length >= 2 && ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff))) {
    throw new FluxError('INVALID_ARGUMENT', `${basename(file)} is UTF-16 text; save it as CSV (UTF-8) and import that file`, { file });
  }
  return 'csv';
}

export async function readSpreadsheet(file: string, options: ReadOptions, sink: RowSink): Promise<{ format: Format; sheets: string[] }> {
  const format = sniffFormat(file);
  const sheets = format === 'csv' ? await readCsv(file, options, sink) : await readXlsx(file, options, sink);
  return { format, sheets };
}

// ---------------------------------------------------------------- CSV

/**
 * The delimiter is the one of comma, semicolon and tab that occurs most often, outside quotes, in the
 * first record (the header); a file with one column has none and reads as comma-separated.
 */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  let best: ',' | ';' | '\t' = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

function readCsv(file: string, options: ReadOptions, sink: RowSink): Promise<string[]> {
  const name = basename(file);
  const sample = head(file, 65536).toString('utf8');
  const delimiter = detectDelimiter(sample.replace(/^\uFEFF/, ''));
  if (!sink.sheet(name)) return Promise.resolve([name]);
  return new Promise((resolve, reject) => {
    let rowNo = 0;
    let stopped = false;
    let failure: unknown = null;
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 18 });
    Papa.parse<string[]>(stream as unknown as File, {
      // Papa's own guess would look at the first chunk only; the header decides for the whole file.
      delimiter,
      chunk: (results, parser) => {
        if (stopped) return;
        try {
          if (options.cancelled?.()) throw new Cancelled();
          const batch: RawRow[] = [];
          for (const cells of results.data) {
            rowNo++;
            if (rowNo === 1 && cells.length && cells[0]!.startsWith('\uFEFF')) cells[0] = cells[0]!.slice(1);
            batch.push({ row: rowNo, cells });
            if (batch.length >= BATCH) {
              if (!sink.rows(batch.splice(0))) {
                stopped = true;
                break;
              }
            }
          }
          if (!stopped && batch.length && !sink.rows(batch)) stopped = true;
          const bad = results.errors.find((e) => e.type === 'Quotes');
          if (bad && !stopped) {
            throw new FluxError('INVALID_ARGUMENT', `${name}: a quoted field is not closed (near row ${rowNo}); check the quotes in the file`, { file, row: rowNo });
          }
        } catch (e) {
          failure = e;
          stopped = true;
        }
        if (stopped) {
          parser.abort();
          stream.destroy();
        }
      },
      complete: () => (failure ? reject(failure) : resolve([name])),
      error: (e: unknown) => reject(failure ?? new FluxError('INVALID_ARGUMENT', `Cannot read ${name}: ${(e as Error).message ?? e}`, { file })),
    });
  });
}

// ---------------------------------------------------------------- XLSX

/** OOXML's _xHHHH_ escapes (how Excel stores a carriage return or another control character in a cell). */
export function ooxmlUnescape(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A cell as the text a planner sees: formulas by their result, rich text joined, dates in ISO form. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.includes('_x') ? ooxmlUnescape(value) : value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return ooxmlUnescape((v.richText as Array<{ text?: string }>).map((r) => r.text ?? '').join(''));
    if ('result' in v) return cellText(v.result);
    if ('formula' in v || 'sharedFormula' in v) return '';
    if (typeof v.text === 'string') return v.text;
    if (v.text !== undefined) return cellText(v.text);
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}

/** exceljs, loaded on the first XLSX file (it takes a fifth of a second to load; CSV imports never need it). */
export async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

async function readXlsx(file: string, options: ReadOptions, sink: RowSink): Promise<string[]> {
  const names: string[] = [];
  const Excel = await loadExcel();
  const reader = new Excel.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      const name = (sheet as unknown as { name: string }).name;
      names.push(name);
      if (options.sheet !== undefined && name !== options.sheet) continue;
      if (!sink.sheet(name)) continue;
      let batch: RawRow[] = [];
      let open = true;
      for await (const row of sheet) {
        if (options.cancelled?.()) throw new Cancelled();
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        batch.push({ row: row.number, cells });
        if (batch.length >= BATCH) {
          open = sink.rows(batch);
          batch = [];
          if (!open) break;
        }
      }
      if (open && batch.length) sink.rows(batch);
    }
  } catch (e) {
    if (e instanceof Cancelled || e instanceof FluxError) throw e;
    throw new FluxError('INVALID_ARGUMENT', `Cannot read ${basename(file)} as an Excel workbook: ${(e as Error).message}`, { file });
  }
  if (options.sheet !== undefined && !names.includes(options.sheet)) {
    throw new FluxError('NOT_FOUND', `${basename(file)} has no sheet "${options.sheet}" (its sheets: ${names.join(', ') || 'none'})`, { file });
  }
  return names;
}

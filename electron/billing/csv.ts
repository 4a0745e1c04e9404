/**
 * Reads a samples CSV: a header naming timestamp, in and out (in any order), then one row per sample.
 * Timestamps are ISO 8601 or Unix seconds; values are bits per second or octet counters.
 * Every problem is named with file, line and column; the first 10 are reported together.
 */
import { parse } from 'csv-parse/sync';
import type { SampleKind } from '../../shared/billing/model';
import { FluxError } from '../../shared/errors';
import { parseInstant } from './cycle';

export interface CsvSample {
  t: number;
  /** bps: a number; octets: an exact counter. */
  in: number | bigint;
  out: number | bigint;
  line: number;
}

const MAX_COUNTER = (1n << 64n) - 1n;
const MAX_TIME = 2 ** 32 - 1;
const COLUMNS = ['timestamp', 'in', 'out'] as const;

export function readSamplesCsv(text: string, source: string, kind: SampleKind, tz: string): CsvSample[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as never;
  } catch (e) {
    const err = e as { code?: string; message: string; lines?: number; column?: number | string };
    const where = `${source}:${err.lines ?? '?'}${typeof err.column === 'number' ? `:${err.column + 1}` : ''}`;
    throw new FluxError('INVALID_ARGUMENT', `${where}: not valid CSV (${err.message.replace(/^[^:]*:\s*/, '')})`, { file: source, line: err.lines ?? null });
  }
  if (!records.length) throw new FluxError('INVALID_ARGUMENT', `${source}: the file is empty; expected a header timestamp,in,out`, { file: source });
  const header = records[0]!.record.map((h) => h.toLowerCase());
  const col = COLUMNS.map((c) => header.indexOf(c));
  if (col.some((c) => c < 0) || header.length !== 3) {
    throw new FluxError('INVALID_ARGUMENT', `${source}:${records[0]!.info.lines}: the header must be timestamp,in,out (got ${records[0]!.record.join(',') || 'nothing'})`, {
      file: source,
      line: records[0]!.info.lines,
    });
  }
  const [ct, cin, cout] = col as [number, number, number];
  const problems: string[] = [];
  const seen = new Map<number, number>();
  const out: CsvSample[] = [];
  const problem = (line: number, c: number, message: string) => problems.push(`${source}:${line}:${c + 1}: ${message}`);

  const value = (raw: string, line: number, c: number, name: string): number | bigint | null => {
    if (raw === '') return problem(line, c, `${name}: empty; every row needs timestamp, in and out`), null;
    if (kind === 'octets') {
      if (!/^\d+$/.test(raw)) return problem(line, c, `${name}: "${raw}" is not an octet counter (a whole number 0 to 2^64-1)`), null;
      const v = BigInt(raw);
      if (v > MAX_COUNTER) return problem(line, c, `${name}: ${raw} is above 2^64-1, the largest 64-bit counter`), null;
      return v;
    }
    if (!/^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return problem(line, c, `${name}: "${raw}" is not a rate in bits per second (a number, not negative)`), null;
    const v = Number(raw);
    if (!Number.isFinite(v)) return problem(line, c, `${name}: ${raw} is too large`), null;
    return v;
  };

  for (let r = 1; r < records.length && problems.length < 10; r++) {
    const { record, info } = records[r]!;
    const line = info.lines;
    if (record.length !== 3) {
      problems.push(`${source}:${line}: expected 3 fields (timestamp,in,out), got ${record.length}`);
      continue;
    }
    const rawT = record[ct]!;
    const t = rawT === '' ? null : parseInstant(rawT, tz);
    if (t === null) {
      problem(line, ct, rawT === '' ? 'timestamp: empty' : `timestamp: "${rawT}" is not ISO 8601 (whole seconds) or Unix seconds`);
      continue;
    }
    if (t < 0 || t > MAX_TIME) {
      problem(line, ct, `timestamp: "${rawT}" is outside 1970-2106`);
      continue;
    }
    const vin = value(record[cin]!, line, cin, 'in');
    const vout = value(record[cout]!, line, cout, 'out');
    if (vin === null || vout === null) continue;
    const before = seen.get(t);
    if (before !== undefined) {
      problem(line, ct, `timestamp: ${rawT} repeats line ${before}${/[zZ]|[+-]\d{2}:?\d{2}$|^\d+$/.test(rawT) ? '' : ' (a local time repeated by a daylight-saving change? give an offset)'}`);
      continue;
    }
    seen.set(t, line);
    out.push({ t, in: vin, out: vout, line });
  }
  if (problems.length) {
    const more = problems.length >= 10 ? ' (stopped after 10 problems)' : '';
    throw new FluxError('INVALID_ARGUMENT', `${problems.length === 1 ? problems[0] : `${problems.length} problems in ${source}${more}: ${problems.join('; ')}`}; nothing was imported`, {
      file: source,
      problems,
    });
  }
  if (!out.length) throw new FluxError('INVALID_ARGUMENT', `${source}: no samples after the header`, { file: source });
  out.sort((a, b) => a.t - b.t);
  return out;
}

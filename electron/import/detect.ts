/**
 * What an import wizard shows before anything is checked: the sheets, the header row of each, the
 * detected layout and column mapping (with a saved profile and overrides applied), the first rows, and
 * the distinct status words of the status column with what each means.
 */
import { FIELD_LABELS, IMPORT_FIELDS, STATUS_VOCABULARY, normalizeStatus, unneutralizeCell } from '../../shared/import/fields';
import type { Detection, StatusWord } from '../../shared/import/schema';
import type { Plan } from '../plan';
import { isHeaderCandidate, mapHeaders, toOverrides, type SheetMap } from './mapping';
import { profileOverrides } from './profiles';
import { readSpreadsheet, type RawRow } from './read';
import type { ImportArgs } from './run';

const SAMPLE = 10;
/** Distinct status words collected at most; reading stops there (a column with more is no status column). */
export const STATUS_WORDS_MAX = 200;

export async function detectFile(plan: Plan, args: Pick<ImportArgs, 'file' | 'sheet' | 'profile' | 'mapping' | 'statuses'>, cancelled?: () => boolean): Promise<Detection> {
  const overrides = toOverrides(args.mapping, args.statuses as Record<string, never> | string[] | undefined);
  const profile = args.profile ? plan.read(() => profileOverrides(plan, args.profile!)) : null;
  const sheets: Detection['sheets'] = [];
  /** Normalized status word to the word as first written and its row count. */
  const words = new Map<string, { value: string; rows: number }>();
  let current: { name: string; pending: RawRow[]; header: RawRow | null; map: SheetMap | null; sample: string[][] } | null = null;

  /** A row after the header: kept for the sample, and its status word counted. */
  const take = (s: NonNullable<typeof current>, cells: string[]) => {
    if (s.sample.length < SAMPLE) s.sample.push(cells);
    const at = s.map!.index.status;
    if (at === undefined) return;
    // Read as the import reads it (cells.ts): trimmed, a formula guard removed.
    const text = unneutralizeCell((cells[at] ?? '').trim());
    if (text === '') return;
    const n = normalizeStatus(text);
    const w = words.get(n);
    if (w) w.rows++;
    else if (words.size < STATUS_WORDS_MAX) words.set(n, { value: text, rows: 1 });
  };
  const wantsMore = (s: NonNullable<typeof current>) => !s.header || s.sample.length < SAMPLE || (s.map!.index.status !== undefined && words.size < STATUS_WORDS_MAX);
  const decide = (s: NonNullable<typeof current>, header: RawRow) => {
    s.header = header;
    s.map = mapHeaders(header.cells, profile, overrides);
    for (const r of s.pending) if (r.row > header.row) take(s, r.cells);
  };
  const done = () => {
    const s = current;
    if (!s) return;
    if (!s.header && s.pending[0]) decide(s, s.pending[0]);
    if (!s.header || !s.map) return;
    sheets.push({ sheet: s.name, header_row: s.header.row, layout: s.map.layout, columns: s.map.columns, sample: s.sample, problems: s.map.problems });
  };
  const { format } = await readSpreadsheet(args.file, { sheet: args.sheet, cancelled }, {
    sheet(name) {
      done();
      current = { name, pending: [], header: null, map: null, sample: [] };
      return true;
    },
    rows(batch) {
      const s = current!;
      for (const raw of batch) {
        if (raw.cells.every((c) => c.trim() === '')) continue;
        if (s.header) {
          take(s, raw.cells);
          if (!wantsMore(s)) return false;
          continue;
        }
        s.pending.push(raw);
        if (isHeaderCandidate(raw.cells, profile, overrides)) decide(s, raw);
        else if (s.pending.length >= 10) decide(s, s.pending[0]!);
      }
      return wantsMore(s);
    },
  });
  done();
  const chosen = new Map([...(profile ? [...profile.statuses] : []), ...overrides.statuses]);
  const statuses = Object.fromEntries([...Object.entries(STATUS_VOCABULARY), ...chosen]);
  const status_words: StatusWord[] = [...words].map(([n, w]) => {
    const builtin = STATUS_VOCABULARY[n] ?? null;
    const source = overrides.statuses.has(n) ? 'override' : profile?.statuses.has(n) ? 'profile' : builtin ? 'vocabulary' : 'unknown';
    return { value: w.value, rows: w.rows, builtin, target: chosen.get(n) ?? builtin, source };
  });
  return { file: args.file, format, sheets, fields: IMPORT_FIELDS.map((f) => ({ field: f, label: FIELD_LABELS[f] })), statuses, status_words };
}

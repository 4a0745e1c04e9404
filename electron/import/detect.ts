/**
 * What an import wizard shows before anything is checked: the sheets, the header row of each, the
 * detected layout and column mapping (with a saved profile and overrides applied), and the first rows.
 */
import { FIELD_LABELS, IMPORT_FIELDS, STATUS_VOCABULARY } from '../../shared/import/fields';
import type { Detection } from '../../shared/import/schema';
import type { Plan } from '../plan';
import { isHeaderCandidate, mapHeaders, toOverrides } from './mapping';
import { profileOverrides } from './profiles';
import { readSpreadsheet, type RawRow } from './read';
import type { ImportArgs } from './run';

const SAMPLE = 10;

export async function detectFile(plan: Plan, args: Pick<ImportArgs, 'file' | 'sheet' | 'profile' | 'mapping' | 'statuses'>, cancelled?: () => boolean): Promise<Detection> {
  const overrides = toOverrides(args.mapping, args.statuses as Record<string, never> | string[] | undefined);
  const profile = args.profile ? plan.read(() => profileOverrides(plan, args.profile!)) : null;
  const sheets: Detection['sheets'] = [];
  let current: { name: string; pending: RawRow[]; header: RawRow | null; sample: string[][] } | null = null;
  const done = () => {
    const s = current;
    if (!s) return;
    const header = s.header ?? s.pending[0];
    if (!header) return;
    const map = mapHeaders(header.cells, profile, overrides);
    const sample = s.header ? s.sample : s.pending.slice(1).map((r) => r.cells);
    sheets.push({ sheet: s.name, header_row: header.row, layout: map.layout, columns: map.columns, sample: sample.slice(0, SAMPLE), problems: map.problems });
  };
  const { format } = await readSpreadsheet(args.file, { sheet: args.sheet, cancelled }, {
    sheet(name) {
      done();
      current = { name, pending: [], header: null, sample: [] };
      return true;
    },
    rows(batch) {
      const s = current!;
      for (const raw of batch) {
        if (raw.cells.every((c) => c.trim() === '')) continue;
        if (s.header) {
          s.sample.push(raw.cells);
          if (s.sample.length >= SAMPLE) return false;
          continue;
        }
        s.pending.push(raw);
        if (isHeaderCandidate(raw.cells, profile, overrides)) s.header = raw;
        else if (s.pending.length >= 10) s.header = s.pending[0]!;
        if (s.header) for (const r of s.pending) if (r.row > s.header.row) s.sample.push(r.cells);
      }
      return !s.header || s.sample.length < SAMPLE;
    },
  });
  done();
  const statuses = Object.fromEntries([...Object.entries(STATUS_VOCABULARY), ...(profile ? [...profile.statuses] : []), ...overrides.statuses]);
  return { file: args.file, format, sheets, fields: IMPORT_FIELDS.map((f) => ({ field: f, label: FIELD_LABELS[f] })), statuses };
}

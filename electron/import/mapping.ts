/**
 * Which column holds what: header synonyms, the layout of a known export (FluxPlan, NetBox, phpIPAM),
 * a saved profile and the planner's overrides, in rising order of precedence.
 */
import type { MappingEntry } from '../../shared/import/schema';
import {
  EXPORT_ONLY_HEADERS,
  HEADER_SYNONYMS,
  IMPORT_FIELDS,
  LAYOUT_RULES,
  STATUS_TARGETS,
  detectLayout,
  normalizeHeader,
  normalizeStatus,
  type ImportField,
  type Layout,
  type StatusTarget,
} from '../../shared/import/fields';
import { FluxError } from '../../shared/errors';

export interface Overrides {
  /** Normalized header or "#N" to a field (null: ignore the column). */
  columns: Map<string, ImportField | null>;
  /** Normalized status word to its meaning. */
  statuses: Map<string, StatusTarget>;
}

export interface SheetMap {
  layout: Layout;
  columns: MappingEntry[];
  /** Field to 0-based column index. */
  index: Partial<Record<ImportField, number>>;
  problems: string[];
}

function isField(value: string): value is ImportField {
  return (IMPORT_FIELDS as readonly string[]).includes(value);
}

/** Reads HEADER=FIELD / VALUE=TARGET pairs or an object, naming a bad field or target. */
export function toOverrides(
  mapping: Record<string, ImportField | null> | string[] | undefined,
  statuses: Record<string, StatusTarget> | string[] | undefined,
  into: Overrides = { columns: new Map(), statuses: new Map() },
): Overrides {
  const pairs = (v: Record<string, string | null> | string[] | undefined): Array<[string, string | null]> =>
    v === undefined ? [] : Array.isArray(v) ? v.map((s) => [s.slice(0, s.indexOf('=')).trim(), s.slice(s.indexOf('=') + 1).trim()]) : Object.entries(v);
  for (const [header, field] of pairs(mapping)) {
    const f = field === null || field === '' || field === 'ignore' ? null : field;
    if (f !== null && !isField(f)) {
      throw new FluxError('INVALID_ARGUMENT', `mapping "${header}": "${f}" is not a field; use one of ${IMPORT_FIELDS.join(', ')} (or nothing to ignore the column)`);
    }
    into.columns.set(/^#\d+$/.test(header) ? header : normalizeHeader(header), f);
  }
  for (const [value, target] of pairs(statuses)) {
    if (target === null || !(STATUS_TARGETS as readonly string[]).includes(target)) {
      throw new FluxError('INVALID_ARGUMENT', `status "${value}": "${target}" is not a status meaning; use one of ${STATUS_TARGETS.join(', ')}`);
    }
    into.statuses.set(normalizeStatus(value), target as StatusTarget);
  }
  return into;
}

const RANK = { override: 0, profile: 1, layout: 2, synonym: 3 } as const;

/**
 * Maps one sheet's header row. `profile` and `overrides` hold normalized headers; the layout is
 * detected from the headers themselves.
 */
export function mapHeaders(headers: string[], profile: Overrides | null, overrides: Overrides): SheetMap {
  const normalized = headers.map(normalizeHeader);
  const layout = detectLayout(normalized);
  const rules = LAYOUT_RULES[layout];
  const claims: Array<{ col: number; field: ImportField; source: keyof typeof RANK; rank: number }> = [];
  const columns: MappingEntry[] = headers.map((header, i) => {
    const norm = normalized[i]!;
    const entry: MappingEntry = { column: i + 1, header, field: null, source: 'unknown' };
    const forced = overrides.columns.has(`#${i + 1}`) ? overrides.columns.get(`#${i + 1}`) : overrides.columns.get(norm);
    const pick = (field: ImportField | null | undefined, source: 'override' | 'profile'): boolean => {
      if (field === undefined) return false;
      if (field === null) entry.source = 'ignored';
      else claims.push({ col: i, field, source, rank: RANK[source] * 100 });
      return true;
    };
    if (pick(forced, 'override')) return entry;
    if (profile && pick(profile.columns.get(norm), 'profile')) return entry;
    if (!norm) return entry;
    if (rules.ignore.includes(norm) || EXPORT_ONLY_HEADERS.includes(norm)) {
      entry.source = 'ignored';
      return entry;
    }
    for (const [field, words] of Object.entries(rules.synonyms) as Array<[ImportField, string[]]>) {
      const at = words.indexOf(norm);
      if (at >= 0) {
        claims.push({ col: i, field, source: 'layout', rank: RANK.layout * 100 + at });
        return entry;
      }
    }
    for (const field of IMPORT_FIELDS) {
      const at = HEADER_SYNONYMS[field].indexOf(norm);
      if (at >= 0) {
        claims.push({ col: i, field, source: 'synonym', rank: RANK.synonym * 100 + at });
        return entry;
      }
    }
    return entry;
  });

  const problems: string[] = [];
  const index: Partial<Record<ImportField, number>> = {};
  claims.sort((a, b) => a.rank - b.rank || a.col - b.col);
  for (const c of claims) {
    const taken = index[c.field];
    if (taken !== undefined) {
      columns[c.col]!.source = 'ignored';
      problems.push(`"${headers[c.col]}" and "${headers[taken]}" both look like ${c.field}; "${headers[taken]}" is used, "${headers[c.col]}" is ignored`);
      continue;
    }
    index[c.field] = c.col;
    columns[c.col]!.field = c.field;
    columns[c.col]!.source = c.source;
  }
  if (index.prefix === undefined && index.address === undefined) {
    problems.push(`no column holds a prefix or an address (headers: ${headers.filter((h) => h.trim()).join(', ') || 'none'}); map one with --map HEADER=prefix or --map HEADER=address`);
  }
  return { layout, columns, index, problems };
}

/**
 * The header row: the first of the first ten non-empty rows with a column that names a prefix or an
 * address (phpIPAM writes a title above its table), else the first non-empty row.
 */
export function isHeaderCandidate(cells: string[], profile: Overrides | null, overrides: Overrides): boolean {
  return cells.some((c) => {
    const n = normalizeHeader(c);
    const forced = overrides.columns.get(n) ?? profile?.columns.get(n);
    if (forced === 'prefix' || forced === 'address') return true;
    return HEADER_SYNONYMS.prefix.includes(n) || HEADER_SYNONYMS.address.includes(n);
  });
}

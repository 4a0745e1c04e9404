/**
 * `fluxplan import FILE`, `fluxplan export FILE.csv|FILE.xlsx` and the mapping profiles.
 * Other tools script against these words, flags and JSON fields; keep them.
 */
import type { Command, Flag, FlagType } from '../cli/commands';
import { treeLines } from '../cli/format';
import type { SubnetView } from '../../shared/api/types';
import type { ImportError, ImportResult } from '../../shared/import/schema';

// A local twin of cli/commands' `flag`: importing the value would close an import cycle.
const f = (name: string, type: FlagType, help: string, extra: Partial<Flag> = {}): Flag => ({ name, type, help, ...extra });

const mappingFlags = [
  f('sheet', 'string', 'XLSX: read only this sheet (default: every sheet)'),
  f('profile', 'string', 'apply a saved mapping profile'),
  f('map', 'list', 'map a column: HEADER=FIELD (FIELD empty ignores it; repeatable)', { field: 'mapping' }),
  f('status-map', 'list', 'what a status word means: VALUE=free|container|allocated|active|reserved|parked|pool (repeatable)', { field: 'statuses' }),
];

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const MAX_LISTED = 50;

function errorLine(e: ImportError): string {
  const where = [e.sheet, e.row !== null ? `row ${e.row}` : null, e.column !== null ? `column "${e.column}"` : null].filter(Boolean).join(', ');
  return `  ${where}: ${e.code} ${e.message}`;
}

function catalogLines(r: ImportResult, verb: string): string[] {
  const c = r.catalog;
  const parts: string[] = [];
  if (c.spaces.length) parts.push(`spaces ${c.spaces.join(', ')}`);
  if (c.locations.length) parts.push(`locations ${c.locations.join(', ')}`);
  if (c.vlans.length) parts.push(`VLANs ${c.vlans.map((v) => `${v.location} ${v.vid}${v.name ? ` (${v.name})` : ''}`).join(', ')}`);
  if (c.customers.length) parts.push(`customers ${c.customers.slice(0, 20).join(', ')}${c.customers.length > 20 ? ` and ${c.customers.length - 20} more` : ''}`);
  if (c.devices.length) parts.push(`devices ${c.devices.slice(0, 20).join(', ')}${c.devices.length > 20 ? ` and ${c.devices.length - 20} more` : ''}`);
  if (c.services.length) parts.push(`services ${c.services.slice(0, 20).join(', ')}${c.services.length > 20 ? ` and ${c.services.length - 20} more` : ''}`);
  return parts.map((p) => `  ${verb} ${p}`);
}

export function importText(r: ImportResult): string {
  const name = r.file.split(/[\\/]/).pop();
  const counts = `${r.created.toLocaleString('en')} created, ${r.updated.toLocaleString('en')} updated, ${r.unchanged.toLocaleString('en')} unchanged, ${r.failed.toLocaleString('en')} failed`;
  const lines: string[] = [];
  if (r.dry_run) {
    lines.push(`Dry run of ${name} (nothing written): ${counts}${r.carved ? `; carving adds ${plural(r.carved, 'free subnet')}` : ''}`);
    lines.push(...catalogLines(r, 'would add'));
    if (r.tree.length) {
      lines.push('The tree would be:');
      lines.push(...treeLines(r.tree as unknown as SubnetView[]).map((l) => `  ${l}`));
      if (r.tree_total > r.tree.length) lines.push(`  ... ${plural(r.tree_total - r.tree.length, 'more subnet')}`);
    }
  } else if (r.failed && !r.committed && r.errors.length) {
    lines.push(`Nothing was imported from ${name}: ${plural(r.failed, 'row')} failed; fix ${r.failed === 1 ? 'it' : 'them'}, or import with --valid-rows to commit the other rows (${r.created + r.updated + r.unchanged} of them)`);
  } else {
    lines.push(`Imported ${name}: ${counts}${r.carved ? `; carving added ${plural(r.carved, 'free subnet')}` : ''}${r.committed ? ' (one undo reverts it)' : ''}`);
    lines.push(...catalogLines(r, 'added'));
  }
  for (const w of r.warnings.slice(0, MAX_LISTED)) lines.push(`  note: ${w.sheet ? `${w.sheet}${w.row !== null ? ` row ${w.row}` : ''}: ` : ''}${w.message}`);
  if (r.errors.length) {
    lines.push('Errors:');
    lines.push(...r.errors.slice(0, MAX_LISTED).map(errorLine));
    if (r.errors.length > MAX_LISTED) lines.push(`  ... ${plural(r.errors.length - MAX_LISTED, 'more error')} (--json lists them all)`);
  }
  return lines.join('\n');
}

export const importCommands: Command[] = [
  {
    words: ['import'],
    method: 'import.run',
    positionals: [{ name: 'FILE', field: 'file' }],
    flags: [
      f('dry-run', 'bool', 'check every row and show what would change and the resulting tree; write nothing'),
      f('valid-rows', 'bool', 'commit the rows without errors and report the rest (default: all or nothing)'),
      ...mappingFlags,
      f('create-subnets', 'bool', 'create the covering subnet of an address that lies outside every subnet'),
    ],
    fixed: { progress: true },
    summary: 'import subnets and IP addresses from CSV or XLSX (NetBox and phpIPAM exports too) in one undoable step',
    human: importText,
    exitCode: (r: ImportResult) => (r.failed > 0 ? 1 : 0),
  },
  {
    words: ['import', 'detect'],
    method: 'import.detect',
    positionals: [{ name: 'FILE', field: 'file' }],
    flags: mappingFlags,
    summary: 'show how the columns of a file map, without importing it',
    human: (r: any) =>
      r.sheets
        .map((s: any) =>
          [
            `${s.sheet} (header in row ${s.header_row}, layout ${s.layout}):`,
            ...s.columns.map((c: any) => `  ${String(c.column).padStart(2)}. ${c.header.padEnd(24)} ${c.field ? `-> ${c.field}` : '(ignored)'}${c.source === 'synonym' || c.source === 'ignored' || c.source === 'unknown' ? '' : ` [${c.source}]`}`),
            ...s.problems.map((p: string) => `  note: ${p}`),
          ].join('\n'),
        )
        .join('\n'),
  },
  {
    words: ['export'],
    method: 'export.run',
    positionals: [{ name: 'FILE', field: 'file' }],
    flags: [],
    summary: 'export subnets and IP addresses to FILE.csv or FILE.xlsx (every field, effective location and VLAN)',
    human: (r: any) => `Exported ${plural(r.subnets, 'subnet')} and ${plural(r.ips, 'IP address', 'IP addresses')} to ${r.file}`,
  },
  {
    words: ['import', 'profile', 'list'], method: 'import.profile.list', positionals: [], flags: [], summary: 'list saved mapping profiles',
    human: (r: any) => (r.profiles.length ? r.profiles.map((p: any) => `${p.name}: ${profileText(p)}`).join('\n') : '(none)'),
  },
  {
    words: ['import', 'profile', 'show'], method: 'import.profile.get', positionals: [{ name: 'NAME', field: 'name' }], flags: [], summary: 'show a mapping profile',
    human: (r: any) => `${r.profile.name}: ${profileText(r.profile)}`,
  },
  {
    words: ['import', 'profile', 'save'], method: 'import.profile.save', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [
      f('map', 'list', 'map a column: HEADER=FIELD (FIELD empty ignores it; repeatable)', { field: 'mapping' }),
      f('status-map', 'list', 'what a status word means: VALUE=TARGET (repeatable)', { field: 'statuses' }),
      f('merge', 'bool', 'keep the profile\'s other entries'),
    ],
    summary: 'save a mapping profile for files of the same shape',
    human: (r: any) => `Saved profile ${r.profile.name}: ${profileText(r.profile)}`,
  },
  {
    words: ['import', 'profile', 'delete'], method: 'import.profile.delete', positionals: [{ name: 'NAME', field: 'name' }], flags: [], summary: 'delete a mapping profile',
    human: (r: any) => `Deleted profile ${r.deleted}`,
  },
];

function profileText(p: { mapping: Record<string, string | null>; statuses: Record<string, string> }): string {
  const m = Object.entries(p.mapping).map(([h, v]) => `${h}=${v ?? '(ignored)'}`);
  const s = Object.entries(p.statuses).map(([k, v]) => `status ${k}=${v}`);
  return [...m, ...s].join(', ') || '(empty)';
}

/**
 * `fluxplan prefixes`: the prefix list a NetBox user knows (indented by depth, a utilization bar per row, the free
 * space inline as `available` rows), from tree.rows. Other tools script against these words, flags and JSON fields.
 */
import type { MethodResult } from '../../shared/api/contract';
import type { Command, Flag, FlagType } from '../cli/commands';

// A local twin of cli/commands' `flag`: importing the value would close an import cycle.
const f = (name: string, type: FlagType, help: string, extra: Partial<Flag> = {}): Flag => ({ name, type, help, ...extra });

type Result = MethodResult<'tree.rows'>;
type Row = Result['rows'][number];

const STATUS_WORD: Record<Row['status'], string> = {
  allocated: 'allocated',
  pool: 'IP pool',
  parked: 'parked',
  subdivided: 'subdivided',
  free: 'free',
  held: 'in parked space',
  available: 'available',
};

const BAR_CELLS = 10;

/** Ten cells, one per 10%; any use at all fills at least one, so a nearly empty block never reads as empty. */
function bar(utilization: number): string {
  const filled = utilization === 0 ? 0 : Math.min(BAR_CELLS, Math.max(1, Math.round(utilization / 10)));
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}`;
}

function percent(utilization: number): string {
  if (utilization === 0) return '0%';
  if (utilization < 1) return '<1%';
  if (utilization > 99 && utilization < 100) return '>99%';
  return `${Math.round(utilization)}%`;
}

function facts(r: Row): string {
  if (r.kind === 'available') return '';
  return [r.customer, r.service && `service ${r.service}`, r.device, r.location, r.vlan !== null ? `vlan ${r.vlan}` : null, r.description]
    .filter(Boolean)
    .join(' · ');
}

function prefixLines(r: Result): string[] {
  if (r.total === 0) return ['No subnets here. Add one with: fluxplan subnet add CIDR'];
  const label = (row: Row) => `${'  '.repeat(row.depth)}${row.kind === 'available' ? 'available: ' : ''}${row.cidr}`;
  const width = Math.max('PREFIX'.length, ...r.rows.map((row) => label(row).length));
  const statusWidth = Math.max('STATUS'.length, ...r.rows.map((row) => STATUS_WORD[row.status].length));
  const line = (cells: string[]) => cells.join('  ').trimEnd();
  const lines = [line(['PREFIX'.padEnd(width), 'STATUS'.padEnd(statusWidth), 'UTILIZATION'.padEnd(BAR_CELLS + 5), 'OWNER · LOCATION · DESCRIPTION'])];
  for (const row of r.rows) {
    lines.push(line([label(row).padEnd(width), STATUS_WORD[row.status].padEnd(statusWidth), `${bar(row.utilization)} ${percent(row.utilization).padStart(4)}`, facts(row)]));
  }
  const to = r.offset + r.rows.length;
  if (r.rows.length === 0) lines.push(`(none past ${r.offset} of ${r.total})`);
  else if (r.total > r.rows.length) lines.push(`(${r.offset + 1}-${to} of ${r.total}${to < r.total ? `; --offset ${to} for the next` : ''})`);
  return lines;
}

export const treeRowsCommands: Command[] = [
  {
    words: ['prefixes'],
    method: 'tree.rows',
    positionals: [{ name: 'CIDR', field: 'cidr', optional: true }],
    flags: [
      f('family', 'int', 'only IPv4 (4) or IPv6 (6)'),
      f('collapse', 'list', 'hide the rows below this subnet (repeatable)', { field: 'collapsed' }),
      f('no-available', 'bool', 'leave out the available (free) rows', { field: 'available', value: false }),
      f('limit', 'int', 'at most N rows (1-1000, default 200), with --offset for the next pages'),
      f('offset', 'int', 'skip the first N rows'),
    ],
    summary: 'the prefix list: indented, with utilization and the available space inline',
    human: (r: Result) => prefixLines(r).join('\n'),
  },
];

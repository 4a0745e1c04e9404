/**
 * The command line's surface: each command names its words, positionals and flags, and maps them
 * onto one method of the API contract. Other tools script against these names; keep them.
 */
import type { MethodName } from '../../shared/api/contract';
import { rdnsCommands } from '../rdns/commands';
import { billingCommands } from '../billing/commands';
import { syncCommands } from '../sync/commands';
import { importCommands } from '../import/commands';
import { catalogCommands } from '../catalog/commands';
import { provisioningCommands } from '../provisioning/commands';
import { treeRowsCommands } from '../tree/tree-rows-commands';

export type FlagType = 'string' | 'int' | 'bool' | 'list' | 'nullable-string' | 'nullable-int' | 'json';

export interface Flag {
  name: string;
  type: FlagType;
  /** The contract field it fills; defaults to the flag name with dashes as underscores. */
  field?: string;
  help: string;
  /** A bool flag that sets the field to this value instead of true. */
  value?: unknown;
}

export interface Command {
  words: string[];
  method: MethodName;
  positionals: Array<{ name: string; field: string; type?: 'int'; optional?: boolean }>;
  flags: Flag[];
  summary: string;
  /** Fixed arguments added to every call. */
  fixed?: Record<string, unknown>;
  /** Terminal output; without it the CLI prints a generic summary. */
  human?: (result: any) => string;
  /** A command that reports a partial result (failed rows, conflicts) exits 1 while printing it. */
  exitCode?: (result: any) => number;
}

/** One flag; domains use it to declare their commands in their own folders. */
export const flag = (name: string, type: FlagType, help: string, extra: Partial<Flag> = {}): Flag => ({ name, type, help, ...extra });
const f = flag;

const scopeFlags = [
  f('pool', 'list', 'only look inside this subnet (repeatable)', { field: 'pools' }),
  f('location', 'string', 'only look where the effective location is CODE'),
  f('pool-vlan', 'int', 'only look where the effective VLAN is VID'),
];
const linkFlags = [
  f('customer', 'string', 'link to customer ID'),
  f('service', 'string', 'link to service ID'),
  f('device', 'string', 'link to device NAME'),
];
const dryRun = f('dry-run', 'bool', 'show what would be allocated, write nothing');
const cidr = (optional = false) => ({ name: 'CIDR', field: 'cidr', optional });
const address = { name: 'ADDRESS', field: 'address' };

export const COMMANDS: Command[] = [
  ...catalogCommands,
  ...provisioningCommands,
  {
    words: ['subnet', 'add'], method: 'subnet.add', positionals: [cidr()],
    flags: [
      f('location', 'string', 'location CODE (cascades to everything below)'), f('vlan', 'int', 'VLAN VID at the effective location'),
      f('description', 'string', 'free text'), f('ip-pool', 'bool', 'hand single addresses out of this subnet'),
    ],
    summary: 'add a subnet (carves a free leaf, or becomes the parent of existing roots)',
  },
  {
    words: ['subnet', 'set'], method: 'subnet.set', positionals: [cidr()],
    flags: [
      f('location', 'nullable-string', 'location CODE ("" clears)'), f('vlan', 'nullable-int', 'VLAN VID ("" or none clears)'),
      f('description', 'nullable-string', 'free text ("" clears)'), f('ip-pool', 'bool', 'make it an IP pool'),
      f('no-ip-pool', 'bool', 'stop handing out single addresses', { field: 'ip_pool', value: false }),
      f('customer', 'nullable-string', 're-link an allocated subnet to customer ID ("" clears)'),
      f('service', 'nullable-string', 're-link to service ID ("" clears)'),
      f('device', 'nullable-string', 're-link to device NAME ("" clears)'),
    ],
    summary: 'change a subnet',
  },
  { words: ['subnet', 'show'], method: 'subnet.get', positionals: [cidr()], flags: [], summary: 'show one subnet with its ancestors and children' },
  { words: ['subnet', 'delete'], method: 'subnet.delete', positionals: [cidr()], flags: [], summary: 'delete a subnet whose space is all free and unlinked' },
  { words: ['subnet', 'split'], method: 'subnet.split', positionals: [cidr()], flags: [f('to', 'int', 'the prefix length of the pieces (required)')], summary: 'split a free leaf into /LEN pieces' },
  { words: ['subnet', 'merge'], method: 'subnet.merge', positionals: [cidr()], flags: [], summary: 'merge a fully free subtree back into one leaf' },
  { words: ['subnet', 'park'], method: 'subnet.park', positionals: [cidr()], flags: [], summary: 'take a subnet and all below it out of allocation' },
  { words: ['subnet', 'unpark'], method: 'subnet.unpark', positionals: [cidr()], flags: [], summary: 'put a parked subnet back' },
  { words: ['subnet', 'release'], method: 'subnet.release', positionals: [cidr()], flags: [], summary: 'return an allocated subnet to free' },
  {
    words: ['allocate', 'subnet'], method: 'allocate.subnet', positionals: [],
    flags: [
      f('family', 'int', '4 or 6'), f('prefix', 'int', 'prefix length of the block'), f('cidr', 'string', 'allocate this exact block instead'),
      ...scopeFlags, ...linkFlags, f('vlan', 'int', 'set VLAN VID on the block'), f('description', 'string', 'free text'), dryRun,
    ],
    summary: 'allocate the next free block: exact fit, else merge, else split',
  },
  {
    words: ['allocate', 'ip'], method: 'allocate.ip', positionals: [],
    flags: [
      f('family', 'int', '4 (default) or 6'), f('address', 'string', 'record this exact address instead'), ...scopeFlags, ...linkFlags,
      f('purpose', 'string', 'primary, additional, management, ...'), f('description', 'string', 'free text'), dryRun,
    ],
    summary: 'allocate the lowest free address from the IP pools in scope',
  },
  {
    words: ['ip', 'list'], method: 'ip.list', positionals: [cidr(true)],
    flags: [
      f('text', 'string', 'only records whose address, subnet, customer, service, device, purpose or PTR name contains TEXT'),
      f('ptr', 'string', 'any (default), named, unnamed, or unpushed (named, never pushed)'),
      f('limit', 'int', 'at most N records (1-1000), with --offset for the next pages'), f('offset', 'int', 'skip the first N matches'),
    ],
    summary: 'list IP records',
  },
  { words: ['ip', 'park'], method: 'ip.park', positionals: [address], flags: [], summary: 'take one address out of allocation' },
  { words: ['ip', 'unpark'], method: 'ip.unpark', positionals: [address], flags: [], summary: 'put a parked address back' },
  { words: ['ip', 'release'], method: 'ip.release', positionals: [address], flags: [], summary: 'free an address' },
  { words: ['tree'], method: 'tree.get', positionals: [cidr(true)], flags: [f('depth', 'int', 'levels below the top to show')], summary: 'show the prefix tree' },
  ...treeRowsCommands,
  { words: ['capacity'], method: 'capacity.get', positionals: [cidr(true)], flags: [f('location', 'string', 'only space whose effective location is CODE')], summary: 'utilization and free blocks per prefix length' },
  {
    words: ['check'], method: 'check.run', positionals: [], flags: [], summary: 'verify every invariant; exit 1 on a violation',
    exitCode: (r: { ok: boolean }) => (r.ok ? 0 : 1),
  },
  {
    words: ['log'], method: 'log.list', positionals: [],
    flags: [
      f('limit', 'int', 'newest N entries (default 50)'), f('service', 'string', 'only this service'), f('action', 'string', 'only this action'),
      f('failed', 'bool', 'only failures', { field: 'success', value: false }),
    ],
    summary: 'show provisioning_logs',
  },
  { words: ['journal'], method: 'journal.list', positionals: [], flags: [f('limit', 'int', 'newest N batches (default 50)')], summary: 'show the change journal, one line per action' },
  { words: ['undo'], method: 'journal.undo', positionals: [], flags: [], summary: 'undo the last action' },
  { words: ['redo'], method: 'journal.redo', positionals: [], flags: [], summary: 'redo the last undone action' },
  ...rdnsCommands,
  ...billingCommands,
  ...syncCommands,
  ...importCommands,
];

/** Options every command accepts, anywhere on the line. */
export const GLOBAL_FLAGS: Flag[] = [
  f('db', 'string', 'plan file (default: the desktop app\'s, or $FLUXPLAN_DB)'),
  f('json', 'bool', 'print one JSON object, snake_case fields'),
  f('space', 'string', 'address space (default global)'),
  f('help', 'bool', 'show help'),
];

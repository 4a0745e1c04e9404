/**
 * `fluxplan space|location|vlan|customer|device ...`: the catalog the tree refers to, added, edited and
 * removed. Other tools script against these words, flags and JSON fields; keep them.
 */
import type { Command, Flag, FlagType } from '../cli/commands';

// A local twin of cli/commands' `flag`: importing the value would close an import cycle.
const f = (name: string, type: FlagType, help: string, extra: Partial<Flag> = {}): Flag => ({ name, type, help, ...extra });

export const catalogCommands: Command[] = [
  { words: ['space', 'add'], method: 'space.add', positionals: [{ name: 'NAME', field: 'name' }], flags: [f('description', 'string', 'what the space is for')], summary: 'add an address space (like a VRF)' },
  { words: ['space', 'list'], method: 'space.list', positionals: [], flags: [], summary: 'list address spaces' },
  {
    words: ['space', 'remove'], method: 'space.remove', positionals: [{ name: 'NAME', field: 'name' }], flags: [],
    summary: 'remove an empty address space (never global)', human: (r: { removed: string }) => `Removed space ${r.removed}`,
  },
  { words: ['location', 'add'], method: 'location.add', positionals: [{ name: 'CODE', field: 'code' }], flags: [f('name', 'string', 'display name')], summary: 'add a location, e.g. EU-FRA' },
  { words: ['location', 'set'], method: 'location.set', positionals: [{ name: 'CODE', field: 'code' }], flags: [f('name', 'nullable-string', 'display name ("" clears)')], summary: 'rename a location' },
  { words: ['location', 'list'], method: 'location.list', positionals: [], flags: [], summary: 'list locations' },
  {
    words: ['location', 'remove'], method: 'location.remove', positionals: [{ name: 'CODE', field: 'code' }], flags: [],
    summary: 'remove a location no VLAN, subnet or device refers to', human: (r: { removed: string }) => `Removed location ${r.removed}`,
  },
  {
    words: ['vlan', 'add'], method: 'vlan.add', positionals: [{ name: 'VID', field: 'vid', type: 'int' }],
    flags: [f('location', 'string', 'the location the VLAN belongs to (required)'), f('name', 'string', 'VLAN name'), f('disabled', 'bool', 'add it disabled', { field: 'enabled', value: false })],
    summary: 'add a VLAN at a location',
  },
  {
    words: ['vlan', 'set'], method: 'vlan.set', positionals: [{ name: 'VID', field: 'vid', type: 'int' }],
    flags: [
      f('location', 'string', 'the location the VLAN belongs to (required)'), f('name', 'nullable-string', 'VLAN name ("" clears)'),
      f('enable', 'bool', 'enable the VLAN at its location', { field: 'enabled', value: true }),
      f('disable', 'bool', 'disable the VLAN at its location', { field: 'enabled', value: false }),
    ],
    summary: 'rename, enable or disable a VLAN',
  },
  { words: ['vlan', 'list'], method: 'vlan.list', positionals: [], flags: [f('location', 'string', 'only this location')], summary: 'list VLANs' },
  {
    words: ['vlan', 'remove'], method: 'vlan.remove', positionals: [{ name: 'VID', field: 'vid', type: 'int' }],
    flags: [f('location', 'string', 'the location the VLAN belongs to (required)')],
    summary: 'remove a VLAN no subnet or IP record carries',
    human: (r: { removed: { vid: number; location: string } }) => `Removed VLAN ${r.removed.vid} at ${r.removed.location}`,
  },
  { words: ['customer', 'add'], method: 'customer.add', positionals: [{ name: 'ID', field: 'id' }], flags: [f('name', 'string', 'customer name')], summary: 'add a customer by the ID you use for it' },
  {
    words: ['customer', 'set'], method: 'customer.set', positionals: [{ name: 'ID', field: 'ref' }],
    flags: [
      f('name', 'nullable-string', 'customer name ("" clears)'),
      f('id', 'string', 'a new ID: refused, the ID is the customer\'s identity in FluxBilling and sync (the error says what to do)', { field: 'new_ref' }),
    ],
    summary: 'rename a customer (its display name; the ID stays)',
    human: (r: { customer: { customer: string; name: string | null } }) => `Updated customer ${r.customer.customer}${r.customer.name ? ` (${r.customer.name})` : ', no name'}`,
  },
  { words: ['customer', 'list'], method: 'customer.list', positionals: [], flags: [], summary: 'list customers' },
  {
    words: ['customer', 'remove'], method: 'customer.remove', positionals: [{ name: 'ID', field: 'ref' }], flags: [],
    summary: 'remove a customer that holds no subnet, IP address or service', human: (r: { removed: string }) => `Removed customer ${r.removed}`,
  },
  {
    words: ['device', 'add'], method: 'device.add', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [f('location', 'string', 'where the device stands'), f('kind', 'string', 'server, switch, router, ...')], summary: 'add a device',
  },
  {
    words: ['device', 'set'], method: 'device.set', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [f('location', 'nullable-string', 'where the device stands ("" clears)'), f('kind', 'nullable-string', 'server, switch, router, ... ("" clears)')],
    summary: 'move a device or change its kind',
    human: (r: { device: { name: string; location: string | null; kind: string | null } }) =>
      `Updated device ${r.device.name}: ${r.device.location ? `at ${r.device.location}` : 'no location'}, ${r.device.kind ?? 'no kind'}`,
  },
  { words: ['device', 'list'], method: 'device.list', positionals: [], flags: [], summary: 'list devices' },
  {
    words: ['device', 'remove'], method: 'device.remove', positionals: [{ name: 'NAME', field: 'name' }], flags: [],
    summary: 'remove a device that holds no address, subnet or service', human: (r: { removed: string }) => `Removed device ${r.removed}`,
  },
];

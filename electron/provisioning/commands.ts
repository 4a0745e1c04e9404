/**
 * `fluxplan device mgmt|wipe`, `product ...`, `service ...`, `provision`, `cancel`: products and their
 * rules, services, and allocate on provision. Other tools script against these words, flags and JSON
 * fields; keep them.
 */
import type { Command, Flag, FlagType } from '../cli/commands';

// A local twin of cli/commands' `flag`: importing the value would close an import cycle.
const f = (name: string, type: FlagType, help: string, extra: Partial<Flag> = {}): Flag => ({ name, type, help, ...extra });

const dryRun = f('dry-run', 'bool', 'show what would be allocated, write nothing');

interface ServiceLine {
  service: string;
  customer: string | null;
  product: string | null;
  device: string | null;
  status: string;
}

export const provisioningCommands: Command[] = [
  {
    words: ['device', 'mgmt'], method: 'device.mgmt', positionals: [{ name: 'NAME', field: 'name' }, { name: 'ADDRESS', field: 'address' }],
    flags: [f('purpose', 'string', 'bmc, switch-mgmt, ... (default management)')], summary: 'attach a management IP that stays with the hardware',
  },
  { words: ['wipe'], method: 'device.wipe', positionals: [{ name: 'NAME', field: 'name' }], flags: [], summary: 'release every non-management allocation on a device' },
  {
    words: ['product', 'add'], method: 'product.add', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [f('ipam-config', 'json', 'the allocation rules: JSON, or @FILE (required)')], summary: 'add a product with its ipam_config',
  },
  {
    words: ['product', 'set'], method: 'product.set', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [f('ipam-config', 'json', 'the allocation rules: JSON, or @FILE (required)')], summary: 'replace a product\'s ipam_config',
  },
  { words: ['product', 'list'], method: 'product.list', positionals: [], flags: [], summary: 'list products and their rules' },
  {
    words: ['product', 'remove'], method: 'product.remove', positionals: [{ name: 'NAME', field: 'name' }], flags: [],
    summary: 'remove a product no service uses', human: (r: { removed: string }) => `Removed product ${r.removed}`,
  },
  {
    words: ['service', 'add'], method: 'service.add', positionals: [{ name: 'ID', field: 'id' }],
    flags: [f('customer', 'string', 'customer ID (required)'), f('product', 'string', 'product NAME (required)'), f('device', 'string', 'device NAME')],
    summary: 'add a service: a customer\'s product on a device',
  },
  {
    words: ['service', 'set'], method: 'service.set', positionals: [{ name: 'ID', field: 'ref' }],
    flags: [
      f('customer', 'string', 'move it to customer ID (only while it holds nothing)'),
      f('product', 'string', 'another product NAME: its rules apply at the next provision'),
      f('device', 'nullable-string', 'move it to device NAME (only while it holds nothing; "" clears)'),
    ],
    summary: 'change a service\'s product, customer or device',
    human: (r: { service: ServiceLine }) =>
      `Updated service ${r.service.service} (${r.service.customer}, ${r.service.product}${r.service.device ? ` on ${r.service.device}` : ', no device'})`,
  },
  {
    words: ['service', 'list'], method: 'service.list', positionals: [],
    flags: [f('customer', 'string', 'only this customer'), f('status', 'string', 'pending, active or cancelled')], summary: 'list services',
  },
  {
    words: ['service', 'remove'], method: 'service.remove', positionals: [{ name: 'ID', field: 'ref' }], flags: [],
    summary: 'remove a service that holds nothing (cancel it first)', human: (r: { removed: string }) => `Removed service ${r.removed}`,
  },
  { words: ['provision'], method: 'service.provision', positionals: [{ name: 'ID', field: 'id' }], flags: [dryRun], summary: 'fulfil a service\'s ipam_config in one transaction' },
  { words: ['cancel'], method: 'service.cancel', positionals: [{ name: 'ID', field: 'id' }], flags: [], summary: 'release everything a service holds (management IPs stay)' },
];

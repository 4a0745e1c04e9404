/** Spaces, locations, VLANs, customers and devices: the keys the tree refers to. */
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { ipsLinked, refuseIfReferenced, rowsLinked, servicesLinked, subnetsLinked } from './references';
import { locationId } from './resolve';
import { deleteRow, insertRow, updateRow } from './rows';

type Row = Record<string, unknown> & { id: number };

function requireNew(plan: Plan, sql: string, args: unknown[], what: string): void {
  if (plan.q(sql).get(...args)) throw new FluxError('EXISTS', `${what} already exists`);
}

function requireText(value: string, what: string): string {
  const v = value.trim();
  if (!v) throw new FluxError('INVALID_ARGUMENT', `${what} must not be empty`);
  return v;
}

export function addSpace(plan: Plan, name: string, description?: string) {
  const n = requireText(name, 'A space name');
  requireNew(plan, 'SELECT 1 FROM spaces WHERE name = ?', [n], `Space ${n}`);
  return insertRow(plan, 'space', { name: n, description: description ?? null });
}

export function addLocation(plan: Plan, code: string, name?: string) {
  const c = requireText(code, 'A location code');
  requireNew(plan, 'SELECT 1 FROM locations WHERE code = ?', [c], `Location ${c}`);
  return insertRow(plan, 'location', { code: c, name: name ?? null });
}

export function setLocation(plan: Plan, code: string, name: string | null) {
  const row = plan.q('SELECT * FROM locations WHERE code = ?').get(code) as Record<string, unknown> & { id: number };
  if (!row) throw new FluxError('NOT_FOUND', `Location ${code} does not exist`);
  return updateRow(plan, 'location', row, { name });
}

export function checkVid(vid: number): void {
  if (!Number.isInteger(vid) || vid < 1 || vid > 4094) throw new FluxError('INVALID_ARGUMENT', `VLAN ID ${vid} is out of range 1-4094`);
}

export function addVlan(plan: Plan, vid: number, location: string, name?: string, enabled = true) {
  checkVid(vid);
  const loc = locationId(plan, location);
  requireNew(plan, 'SELECT 1 FROM vlans WHERE location_id = ? AND vid = ?', [loc, vid], `VLAN ${vid} at ${location}`);
  return insertRow(plan, 'vlan', { vid, location_id: loc, name: name ?? null, enabled: enabled ? 1 : 0 });
}

export function setVlan(plan: Plan, vid: number, location: string, patch: { name?: string | null; enabled?: boolean }) {
  const loc = locationId(plan, location);
  const row = plan.q('SELECT * FROM vlans WHERE location_id = ? AND vid = ?').get(loc, vid) as (Record<string, unknown> & { id: number }) | undefined;
  if (!row) throw new FluxError('NOT_FOUND', `VLAN ${vid} does not exist at ${location}`);
  const next: Record<string, unknown> = {};
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.enabled !== undefined) next.enabled = patch.enabled ? 1 : 0;
  return updateRow(plan, 'vlan', row, next);
}

export function addCustomer(plan: Plan, ref: string, name?: string) {
  const r = requireText(ref, 'A customer ID');
  requireNew(plan, 'SELECT 1 FROM customers WHERE ref = ?', [r], `Customer ${r}`);
  return insertRow(plan, 'customer', { ref: r, name: name ?? null });
}

export function addDevice(plan: Plan, name: string, location?: string, kind?: string) {
  const n = requireText(name, 'A device name');
  requireNew(plan, 'SELECT 1 FROM devices WHERE name = ?', [n], `Device ${n}`);
  return insertRow(plan, 'device', { name: n, location_id: location ? locationId(plan, location) : null, kind: kind ?? null });
}

// ---- edit and remove. A removal deletes the one row and nothing else; while anything refers to
// the row it is refused, naming what does, and nothing changes.

function rowOf(plan: Plan, sql: string, args: unknown[], missing: string): Row {
  const row = plan.q(sql).get(...args) as Row | undefined;
  if (!row) throw new FluxError('NOT_FOUND', missing);
  return row;
}

/** Free text as stored: trimmed, and empty means none. */
function optionalText(value: string | null): string | null {
  const v = value?.trim() ?? '';
  return v === '' ? null : v;
}

export function customerRow(plan: Plan, ref: string): Row {
  return rowOf(plan, 'SELECT * FROM customers WHERE ref = ?', [ref], `Customer ${ref} does not exist`);
}

/**
 * Changes a customer's display name. Its ID is its identity in FluxBilling and in sync, so it never
 * changes: asking for another one is refused with the way to get there.
 */
export function setCustomer(plan: Plan, ref: string, patch: { name?: string | null | undefined; new_ref?: string | undefined }): Row {
  const row = customerRow(plan, ref);
  const wanted = patch.new_ref?.trim();
  if (wanted !== undefined && wanted !== row.ref) {
    throw new FluxError(
      'INVALID_ARGUMENT',
      `A customer's ID cannot change: ${ref} is its identity in FluxBilling and in sync. To use ${wanted || 'another ID'} instead, add that customer ` +
        `(customer add ${wanted || 'ID'}), move what ${ref} holds to it (subnet set CIDR --customer ${wanted || 'ID'}, service set SERVICE --customer ${wanted || 'ID'}), ` +
        `then remove ${ref} (customer remove ${ref})`,
    );
  }
  if (patch.name === undefined) {
    if (wanted !== undefined) return row;
    throw new FluxError('INVALID_ARGUMENT', `Nothing to change for customer ${ref}: give a name (--name NAME; "" clears it)`);
  }
  return updateRow(plan, 'customer', row, { name: optionalText(patch.name) });
}

export function removeCustomer(plan: Plan, ref: string): string {
  const row = customerRow(plan, ref);
  refuseIfReferenced(`Customer ${ref}`, 'still holds', [
    subnetsLinked(plan, 'customer_id', row.id, 'release the subnets or move them to another customer (subnet release CIDR, subnet set CIDR --customer ID)'),
    ipsLinked(plan, 'customer_id', row.id, 'release the IP addresses (ip release ADDRESS)'),
    servicesLinked(plan, 'customer_id', row.id, 'remove the services or move them to another customer (service remove ID, service set ID --customer ID)'),
  ]);
  deleteRow(plan, 'customer', row);
  return ref;
}

export function deviceRow(plan: Plan, name: string): Row {
  return rowOf(plan, 'SELECT * FROM devices WHERE name = ?', [name], `Device ${name} does not exist`);
}

/** Moves a device to another location (null: none) or changes its kind. Its name is its key and stays. */
export function setDevice(plan: Plan, name: string, patch: { location?: string | null | undefined; kind?: string | null | undefined }): Row {
  const row = deviceRow(plan, name);
  if (patch.location === undefined && patch.kind === undefined) {
    throw new FluxError('INVALID_ARGUMENT', `Nothing to change for device ${name}: give --location CODE or --kind KIND ("" clears either)`);
  }
  const next: Record<string, unknown> = {};
  if (patch.location !== undefined) {
    const code = optionalText(patch.location);
    next.location_id = code === null ? null : locationId(plan, code);
  }
  if (patch.kind !== undefined) next.kind = optionalText(patch.kind);
  return updateRow(plan, 'device', row, next);
}

export function removeDevice(plan: Plan, name: string): string {
  const row = deviceRow(plan, name);
  refuseIfReferenced(`Device ${name}`, 'still holds', [
    ipsLinked(plan, 'device_id', row.id, 'release its management addresses (ip release ADDRESS)', true),
    subnetsLinked(plan, 'device_id', row.id, `release its allocations (wipe ${name})`),
    ipsLinked(plan, 'device_id', row.id, `release its allocations (wipe ${name})`, false),
    servicesLinked(plan, 'device_id', row.id, 'remove its services or move them to another device (service remove ID, service set ID --device NAME)'),
  ]);
  deleteRow(plan, 'device', row);
  return name;
}

export function removeLocation(plan: Plan, code: string): string {
  const row = rowOf(plan, 'SELECT * FROM locations WHERE code = ?', [code], `Location ${code} does not exist`);
  refuseIfReferenced(`Location ${code}`, 'still has', [
    rowsLinked(plan, {
      table: 'vlans', column: 'location_id', id: row.id, label: 'vid', order: 'vid', key: 'vlans', noun: ['VLAN', 'VLANs'],
      advice: `remove its VLANs (vlan remove VID --location ${code})`,
    }),
    subnetsLinked(plan, 'location_id', row.id, 'clear the location of those subnets (subnet set CIDR --location "")'),
    rowsLinked(plan, {
      table: 'devices', column: 'location_id', id: row.id, label: 'name', order: 'name', key: 'devices', noun: ['device', 'devices'],
      advice: 'move the devices elsewhere or clear their location (device set NAME --location CODE, or "")',
    }),
  ]);
  deleteRow(plan, 'location', row);
  return code;
}

export function removeVlan(plan: Plan, vid: number, location: string): { vid: number; location: string } {
  checkVid(vid);
  const loc = locationId(plan, location);
  const row = rowOf(plan, 'SELECT * FROM vlans WHERE location_id = ? AND vid = ?', [loc, vid], `VLAN ${vid} does not exist at ${location}`);
  refuseIfReferenced(`VLAN ${vid} at ${location}`, 'is still set on', [
    subnetsLinked(plan, 'vlan_id', row.id, 'clear the VLAN of those subnets (subnet set CIDR --vlan "")'),
    ipsLinked(plan, 'vlan_id', row.id, 'release the IP addresses (ip release ADDRESS)'),
  ]);
  deleteRow(plan, 'vlan', row);
  return { vid, location };
}

export function removeSpace(plan: Plan, name: string): string {
  if (name === 'global') throw new FluxError('INVALID_ARGUMENT', 'The global address space always exists and cannot be removed');
  const row = rowOf(plan, 'SELECT * FROM spaces WHERE name = ?', [name], `Address space "${name}" does not exist`);
  refuseIfReferenced(`Address space ${name}`, 'still holds', [
    rowsLinked(plan, {
      table: 'subnets', column: 'space_id', id: row.id, label: 'cidr', order: 'ip_version, net', where: 'parent_id IS NULL', key: 'subnets',
      noun: ['root subnet', 'root subnets'], advice: `release and delete its subnets (subnet release CIDR, subnet delete CIDR --space ${name})`,
    }),
    rowsLinked(plan, {
      table: 'rdns_providers', column: 'space_id', id: row.id, label: 'name', order: 'name', key: 'rdns_providers',
      noun: ['rDNS provider', 'rDNS providers'], advice: 'remove its rDNS providers (rdns provider remove NAME)',
    }),
    rowsLinked(plan, {
      table: 'rdns_zones', column: 'space_id', id: row.id, label: 'name', order: 'name', key: 'rdns_zones',
      noun: ['declared rDNS zone', 'declared rDNS zones'], advice: `remove its declared rDNS zones (rdns zone remove ZONE --space ${name})`,
    }),
  ]);
  deleteRow(plan, 'space', row);
  return name;
}

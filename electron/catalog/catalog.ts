/** Spaces, locations, VLANs, customers and devices: the keys the tree refers to. */
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { locationId } from './resolve';
import { insertRow, updateRow } from './rows';

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

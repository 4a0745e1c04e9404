/** Turns the planner's keys (space name, location code, VID, customer and service IDs, device name) into rows. */
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';

export interface Named {
  id: number;
}

function one<T>(plan: Plan, sql: string, arg: unknown): T | undefined {
  return plan.q(sql).get(arg) as T | undefined;
}

export function spaceId(plan: Plan, name: string): number {
  const row = one<Named>(plan, 'SELECT id FROM spaces WHERE name = ?', name);
  if (!row) throw new FluxError('NOT_FOUND', `Address space "${name}" does not exist (add it with: space add ${name})`);
  return row.id;
}

export function locationId(plan: Plan, code: string): number {
  const row = one<Named>(plan, 'SELECT id FROM locations WHERE code = ?', code);
  if (!row) throw new FluxError('NOT_FOUND', `Location ${code} does not exist (add it with: location add ${code})`);
  return row.id;
}

export function locationCode(plan: Plan, id: number | null): string | null {
  if (id === null) return null;
  return (one<{ code: string }>(plan, 'SELECT code FROM locations WHERE id = ?', id) ?? { code: null }).code;
}

/** VLANs live at a location: a VID means the VLAN of that number at the subnet's effective location. */
export function vlanId(plan: Plan, locationIdValue: number | null, vid: number): number {
  if (locationIdValue === null) {
    throw new FluxError('NOT_FOUND', `VLAN ${vid} needs a location: give the subnet a location (--location) first`);
  }
  const row = plan.q('SELECT id FROM vlans WHERE location_id = ? AND vid = ?').get(locationIdValue, vid) as Named | undefined;
  if (!row) {
    const code = locationCode(plan, locationIdValue);
    throw new FluxError('NOT_FOUND', `VLAN ${vid} does not exist at ${code} (add it with: vlan add ${vid} --location ${code})`);
  }
  return row.id;
}

export function vlanVid(plan: Plan, id: number | null): number | null {
  if (id === null) return null;
  return (one<{ vid: number }>(plan, 'SELECT vid FROM vlans WHERE id = ?', id) ?? { vid: null }).vid;
}

export function customerId(plan: Plan, ref: string): number {
  const row = one<Named>(plan, 'SELECT id FROM customers WHERE ref = ?', ref);
  if (!row) throw new FluxError('NOT_FOUND', `Customer ${ref} does not exist (add it with: customer add ${ref})`);
  return row.id;
}

export function serviceRow(plan: Plan, ref: string): { id: number; ref: string; customer_id: number | null; device_id: number | null } {
  const row = one<{ id: number; ref: string; customer_id: number | null; device_id: number | null }>(plan, 'SELECT id, ref, customer_id, device_id FROM services WHERE ref = ?', ref);
  if (!row) throw new FluxError('NOT_FOUND', `Service ${ref} does not exist`);
  return row;
}

export function deviceId(plan: Plan, name: string): number {
  const row = one<Named>(plan, 'SELECT id FROM devices WHERE name = ?', name);
  if (!row) throw new FluxError('NOT_FOUND', `Device ${name} does not exist (add it with: device add ${name} --location CODE)`);
  return row.id;
}

export interface Links {
  customer_id: number | null;
  service_id: number | null;
  device_id: number | null;
}

/** Customer, service and device given by their keys; a service fills in its customer and device when they are not given. */
export function resolveLinks(plan: Plan, keys: { customer?: string | undefined; service?: string | undefined; device?: string | undefined }): Links {
  const service = keys.service ? serviceRow(plan, keys.service) : null;
  const customer = keys.customer ? customerId(plan, keys.customer) : service?.customer_id ?? null;
  const device = keys.device ? deviceId(plan, keys.device) : service?.device_id ?? null;
  if (service && keys.customer && service.customer_id !== null && service.customer_id !== customer) {
    throw new FluxError('CONFLICT', `Service ${keys.service} belongs to another customer than ${keys.customer}`);
  }
  return { customer_id: customer, service_id: service?.id ?? null, device_id: device };
}

import type { Plan } from '../plan';
import type { HandlerMap } from '../api/handler';
import {
  addCustomer, addDevice, addLocation, addSpace, addVlan, removeCustomer, removeDevice, removeLocation, removeSpace, removeVlan, setCustomer, setDevice, setLocation,
  setVlan,
} from './catalog';
import { locationCode, locationId } from './resolve';

type Row = Record<string, unknown>;

const space = (r: Row) => ({ id: r.id as number, name: r.name as string, description: (r.description as string | null) ?? null });
const location = (r: Row) => ({ id: r.id as number, code: r.code as string, name: (r.name as string | null) ?? null });
const customer = (r: Row) => ({ id: r.id as number, customer: r.ref as string, name: (r.name as string | null) ?? null });
const vlan = (plan: Plan, r: Row) => ({
  id: r.id as number,
  vid: r.vid as number,
  location: locationCode(plan, r.location_id as number)!,
  name: (r.name as string | null) ?? null,
  enabled: !!r.enabled,
});
const device = (plan: Plan, r: Row) => ({
  id: r.id as number,
  name: r.name as string,
  location: locationCode(plan, (r.location_id as number | null) ?? null),
  kind: (r.kind as string | null) ?? null,
});

export const catalogHandlers: HandlerMap<
  | 'space.add' | 'space.list' | 'space.remove' | 'location.add' | 'location.set' | 'location.list' | 'location.remove'
  | 'vlan.add' | 'vlan.set' | 'vlan.list' | 'vlan.remove'
  | 'customer.add' | 'customer.list' | 'customer.set' | 'customer.remove' | 'device.add' | 'device.list' | 'device.set' | 'device.remove'
> = {
  'space.add': (plan, a) => ({ space: space(plan.mutate(`add space ${a.name}`, () => addSpace(plan, a.name, a.description))) }),
  'space.list': (plan) => ({ spaces: (plan.q('SELECT * FROM spaces ORDER BY id').all() as Row[]).map(space) }),
  'space.remove': (plan, a) => ({ removed: plan.mutate(`remove space ${a.name}`, () => removeSpace(plan, a.name)) }),

  'location.add': (plan, a) => ({ location: location(plan.mutate(`add location ${a.code}`, () => addLocation(plan, a.code, a.name))) }),
  'location.set': (plan, a) => ({ location: location(plan.mutate(`edit location ${a.code}`, () => setLocation(plan, a.code, a.name))) }),
  'location.list': (plan) => ({ locations: (plan.q('SELECT * FROM locations ORDER BY code').all() as Row[]).map(location) }),
  'location.remove': (plan, a) => ({ removed: plan.mutate(`remove location ${a.code}`, () => removeLocation(plan, a.code)) }),

  'vlan.add': (plan, a) => ({ vlan: vlan(plan, plan.mutate(`add VLAN ${a.vid} at ${a.location}`, () => addVlan(plan, a.vid, a.location, a.name, a.enabled))) }),
  'vlan.set': (plan, a) => ({ vlan: vlan(plan, plan.mutate(`edit VLAN ${a.vid} at ${a.location}`, () => setVlan(plan, a.vid, a.location, a))) }),
  'vlan.list': (plan, a) => {
    const rows = a.location
      ? (plan.q('SELECT * FROM vlans WHERE location_id = ? ORDER BY vid').all(locationId(plan, a.location)) as Row[])
      : (plan.q('SELECT v.* FROM vlans v JOIN locations l ON l.id = v.location_id ORDER BY l.code, v.vid').all() as Row[]);
    return { vlans: rows.map((r) => vlan(plan, r)) };
  },
  'vlan.remove': (plan, a) => ({ removed: plan.mutate(`remove VLAN ${a.vid} at ${a.location}`, () => removeVlan(plan, a.vid, a.location)) }),

  'customer.add': (plan, a) => ({ customer: customer(plan.mutate(`add customer ${a.id}`, () => addCustomer(plan, a.id, a.name))) }),
  'customer.list': (plan) => ({ customers: (plan.q('SELECT * FROM customers ORDER BY ref').all() as Row[]).map(customer) }),
  'customer.set': (plan, a) => ({ customer: customer(plan.mutate(`edit customer ${a.ref}`, () => setCustomer(plan, a.ref, a))) }),
  'customer.remove': (plan, a) => ({ removed: plan.mutate(`remove customer ${a.ref}`, () => removeCustomer(plan, a.ref)) }),

  'device.add': (plan, a) => ({ device: device(plan, plan.mutate(`add device ${a.name}`, () => addDevice(plan, a.name, a.location, a.kind))) }),
  'device.list': (plan) => ({ devices: (plan.q('SELECT * FROM devices ORDER BY name').all() as Row[]).map((r) => device(plan, r)) }),
  'device.set': (plan, a) => ({ device: device(plan, plan.mutate(`edit device ${a.name}`, () => setDevice(plan, a.name, a))) }),
  'device.remove': (plan, a) => ({ removed: plan.mutate(`remove device ${a.name}`, () => removeDevice(plan, a.name)) }),
};

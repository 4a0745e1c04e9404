/**
 * Carries out a WritePlan inside the caller's transaction (one journal batch). Two writers produce the
 * same rows, derived columns and journal records: `rows` calls the engine's row writers one row at a
 * time; `bulk` writes new subnets and IP records through electron/tree/bulk.ts and everything else
 * (catalog entries, changes to existing rows) through the same row writers.
 */
import { addCustomer, addDevice, addLocation, addSpace, addVlan } from '../catalog/catalog';
import { insertRow } from '../catalog/rows';
import { formatAddress } from '../../shared/cidr';
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { BulkWriter, type BulkParent } from '../tree/bulk';
import { getIp, getSubnet, insertIp, insertSubnet, updateIp, updateSubnet, type IpData, type SubnetData } from '../tree/rows';
import type { Group, IpFinal, IpItem, Node, Planner, SubnetFinal, WritePlan } from './planner';

export type WriterKind = 'rows' | 'bulk';

/** Catalog keys to ids, created entries included. */
class Ids {
  private readonly caches = new Map<string, Map<string, number | null>>();
  constructor(private readonly plan: Plan) {}
  private lookup(sql: string, key: string, ...args: unknown[]): number | null {
    let cache = this.caches.get(sql);
    if (!cache) {
      cache = new Map();
      this.caches.set(sql, cache);
    }
    let v = cache.get(key);
    if (v === undefined) {
      v = (this.plan.q(sql).get(...args) as { id: number } | undefined)?.id ?? null;
      cache.set(key, v);
    }
    return v;
  }
  private must(what: string, v: number | null): number {
    if (v === null) throw new FluxError('INTERNAL', `${what} is missing after the import created its catalog entries`);
    return v;
  }
  space = (name: string) => this.must(`space ${name}`, this.lookup('SELECT id FROM spaces WHERE name = ?', name, name));
  location = (code: string | null) => (code === null ? null : this.must(`location ${code}`, this.lookup('SELECT id FROM locations WHERE code = ?', code, code)));
  customer = (ref: string | null) => (ref === null ? null : this.must(`customer ${ref}`, this.lookup('SELECT id FROM customers WHERE ref = ?', ref, ref)));
  service = (ref: string | null) => (ref === null ? null : this.must(`service ${ref}`, this.lookup('SELECT id FROM services WHERE ref = ?', ref, ref)));
  device = (name: string | null) => (name === null ? null : this.must(`device ${name}`, this.lookup('SELECT id FROM devices WHERE name = ?', name, name)));
  vlan = (key: string | null): number | null => {
    if (key === null) return null;
    if (key.startsWith('#')) return Number(key.slice(1));
    const at = key.indexOf('\u0000');
    const code = key.slice(0, at);
    const vid = Number(key.slice(at + 1));
    return this.must(`VLAN ${vid} at ${code}`, this.lookup('SELECT v.id FROM vlans v JOIN locations l ON l.id = v.location_id WHERE l.code = ? AND v.vid = ?', key, code, vid));
  };
}

export interface ApplyHooks {
  /** Called every few thousand writes; throws to cancel (the transaction rolls back). */
  tick?: (written: number) => void;
}

/** Creates what the rows name but the plan lacks: spaces, locations, customers, devices, services, VLANs. */
function createCatalog(plan: Plan, planner: Planner): void {
  const n = planner.needs;
  for (const s of [...n.spaces].sort()) addSpace(plan, s);
  for (const l of [...n.locations].sort()) addLocation(plan, l);
  for (const c of [...n.customers].sort()) addCustomer(plan, c);
  const ids = new Ids(plan);
  for (const [d, loc] of [...n.devices].sort(([a], [b]) => (a < b ? -1 : 1))) addDevice(plan, d, loc ?? undefined);
  for (const [s, v] of [...n.services].sort(([a], [b]) => (a < b ? -1 : 1))) {
    insertRow(plan, 'service', { ref: s, customer_id: ids.customer(v.customer), product_id: null, device_id: ids.device(v.device), status: 'active' });
  }
  for (const [k, name] of [...n.vlans].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [code, vid] = k.split('\u0000') as [string, string];
    addVlan(plan, Number(vid), code, name ?? undefined);
  }
}

function subnetData(ids: Ids, f: SubnetFinal): SubnetData {
  return {
    location_id: ids.location(f.location),
    vlan_id: ids.vlan(f.vlan),
    allocation_status: f.status,
    is_unavailable: f.parked,
    is_ip_pool: f.pool,
    customer_id: ids.customer(f.customer),
    service_id: ids.service(f.service),
    device_id: ids.device(f.device),
    description: f.description,
  };
}

function ipData(ids: Ids, f: IpFinal): IpData {
  return {
    customer_id: ids.customer(f.customer),
    service_id: ids.service(f.service),
    device_id: ids.device(f.device),
    vlan_id: ids.vlan(f.vlan),
    rdns: f.rdns,
    rdns_updated_at: f.rdns_updated_at,
    is_unavailable: f.parked,
    is_management: f.management,
    purpose: f.purpose,
    description: f.description,
  };
}

function spaceOf(ids: Ids, g: Group): number {
  if (g.spaceId === null) g.spaceId = ids.space(g.space);
  return g.spaceId;
}

/** Writes everything; returns how many rows were written. */
export function applyWrites(plan: Plan, planner: Planner, w: WritePlan, writer: WriterKind, hooks: ApplyHooks = {}): number {
  let written = 0;
  const tick = () => {
    if ((++written & 4095) === 0) hooks.tick?.(written);
  };
  createCatalog(plan, planner);
  const ids = new Ids(plan);
  const prefix = (n: Node) => ({ version: n.group.version, net: n.net, len: n.len });

  for (const step of w.phase1) {
    const n = step.node;
    const data = subnetData(ids, n.final!);
    if (n.isNew) {
      const parent = getSubnet(plan, n.parent!.id);
      const row = insertSubnet(plan, { space_id: spaceOf(ids, n.group), prefix: prefix(n), parent }, step.asLeaf ? { ...data, allocation_status: 'unallocated' } : data);
      n.id = row.id;
      if (step.thenSubdivide) updateSubnet(plan, row, { allocation_status: 'subdivided' });
    } else {
      updateSubnet(plan, getSubnet(plan, n.id), data);
    }
    tick();
  }

  const bulk = writer === 'bulk' ? new BulkWriter(plan) : null;
  for (const n of w.phase2) {
    const data = subnetData(ids, n.final!);
    const space = spaceOf(ids, n.group);
    if (bulk) {
      const p = n.parent;
      const parent: BulkParent | number | null = p === null ? null : p.isNew ? p.written! : p.id;
      const out = bulk.subnet(space, prefix(n), parent, data, n.clear);
      n.id = out.id;
      // What children inherit; a leaf has none.
      if (n.lo) n.written = out;
    } else {
      const parent = n.parent === null ? null : getSubnet(plan, n.parent.id);
      n.id = insertSubnet(plan, { space_id: space, prefix: prefix(n), parent }, data).id;
    }
    tick();
  }
  bulk?.flush();

  for (const n of w.phase3) {
    updateSubnet(plan, getSubnet(plan, n.id), { ...subnetData(ids, n.final!), parent_id: n.parent!.id });
    tick();
  }

  for (const item of w.ipUpdates) {
    updateIp(plan, getIp(plan, item.existing!.id), ipData(ids, item.final!));
    tick();
  }

  for (const item of w.ipInserts) {
    const g = item.leaf.group;
    const data = ipData(ids, item.final!);
    const text = formatAddress(g.version, item.net);
    if (bulk) bulk.ip(spaceOf(ids, g), g.version, item.net, text, item.leaf.id, data, !item.leaf.isNew);
    else insertIp(plan, spaceOf(ids, g), text, data);
    tick();
  }
  bulk?.finish();
  hooks.tick?.(written);
  return written;
}

export type { IpItem };

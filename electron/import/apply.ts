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
import type { Interner, Texts } from './texts';
import type { Group, Planner, WritePlan } from './planner';
import { CLEAR, IP_MANAGEMENT, IP_PARKED, NONE, type IpItems, type Nodes } from './tree-nodes';

export type WriterKind = 'rows' | 'bulk';

/** Catalog keys (interned numbers) to ids, created entries included. */
class Ids {
  private readonly caches = new Map<string, Map<number, number | null>>();
  constructor(
    private readonly plan: Plan,
    private readonly strings: Interner,
  ) {}
  private lookup(what: string, key: number, sql: string, args: (text: string) => unknown[]): number | null {
    if (key === NONE) return null;
    let cache = this.caches.get(what);
    if (!cache) {
      cache = new Map();
      this.caches.set(what, cache);
    }
    let v = cache.get(key);
    if (v === undefined) {
      const text = this.strings.at(key);
      v = (this.plan.q(sql).get(...args(text)) as { id: number } | undefined)?.id ?? null;
      if (v === null) throw new FluxError('INTERNAL', `${what} ${text.replace('\u0000', ', VID ')} is missing after the import created its catalog entries`);
      cache.set(key, v);
    }
    return v;
  }
  /** Interned number of a key the catalog step names as text. */
  key = (text: string | null) => (text === null ? NONE : this.strings.id(text));
  space = (name: string) => this.lookup('space', this.strings.id(name), 'SELECT id FROM spaces WHERE name = ?', (t) => [t])!;
  location = (key: number) => this.lookup('location', key, 'SELECT id FROM locations WHERE code = ?', (t) => [t]);
  customer = (key: number) => this.lookup('customer', key, 'SELECT id FROM customers WHERE ref = ?', (t) => [t]);
  service = (key: number) => this.lookup('service', key, 'SELECT id FROM services WHERE ref = ?', (t) => [t]);
  device = (key: number) => this.lookup('device', key, 'SELECT id FROM devices WHERE name = ?', (t) => [t]);
  /** "#ID" (an existing row's VLAN) or "LOCATION\0VID". */
  vlan = (key: number): number | null => {
    if (key === NONE) return null;
    const text = this.strings.at(key);
    if (text.startsWith('#')) return Number(text.slice(1));
    return this.lookup('VLAN', key, 'SELECT v.id FROM vlans v JOIN locations l ON l.id = v.location_id WHERE l.code = ? AND v.vid = ?', (t) => {
      const at = t.indexOf('\u0000');
      return [t.slice(0, at), Number(t.slice(at + 1))];
    });
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
  const ids = new Ids(plan, planner.strings);
  for (const [d, loc] of [...n.devices].sort(([a], [b]) => (a < b ? -1 : 1))) addDevice(plan, d, loc ?? undefined);
  for (const [s, v] of [...n.services].sort(([a], [b]) => (a < b ? -1 : 1))) {
    insertRow(plan, 'service', { ref: s, customer_id: ids.customer(ids.key(v.customer)), product_id: null, device_id: ids.device(ids.key(v.device)), status: 'active' });
  }
  for (const [k, name] of [...n.vlans].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [code, vid] = k.split('\u0000') as [string, string];
    addVlan(plan, Number(vid), code, name ?? undefined);
  }
}

function subnetData(ids: Ids, texts: Texts, N: Nodes, n: number): SubnetData {
  return {
    location_id: ids.location(N.location[n]!),
    vlan_id: ids.vlan(N.vlan[n]!),
    allocation_status: N.status(n),
    is_unavailable: N.parked[n] as 0 | 1,
    is_ip_pool: N.pool[n] as 0 | 1,
    customer_id: ids.customer(N.customer[n]!),
    service_id: ids.service(N.service[n]!),
    device_id: ids.device(N.device[n]!),
    description: texts.get(N.description[n]!),
  };
}

function ipData(ids: Ids, strings: Interner, texts: Texts, I: IpItems, i: number): IpData {
  const text = (key: number) => (key === NONE ? null : strings.at(key));
  return {
    customer_id: ids.customer(I.customer[i]!),
    service_id: ids.service(I.service[i]!),
    device_id: ids.device(I.device[i]!),
    vlan_id: ids.vlan(I.vlan[i]!),
    rdns: texts.get(I.rdns[i]!),
    rdns_updated_at: text(I.rdnsUpdatedAt[i]!),
    is_unavailable: I.has(i, IP_PARKED) ? 1 : 0,
    is_management: I.has(i, IP_MANAGEMENT) ? 1 : 0,
    purpose: text(I.purpose[i]!),
    description: texts.get(I.description[i]!),
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
  const ids = new Ids(plan, planner.strings);
  const N = planner.nodes;
  const I = planner.ips;
  const groupOf = (n: number) => planner.groups[N.group[n]!]!;
  const prefix = (n: number) => ({ version: N.version(n), net: N.net[n]!, len: N.len[n]! });

  for (const step of w.phase1) {
    const n = step.node;
    const data = subnetData(ids, planner.texts, N, n);
    if (N.isNew(n)) {
      const parent = getSubnet(plan, N.id[N.parent[n]!]!);
      const row = insertSubnet(plan, { space_id: spaceOf(ids, groupOf(n)), prefix: prefix(n), parent }, step.asLeaf ? { ...data, allocation_status: 'unallocated' } : data);
      N.id[n] = row.id;
      if (step.thenSubdivide) updateSubnet(plan, row, { allocation_status: 'subdivided' });
    } else {
      updateSubnet(plan, getSubnet(plan, N.id[n]!), data);
    }
    tick();
  }

  const bulk = writer === 'bulk' ? new BulkWriter(plan) : null;
  /** What new parents' children inherit, until their second half is written. */
  const parents = new Map<number, BulkParent>();
  for (const n of w.phase2) {
    const data = subnetData(ids, planner.texts, N, n);
    const space = spaceOf(ids, groupOf(n));
    const p = N.parent[n]!;
    if (bulk) {
      const parent: BulkParent | number | null = p === NONE ? null : N.isNew(p) ? parents.get(p)! : N.id[p]!;
      const out = bulk.subnet(space, prefix(n), parent, data, N.has(n, CLEAR) ? 1 : 0);
      N.id[n] = out.id;
      if (N.lo[n] !== NONE) parents.set(n, out);
      if (p !== NONE && N.hi[p] === n) parents.delete(p);
    } else {
      const parent = p === NONE ? null : getSubnet(plan, N.id[p]!);
      N.id[n] = insertSubnet(plan, { space_id: space, prefix: prefix(n), parent }, data).id;
    }
    tick();
  }
  bulk?.flush();

  for (const n of w.phase3) {
    updateSubnet(plan, getSubnet(plan, N.id[n]!), { ...subnetData(ids, planner.texts, N, n), parent_id: N.id[N.parent[n]!]! });
    tick();
  }

  for (const i of w.ipUpdates) {
    updateIp(plan, getIp(plan, I.existing(i)!.id), ipData(ids, planner.strings, planner.texts, I, i));
    tick();
  }

  for (const i of w.ipInserts) {
    const leaf = I.leaf[i]!;
    const g = groupOf(leaf);
    const data = ipData(ids, planner.strings, planner.texts, I, i);
    const text = formatAddress(g.version, I.net[i]!);
    if (bulk) bulk.ip(spaceOf(ids, g), g.version, I.net[i]!, text, N.id[leaf]!, data, !N.isNew(leaf));
    else insertIp(plan, spaceOf(ids, g), text, data);
    tick();
  }
  bulk?.finish();
  hooks.tick?.(written);
  return written;
}

/**
 * The local plan in sync's terms: rows read as keyed states (user keys instead of internal ids) and
 * keys turned back into local ids. Journal images (what records hold) are read the same way, so a
 * pending batch's before-image becomes the state the tenant last saw.
 */
import { addressKey, formatCidr, parentPrefix, parseAddress, parseCidr } from '../../shared/cidr';
import { FluxError } from '../../shared/errors';
import { decodeImage, type EntityName } from '../journal/entities';
import { ENTITY_SPECS, type RowKey, type RowState, type SyncEntity, type VlanRef } from '../../shared/sync/rows';
import type { Plan } from '../plan';
import { findSubnet } from '../tree/carve';
import { ipsWhere, type IpRow, type SubnetRow } from '../tree/rows';

type Row = Record<string, unknown> & { id: number };

/** Catalog tables of the synced entities, and the column that holds the key. */
export const CATALOG: Record<Exclude<SyncEntity, 'subnet' | 'ip'>, { table: string; column: string }> = {
  space: { table: 'spaces', column: 'name' },
  location: { table: 'locations', column: 'code' },
  vlan: { table: 'vlans', column: 'vid' },
  customer: { table: 'customers', column: 'ref' },
  product: { table: 'products', column: 'name' },
  device: { table: 'devices', column: 'name' },
  service: { table: 'services', column: 'ref' },
};

/**
 * Id-to-key lookups for the references rows carry. A row deleted since an image was taken is found
 * in the journal (its delete record holds its last image), looking no further back than `since`.
 */
export class Refs {
  private readonly cache = new Map<string, unknown>();

  constructor(
    private readonly plan: Plan,
    private readonly since = 0,
  ) {}

  forget(): void {
    this.cache.clear();
  }

  private image(entity: string, table: string, id: number): Row | null {
    const k = `${entity}#${id}`;
    if (this.cache.has(k)) return this.cache.get(k) as Row | null;
    let row = this.plan.q(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
    if (!row) {
      const rec = this.plan
        .q('SELECT before, after FROM journal_records WHERE batch_id > ? AND entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1')
        .get(this.since, entity, id) as { before: string | null; after: string | null } | undefined;
      const text = rec?.after ?? rec?.before ?? null;
      row = text ? (decodeImage(entity as EntityName, text) as Row) : undefined;
    }
    this.cache.set(k, row ?? null);
    return row ?? null;
  }

  private field(entity: string, table: string, id: unknown, column: string): string | null {
    if (id === null || id === undefined) return null;
    const row = this.image(entity, table, id as number);
    if (!row) throw new FluxError('INTERNAL', `sync: ${entity} #${String(id)} is neither in the plan nor in the journal`);
    return String(row[column]);
  }

  space = (id: unknown) => this.field('space', 'spaces', id, 'name');
  location = (id: unknown) => this.field('location', 'locations', id, 'code');
  customer = (id: unknown) => this.field('customer', 'customers', id, 'ref');
  service = (id: unknown) => this.field('service', 'services', id, 'ref');
  device = (id: unknown) => this.field('device', 'devices', id, 'name');
  product = (id: unknown) => this.field('product', 'products', id, 'name');
  vlan = (id: unknown): VlanRef | null => {
    if (id === null || id === undefined) return null;
    const row = this.image('vlan', 'vlans', id as number);
    if (!row) throw new FluxError('INTERNAL', `sync: vlan #${String(id)} is neither in the plan nor in the journal`);
    return { location: this.location(row.location_id)!, vid: row.vid as number };
  };
}

const nullable = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A local row, or the image a journal record holds of one, as a keyed state. */
export function stateOf(entity: SyncEntity, r: Record<string, unknown>, refs: Refs): RowState {
  switch (entity) {
    case 'space':
      return { description: nullable(r.description) };
    case 'location':
    case 'customer':
      return { name: nullable(r.name) };
    case 'vlan':
      return { name: nullable(r.name), enabled: !!r.enabled };
    case 'product':
      return { ipam_config: String(r.ipam_config) };
    case 'device':
      return { location: refs.location(r.location_id), kind: nullable(r.kind) };
    case 'service':
      return { customer: refs.customer(r.customer_id), product: refs.product(r.product_id), device: refs.device(r.device_id), status: String(r.status) };
    case 'subnet':
      return {
        // The tree is canonical: a parent is always the prefix one bit shorter.
        parent: r.parent_id === null || r.parent_id === undefined ? null : formatCidr(parentPrefix(parseCidr(String(r.cidr)))),
        allocation_status: String(r.allocation_status),
        is_unavailable: !!r.is_unavailable,
        is_ip_pool: !!r.is_ip_pool,
        location: refs.location(r.location_id),
        vlan: refs.vlan(r.vlan_id),
        customer: refs.customer(r.customer_id),
        service: refs.service(r.service_id),
        device: refs.device(r.device_id),
        description: nullable(r.description),
      };
    case 'ip':
      return {
        customer: refs.customer(r.customer_id),
        service: refs.service(r.service_id),
        device: refs.device(r.device_id),
        vlan: refs.vlan(r.vlan_id),
        rdns: nullable(r.rdns),
        rdns_updated_at: nullable(r.rdns_updated_at),
        is_unavailable: !!r.is_unavailable,
        is_management: !!r.is_management,
        purpose: nullable(r.purpose),
        description: nullable(r.description),
      };
  }
}

export function keyOf(entity: SyncEntity, r: Record<string, unknown>, refs: Refs): RowKey {
  switch (entity) {
    case 'space':
    case 'product':
    case 'device':
      return { name: String(r.name) };
    case 'location':
      return { code: String(r.code) };
    case 'customer':
    case 'service':
      return { id: String(r.ref) };
    case 'vlan':
      return { location: refs.location(r.location_id)!, vid: r.vid as number };
    case 'subnet':
      return { space: refs.space(r.space_id)!, cidr: String(r.cidr) };
    case 'ip':
      return { space: refs.space(r.space_id)!, address: String(r.address_text) };
  }
}

// ---------------------------------------------------------------- keys to local rows

/**
 * Key-to-id lookups for writing. Misses are not cached (a row may be created by the same apply);
 * `forget` drops everything after catalog rows change.
 */
export class Ids {
  private readonly cache = new Map<string, number>();

  constructor(private readonly plan: Plan) {}

  forget(): void {
    this.cache.clear();
  }

  private one(what: string, sql: string, args: unknown[], missing: () => string): number {
    const k = `${what}\u0000${args.join('\u0000')}`;
    const hit = this.cache.get(k);
    if (hit !== undefined) return hit;
    const row = this.plan.q(sql).get(...args) as { id: number } | undefined;
    if (!row) throw new FluxError('NOT_FOUND', missing(), { entity: what });
    this.cache.set(k, row.id);
    return row.id;
  }

  space = (name: string) => this.one('space', 'SELECT id FROM spaces WHERE name = ?', [name], () => `space ${name} does not exist`);
  location = (code: string) => this.one('location', 'SELECT id FROM locations WHERE code = ?', [code], () => `location ${code} does not exist`);
  customer = (ref: string) => this.one('customer', 'SELECT id FROM customers WHERE ref = ?', [ref], () => `customer ${ref} does not exist`);
  service = (ref: string) => this.one('service', 'SELECT id FROM services WHERE ref = ?', [ref], () => `service ${ref} does not exist`);
  device = (name: string) => this.one('device', 'SELECT id FROM devices WHERE name = ?', [name], () => `device ${name} does not exist`);
  product = (name: string) => this.one('product', 'SELECT id FROM products WHERE name = ?', [name], () => `product ${name} does not exist`);
  vlan = (v: VlanRef) =>
    this.one('vlan', 'SELECT v.id FROM vlans v JOIN locations l ON l.id = v.location_id WHERE l.code = ? AND v.vid = ?', [v.location, v.vid], () => `VLAN ${v.vid} does not exist at ${v.location}`);

  /** null stays null; a key becomes its id. */
  opt<T>(fn: (k: T) => number, key: T | null | undefined): number | null {
    return key === null || key === undefined ? null : fn(key);
  }
}

/** The local row a key names, or undefined. Missing spaces or locations mean the row is missing too. */
export function findRow(plan: Plan, entity: SyncEntity, key: RowKey): Row | SubnetRow | IpRow | undefined {
  switch (entity) {
    case 'subnet': {
      const space = plan.q('SELECT id FROM spaces WHERE name = ?').get(key.space) as { id: number } | undefined;
      return space ? findSubnet(plan, space.id, parseCidr(String(key.cidr))) : undefined;
    }
    case 'ip': {
      const space = plan.q('SELECT id FROM spaces WHERE name = ?').get(key.space) as { id: number } | undefined;
      if (!space) return undefined;
      const a = parseAddress(String(key.address));
      return ipsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND address = ?').get(space.id, a.version, addressKey(a.version, a.value));
    }
    case 'vlan':
      return plan.q('SELECT v.* FROM vlans v JOIN locations l ON l.id = v.location_id WHERE l.code = ? AND v.vid = ?').get(key.location, key.vid) as Row | undefined;
    default: {
      const { table, column } = CATALOG[entity];
      const value = key[ENTITY_SPECS[entity].key[0]!];
      return plan.q(`SELECT * FROM ${table} WHERE ${column} = ?`).get(value) as Row | undefined;
    }
  }
}

/** The keyed state of the local row a key names, or null when there is none. */
export function readState(plan: Plan, entity: SyncEntity, key: RowKey, refs: Refs): RowState | null {
  const row = findRow(plan, entity, key);
  return row ? stateOf(entity, row as Record<string, unknown>, refs) : null;
}

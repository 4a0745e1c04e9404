/**
 * The whole plan as keyed rows, in creation order (catalog entities in ENTITY_ORDER, subnets in
 * pre-order, then IP records), and the loader that writes such a stream into a plan through the
 * engine's writers. The tenant streams its snapshot from here; a client clones from it and sends its
 * whole plan to an empty tenant from it.
 */
import { addressKey, formatCidr, parseCidr, type Prefix } from '../../shared/cidr';
import { FluxError } from '../../shared/errors';
import type { SnapshotRow } from '../../shared/sync/protocol';
import { compactState, ENTITY_ORDER, fastIpv4Cidr, fillState, keyString, type RowKey, type RowState, type SyncEntity } from '../../shared/sync/rows';
import { insertRow, updateRow, type CatalogEntity } from '../catalog/rows';
import type { Plan } from '../plan';
import { imageOf } from '../journal/entities';
import { journal } from '../journal/journal';
import { inherited } from '../tree/bulk';
import { hasData, INSERT_SUBNET, insertIp, insertSubnet, ipsWhere, subnetsWhere, type SubnetData, type SubnetRow } from '../tree/rows';
import { asApplyError } from './apply';
import { CATALOG, findRow, Ids, keyOf, Refs, stateOf } from './rows';

export interface KeyedRow {
  entity: SyncEntity;
  key: RowKey;
  state: RowState;
}

const ORDER_BY: Partial<Record<SyncEntity, string>> = {
  space: 'ORDER BY name',
  location: 'ORDER BY code',
  vlan: 'ORDER BY location_id, vid',
  customer: 'ORDER BY ref',
  product: 'ORDER BY name',
  device: 'ORDER BY name',
  service: 'ORDER BY ref',
};

/** Every synced row of the plan, in creation order. Run it inside plan.read for one consistent view. */
export function* planRows(plan: Plan, refs = new Refs(plan)): Generator<KeyedRow> {
  for (const entity of ENTITY_ORDER) {
    if (entity === 'subnet' || entity === 'ip') continue;
    const { table } = CATALOG[entity as Exclude<SyncEntity, 'subnet' | 'ip'>];
    for (const row of plan.q(`SELECT * FROM ${table} ${ORDER_BY[entity]}`).iterate() as IterableIterator<Record<string, unknown>>) {
      yield { entity, key: keyOf(entity, row, refs), state: stateOf(entity, row, refs) };
    }
  }
  // Pre-order: a parent starts where its first child does and is shorter, so (net, prefix_len) order puts it first.
  for (const row of subnetsWhere(plan, 'ORDER BY space_id, ip_version, net, prefix_len').iterate()) {
    yield { entity: 'subnet', key: keyOf('subnet', row as never, refs), state: stateOf('subnet', row as never, refs) };
  }
  for (const row of ipsWhere(plan, 'ORDER BY space_id, ip_version, address').iterate()) {
    yield { entity: 'ip', key: keyOf('ip', row as never, refs), state: stateOf('ip', row as never, refs) };
  }
}

export function toSnapshotRow(r: KeyedRow): SnapshotRow {
  return { entity: r.entity, key: r.key, state: compactState(r.entity, r.state) } as SnapshotRow;
}

/** The rows of a plan that sync carries, the global space aside: none means the plan is empty. */
export function countRows(plan: Plan): { subnets: number; ips: number; catalog: number } {
  const n = (sql: string) => (plan.q(sql).get() as { n: number }).n;
  const catalog =
    n(`SELECT COUNT(*) AS n FROM spaces WHERE name <> 'global' OR description IS NOT 'The default address space'`) +
    n('SELECT (SELECT COUNT(*) FROM locations) + (SELECT COUNT(*) FROM vlans) + (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM devices) + (SELECT COUNT(*) FROM services) AS n');
  return { subnets: n('SELECT COUNT(*) AS n FROM subnets'), ips: n('SELECT COUNT(*) AS n FROM ip_addresses'), catalog };
}

/** How many rows planRows yields. */
export function totalRows(plan: Plan): number {
  return (
    plan.q(
      'SELECT (SELECT COUNT(*) FROM spaces) + (SELECT COUNT(*) FROM locations) + (SELECT COUNT(*) FROM vlans) + (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM devices) + (SELECT COUNT(*) FROM services) + (SELECT COUNT(*) FROM subnets) + (SELECT COUNT(*) FROM ip_addresses) AS n',
    ).get() as { n: number }
  ).n;
}

export function isEmptyPlan(plan: Plan): boolean {
  const c = countRows(plan);
  return c.subnets + c.ips + c.catalog === 0;
}

/**
 * Writes rows in creation order into a plan, in the caller's transaction: catalog rows (an existing
 * row of the same key, such as the global space, is updated instead), subnets under the parent the
 * pre-order just wrote, IP records into their leaves. Every write is journaled like any other.
 */
export class SnapshotLoader {
  private readonly ids: Ids;
  private readonly refs: Refs;
  /** The current path from a root down, for pre-order parents. */
  private readonly stack: Frame[] = [];
  private readonly spaceIds = new Map<string, number>();
  private nextId = 0;
  count = 0;

  /**
   * `bulk`: the plan holds no subnets and no IP records as the load begins (a clone), so subnet rows
   * are written straight in pre-order (see insertBulk); otherwise each goes through insertSubnet.
   */
  constructor(
    private readonly plan: Plan,
    private readonly bulk = false,
  ) {
    this.ids = new Ids(plan);
    this.refs = new Refs(plan);
  }

  add(row: KeyedRow): void {
    const index = this.count++;
    try {
      if (row.entity === 'subnet') this.subnet(row);
      else if (row.entity === 'ip') {
        this.finish();
        const spaceId = this.space(String(row.key.space));
        const s = row.state;
        const opt = <T>(fn: (k: T) => number, v: unknown) => this.ids.opt(fn, v as T | null);
        insertIp(this.plan, spaceId, String(row.key.address), {
          customer_id: opt(this.ids.customer, s.customer),
          service_id: opt(this.ids.service, s.service),
          device_id: opt(this.ids.device, s.device),
          vlan_id: opt(this.ids.vlan, s.vlan),
          rdns: s.rdns as string | null,
          rdns_updated_at: s.rdns_updated_at as string | null,
          is_unavailable: s.is_unavailable ? 1 : 0,
          is_management: s.is_management ? 1 : 0,
          purpose: s.purpose as string | null,
          description: s.description as string | null,
        });
      } else this.catalog(row);
    } catch (e) {
      throw asApplyError(e, { index, entity: row.entity, key: row.key });
    }
  }

  private space(name: string): number {
    let id = this.spaceIds.get(name);
    if (id === undefined) {
      id = this.ids.space(name);
      this.spaceIds.set(name, id);
    }
    return id;
  }

  private catalog(row: KeyedRow): void {
    const entity = row.entity as CatalogEntity;
    const existing = findRow(this.plan, row.entity, row.key) as (Record<string, unknown> & { id: number }) | undefined;
    const s = row.state;
    const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
    let values: Record<string, unknown>;
    switch (row.entity) {
      case 'space':
        values = { name: row.key.name, description: s.description };
        break;
      case 'location':
        values = { code: row.key.code, name: s.name };
        break;
      case 'vlan':
        values = { vid: row.key.vid, location_id: this.ids.location(String(row.key.location)), name: s.name, enabled: s.enabled ? 1 : 0 };
        break;
      case 'customer':
        values = { ref: row.key.id, name: s.name };
        break;
      case 'product':
        values = { name: row.key.name, ipam_config: s.ipam_config };
        break;
      case 'device':
        values = { name: row.key.name, location_id: this.ids.opt(this.ids.location, str(s.location)), kind: s.kind };
        break;
      case 'service':
        values = {
          ref: row.key.id,
          customer_id: this.ids.opt(this.ids.customer, str(s.customer)),
          product_id: this.ids.opt(this.ids.product, str(s.product)),
          device_id: this.ids.opt(this.ids.device, str(s.device)),
          status: s.status,
        };
        break;
      default:
        throw new FluxError('INTERNAL', `unexpected ${row.entity}`);
    }
    if (existing) updateRow(this.plan, entity, existing, values);
    else insertRow(this.plan, entity, values);
    this.ids.forget();
    this.refs.forget();
    this.spaceIds.clear();
  }

  private subnet(row: KeyedRow): void {
    const space = String(row.key.space);
    const spaceId = this.space(space);
    const p = fastIpv4Cidr(String(row.key.cidr)) ?? parseCidr(String(row.key.cidr));
    const s = row.state;
    // Pop the path back to the row that holds this one.
    while (this.stack.length) {
      const top = this.stack[this.stack.length - 1]!;
      if (top.space === space && top.p.version === p.version && top.p.len < p.len && sameBits(top.p, p)) break;
      this.close(this.stack.pop()!);
    }
    const parent = this.stack.length ? this.stack[this.stack.length - 1]! : null;
    if (s.parent === null ? parent !== null : !parent || parent.p.len !== p.len - 1) {
      throw new FluxError('INVALID_ARGUMENT', `${String(row.key.cidr)} comes out of order: its parent is ${String(s.parent ?? 'none')}, the rows before it say otherwise`);
    }
    const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
    const data: SubnetData = {
      location_id: this.ids.opt(this.ids.location, str(s.location)),
      vlan_id: this.ids.opt(this.ids.vlan, s.vlan as never),
      allocation_status: s.allocation_status as SubnetRow['allocation_status'],
      is_unavailable: s.is_unavailable ? 1 : 0,
      is_ip_pool: s.is_ip_pool ? 1 : 0,
      customer_id: this.ids.opt(this.ids.customer, str(s.customer)),
      service_id: this.ids.opt(this.ids.service, str(s.service)),
      device_id: this.ids.opt(this.ids.device, str(s.device)),
      description: str(s.description),
    };
    const frame = this.bulk ? this.insertBulk(spaceId, p, data, parent) : this.insertThroughWriter(spaceId, p, data, parent);
    if (data.allocation_status === 'subdivided') this.stack.push({ ...frame, p, space });
    else if (this.bulk) this.close({ ...frame, p, space });
  }

  private insertThroughWriter(spaceId: number, p: Prefix, data: SubnetData, parent: Frame | null): Omit<Frame, 'p' | 'space'> {
    const row = insertSubnet(this.plan, { space_id: spaceId, prefix: p, parent: parent ? parent.row : null }, data);
    return { row, kidsVacant: true };
  }

  /**
   * Into a plan that held no subnets when the load began: the row the writer would insert, with its
   * derived columns from the parent on the path, and the journal record it would write. `clear` of a
   * subdivided row is settled when its subtree is complete (see close), instead of walking up per row.
   */
  private insertBulk(spaceId: number, p: Prefix, d: SubnetData, parent: Frame | null): Omit<Frame, 'p' | 'space'> {
    const plan = this.plan;
    if (this.nextId === 0) {
      const seq = plan.q("SELECT seq FROM sqlite_sequence WHERE name = 'subnets'").get() as { seq: number } | undefined;
      const max = plan.q('SELECT MAX(id) AS m FROM subnets').get() as { m: number | null };
      this.nextId = Math.max(seq?.seq ?? 0, max.m ?? 0) + 1;
    }
    const id = this.nextId++;
    const up = parent?.row ?? null;
    const cidr = formatCidr(p);
    const net = addressKey(p.version, p.net);
    const row: SubnetRow = {
      space_id: spaceId, ip_version: p.version, net, prefix_len: p.len, cidr, parent_id: up?.id ?? null, ...d,
      created_at: plan.now, updated_at: plan.now,
      ...inherited(id, d, up),
      // A subdivided row is settled when its subtree is complete (close); most hold something, so 0 first.
      clear: (d.is_unavailable || d.is_ip_pool || d.allocation_status !== 'unallocated' ? 0 : 1) as 0 | 1,
    };
    plan
      .q(INSERT_SUBNET)
      .run(
        id, spaceId, p.version, net, p.len, cidr, row.parent_id, d.location_id, d.vlan_id, d.allocation_status, d.is_unavailable, d.is_ip_pool,
        d.customer_id, d.service_id, d.device_id, d.description, plan.now, plan.now,
        row.eff_location_id, row.location_src_id, row.eff_vlan_id, row.vlan_src_id, row.parked_by, row.clear,
      );
    journal(plan, 'subnet', `${plan.spaceName(spaceId)} ${cidr}`, 'insert', null, imageOf('subnet', row));
    return { row, kidsVacant: true };
  }

  /** A subtree is complete: settle the row's `clear` and tell its parent whether it is vacant. */
  private close(frame: Frame): void {
    if (!this.bulk) return;
    const row = frame.row;
    let clear = row.clear;
    if (row.allocation_status === 'subdivided') {
      clear = (!row.is_unavailable && !row.is_ip_pool && frame.kidsVacant ? 1 : 0) as 0 | 1;
      if (clear !== row.clear) {
        this.plan.q('UPDATE subnets SET clear = ? WHERE id = ?').run(clear, row.id);
        row.clear = clear;
      }
    }
    const parent = this.stack.length ? this.stack[this.stack.length - 1]! : null;
    if (parent && parent.row.id === row.parent_id) parent.kidsVacant &&= !!clear && !hasData(row);
  }

  /** Ends the load: settles the rows still open on the path. */
  finish(): void {
    while (this.stack.length) this.close(this.stack.pop()!);
  }
}

interface Frame {
  p: Prefix;
  row: SubnetRow;
  space: string;
  /** Every child so far is free, data-less space all the way down. */
  kidsVacant: boolean;
}

function sameBits(outer: Prefix, inner: Prefix): boolean {
  const shift = BigInt((outer.version === 4 ? 32 : 128) - outer.len);
  return inner.net >> shift === outer.net >> shift;
}

/** A snapshot row from the wire, with its defaults filled in. */
export function keyedFromSnapshot(r: SnapshotRow): KeyedRow {
  const entity = r.entity as SyncEntity;
  return { entity, key: r.key as RowKey, state: fillState(entity, r.state as Partial<RowState>) };
}

export const rowLabel = (r: { entity: SyncEntity; key: RowKey }) => keyString(r.entity, r.key);

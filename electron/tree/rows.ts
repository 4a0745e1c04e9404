/**
 * Every write to a subnet or an IP record goes through here: it journals the change and keeps the
 * derived columns (inherited location, VLAN and park; `clear`; an IP's leaf) true in the same transaction.
 */
import { FluxError } from '../../shared/errors';
import { addressKey, formatCidr, keyValue, lastAddress, parseAddress, type IpVersion, type Prefix } from '../../shared/cidr';
import { changedColumns, imageOf } from '../journal/entities';
import { journal } from '../journal/journal';
import type { Plan } from '../plan';

export type AllocationStatus = 'unallocated' | 'allocated' | 'subdivided';

export interface SubnetRow {
  id: number;
  space_id: number;
  ip_version: IpVersion;
  net: Buffer;
  prefix_len: number;
  cidr: string;
  parent_id: number | null;
  location_id: number | null;
  vlan_id: number | null;
  allocation_status: AllocationStatus;
  is_unavailable: 0 | 1;
  is_ip_pool: 0 | 1;
  customer_id: number | null;
  service_id: number | null;
  device_id: number | null;
  description: string | null;
  created_at: string;
  updated_at: string;
  eff_location_id: number | null;
  location_src_id: number | null;
  eff_vlan_id: number | null;
  vlan_src_id: number | null;
  parked_by: number | null;
  clear: 0 | 1;
}

export interface IpRow {
  id: number;
  space_id: number;
  ip_version: IpVersion;
  address: Buffer;
  address_text: string;
  subnet_id: number;
  customer_id: number | null;
  service_id: number | null;
  device_id: number | null;
  vlan_id: number | null;
  rdns: string | null;
  rdns_updated_at: string | null;
  is_unavailable: 0 | 1;
  is_management: 0 | 1;
  purpose: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/** The planner's own fields on a subnet; everything else is position or derived. */
export type SubnetData = Pick<
  SubnetRow,
  'location_id' | 'vlan_id' | 'allocation_status' | 'is_unavailable' | 'is_ip_pool' | 'customer_id' | 'service_id' | 'device_id' | 'description'
>;
export type IpData = Pick<
  IpRow,
  'customer_id' | 'service_id' | 'device_id' | 'vlan_id' | 'rdns' | 'rdns_updated_at' | 'is_unavailable' | 'is_management' | 'purpose' | 'description'
>;

const EMPTY_SUBNET: SubnetData = {
  location_id: null, vlan_id: null, allocation_status: 'unallocated', is_unavailable: 0, is_ip_pool: 0,
  customer_id: null, service_id: null, device_id: null, description: null,
};

export const EMPTY_IP: IpData = {
  customer_id: null, service_id: null, device_id: null, vlan_id: null, rdns: null, rdns_updated_at: null,
  is_unavailable: 0, is_management: 0, purpose: null, description: null,
};


// ---------------------------------------------------------------- typed row queries

/** Rows of one table read through raw arrays; `tail` is everything after FROM (WHERE, ORDER BY, LIMIT). */
export interface RowQuery<T> {
  get(...args: unknown[]): T | undefined;
  all(...args: unknown[]): T[];
  iterate(...args: unknown[]): Generator<T>;
}

function rowQuery<T>(plan: Plan, sql: string, convert: (r: any[]) => T): RowQuery<T> {
  const st = plan.raw(sql);
  return {
    get: (...args) => {
      const r = st.get(...args) as any[] | undefined;
      return r && convert(r);
    },
    all: (...args) => (st.all(...args) as any[][]).map(convert),
    iterate: function* (...args) {
      for (const r of st.iterate(...args) as IterableIterator<any[]>) yield convert(r);
    },
  };
}

const SUBNET_SELECT = 'SELECT id, space_id, ip_version, net, prefix_len, cidr, parent_id, location_id, vlan_id, allocation_status, is_unavailable, is_ip_pool, customer_id, service_id, device_id, description, created_at, updated_at, eff_location_id, location_src_id, eff_vlan_id, vlan_src_id, parked_by, clear FROM subnets';
// An object literal of one fixed shape: V8 builds it far faster than better-sqlite3's generic row objects.
const toSubnet = (r: any[]): SubnetRow => ({ id: r[0], space_id: r[1], ip_version: r[2], net: r[3], prefix_len: r[4], cidr: r[5], parent_id: r[6], location_id: r[7], vlan_id: r[8], allocation_status: r[9], is_unavailable: r[10], is_ip_pool: r[11], customer_id: r[12], service_id: r[13], device_id: r[14], description: r[15], created_at: r[16], updated_at: r[17], eff_location_id: r[18], location_src_id: r[19], eff_vlan_id: r[20], vlan_src_id: r[21], parked_by: r[22], clear: r[23] });
const IP_SELECT = 'SELECT id, space_id, ip_version, address, address_text, subnet_id, customer_id, service_id, device_id, vlan_id, rdns, rdns_updated_at, is_unavailable, is_management, purpose, description, created_at, updated_at FROM ip_addresses';
// An object literal of one fixed shape: V8 builds it far faster than better-sqlite3's generic row objects.
const toIp = (r: any[]): IpRow => ({ id: r[0], space_id: r[1], ip_version: r[2], address: r[3], address_text: r[4], subnet_id: r[5], customer_id: r[6], service_id: r[7], device_id: r[8], vlan_id: r[9], rdns: r[10], rdns_updated_at: r[11], is_unavailable: r[12], is_management: r[13], purpose: r[14], description: r[15], created_at: r[16], updated_at: r[17] });

export const subnetsWhere = (plan: Plan, tail: string): RowQuery<SubnetRow> => rowQuery(plan, `${SUBNET_SELECT} ${tail}`, toSubnet);
export const ipsWhere = (plan: Plan, tail: string): RowQuery<IpRow> => rowQuery(plan, `${IP_SELECT} ${tail}`, toIp);

/** Data of its own: what makes a row worth keeping when free space is merged. IP records count through `clear`. */
export function hasData(row: Pick<SubnetRow, 'description' | 'location_id' | 'vlan_id' | 'customer_id' | 'service_id' | 'device_id'>): boolean {
  return !!row.description || row.location_id !== null || row.vlan_id !== null || row.customer_id !== null || row.service_id !== null || row.device_id !== null;
}

export function subnetKey(plan: Plan, row: Pick<SubnetRow, 'space_id' | 'cidr'>): string {
  return `${plan.spaceName(row.space_id)} ${row.cidr}`;
}

export function getSubnet(plan: Plan, id: number): SubnetRow {
  const row = subnetsWhere(plan, 'WHERE id = ?').get(id);
  if (!row) throw new FluxError('INTERNAL', `subnet #${id} is missing`);
  return row;
}

export function subnetLast(row: Pick<SubnetRow, 'ip_version' | 'net' | 'prefix_len'>): Buffer {
  const p = { version: row.ip_version, net: keyValue(row.net), len: row.prefix_len };
  return addressKey(row.ip_version, lastAddress(p));
}

export function childrenOf(plan: Plan, id: number): SubnetRow[] {
  return subnetsWhere(plan, 'WHERE parent_id = ? ORDER BY net').all(id);
}

/**
 * The leaf holding an address, if the tree covers it. No row starts between that leaf's network
 * and the address (it would lie inside a leaf), and of the rows starting where it does the leaf
 * is the deepest: so it is the last row in (net, prefix_len) order at or before the address.
 */
export function leafHolding(plan: Plan, spaceId: number, version: IpVersion, key: Buffer): SubnetRow | undefined {
  const row = subnetsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND net <= ? ORDER BY net DESC, prefix_len DESC LIMIT 1').get(spaceId, version, key);
  if (!row) return undefined;
  return Buffer.compare(subnetLast(row), key) >= 0 ? row : undefined;
}

// ---------------------------------------------------------------- subnets

export interface Position {
  space_id: number;
  prefix: Prefix;
  /** The parent row as it stands now (its derived columns are inherited), or null for a root. */
  parent: SubnetRow | null;
}

/**
 * Inserts one row. Its derived columns come straight from the parent, so nothing below has to be
 * revisited; the parent's `clear` only changes when the new row is not vacant (a missing child counts as vacant).
 */
/** The one INSERT of a subnet row, every column in order (the row writers and the bulk loaders). */
export const INSERT_SUBNET = `INSERT INTO subnets (id, space_id, ip_version, net, prefix_len, cidr, parent_id, location_id, vlan_id, allocation_status,
        is_unavailable, is_ip_pool, customer_id, service_id, device_id, description, created_at, updated_at,
        eff_location_id, location_src_id, eff_vlan_id, vlan_src_id, parked_by, clear)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function insertSubnet(plan: Plan, position: Position, data: Partial<SubnetData> = {}, restore?: { id: number; created_at: string }): SubnetRow {
  const { prefix: p, parent } = position;
  const d = { ...EMPTY_SUBNET, ...data };
  const net = addressKey(p.version, p.net);
  const cidr = formatCidr(p);
  const draft = {
    space_id: position.space_id, ip_version: p.version, net, prefix_len: p.len, cidr, parent_id: parent?.id ?? null, ...d,
    created_at: restore?.created_at ?? plan.now, updated_at: plan.now,
    eff_location_id: d.location_id ?? parent?.eff_location_id ?? null,
    location_src_id: d.location_id !== null ? null : parent?.location_src_id ?? null,
    eff_vlan_id: d.vlan_id ?? parent?.eff_vlan_id ?? null,
    vlan_src_id: d.vlan_id !== null ? null : parent?.vlan_src_id ?? null,
    parked_by: d.is_unavailable ? null : parent?.parked_by ?? null,
    clear: (d.is_unavailable || d.is_ip_pool || d.allocation_status === 'allocated' ? 0 : 1) as 0 | 1,
  };
  const info = plan
    .q(INSERT_SUBNET)
    .run(
      restore?.id ?? null, draft.space_id, draft.ip_version, net, draft.prefix_len, cidr, draft.parent_id,
      d.location_id, d.vlan_id, d.allocation_status, d.is_unavailable, d.is_ip_pool, d.customer_id, d.service_id, d.device_id,
      d.description, draft.created_at, draft.updated_at,
      draft.eff_location_id, draft.location_src_id, draft.eff_vlan_id, draft.vlan_src_id, draft.parked_by, draft.clear,
    );
  const row: SubnetRow = { id: Number(info.lastInsertRowid), ...draft };
  // A row that is its own source points at itself; its id is known only now.
  if (d.location_id !== null || d.vlan_id !== null || d.is_unavailable) {
    if (d.location_id !== null) row.location_src_id = row.id;
    if (d.vlan_id !== null) row.vlan_src_id = row.id;
    if (d.is_unavailable) row.parked_by = row.id;
    plan.q('UPDATE subnets SET location_src_id = ?, vlan_src_id = ?, parked_by = ? WHERE id = ?').run(row.location_src_id, row.vlan_src_id, row.parked_by, row.id);
  }
  if (parent && d.allocation_status !== 'subdivided') {
    // A new leaf under a split parent takes the parent's IP records in its range.
    const moved = plan
      .q('UPDATE ip_addresses SET subnet_id = ? WHERE subnet_id = ? AND space_id = ? AND ip_version = ? AND address BETWEEN ? AND ?')
      .run(row.id, parent.id, row.space_id, p.version, net, addressKey(p.version, lastAddress(p)));
    if (moved.changes > 0 && row.clear) {
      row.clear = 0;
      plan.q('UPDATE subnets SET clear = 0 WHERE id = ?').run(row.id);
    }
  }
  journal(plan, 'subnet', subnetKey(plan, row), 'insert', null, imageOf('subnet', row));
  if (!vacant(row)) settle(plan, row.parent_id, true);
  return row;
}

const SUBNET_DATA_COLUMNS = ['parent_id', ...Object.keys(EMPTY_SUBNET)] as const;
const CLEAR_INPUTS = ['allocation_status', 'is_unavailable', 'is_ip_pool'];

export function updateSubnet(plan: Plan, before: SubnetRow, patch: Partial<SubnetData> & { parent_id?: number | null }): SubnetRow {
  const next = { ...before, ...patch } as SubnetRow;
  const changed = changedColumns('subnet', before, next);
  if (changed.length === 0) return before;
  const sets = SUBNET_DATA_COLUMNS.filter((c) => changed.includes(c));
  plan
    .q(`UPDATE subnets SET ${sets.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
    .run(...sets.map((c) => (next as unknown as Record<string, unknown>)[c]), plan.now, before.id);
  let after: SubnetRow = { ...next, updated_at: plan.now };
  const parentChanged = changed.includes('parent_id');
  const inherits = [
    (parentChanged || changed.includes('location_id')) && INHERITED.location,
    (parentChanged || changed.includes('vlan_id')) && INHERITED.vlan,
    (parentChanged || changed.includes('is_unavailable')) && INHERITED.park,
  ].filter((a): a is Inherited => !!a);
  if (inherits.length) {
    for (const attr of inherits) cascade(plan, after, attr);
    after = getSubnet(plan, before.id);
  }
  journal(plan, 'subnet', subnetKey(plan, after), 'update', imageOf('subnet', before), imageOf('subnet', after));
  if (changed.some((c) => CLEAR_INPUTS.includes(c))) {
    const c = computeClear(plan, after);
    if (c !== after.clear) {
      plan.q('UPDATE subnets SET clear = ? WHERE id = ?').run(c, after.id);
      after = { ...after, clear: c };
    }
  }
  if (parentChanged) {
    settle(plan, before.parent_id);
    settle(plan, after.parent_id);
  } else if (vacant(before) !== vacant(after)) {
    settle(plan, after.parent_id, !vacant(after));
  }
  return after;
}

/** Deletes one row with no children; its IP records move up to the parent that now covers them. */
export function deleteSubnet(plan: Plan, row: SubnetRow): void {
  const kids = plan.q('SELECT 1 FROM subnets WHERE parent_id = ? LIMIT 1').get(row.id);
  if (kids) throw new FluxError('INTERNAL', `${row.cidr} still has children`);
  const moved = row.parent_id === null ? null : plan.q('UPDATE ip_addresses SET subnet_id = ? WHERE subnet_id = ?').run(row.parent_id, row.id);
  if (row.parent_id === null && plan.q('SELECT 1 FROM ip_addresses WHERE subnet_id = ? LIMIT 1').get(row.id)) {
    throw new FluxError('NOT_FREE', `${row.cidr} still holds IP addresses`);
  }
  plan.q('DELETE FROM subnets WHERE id = ?').run(row.id);
  journal(plan, 'subnet', subnetKey(plan, row), 'delete', imageOf('subnet', row), null);
  if (!vacant(row) || (moved && moved.changes > 0)) settle(plan, row.parent_id);
}

// ---------------------------------------------------------------- derived columns

interface Inherited {
  own: 'location_id' | 'vlan_id' | 'is_unavailable';
  eff: 'eff_location_id' | 'eff_vlan_id' | null;
  src: 'location_src_id' | 'vlan_src_id' | 'parked_by';
}

const INHERITED: Record<'location' | 'vlan' | 'park', Inherited> = {
  location: { own: 'location_id', eff: 'eff_location_id', src: 'location_src_id' },
  vlan: { own: 'vlan_id', eff: 'eff_vlan_id', src: 'vlan_src_id' },
  park: { own: 'is_unavailable', eff: null, src: 'parked_by' },
};

/**
 * A row's inherited value comes from a source row (itself, or its nearest ancestor with a value).
 * Every row below that inherited through this one shares this row's old source, so one ranged
 * UPDATE over the subtree moves them all to the new source.
 */
function cascade(plan: Plan, row: SubnetRow, attr: Inherited): void {
  const parent = row.parent_id === null ? null : getSubnet(plan, row.parent_id);
  const own = row[attr.own];
  const isSource = attr.own === 'is_unavailable' ? own === 1 : own !== null;
  const newSrc = isSource ? row.id : parent ? parent[attr.src] : null;
  const newEff = attr.eff === null ? null : isSource ? own : parent ? parent[attr.eff] : null;
  const oldSrc = row[attr.src];
  const setEff = attr.eff ? `, ${attr.eff} = ?` : '';
  const args: unknown[] = [newSrc];
  if (attr.eff) args.push(newEff);
  plan
    .q(`UPDATE subnets SET ${attr.src} = ?${setEff} WHERE space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? AND prefix_len >= ? AND ${attr.src} IS ?`)
    .run(...args, row.space_id, row.ip_version, row.net, subnetLast(row), row.prefix_len, oldSrc);
}

function computeClear(plan: Plan, row: SubnetRow): 0 | 1 {
  if (row.is_unavailable || row.is_ip_pool || row.allocation_status === 'allocated') return 0;
  if (row.allocation_status === 'subdivided') {
    const kids = plan
      .q('SELECT clear, description, location_id, vlan_id, customer_id, service_id, device_id FROM subnets WHERE parent_id = ?')
      .all(row.id) as SubnetRow[];
    return kids.every((k) => k.clear && !hasData(k)) ? 1 : 0;
  }
  return plan.q('SELECT 1 FROM ip_addresses WHERE subnet_id = ? LIMIT 1').get(row.id) ? 0 : 1;
}

/** Free, data-less space all the way down: what a parent needs of a child to be merged. */
function vacant(row: SubnetRow): boolean {
  return !!row.clear && !hasData(row);
}

/**
 * Recomputes `clear` from a row upwards, stopping where nothing changes. `blocked` says a child just
 * stopped being vacant (or the leaf got an IP record): then the answer is 0 without looking at siblings.
 */
export function settle(plan: Plan, id: number | null, blocked = false): void {
  while (id !== null) {
    const row = getSubnet(plan, id);
    const c = blocked ? 0 : computeClear(plan, row);
    if (c === row.clear) return;
    plan.q('UPDATE subnets SET clear = ? WHERE id = ?').run(c, id);
    // A row with data of its own was never vacant, so its parent's answer cannot change.
    if (hasData(row)) return;
    id = row.parent_id;
  }
}

// ---------------------------------------------------------------- IP records

export function ipKey(plan: Plan, row: Pick<IpRow, 'space_id' | 'address_text'>): string {
  return `${plan.spaceName(row.space_id)} ${row.address_text}`;
}

export function getIp(plan: Plan, id: number): IpRow {
  const row = ipsWhere(plan, 'WHERE id = ?').get(id);
  if (!row) throw new FluxError('INTERNAL', `IP record #${id} is missing`);
  return row;
}

export function insertIp(plan: Plan, spaceId: number, addressText: string, data: Partial<IpData>, restore?: { id: number; created_at: string }): IpRow {
  const a = parseAddress(addressText);
  const key = addressKey(a.version, a.value);
  const leaf = leafHolding(plan, spaceId, a.version, key);
  if (!leaf) throw new FluxError('NOT_FOUND', `No subnet of space ${plan.spaceName(spaceId)} holds ${addressText}`);
  const d = { ...EMPTY_IP, ...data };
  const info = plan
    .q(
      `INSERT INTO ip_addresses (id, space_id, ip_version, address, address_text, subnet_id, customer_id, service_id, device_id, vlan_id,
        rdns, rdns_updated_at, is_unavailable, is_management, purpose, description, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      restore?.id ?? null, spaceId, a.version, key, addressText, leaf.id, d.customer_id, d.service_id, d.device_id, d.vlan_id,
      d.rdns, d.rdns_updated_at, d.is_unavailable, d.is_management, d.purpose, d.description, restore?.created_at ?? plan.now, plan.now,
    );
  const row = getIp(plan, Number(info.lastInsertRowid));
  journal(plan, 'ip', ipKey(plan, row), 'insert', null, imageOf('ip', row));
  settle(plan, leaf.id, true);
  return row;
}

export function updateIp(plan: Plan, before: IpRow, patch: Partial<IpData>): IpRow {
  const next = { ...before, ...patch } as IpRow;
  const changed = changedColumns('ip', before, next).filter((c) => c in EMPTY_IP);
  if (changed.length === 0) return before;
  plan
    .q(`UPDATE ip_addresses SET ${changed.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
    .run(...changed.map((c) => (next as unknown as Record<string, unknown>)[c]), plan.now, before.id);
  const after = getIp(plan, before.id);
  journal(plan, 'ip', ipKey(plan, after), 'update', imageOf('ip', before), imageOf('ip', after));
  return after;
}

export function deleteIp(plan: Plan, row: IpRow): void {
  plan.q('DELETE FROM ip_addresses WHERE id = ?').run(row.id);
  journal(plan, 'ip', ipKey(plan, row), 'delete', imageOf('ip', row), null);
  settle(plan, row.subnet_id);
}

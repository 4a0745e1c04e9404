/** The tree and IP records as the planner sees them: user keys instead of internal ids. */
import { addressKey, formatCidr, lastAddress, parentPrefix, parseCidr } from '../../shared/cidr';
import type { IpView, SubnetView } from '../../shared/api/types';
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { findSubnet, prefixOf } from './carve';
import { ipsWhere, subnetsWhere, type IpRow, type SubnetRow } from './rows';

/** Id-to-key lookups, memoized in the plan's key cache (dropped on catalog writes and foreign commits). */
export class Keys {
  constructor(private readonly plan: Plan) {}

  private get<T>(sql: string, id: number | null, field: string): T | null {
    if (id === null) return null;
    const cache = this.plan.keyCache;
    const k = `${field}#${sql.length}#${id}`;
    if (!cache.has(k)) {
      const row = this.plan.q(sql).get(id) as Record<string, unknown> | undefined;
      cache.set(k, row ? row[field] : null);
    }
    return cache.get(k) as T | null;
  }

  space = (id: number) => this.plan.spaceName(id);
  location = (id: number | null) => this.get<string>('SELECT code FROM locations WHERE id = ?', id, 'code');
  vlan = (id: number | null) => this.get<number>('SELECT vid FROM vlans WHERE id = ?', id, 'vid');
  customer = (id: number | null) => this.get<string>('SELECT ref FROM customers WHERE id = ?', id, 'ref');
  service = (id: number | null) => this.get<string>('SELECT ref FROM services WHERE id = ?', id, 'ref');
  device = (id: number | null) => this.get<string>('SELECT name FROM devices WHERE id = ?', id, 'name');
  subnet = (id: number | null): string | null => {
    if (id === null) return null;
    const row = this.plan.q('SELECT cidr FROM subnets WHERE id = ?').get(id) as { cidr: string } | undefined;
    return row?.cidr ?? null;
  };
}

export function subnetView(keys: Keys, row: SubnetRow): SubnetView {
  const leaf = row.allocation_status !== 'subdivided';
  return {
    id: row.id,
    cidr: row.cidr,
    space: keys.space(row.space_id),
    ip_version: row.ip_version,
    prefix_length: row.prefix_len,
    // The tree is canonical: a parent is always the prefix one bit shorter.
    parent: row.parent_id === null ? null : formatCidr(parentPrefix(prefixOf(row))),
    allocation_status: row.allocation_status,
    is_unavailable: !!row.is_unavailable,
    effectively_unavailable: row.parked_by !== null,
    is_ip_pool: !!row.is_ip_pool,
    is_free: leaf && row.allocation_status === 'unallocated' && !row.is_ip_pool && row.parked_by === null,
    location: keys.location(row.location_id),
    effective_location: keys.location(row.eff_location_id),
    vlan: keys.vlan(row.vlan_id),
    effective_vlan: keys.vlan(row.eff_vlan_id),
    customer: keys.customer(row.customer_id),
    service: keys.service(row.service_id),
    device: keys.device(row.device_id),
    description: row.description,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function ipView(keys: Keys, row: IpRow): IpView {
  return {
    id: row.id,
    address: row.address_text,
    space: keys.space(row.space_id),
    ip_version: row.ip_version,
    subnet: keys.subnet(row.subnet_id),
    customer: keys.customer(row.customer_id),
    service: keys.service(row.service_id),
    device: keys.device(row.device_id),
    vlan: keys.vlan(row.vlan_id),
    rdns: row.rdns,
    rdns_updated_at: row.rdns_updated_at,
    is_management: !!row.is_management,
    is_unavailable: !!row.is_unavailable,
    purpose: row.purpose,
    description: row.description,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export interface Range {
  version: 4 | 6;
  from: Buffer;
  to: Buffer;
  minLen: number;
}

/** The address range of a subnet given by CIDR (NOT_FOUND unless it is a row of the space). */
export function rangeOf(plan: Plan, spaceId: number, cidr: string): { row: SubnetRow; range: Range } {
  const p = parseCidr(cidr);
  const row = findSubnet(plan, spaceId, p);
  if (!row) throw new FluxError('NOT_FOUND', `${cidr} is not a subnet of space ${plan.spaceName(spaceId)}`);
  const pr = prefixOf(row);
  return { row, range: { version: pr.version, from: row.net, to: addressKey(pr.version, lastAddress(pr)), minLen: pr.len } };
}

/** Rows in pre-order (a parent right before its first child): address, then prefix length. */
export function listSubnets(plan: Plan, spaceId: number, range: Range | null): SubnetRow[] {
  if (!range) return subnetsWhere(plan, 'WHERE space_id = ? ORDER BY ip_version, net, prefix_len').all(spaceId);
  return subnetsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? AND prefix_len >= ? ORDER BY net, prefix_len').all(
    spaceId, range.version, range.from, range.to, range.minLen,
  );
}

/** A LIKE pattern that finds `text` anywhere, its wildcards taken literally (ESCAPE '\\'). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export type PtrFilter = 'any' | 'named' | 'unnamed' | 'unpushed';

const PTR_FILTER: Record<PtrFilter, string | null> = {
  any: null,
  named: "i.rdns IS NOT NULL AND i.rdns <> ''",
  unnamed: "(i.rdns IS NULL OR i.rdns = '')",
  unpushed: "i.rdns IS NOT NULL AND i.rdns <> '' AND i.rdns_updated_at IS NULL",
};

/** One page of the IP records that match, in address order, and how many match in all. */
export function pageIps(plan: Plan, spaceId: number, range: Range | null, q: { text?: string | undefined; ptr: PtrFilter; offset: number; limit: number }): { total: number; rows: IpRow[] } {
  const where = ['i.space_id = ?'];
  const args: unknown[] = [spaceId];
  if (range) {
    where.push('i.ip_version = ? AND i.address BETWEEN ? AND ?');
    args.push(range.version, range.from, range.to);
  }
  if (PTR_FILTER[q.ptr]) where.push(PTR_FILTER[q.ptr]!);
  const text = q.text?.trim();
  if (text) {
    const like = likePattern(text);
    const fields = ['i.address_text', 's.cidr', 'c.ref', 'sv.ref', 'd.name', 'i.purpose', 'i.rdns'];
    where.push(`(${fields.map((f) => `${f} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
    args.push(...fields.map(() => like));
  }
  const from = `ip_addresses i LEFT JOIN subnets s ON s.id = i.subnet_id LEFT JOIN customers c ON c.id = i.customer_id
    LEFT JOIN services sv ON sv.id = i.service_id LEFT JOIN devices d ON d.id = i.device_id WHERE ${where.join(' AND ')}`;
  const total = (plan.q(`SELECT COUNT(*) AS n FROM ${from}`).get(...args) as { n: number }).n;
  const rows = plan.q(`SELECT i.* FROM ${from} ORDER BY i.ip_version, i.address LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as IpRow[];
  return { total, rows };
}

export function listIps(plan: Plan, spaceId: number, range: Range | null): IpRow[] {
  if (!range) return ipsWhere(plan, 'WHERE space_id = ? ORDER BY ip_version, address').all(spaceId);
  return ipsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND address BETWEEN ? AND ? ORDER BY address').all(spaceId, range.version, range.from, range.to);
}

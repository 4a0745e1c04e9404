/**
 * Capacity of a block: where its addresses are, and how many /L blocks the allocator can still
 * hand out for every L. A free unit (a free leaf, or a subdivided row whose subtree is all free)
 * of length u yields 2^(L-u) blocks of /L; only maximal units count, so nothing is counted twice.
 */
import type { CapacityView } from '../../shared/api/types';
import { addressBits, countValue, usableRange } from '../../shared/cidr';
import type { Plan } from '../plan';
import { prefixOf } from './carve';
import { subnetLast, type SubnetRow } from './rows';

const MERGEABLE = (t: string) => `(${t}.allocation_status = 'subdivided' AND ${t}.clear = 1 AND ${t}.parked_by IS NULL)`;
const FREE_UNIT = (t: string) => `((${t}.allocation_status = 'unallocated' AND ${t}.is_ip_pool = 0 AND ${t}.parked_by IS NULL) OR ${MERGEABLE(t)})`;

export function capacityOf(plan: Plan, top: SubnetRow, locationId: number | null, locationCode: string | null): CapacityView {
  const bits = addressBits(top.ip_version);
  const size = (len: number) => 1n << BigInt(bits - len);
  const args = [top.space_id, top.ip_version, top.net, subnetLast(top), top.prefix_len];
  const inRange = 'space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? AND prefix_len >= ?';
  const locFilter = locationId === null ? '' : ' AND eff_location_id = ?';
  const locArgs = locationId === null ? [] : [locationId];

  const groups = plan
    .q(`SELECT prefix_len, allocation_status, is_ip_pool, parked_by IS NOT NULL AS parked, COUNT(*) AS n
        FROM subnets WHERE ${inRange} AND allocation_status <> 'subdivided'${locFilter}
        GROUP BY prefix_len, allocation_status, is_ip_pool, parked`)
    .all(...args, ...locArgs) as Array<{ prefix_len: number; allocation_status: string; is_ip_pool: number; parked: number; n: number }>;
  let total = 0n, allocated = 0n, free = 0n, parked = 0n, pool = 0n;
  for (const g of groups) {
    const amount = size(g.prefix_len) * BigInt(g.n);
    total += amount;
    if (g.parked) parked += amount;
    else if (g.allocation_status === 'allocated') allocated += amount;
    else if (g.is_ip_pool) pool += amount;
    else free += amount;
  }

  const units = plan
    .q(`SELECT u.prefix_len AS len, COUNT(*) AS n FROM subnets u LEFT JOIN subnets p ON p.id = u.parent_id
        WHERE u.space_id = ? AND u.ip_version = ? AND u.net BETWEEN ? AND ? AND u.prefix_len >= ? AND ${FREE_UNIT('u')}
          ${locationId === null ? '' : 'AND u.eff_location_id = ?'}
          AND (u.id = ? OR p.id IS NULL OR NOT ${MERGEABLE('p')})
        GROUP BY u.prefix_len`)
    .all(...args, ...locArgs, top.id) as Array<{ len: number; n: number }>;
  const freeBlocks: CapacityView['free_blocks'] = [];
  if (units.length) {
    const shortest = Math.min(...units.map((u) => u.len));
    for (let len = shortest; len <= bits; len++) {
      let blocks = 0n;
      for (const u of units) if (u.len <= len) blocks += BigInt(u.n) << BigInt(len - u.len);
      freeBlocks.push({ prefix_length: len, blocks: countValue(blocks) });
    }
  }

  const pools = plan
    .q(`SELECT s.*, (SELECT COUNT(*) FROM ip_addresses i WHERE i.subnet_id = s.id) AS used FROM subnets s
        WHERE s.space_id = ? AND s.ip_version = ? AND s.net BETWEEN ? AND ? AND s.prefix_len >= ? AND s.is_ip_pool = 1${locationId === null ? '' : ' AND s.eff_location_id = ?'}`)
    .all(...args, ...locArgs) as Array<SubnetRow & { used: number }>;
  let usable = 0n, used = 0n;
  for (const p of pools) {
    const r = usableRange(prefixOf(p));
    if (r) usable += r.last - r.first + 1n;
    used += BigInt(p.used);
  }

  const base = locationId === null ? size(top.prefix_len) : total;
  const utilization = base === 0n ? 0 : Number(((allocated + pool) * 10000n) / base) / 100;
  return {
    cidr: top.cidr,
    space: plan.spaceName(top.space_id),
    location: locationCode,
    total_addresses: countValue(base),
    allocated_addresses: countValue(allocated),
    free_addresses: countValue(free),
    parked_addresses: countValue(parked),
    ip_pool_addresses: countValue(pool),
    utilization,
    ip_pools: { usable: countValue(usable), used: countValue(used) },
    free_blocks: freeBlocks,
  };
}

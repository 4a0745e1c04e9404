/**
 * Single addresses: automatic allocation draws the lowest free usable address from the IP-pool
 * leaves in scope; a chosen address may be recorded in any leaf that is not parked.
 */
import { FluxError } from '../../shared/errors';
import { addressKey, containsAddress, formatAddress, keyValue, parseAddress, usableRange } from '../../shared/cidr';
import { logAction } from '../journal/provisioning-log';
import { vlanVid } from '../catalog/resolve';
import type { Plan } from '../plan';
import { prefixOf } from '../tree/carve';
import { insertIp, ipsWhere, leafHolding, type IpData, type IpRow, type SubnetRow } from '../tree/rows';
import { allInScope, outOfScope, type Scope } from './scope';
import { describeScope } from './subnet';

const IP_POOL = `is_ip_pool = 1 AND parked_by IS NULL AND allocation_status <> 'subdivided'`;

export interface IpPlacement {
  pool: SubnetRow;
  address: string;
}

/** The lowest usable address without a record in one pool, scanning its records in address order. */
export function lowestFreeIn(plan: Plan, pool: SubnetRow): bigint | null {
  const range = usableRange(prefixOf(pool));
  if (!range) return null;
  let expected = range.first;
  const records = plan
    .q('SELECT address FROM ip_addresses WHERE subnet_id = ? AND address >= ? ORDER BY address')
    .iterate(pool.id, addressKey(pool.ip_version, range.first)) as IterableIterator<{ address: Buffer }>;
  for (const { address } of records) {
    const value = keyValue(address);
    if (value > expected) break;
    if (value === expected) expected += 1n;
  }
  return expected <= range.last ? expected : null;
}

export function placeIp(plan: Plan, scope: Scope): IpPlacement {
  for (const pool of allInScope(plan, scope, IP_POOL)) {
    const value = lowestFreeIn(plan, pool);
    if (value !== null) return { pool, address: formatAddress(scope.version, value) };
  }
  throw new FluxError('POOL_EXHAUSTED', `No free address is left in the IP pools of ${describeScope(plan, scope)}`);
}

/** Checks a chosen address: inside a leaf, not parked, not taken, a usable host of its leaf, inside the scope. */
export function placeChosenIp(plan: Plan, scope: Scope, text: string): IpPlacement {
  const a = parseAddress(text);
  if (a.version !== scope.version) throw new FluxError('INVALID_ARGUMENT', `${text} is IPv${a.version}; pass --family ${a.version}`);
  const address = formatAddress(a.version, a.value);
  const key = addressKey(a.version, a.value);
  const leaf = leafHolding(plan, scope.spaceId, a.version, key);
  if (!leaf) throw new FluxError('NOT_FOUND', `No subnet of space ${plan.spaceName(scope.spaceId)} holds ${address}`, { address });
  const taken = ipsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND address = ?').get(scope.spaceId, a.version, key);
  if (taken) throw new FluxError('NOT_FREE', `${address} already has a record${taken.is_unavailable ? ' (parked)' : ''}`, { address });
  if (leaf.parked_by !== null) throw new FluxError('NOT_FREE', `${address} lies in parked space (${leaf.cidr})`, { address });
  const range = usableRange(prefixOf(leaf));
  if (!range || a.value < range.first || a.value > range.last) {
    throw new FluxError('INVALID_ADDRESS', `${address} is not a usable host address of ${leaf.cidr} (network or broadcast address)`, { address });
  }
  const why = outOfScope(plan, scope, leaf, { version: a.version, net: a.value, len: a.version === 4 ? 32 : 128 });
  if (why) throw new FluxError('OUT_OF_SCOPE', `${address} cannot be allocated here: ${why}`, { address });
  if (!containsAddress(prefixOf(leaf), a)) throw new FluxError('INTERNAL', `${address} is outside ${leaf.cidr}`);
  return { pool: leaf, address };
}

export function assignIp(plan: Plan, scope: Scope, placement: IpPlacement, data: Partial<IpData>, service?: { id: number; ref: string } | null): IpRow {
  const row = insertIp(plan, scope.spaceId, placement.address, { vlan_id: placement.pool.eff_vlan_id, ...data });
  logAction(
    plan,
    'ipam_allocate_ip',
    true,
    { address: row.address_text, subnet: placement.pool.cidr, allocation_id: row.id, purpose: row.purpose, vlan: vlanVid(plan, row.vlan_id), space: plan.spaceName(scope.spaceId) },
    service ?? null,
  );
  return row;
}

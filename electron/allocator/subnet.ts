/**
 * Allocating one /L block: exact fit, else merge free siblings up, else split a larger free leaf
 * down, else POOL_EXHAUSTED. Each step is a handful of index probes, whatever the plan's size.
 */
import { FluxError } from '../../shared/errors';
import { addressBits, addressKey, containsPrefix, formatCidr, parseCidr, type IpVersion } from '../../shared/cidr';
import { logAction } from '../journal/provisioning-log';
import { vlanVid } from '../catalog/resolve';
import type { Plan } from '../plan';
import { assertMergeable, carveDown, findSubnet, mergeSubtree, prefixOf } from '../tree/carve';
import { leafHolding, updateSubnet, type SubnetData, type SubnetRow } from '../tree/rows';
import { firstInScope, outOfScope, shortestRootLength, type Scope } from './scope';

export type Strategy = 'exact' | 'merge' | 'split' | 'chosen';

const FREE_LEAF = `allocation_status = 'unallocated' AND is_ip_pool = 0 AND parked_by IS NULL AND prefix_len = ?`;
const MERGEABLE = `allocation_status = 'subdivided' AND clear = 1 AND parked_by IS NULL AND prefix_len = ?`;

export interface Placement {
  row: SubnetRow;
  strategy: Strategy;
}

/** Finds (and carves, when needed) the free /len leaf the policy picks. Journals every split and merge. */
export function placeSubnet(plan: Plan, scope: Scope, len: number): Placement {
  const bits = addressBits(scope.version);
  if (!Number.isInteger(len) || len < 0 || len > bits) {
    throw new FluxError('INVALID_ARGUMENT', `Prefix length ${len} is not valid for IPv${scope.version} (0-${bits})`);
  }
  const exact = firstInScope(plan, scope, FREE_LEAF, [len]);
  if (exact) return { row: exact, strategy: 'exact' };
  const mergeable = firstInScope(plan, scope, MERGEABLE, [len]);
  if (mergeable) return { row: mergeSubtree(plan, mergeable), strategy: 'merge' };
  const stop = shortestRootLength(plan, scope);
  for (let l = len - 1; l >= stop; l--) {
    const larger = firstInScope(plan, scope, FREE_LEAF, [l]);
    if (larger) {
      const target = { version: scope.version, net: prefixOf(larger).net, len };
      return { row: carveDown(plan, larger, target), strategy: 'split' };
    }
  }
  throw new FluxError('POOL_EXHAUSTED', `No free /${len} is left in ${describeScope(plan, scope)}`, { prefix_length: len });
}

/** Carves a chosen block out of the free leaf that holds it; a fully free subdivided block is merged first. */
export function placeChosen(plan: Plan, scope: Scope, cidr: string): Placement {
  const p = parseCidr(cidr);
  if (p.version !== scope.version) throw new FluxError('INVALID_ARGUMENT', `${cidr} is IPv${p.version}, not IPv${scope.version}`);
  const text = formatCidr(p);
  const existing = findSubnet(plan, scope.spaceId, p);
  let row: SubnetRow;
  if (existing && existing.allocation_status === 'subdivided') {
    assertMergeable(existing);
    if (existing.parked_by !== null) throw new FluxError('NOT_FREE', `${text} is parked`, { cidr: text });
    row = mergeSubtree(plan, existing);
  } else {
    const holder = existing ?? leafHolding(plan, scope.spaceId, p.version, addressKey(p.version, p.net));
    if (!holder || holder.prefix_len > p.len) {
      throw new FluxError('NOT_FOUND', `${text} is not inside any subnet of space ${plan.spaceName(scope.spaceId)}`, { cidr: text });
    }
    if (holder.allocation_status !== 'unallocated' || holder.is_ip_pool || holder.parked_by !== null) {
      const why = holder.is_ip_pool ? 'an IP pool' : holder.parked_by !== null ? 'parked' : 'allocated';
      throw new FluxError('NOT_FREE', `${text} is not free: ${holder.cidr} is ${why}`, { cidr: text, holder: holder.cidr });
    }
    row = holder;
  }
  const why = outOfScope(plan, scope, row, p);
  if (why) throw new FluxError('OUT_OF_SCOPE', `${text} cannot be allocated here: ${why}`, { cidr: text });
  return { row: row.prefix_len < p.len ? carveDown(plan, row, p) : row, strategy: 'chosen' };
}

export interface SubnetAssignment {
  links: Pick<SubnetData, 'customer_id' | 'service_id' | 'device_id'>;
  vlanId: number | null;
  description: string | null;
  service?: { id: number; ref: string } | null;
}

/** Marks a placed leaf allocated, links it, and logs ipam_allocate_subnet in the same transaction. */
export function assignSubnet(plan: Plan, scope: Scope, placement: Placement, a: SubnetAssignment): SubnetRow {
  const row = updateSubnet(plan, placement.row, {
    allocation_status: 'allocated',
    ...a.links,
    vlan_id: a.vlanId ?? placement.row.vlan_id,
    description: a.description ?? placement.row.description,
  });
  const pool = scope.pools.find((p) => containsPrefix(prefixOf(p), prefixOf(row))) ?? null;
  logAction(
    plan,
    'ipam_allocate_subnet',
    true,
    { cidr: row.cidr, strategy: placement.strategy, allocation_id: row.id, pool: pool?.cidr ?? null, space: plan.spaceName(row.space_id), vlan: vlanVid(plan, row.vlan_id) },
    a.service ?? null,
  );
  return row;
}

export function describeScope(plan: Plan, scope: Scope): string {
  const parts = [`IPv${scope.version as IpVersion} of space ${plan.spaceName(scope.spaceId)}`];
  if (scope.pools.length) parts.push(`pools ${scope.pools.map((p) => p.cidr).join(', ')}`);
  if (scope.locationId !== null) parts.push(`location ${(plan.q('SELECT code FROM locations WHERE id = ?').get(scope.locationId) as { code: string }).code}`);
  if (scope.vlanVids !== null) parts.push(`VLAN ${scope.vlanVids.join(' or ')}`);
  return parts.join(', ');
}

/**
 * Carving: the binary, canonical prefix tree. A subdivided row has exactly its two halves as
 * children, so the same carving always yields the same rows, and free space is explicit.
 */
import { FluxError } from '../../shared/errors';
import { addressKey, containsPrefix, formatCidr, halves, keyValue, lastAddress, parseCidr, samePrefix, type Prefix } from '../../shared/cidr';
import { logAction } from '../journal/provisioning-log';
import type { Plan } from '../plan';
import { deleteSubnet, getSubnet, hasData, insertSubnet, leafHolding, subnetsWhere, updateSubnet, type SubnetData, type SubnetRow } from './rows';

/** Splitting a leaf into more pieces than this in one command is refused: it is almost always a typo. */
export const MAX_SPLIT_LEAVES = 65_536;

export function prefixOf(row: Pick<SubnetRow, 'ip_version' | 'net' | 'prefix_len'>): Prefix {
  return { version: row.ip_version, net: keyValue(row.net), len: row.prefix_len };
}

export function findSubnet(plan: Plan, spaceId: number, p: Prefix): SubnetRow | undefined {
  return subnetsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND net = ? AND prefix_len = ?').get(spaceId, p.version, addressKey(p.version, p.net), p.len);
}

export function requireSubnet(plan: Plan, spaceId: number, cidr: string): SubnetRow {
  const p = parseCidr(cidr);
  const row = findSubnet(plan, spaceId, p);
  if (!row) throw new FluxError('NOT_FOUND', `${formatCidr(p)} is not a subnet of space ${plan.spaceName(spaceId)}`, { cidr: formatCidr(p) });
  return row;
}

function describeHolder(row: SubnetRow): string {
  if (row.is_ip_pool) return `${row.cidr} is an IP pool`;
  if (row.allocation_status === 'allocated') return `${row.cidr} is allocated`;
  if (row.parked_by !== null) return `${row.cidr} is parked`;
  return `${row.cidr} is in use`;
}

/** Halves a leaf; its IP records follow their addresses into the halves. */
export function splitLeaf(plan: Plan, leaf: SubnetRow): [SubnetRow, SubnetRow] {
  const [lo, hi] = halves(prefixOf(leaf));
  const parent = updateSubnet(plan, leaf, { allocation_status: 'subdivided' });
  const a = insertSubnet(plan, { space_id: leaf.space_id, prefix: lo, parent });
  const b = insertSubnet(plan, { space_id: leaf.space_id, prefix: hi, parent });
  logAction(plan, 'ipam_subnet_split', true, { cidr: leaf.cidr, children: [a.cidr, b.cidr], space: plan.spaceName(leaf.space_id) });
  return [a, b];
}

/** Halves a leaf again and again down to the target inside it, and returns the target's row. */
export function carveDown(plan: Plan, leaf: SubnetRow, target: Prefix): SubnetRow {
  let current = leaf;
  while (current.prefix_len < target.len) {
    const [a, b] = splitLeaf(plan, current);
    current = containsPrefix(prefixOf(a), target) ? a : b;
  }
  return current;
}

/** Folds a subtree of free, data-less space back into its top row, which becomes a free leaf. */
export function mergeSubtree(plan: Plan, top: SubnetRow): SubnetRow {
  const doomed = subnetsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? AND prefix_len > ? ORDER BY prefix_len DESC, net').all(
    top.space_id, top.ip_version, top.net, addressKey(top.ip_version, lastAddress(prefixOf(top))), top.prefix_len,
  );
  for (const row of doomed) deleteSubnet(plan, row);
  const merged = updateSubnet(plan, getSubnet(plan, top.id), { allocation_status: 'unallocated' });
  logAction(plan, 'ipam_subnet_merge', true, { cidr: top.cidr, space: plan.spaceName(top.space_id) });
  return merged;
}

export function assertMergeable(top: SubnetRow): void {
  if (top.allocation_status !== 'subdivided') throw new FluxError('NOT_FREE', `${top.cidr} is not subdivided; there is nothing to merge`);
  if (!top.clear) {
    throw new FluxError('NOT_FREE', `${top.cidr} cannot be merged: something inside it is allocated, parked, an IP pool, holds IP records or carries data`);
  }
}

/**
 * Adds a subnet: inside a free leaf it carves the leaf down to it; over existing roots it becomes
 * their parent, the rest filled with free halves; elsewhere it is a new root.
 */
export function addSubnet(plan: Plan, spaceId: number, p: Prefix, data: Partial<SubnetData>): SubnetRow {
  const cidr = formatCidr(p);
  if (findSubnet(plan, spaceId, p)) throw new FluxError('EXISTS', `${cidr} already exists in space ${plan.spaceName(spaceId)}; change it with: subnet set ${cidr}`, { cidr });
  const holder = leafHolding(plan, spaceId, p.version, addressKey(p.version, p.net));
  if (holder && holder.prefix_len < p.len) {
    if (holder.allocation_status === 'allocated' || holder.is_ip_pool) {
      throw new FluxError('NOT_FREE', `${cidr} lies inside ${describeHolder(holder)}`, { cidr, holder: holder.cidr });
    }
    const row = carveDown(plan, holder, p);
    return updateSubnet(plan, row, data);
  }
  // Not inside any row: a new root, parent of whatever roots it covers.
  const covered = subnetsWhere(plan, 'WHERE parent_id IS NULL AND space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? ORDER BY net').all(
    spaceId, p.version, addressKey(p.version, p.net), addressKey(p.version, lastAddress(p)),
  );
  if (covered.length && data.is_ip_pool) {
    throw new FluxError('INVALID_ARGUMENT', `${cidr} would hold ${covered[0]!.cidr}; an IP pool must be a leaf`, { cidr });
  }
  return fill(plan, spaceId, p, null, covered.map((r) => ({ row: r, p: prefixOf(r) })), data);
}

function fill(plan: Plan, spaceId: number, p: Prefix, parent: SubnetRow | null, covered: Array<{ row: SubnetRow; p: Prefix }>, data: Partial<SubnetData>): SubnetRow {
  const inside = covered.filter((c) => containsPrefix(p, c.p));
  const exact = inside.find((c) => samePrefix(c.p, p));
  if (exact) return updateSubnet(plan, exact.row, { parent_id: parent?.id ?? null });
  const status = inside.length ? 'subdivided' : 'unallocated';
  const row = insertSubnet(plan, { space_id: spaceId, prefix: p, parent }, { ...data, allocation_status: status });
  if (inside.length) for (const half of halves(p)) fill(plan, spaceId, half, row, inside, {});
  return getSubnet(plan, row.id);
}

/** Splits a free leaf into every /len block inside it. */
export function splitTo(plan: Plan, leaf: SubnetRow, len: number): SubnetRow[] {
  if (leaf.allocation_status !== 'unallocated' || leaf.is_ip_pool) {
    throw new FluxError('NOT_FREE', `${describeHolder(leaf)}; only a free leaf can be split`, { cidr: leaf.cidr });
  }
  const bits = leaf.ip_version === 4 ? 32 : 128;
  if (!Number.isInteger(len) || len <= leaf.prefix_len || len > bits) {
    throw new FluxError('INVALID_ARGUMENT', `Cannot split ${leaf.cidr} to /${len}: choose a length from ${leaf.prefix_len + 1} to ${bits}`);
  }
  if (len - leaf.prefix_len > 16) {
    throw new FluxError('TOO_LARGE', `Splitting ${leaf.cidr} into /${len} makes 2^${len - leaf.prefix_len} subnets; at most ${MAX_SPLIT_LEAVES.toLocaleString('en')} per split`);
  }
  let frontier = [leaf];
  while (frontier[0]!.prefix_len < len) frontier = frontier.flatMap((row) => splitLeaf(plan, row));
  return frontier;
}

/**
 * Removes a subnet whose space is all free and unlinked. A root goes with everything below it;
 * any other row folds back into its parent as far as its free buddies allow.
 */
export function removeSubnet(plan: Plan, row: SubnetRow): void {
  if (!row.clear) throw new FluxError('NOT_FREE', `${row.cidr} cannot be deleted: something inside it is allocated, parked, an IP pool, holds IP records or carries data`, { cidr: row.cidr });
  let top = row.allocation_status === 'subdivided' ? mergeSubtree(plan, row) : row;
  if (top.parent_id === null) {
    deleteSubnet(plan, top);
    return;
  }
  top = updateSubnet(plan, top, { location_id: null, vlan_id: null, description: null, is_unavailable: 0 });
  // Fold upwards while the buddy is free too, so that the carving made for this subnet disappears.
  let parent = getSubnet(plan, top.parent_id!);
  while (parent.clear && !parent.is_unavailable) {
    const merged = mergeSubtree(plan, parent);
    if (merged.parent_id === null || hasData(merged)) break;
    parent = getSubnet(plan, merged.parent_id);
  }
}

export function ancestorsOf(plan: Plan, row: SubnetRow): SubnetRow[] {
  const out: SubnetRow[] = [];
  let id = row.parent_id;
  while (id !== null) {
    const r = getSubnet(plan, id);
    out.push(r);
    id = r.parent_id;
  }
  return out;
}

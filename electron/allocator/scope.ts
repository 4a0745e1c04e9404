/**
 * Where an allocation may look: one family in one space, optionally narrowed to pool subnets,
 * an effective location and an effective VLAN. Candidate queries are index probes on the
 * partial indexes of free leaves, merge candidates and IP pools.
 */
import { FluxError } from '../../shared/errors';
import { addressBits, containsPrefix, parseCidr, type IpVersion, type Prefix } from '../../shared/cidr';
import { locationId } from '../catalog/resolve';
import type { Plan } from '../plan';
import { findSubnet, prefixOf } from '../tree/carve';
import { subnetLast, subnetsWhere, type SubnetRow } from '../tree/rows';

export interface Scope {
  spaceId: number;
  version: IpVersion;
  pools: SubnetRow[];
  locationId: number | null;
  /** The VIDs asked for, and the enabled VLAN rows they name (at the location, when one is given). */
  vlanVids: number[] | null;
  vlanIds: number[] | null;
}

export interface ScopeRequest {
  pools?: string[] | undefined;
  location?: string | undefined;
  pool_vlans?: number[] | undefined;
}

/** The enabled VLAN rows with these VIDs; a VID that exists only disabled is refused with VLAN_DISABLED. */
function enabledVlans(plan: Plan, vids: number[], locationIdValue: number | null): number[] {
  const rows = plan
    .q(`SELECT id, vid, enabled, location_id FROM vlans WHERE vid IN (${vids.map(() => '?').join(', ')})${locationIdValue === null ? '' : ' AND location_id = ?'}`)
    .all(...vids, ...(locationIdValue === null ? [] : [locationIdValue])) as Array<{ id: number; vid: number; enabled: number }>;
  const enabled = rows.filter((r) => r.enabled).map((r) => r.id);
  if (enabled.length) return enabled;
  const where = locationIdValue === null ? '' : ` at ${(plan.q('SELECT code FROM locations WHERE id = ?').get(locationIdValue) as { code: string }).code}`;
  if (rows.length) throw new FluxError('VLAN_DISABLED', `VLAN ${vids.join(', ')} is disabled${where}`, { vlans: vids });
  throw new FluxError('NOT_FOUND', `VLAN ${vids.join(', ')} does not exist${where}`, { vlans: vids });
}

export function buildScope(plan: Plan, spaceId: number, version: IpVersion, req: ScopeRequest): Scope {
  const pools = (req.pools ?? []).map((text) => {
    const p = parseCidr(text);
    if (p.version !== version) throw new FluxError('INVALID_ARGUMENT', `Pool ${text} is IPv${p.version} but the request is for IPv${version}`);
    const row = findSubnet(plan, spaceId, p);
    if (!row) throw new FluxError('NOT_FOUND', `Pool ${text} is not a subnet of space ${plan.spaceName(spaceId)}`);
    return row;
  });
  const loc = req.location ? locationId(plan, req.location) : null;
  const vids = req.pool_vlans?.length ? req.pool_vlans : null;
  return { spaceId, version, pools, locationId: loc, vlanVids: vids, vlanIds: vids && enabledVlans(plan, vids, loc) };
}

/** The query for rows matching `where` in the scope's family, space, location and VLAN (pools are ranges on top). */
function scoped(scope: Scope, where: string, args: unknown[]): { sql: string; args: unknown[] } {
  let sql = `WHERE space_id = ? AND ip_version = ? AND ${where}`;
  const all: unknown[] = [scope.spaceId, scope.version, ...args];
  if (scope.locationId !== null) {
    sql += ' AND eff_location_id IS NOT NULL AND eff_location_id = ?';
    all.push(scope.locationId);
  }
  if (scope.vlanIds !== null) {
    sql += ` AND eff_vlan_id IN (${scope.vlanIds.map(() => '?').join(', ')})`;
    all.push(...scope.vlanIds);
  }
  return { sql, args: all };
}

/** The lowest-addressed row matching `where` inside the scope. */
export function firstInScope(plan: Plan, scope: Scope, where: string, args: unknown[]): SubnetRow | undefined {
  const q = scoped(scope, where, args);
  if (!scope.pools.length) return subnetsWhere(plan, `${q.sql} ORDER BY net LIMIT 1`).get(...q.args);
  let best: SubnetRow | undefined;
  // Inside a pool means starting in its range and no shorter than it: a subdivided ancestor that
  // starts where the pool does is not inside it.
  const ranged = subnetsWhere(plan, `${q.sql} AND net BETWEEN ? AND ? AND prefix_len >= ? ORDER BY net LIMIT 1`);
  for (const pool of scope.pools) {
    const row = ranged.get(...q.args, pool.net, subnetLast(pool), pool.prefix_len);
    if (row && (!best || Buffer.compare(row.net, best.net) < 0)) best = row;
  }
  return best;
}

/** Every row matching `where` inside the scope, lowest address first, each once even if pools nest. */
export function* allInScope(plan: Plan, scope: Scope, where: string): Generator<SubnetRow> {
  const q = scoped(scope, where, []);
  if (!scope.pools.length) {
    yield* subnetsWhere(plan, `${q.sql} ORDER BY net`).iterate(...q.args);
    return;
  }
  const seen = new Set<number>();
  const ranges = [...scope.pools].sort((a, b) => Buffer.compare(a.net, b.net) || a.prefix_len - b.prefix_len);
  for (const pool of ranges) {
    for (const row of subnetsWhere(plan, `${q.sql} AND net BETWEEN ? AND ? AND prefix_len >= ? ORDER BY net`).iterate(...q.args, pool.net, subnetLast(pool), pool.prefix_len)) {
      if (!seen.has(row.id)) {
        seen.add(row.id);
        yield row;
      }
    }
  }
}

/** Why a chosen block or address is outside the scope, or null when it is inside. */
export function outOfScope(plan: Plan, scope: Scope, row: SubnetRow, target: Prefix): string | null {
  if (scope.pools.length && !scope.pools.some((pool) => containsPrefix(prefixOf(pool), target))) {
    return `it is outside the pools ${scope.pools.map((p) => p.cidr).join(', ')}`;
  }
  if (scope.locationId !== null && row.eff_location_id !== scope.locationId) return 'its effective location differs';
  if (scope.vlanIds !== null && (row.eff_vlan_id === null || !scope.vlanIds.includes(row.eff_vlan_id))) {
    const vid = row.eff_vlan_id === null ? null : (plan.q('SELECT vid FROM vlans WHERE id = ?').get(row.eff_vlan_id) as { vid: number }).vid;
    return `its effective VLAN is ${vid ?? 'none'}, not ${scope.vlanVids!.join(' or ')}`;
  }
  return null;
}

export function shortestRootLength(plan: Plan, scope: Scope): number {
  const row = plan.q('SELECT MIN(prefix_len) AS len FROM subnets WHERE parent_id IS NULL AND space_id = ? AND ip_version = ?').get(scope.spaceId, scope.version) as { len: number | null };
  return row.len ?? addressBits(scope.version);
}

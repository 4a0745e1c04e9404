/**
 * Conflicts and their resolution. A conflict holds both sides of every row it contests; resolving it
 * keeps that record (with the resolution), so the losing values are never lost.
 *
 *  - mine: the local rows stay as they are and the next sync pushes them over the tenant's;
 *  - theirs: the tenant's rows are applied locally (journaled as remote, like a pull);
 *  - reallocate (allocation conflicts): theirs is applied, and each of this plan's allocations in the
 *    region is placed again by the allocator's own policy (exact fit, else merge, else split) in the
 *    same space, family and effective location, with the same links, as a local action that the next
 *    sync pushes.
 */
import { parseAddress, parseCidr } from '../../shared/cidr';
import { FluxError, isFluxError } from '../../shared/errors';
import type { Change } from '../../shared/sync/protocol';
import { keyString, sameState, sameValue, type RowKey, type RowState, type SyncEntity, type VlanRef } from '../../shared/sync/rows';
import { assignIp, placeIp } from '../allocator/ip';
import { buildScope } from '../allocator/scope';
import { assignSubnet, placeSubnet } from '../allocator/subnet';
import type { Plan } from '../plan';
import { applyChanges, changeBetween } from './apply';
import { inRegion, Merge, type DirtyRow, type Region } from './merge';
import { readPending } from './pending';
import { findRow, Ids, Refs } from './rows';
import { getConflict, readShadow, reload, writeShadow, type ConflictKind, type ConflictRow, type RemoteRow, type ShadowEntry } from './store';

export interface ConflictView {
  id: number;
  kind: ConflictKind;
  /** The contested row: "subnet global 10.0.0.0/26" (for a subtree, its top). */
  row: string;
  entity: SyncEntity;
  key: RowKey;
  /** The contested subtree's CIDR, or null when only the row itself is contested. */
  region: string | null;
  fields: string[];
  mine: RowState | null;
  theirs: RowState | null;
  /** Every row of the region whose two sides differ. */
  rows: Array<{ row: string; entity: SyncEntity; key: RowKey; mine: RowState | null; theirs: RowState | null }>;
  status: 'open' | 'resolved' | 'merged';
  resolution: 'mine' | 'theirs' | 'reallocate' | null;
  outcome: unknown;
  /** The tenant version it was found (or last refreshed) at. */
  version: number | null;
  created_at: string;
  resolved_at: string | null;
}

export function conflictView(c: ConflictRow): ConflictView {
  const rows = JSON.parse(c.rows) as Array<{ entity: SyncEntity; key: RowKey; base?: unknown; mine: RowState | null; theirs: RowState | null }>;
  return {
    id: c.id,
    kind: c.kind,
    row: c.row,
    entity: c.entity,
    key: JSON.parse(c.key) as RowKey,
    region: c.region,
    fields: JSON.parse(c.fields) as string[],
    mine: c.mine === null ? null : (JSON.parse(c.mine) as RowState | null),
    theirs: c.theirs === null ? null : (JSON.parse(c.theirs) as RowState | null),
    rows: rows.map(({ base: _base, ...r }) => ({ row: keyString(r.entity, r.key), ...r })),
    status: c.status,
    resolution: c.resolution,
    outcome: c.outcome === null ? null : JSON.parse(c.outcome),
    version: c.version,
    created_at: c.created_at,
    resolved_at: c.resolved_at,
  };
}

export function listConflicts(plan: Plan, remote: RemoteRow, all: boolean): ConflictView[] {
  const rows = plan
    .q(`SELECT * FROM sync_conflicts WHERE remote_id = ? ${all ? '' : "AND status = 'open'"} ORDER BY id`)
    .all(remote.id) as ConflictRow[];
  return rows.map(conflictView);
}

export interface Reallocated {
  from: string;
  to: string;
  entity: 'subnet' | 'ip';
}

export interface ResolveResult {
  conflict: ConflictView;
  /** Rows written locally. */
  changes: number;
  reallocated: Reallocated[];
}

function regionOf(c: ConflictRow): Region {
  return { entity: c.entity, key: JSON.parse(c.key) as RowKey, k: c.row, subtree: c.region !== null };
}

/**
 * The region's rows as they stand: this plan's now, and the tenant's as last pulled (the shadow holds
 * them; rows changed locally since the sync have their base in the pending journal).
 */
function regionState(plan: Plan, remote: RemoteRow, region: Region) {
  const refs = new Refs(plan, remote.floor_batch);
  const shadow = readShadow(plan, remote);
  const pending = readPending(plan, remote, refs);
  const dirty = new Map<string, DirtyRow>();
  for (const [k, t] of pending.touched) dirty.set(k, { entity: t.entity, key: t.key, base: shadow.has(k) ? shadow.get(k)!.state : t.base });
  for (const [k, s] of shadow) if (!dirty.has(k)) dirty.set(k, { entity: s.entity, key: s.key, base: s.state });
  const merge = new Merge(plan, refs, dirty, new Map());
  const rows: Array<{ k: string; entity: SyncEntity; key: RowKey; mine: RowState | null; theirs: RowState | null }> = [];
  for (const [k, e] of merge.keys()) {
    if (!inRegion(region, e)) continue;
    rows.push({ k, entity: e.entity, key: e.key, mine: merge.local(e, k), theirs: merge.tenant(e, k) });
  }
  return { rows, shadow, refs };
}

export function resolveConflict(plan: Plan, id: number, choice: 'mine' | 'theirs' | 'reallocate'): ResolveResult {
  const c = getConflict(plan, id);
  if (c.status !== 'open') throw new FluxError('INVALID_ARGUMENT', `conflict ${id} is already ${c.status === 'resolved' ? `resolved (${c.resolution})` : 'part of a wider conflict'}`);
  if (choice === 'reallocate' && c.kind !== 'allocation') {
    throw new FluxError('INVALID_ARGUMENT', `conflict ${id} is a ${c.kind} conflict; only an allocation conflict can be re-allocated (choose --mine or --theirs)`);
  }
  const remote = reload(plan, c.remote_id);
  const region = regionOf(c);
  const now = () => new Date().toISOString();
  let changes = 0;
  const reallocated: Reallocated[] = [];
  plan.sqlite
    .transaction(() => {
      const { rows, shadow } = regionState(plan, remote, region);
      // Every row of the region keeps the tenant's state in the shadow, so what is pushed next starts from it.
      const next = new Map<string, ShadowEntry>(shadow);
      for (const r of rows) next.set(r.k, { entity: r.entity, key: r.key, state: r.theirs });
      // This plan's allocations in the region, with the effective location each has here, before theirs replaces them.
      const mineAllocations = rows
        .filter((r) => isMyAllocation(r.entity, r.mine, r.theirs))
        .map((r) => ({ ...r, location: r.entity === 'subnet' ? effectiveLocation(plan, r.key) : null }));
      if (choice === 'reallocate' && !mineAllocations.length) throw new FluxError('INVALID_ARGUMENT', `conflict ${id} holds no allocation of this plan to re-allocate`);
      if (c.kind === 'field' && !region.subtree && rows.length <= 1) {
        // One row, some fields contested: the choice decides those fields; every other field merges as
        // usual (a field only one side changed since the base keeps that side's value).
        const r = rows[0];
        if (r && r.mine && r.theirs) {
          const stored = (JSON.parse(c.rows) as Array<{ base?: RowState | null }>)[0]?.base ?? null;
          const contested = new Set(JSON.parse(c.fields) as string[]);
          const target: RowState = { ...r.mine };
          for (const f of Object.keys(r.mine)) {
            const mineChanged = stored ? !sameValue(r.mine[f], stored[f]) : true;
            if (contested.has(f)) target[f] = choice === 'mine' ? r.mine[f]! : r.theirs[f]!;
            else if (!mineChanged) target[f] = r.theirs[f]!;
          }
          const change = changeBetween(r.entity, r.key, r.mine, target);
          if (change) {
            plan.mutate(`sync ${remote.name}: ${choice === 'mine' ? 'keep mine' : 'take theirs'} for ${c.row}`, () => applyChanges(plan, [change], { verify: true, since: remote.floor_batch }), { origin: 'remote' });
            changes++;
          }
        } else if (choice === 'theirs' && r) {
          const change = changeBetween(r.entity, r.key, r.mine, r.theirs);
          if (change) {
            plan.mutate(`sync ${remote.name}: take theirs for ${c.row}`, () => applyChanges(plan, [change], { verify: true, since: remote.floor_batch }), { origin: 'remote' });
            changes++;
          }
        }
      } else if (choice !== 'mine') {
        const toTheirs = rows.map((r) => changeBetween(r.entity, r.key, r.mine, r.theirs)).filter((x): x is Change => x !== null);
        plan.mutate(`sync ${remote.name}: take theirs for ${c.row}`, () => applyChanges(plan, toTheirs, { verify: true, since: remote.floor_batch }), { origin: 'remote' });
        changes += toTheirs.length;
        if (choice === 'reallocate') {
          plan.mutate(`reallocate ${mineAllocations.map((r) => keyString(r.entity, r.key).replace(/^\w+ global /, '').replace(/^\w+ /, '')).join(', ')} after sync conflict ${id}`, () => {
            for (const r of mineAllocations) reallocated.push(reallocate(plan, r));
          });
        }
      }
      writeShadow(plan, remote, next);
      plan
        .q("UPDATE sync_conflicts SET status = 'resolved', resolution = ?, outcome = ?, resolved_at = ?, updated_at = ? WHERE id = ?")
        .run(choice, JSON.stringify({ changes, reallocated }), now(), now(), id);
    })
    .immediate();
  return { conflict: conflictView(getConflict(plan, id)), changes, reallocated };
}

/** This plan holds an allocation here that the tenant's row does not. */
function isMyAllocation(entity: SyncEntity, mine: RowState | null, theirs: RowState | null): boolean {
  if (!mine) return false;
  if (entity === 'subnet') return mine.allocation_status === 'allocated' && !sameState('subnet', mine, theirs);
  if (entity === 'ip') return (mine.customer !== null || mine.service !== null || mine.device !== null) && !sameState('ip', mine, theirs);
  return false;
}

function effectiveLocation(plan: Plan, key: RowKey): string | null {
  const row = findRow(plan, 'subnet', key) as { eff_location_id: number | null } | undefined;
  if (!row || row.eff_location_id === null) return null;
  return (plan.q('SELECT code FROM locations WHERE id = ?').get(row.eff_location_id) as { code: string }).code;
}

function reallocate(plan: Plan, r: { entity: SyncEntity; key: RowKey; mine: RowState | null; location: string | null }): Reallocated {
  const ids = new Ids(plan);
  const mine = r.mine!;
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const spaceId = ids.space(String(r.key.space));
  const links = {
    customer_id: ids.opt(ids.customer, str(mine.customer)),
    service_id: ids.opt(ids.service, str(mine.service)),
    device_id: ids.opt(ids.device, str(mine.device)),
  };
  const service = links.service_id === null ? null : (plan.q('SELECT id, ref FROM services WHERE id = ?').get(links.service_id) as { id: number; ref: string });
  try {
    if (r.entity === 'subnet') {
      const p = parseCidr(String(r.key.cidr));
      // The same policy in the same space and family; where the block had an effective location, the same one.
      const scope = buildScope(plan, spaceId, p.version, r.location ? { location: r.location } : {});
      const placement = placeSubnet(plan, scope, p.len);
      const vlan = mine.vlan as VlanRef | null;
      const vlanId = vlan ? vlanAt(plan, placement.row.eff_location_id, vlan) : null;
      const row = assignSubnet(plan, scope, placement, { links, vlanId, description: str(mine.description), service });
      return { entity: 'subnet', from: String(r.key.cidr), to: row.cidr };
    }
    const a = parseAddress(String(r.key.address));
    const scope = buildScope(plan, spaceId, a.version, {});
    const placement = placeIp(plan, scope);
    const row = assignIp(plan, scope, placement, { ...links, purpose: str(mine.purpose), description: str(mine.description), rdns: null, is_management: mine.is_management ? 1 : 0 }, service);
    return { entity: 'ip', from: String(r.key.address), to: row.address_text };
  } catch (e) {
    if (isFluxError(e)) throw new FluxError(e.code, `cannot re-allocate ${keyString(r.entity, r.key)}: ${e.message}`, e.details);
    throw e;
  }
}

function vlanAt(plan: Plan, locationId: number | null, vlan: VlanRef): number {
  if (locationId !== null) {
    const here = plan.q('SELECT id FROM vlans WHERE location_id = ? AND vid = ?').get(locationId, vlan.vid) as { id: number } | undefined;
    if (here) return here.id;
  }
  return new Ids(plan).vlan(vlan);
}


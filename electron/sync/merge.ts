/**
 * The three-way merge at the heart of a sync. For every row either side changed since the last sync
 * it compares base (what both last agreed on), mine (the local row now) and theirs (the tenant's row
 * now), field by field:
 *
 *  - changed on one side only: that side wins (theirs is applied locally, mine is pushed);
 *  - changed on both sides to the same values: nothing to do;
 *  - changed on both sides differently: a conflict. For a subnet whose shape differs (subdivided on
 *    one side, a leaf or absent on the other) the contested region is the whole subtree under the
 *    nearest row both sides have, and everything inside it is held back on both sides until the
 *    conflict is resolved; otherwise only the contested fields of that one row are held.
 *
 * Carving agrees by construction (the same block always has the same rows), and a free, data-less
 * leaf that one side created only as the other half of its own carving never contests the other
 * side's version of the same block.
 */
import { addressKey, containsAddress, containsPrefix, formatCidr, parentPrefix, parseAddress, parseCidr, type Prefix } from '../../shared/cidr';
import { differingFields, fastIpv4Cidr, keyString, sameState, sameValue, type RowKey, type RowState, type SyncEntity } from '../../shared/sync/rows';
import type { Plan } from '../plan';
import { readState, type Refs } from './rows';
import type { ConflictKind, Keyed } from './store';

export interface DirtyRow extends Keyed {
  /** What the tenant holds (as far as this plan knows) before the pulled changes. */
  base: RowState | null;
}

export interface PulledRow extends Keyed {
  /** What the tenant holds now. */
  state: RowState | null;
}

export interface Region extends Keyed {
  k: string;
  /** A subnet and everything under it (and the IP records in it); false: this one row. */
  subtree: boolean;
}

export interface LocalChange extends Keyed {
  from: RowState | null;
  to: RowState | null;
}

export interface RegionRow extends Keyed {
  base: RowState | null;
  mine: RowState | null;
  theirs: RowState | null;
}

export interface FoundConflict {
  region: Region;
  kind: ConflictKind;
  fields: string[];
  rows: RegionRow[];
  mine: RowState | null;
  theirs: RowState | null;
}

const prefixCache = new Map<string, Prefix>();
export function prefixOfText(cidr: string): Prefix {
  let p = prefixCache.get(cidr);
  if (!p) {
    p = fastIpv4Cidr(cidr) ?? parseCidr(cidr);
    if (prefixCache.size > 100_000) prefixCache.clear();
    prefixCache.set(cidr, p);
  }
  return p;
}

const formatPrefix = (p: Prefix) => formatCidr(p);

/** Whether a row lies in a region. */
export function inRegion(region: Region, e: Keyed): boolean {
  if (!region.subtree) return keyString(e.entity, e.key) === region.k;
  if (e.key.space !== region.key.space) return false;
  const r = prefixOfText(String(region.key.cidr));
  if (e.entity === 'subnet') {
    const p = prefixOfText(String(e.key.cidr));
    return p.version === r.version && p.len >= r.len && containsPrefix(r, p);
  }
  if (e.entity === 'ip') {
    const a = parseAddress(String(e.key.address));
    return a.version === r.version && containsAddress(r, a);
  }
  return false;
}

/** A free, data-less leaf: what carving leaves behind. */
function vacantLeaf(s: RowState): boolean {
  return (
    s.allocation_status === 'unallocated' && !s.is_ip_pool && !s.is_unavailable && s.location === null && s.vlan === null &&
    s.description === null && s.customer === null && s.service === null && s.device === null
  );
}

const ALLOCATION_FIELDS = ['allocation_status', 'customer', 'service', 'device'];

function isAllocation(entity: SyncEntity, s: RowState | null): boolean {
  if (!s) return false;
  if (entity === 'subnet') return s.allocation_status === 'allocated';
  if (entity === 'ip') return s.customer !== null || s.service !== null || s.device !== null;
  return false;
}

/** This side allocated something here since base (a block or an address, or new links on one). */
function allocationChanged(entity: SyncEntity, side: RowState | null, base: RowState | null): boolean {
  if (!isAllocation(entity, side)) return false;
  if (!base || !isAllocation(entity, base)) return true;
  return ALLOCATION_FIELDS.some((f) => f in side! && !sameValue(side![f], base[f]));
}

export class Merge {
  private readonly localCache = new Map<string, RowState | null>();

  constructor(
    private readonly plan: Plan,
    private readonly refs: Refs,
    /** Rows this plan changed since the last sync, with the tenant's state of them before the pull. */
    readonly dirty: Map<string, DirtyRow>,
    /** Rows the pulled changesets touched, with the tenant's state now. */
    readonly theirs: Map<string, PulledRow>,
  ) {}

  /** Forget cached local rows (after writing to the plan). */
  forget(): void {
    this.localCache.clear();
    this.refs.forget();
  }

  local(e: Keyed, k = keyString(e.entity, e.key)): RowState | null {
    if (this.localCache.has(k)) return this.localCache.get(k)!;
    const s = readState(this.plan, e.entity, e.key, this.refs);
    this.localCache.set(k, s);
    return s;
  }

  base(e: Keyed, k = keyString(e.entity, e.key)): RowState | null {
    const d = this.dirty.get(k);
    return d ? d.base : this.local(e, k);
  }

  tenant(e: Keyed, k = keyString(e.entity, e.key)): RowState | null {
    const t = this.theirs.get(k);
    return t ? t.state : this.base(e, k);
  }

  keys(): Map<string, Keyed> {
    const out = new Map<string, Keyed>();
    for (const [k, d] of this.dirty) out.set(k, { entity: d.entity, key: d.key });
    for (const [k, t] of this.theirs) if (!out.has(k)) out.set(k, { entity: t.entity, key: t.key });
    return out;
  }

  /**
   * The local changes the pull makes, given the regions held back (open conflicts and any found
   * now, which are added to `regions`). Rows of single-row conflicts still take theirs' other fields.
   */
  run(regions: Region[]): { apply: Map<string, LocalChange>; contested: Map<string, string[]> } {
    const apply = new Map<string, LocalChange>();
    const contested = new Map<string, string[]>();
    const held = (e: Keyed) => regions.some((r) => inRegion(r, e));
    for (const [k, e] of this.keys()) {
      if (held(e)) continue;
      const m = this.local(e, k);
      const t = this.tenant(e, k);
      if (sameState(e.entity, m, t)) continue;
      if (!this.dirty.has(k)) {
        apply.set(k, { ...e, from: m, to: t });
        continue;
      }
      if (!this.theirs.has(k)) continue;
      const b = this.base(e, k);
      if (sameState(e.entity, m, b)) {
        apply.set(k, { ...e, from: m, to: t });
        continue;
      }
      if (sameState(e.entity, t, b)) continue;
      // Both sides changed the row, differently.
      if (m && t) {
        if (b === null && e.entity === 'subnet' && m.parent === t.parent) {
          // Both created the block: a free half left over from carving never contests the other side's.
          if (vacantLeaf(m)) {
            apply.set(k, { ...e, from: m, to: t });
            continue;
          }
          if (vacantLeaf(t)) continue;
        }
        const fields = b
          ? differingFields(e.entity, m, t).filter((f) => !sameValue(m[f], b[f]) && !sameValue(t[f], b[f]))
          : differingFields(e.entity, m, t);
        const merged: RowState = { ...m };
        if (b) for (const f of Object.keys(m)) if (sameValue(m[f], b[f])) merged[f] = t[f]!;
        if (!fields.length) {
          if (!sameState(e.entity, merged, m)) apply.set(k, { ...e, from: m, to: merged });
          continue;
        }
        const structural =
          e.entity === 'subnet' &&
          (fields.includes('parent') || (fields.includes('allocation_status') && (m.allocation_status === 'subdivided' || t.allocation_status === 'subdivided')));
        if (structural) {
          regions.push(this.regionAround(e));
          continue;
        }
        regions.push({ ...e, k, subtree: false });
        contested.set(k, fields);
        if (!sameState(e.entity, merged, m)) apply.set(k, { ...e, from: m, to: merged });
        continue;
      }
      // One side has the row and the other does not.
      regions.push(e.entity === 'subnet' ? this.regionAround(e) : { ...e, k, subtree: false });
    }
    // Regions found late hold rows met earlier too (the partial merge of a contested row stays).
    for (const [k, c] of apply) if (!contested.has(k) && held(c)) apply.delete(k);
    return { apply, contested };
  }

  /** The subtree under the nearest block both sides have (or, failing that, the widest either has). */
  regionAround(e: Keyed): Region {
    if (e.entity !== 'subnet') return { ...e, k: keyString(e.entity, e.key), subtree: false };
    const space = String(e.key.space);
    let q = prefixOfText(String(e.key.cidr));
    let top: Prefix | null = null;
    for (;;) {
      const key: RowKey = { space, cidr: formatPrefix(q) };
      const onMine = this.local({ entity: 'subnet', key }) !== null;
      const onTheirs = this.tenant({ entity: 'subnet', key }) !== null;
      if (onMine || onTheirs) top = q;
      if (onMine && onTheirs) break;
      if (q.len === 0) break;
      q = parentPrefix(q);
    }
    const root = top ?? prefixOfText(String(e.key.cidr));
    const key: RowKey = { space, cidr: formatPrefix(root) };
    return { entity: 'subnet', key, k: keyString('subnet', key), subtree: true };
  }

  /** Drops regions that lie inside others; a region that swallows others keeps their rows. */
  static normalize(regions: Region[]): Region[] {
    const unique = new Map<string, Region>();
    for (const r of regions) {
      const prev = unique.get(r.k);
      if (!prev || (r.subtree && !prev.subtree)) unique.set(r.k, r);
    }
    const list = [...unique.values()];
    return list.filter((r) => !list.some((o) => o !== r && o.subtree && inRegion(o, r) && !(r.subtree && r.k === o.k)));
  }

  /** Every row in a region whose two sides differ, and what kind of conflict it is. */
  describe(region: Region, contestedFields: string[] | undefined): FoundConflict {
    const rows: RegionRow[] = [];
    for (const [k, e] of this.keys()) {
      if (!inRegion(region, e)) continue;
      const mine = this.local(e, k);
      const theirs = this.tenant(e, k);
      if (sameState(e.entity, mine, theirs)) continue;
      rows.push({ entity: e.entity, key: e.key, base: this.base(e, k), mine, theirs });
    }
    rows.sort((a, b) => order(a) - order(b) || keyString(a.entity, a.key).localeCompare(keyString(b.entity, b.key)));
    const rootMine = this.local(region);
    const rootTheirs = this.tenant(region);
    let kind: ConflictKind;
    const mineAlloc = rows.some((r) => allocationChanged(r.entity, r.mine, r.base));
    const theirsAlloc = rows.some((r) => allocationChanged(r.entity, r.theirs, r.base));
    const deleted = rows.some(
      (r) =>
        (r.mine === null && r.base !== null && r.theirs !== null && !sameState(r.entity, r.theirs, r.base)) ||
        (r.theirs === null && r.base !== null && r.mine !== null && !sameState(r.entity, r.mine, r.base)),
    );
    if (mineAlloc && theirsAlloc) kind = 'allocation';
    else if (deleted) kind = 'delete';
    else if (!region.subtree) kind = 'field';
    else kind = 'structure';
    const fields = contestedFields ?? (rootMine && rootTheirs ? differingFields(region.entity, rootMine, rootTheirs) : ['(row)']);
    return { region, kind, fields, rows, mine: rootMine, theirs: rootTheirs };
  }
}

function order(r: Keyed): number {
  if (r.entity === 'subnet') {
    const p = prefixOfText(String(r.key.cidr));
    return 1_000 + p.len;
  }
  return r.entity === 'ip' ? 10_000 : 0;
}

/** Sort key for rows of one space in tree order (not used for correctness). */
export function treeOrder(a: Keyed, b: Keyed): number {
  if (a.entity === 'subnet' && b.entity === 'subnet') {
    const p = prefixOfText(String(a.key.cidr));
    const q = prefixOfText(String(b.key.cidr));
    return (
      String(a.key.space).localeCompare(String(b.key.space)) ||
      p.version - q.version ||
      Buffer.compare(addressKey(p.version, p.net), addressKey(q.version, q.net)) ||
      p.len - q.len
    );
  }
  return keyString(a.entity, a.key).localeCompare(keyString(b.entity, b.key));
}

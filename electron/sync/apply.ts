/**
 * Applies keyed row changes to a plan through the engine's own writers (catalog/rows.ts and
 * tree/rows.ts), so derived columns are rebuilt and every change is journaled in the caller's batch.
 * The client uses it for what it pulls and the tenant emulator for what it receives.
 *
 * A change applies only onto a row in its `before` state. Changes are applied in an order that keeps
 * every reference valid (catalog first, subnets top-down, IP records after their leaves, deletions
 * bottom-up) whatever order they came in; afterwards the touched part of the tree is checked against
 * the invariants of the canonical tree. Any failure throws an ApplyError naming the change.
 */
import { addressKey, formatCidr, lastAddress, parentPrefix, parseAddress, parseCidr, type Prefix } from '../../shared/cidr';
import { FluxError, isFluxError } from '../../shared/errors';
import type { Change } from '../../shared/sync/protocol';
import { ENTITY_ORDER, ENTITY_SPECS, fillState, keyString, patchOf, sameValue, showValue, type RowKey, type RowState, type SyncEntity, type VlanRef } from '../../shared/sync/rows';
import { ipamConfig } from '../../shared/provisioning/ipam-config';
import { deleteRow, insertRow, updateRow, type CatalogEntity } from '../catalog/rows';
import type { Plan } from '../plan';
import { findSubnet, prefixOf } from '../tree/carve';
import { deleteIp, deleteSubnet, getIp, getSubnet, insertIp, insertSubnet, leafHolding, subnetsWhere, updateIp, updateSubnet, type IpData, type SubnetData, type SubnetRow } from '../tree/rows';
import { findRow, Ids, Refs, stateOf } from './rows';

/** A change that cannot be applied: which one (its index in the list) and why. */
export class ApplyError extends Error {
  constructor(
    readonly index: number,
    readonly entity: SyncEntity | null,
    readonly key: RowKey | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApplyError';
  }
}

/** The change that takes a row from one full state to another (null: no row); null when they are equal. */
export function changeBetween(entity: SyncEntity, key: RowKey, from: RowState | null, to: RowState | null): Change | null {
  if (from === null && to === null) return null;
  if (from === null) return { entity, key, op: 'insert', after: compact(entity, to!) } as Change;
  if (to === null) return { entity, key, op: 'delete', before: compact(entity, from) } as Change;
  const { before, after } = patchOf(entity, from, to);
  if (!Object.keys(after).length) return null;
  return { entity, key, op: 'update', before, after } as Change;
}

function compact(entity: SyncEntity, state: RowState): Partial<RowState> {
  const out: Partial<RowState> = {};
  for (const [f, spec] of Object.entries(ENTITY_SPECS[entity].fields)) if (!sameValue(state[f], spec.default)) out[f] = state[f]!;
  return out;
}

/** The state a change leaves a row in, given the row's state before it. */
export function stateAfter(c: Change, current: RowState | null): RowState | null {
  const entity = c.entity as SyncEntity;
  if (c.op === 'delete') return null;
  if (c.op === 'insert') return fillState(entity, c.after as Partial<RowState>);
  return { ...(current ?? fillState(entity, {})), ...(c.after as Partial<RowState>) } as RowState;
}

/** Why the row is not in the state the change was made from, or null when it is. */
export function staleness(c: Change, current: RowState | null): string | null {
  const entity = c.entity as SyncEntity;
  const label = keyString(entity, c.key as RowKey);
  if (c.op === 'insert') return current === null ? null : `${label} already exists`;
  if (current === null) return `${label} does not exist`;
  const expected = c.op === 'delete' ? fillState(entity, c.before as Partial<RowState>) : (c.before as Partial<RowState>);
  const differing = Object.keys(expected).filter((f) => !sameValue(current[f], expected[f]));
  if (!differing.length) return null;
  return `${label} changed: ${differing.map((f) => `${f} is ${showValue(current[f])}, not ${showValue(expected[f])}`).join('; ')}`;
}

export interface ApplyOptions {
  /** Check each change's `before` against the row (default true). */
  verify?: boolean;
  /** Check the invariants of the touched part of the tree afterwards (default true). */
  check?: boolean;
  /** Journal records after this batch id are searched for rows deleted since an image was taken. */
  since?: number;
}

interface Item {
  c: Change;
  index: number;
  entity: SyncEntity;
  key: RowKey;
}

const isCatalog = (e: SyncEntity) => e !== 'subnet' && e !== 'ip';

/**
 * Applies the changes in the caller's transaction (plan.mutate). Throws ApplyError on the first
 * change that cannot be applied; the caller's transaction is then to be rolled back.
 */
export function applyChanges(plan: Plan, changes: readonly Change[], options: ApplyOptions = {}): void {
  const verify = options.verify ?? true;
  const refs = new Refs(plan, options.since ?? 0);
  const ids = new Ids(plan);
  const items: Item[] = changes.map((c, index) => ({ c, index, entity: c.entity as SyncEntity, key: c.key as RowKey }));
  const seen = new Set<string>();
  for (const it of items) {
    const k = keyString(it.entity, it.key);
    if (seen.has(k)) throw new ApplyError(it.index, it.entity, it.key, 'DUPLICATE', `${k} is changed twice in one changeset`);
    seen.add(k);
  }
  const rank = (e: SyncEntity) => ENTITY_ORDER.indexOf(e);
  const byLen = (it: Item) => parseCidr(String(it.key.cidr)).len;
  const touched: Item[] = [];

  const run = (it: Item, fn: () => void) => {
    try {
      if (verify) {
        const current = currentState(plan, it, refs);
        const why = staleness(it.c, current);
        if (why) throw new ApplyError(it.index, it.entity, it.key, 'STALE', why);
      }
      fn();
      touched.push(it);
    } catch (e) {
      throw asApplyError(e, it);
    }
  };

  // 1. catalog inserts and updates, referenced entities first
  const catalog = items.filter((it) => isCatalog(it.entity));
  for (const it of catalog.filter((x) => x.c.op !== 'delete').sort((a, b) => rank(a.entity) - rank(b.entity))) {
    run(it, () => writeCatalog(plan, it, ids, refs));
  }
  const subnets = items.filter((it) => it.entity === 'subnet');
  const ipItems = items.filter((it) => it.entity === 'ip');
  // 2. IP records that go
  for (const it of ipItems.filter((x) => x.c.op === 'delete')) run(it, () => deleteIp(plan, findRow(plan, 'ip', it.key) as never));
  // 3. rows that stop being under a parent (the undo of a subnet added over roots), before that parent goes
  const detaching = subnets.filter((x) => x.c.op === 'update' && (x.c.after as Partial<RowState>).parent === null);
  for (const it of detaching) run(it, () => writeSubnet(plan, it, ids, refs));
  // 4. subnets that go, deepest first
  for (const it of subnets.filter((x) => x.c.op === 'delete').sort((a, b) => byLen(b) - byLen(a))) {
    run(it, () => deleteSubnet(plan, findRow(plan, 'subnet', it.key) as SubnetRow));
  }
  // 5. subnets that come or change, top-down
  for (const it of subnets.filter((x) => x.c.op !== 'delete' && !detaching.includes(x)).sort((a, b) => byLen(a) - byLen(b))) {
    run(it, () => writeSubnet(plan, it, ids, refs));
  }
  // 6. IP records that come or change
  for (const it of ipItems.filter((x) => x.c.op !== 'delete')) run(it, () => writeIp(plan, it, ids, refs));
  // 7. catalog rows that go, referencing entities first
  for (const it of catalog.filter((x) => x.c.op === 'delete').sort((a, b) => rank(b.entity) - rank(a.entity))) {
    run(it, () => {
      deleteRow(plan, it.entity as CatalogEntity, findRow(plan, it.entity, it.key) as Record<string, unknown> & { id: number });
      ids.forget();
      refs.forget();
    });
  }
  if (options.check ?? true) {
    const problems = checkTouched(plan, touched);
    if (problems.length) {
      const p = problems[0]!;
      throw new ApplyError(p.index, p.entity, p.key, p.code, problems.map((x) => x.message).join('; '));
    }
  }
}

function currentState(plan: Plan, it: Item, refs: Refs): RowState | null {
  const row = findRow(plan, it.entity, it.key);
  return row ? stateOf(it.entity, row as Record<string, unknown>, refs) : null;
}

export function asApplyError(e: unknown, it: { index: number; entity: SyncEntity; key: RowKey }): ApplyError {
  if (e instanceof ApplyError) return e;
  const label = keyString(it.entity, it.key);
  if (isFluxError(e)) return new ApplyError(it.index, it.entity, it.key, e.code, `${label}: ${e.message}`);
  const code = (e as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    const why = code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ? 'other rows still refer to it, or it refers to a row that does not exist' : (e as Error).message;
    return new ApplyError(it.index, it.entity, it.key, 'CONSTRAINT', `${label}: ${why}`);
  }
  return new ApplyError(it.index, it.entity, it.key, 'INTERNAL', `${label}: ${(e as Error).message ?? String(e)}`);
}

// ---------------------------------------------------------------- writers

function target(plan: Plan, it: Item, refs: Refs): RowState {
  const current = it.c.op === 'insert' ? null : currentState(plan, it, refs);
  return stateAfter(it.c, current)!;
}

function validateIpamConfig(text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FluxError('INVALID_ARGUMENT', 'ipam_config is not JSON');
  }
  const parsed = ipamConfig.safeParse(value);
  if (!parsed.success) throw new FluxError('INVALID_ARGUMENT', `ipam_config is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
}

/** Column values of a catalog row for a keyed state. */
function catalogValues(entity: SyncEntity, key: RowKey, s: RowState, ids: Ids): Record<string, unknown> {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  switch (entity) {
    case 'space':
      return { name: key.name, description: s.description };
    case 'location':
      return { code: key.code, name: s.name };
    case 'vlan':
      if (!Number.isInteger(key.vid) || (key.vid as number) < 1 || (key.vid as number) > 4094) throw new FluxError('INVALID_ARGUMENT', `VLAN ID ${key.vid} is out of range 1-4094`);
      return { vid: key.vid, location_id: ids.location(String(key.location)), name: s.name, enabled: s.enabled ? 1 : 0 };
    case 'customer':
      return { ref: key.id, name: s.name };
    case 'product':
      validateIpamConfig(String(s.ipam_config));
      return { name: key.name, ipam_config: s.ipam_config };
    case 'device':
      return { name: key.name, location_id: ids.opt(ids.location, str(s.location)), kind: s.kind };
    case 'service':
      return {
        ref: key.id,
        customer_id: ids.opt(ids.customer, str(s.customer)),
        product_id: ids.opt(ids.product, str(s.product)),
        device_id: ids.opt(ids.device, str(s.device)),
        status: s.status,
      };
    default:
      throw new FluxError('INTERNAL', `${entity} is not a catalog entity`);
  }
}

function writeCatalog(plan: Plan, it: Item, ids: Ids, refs: Refs): void {
  const entity = it.entity as CatalogEntity;
  const s = target(plan, it, refs);
  const values = catalogValues(it.entity, it.key, s, ids);
  if (it.c.op === 'insert') insertRow(plan, entity, values);
  else updateRow(plan, entity, findRow(plan, it.entity, it.key) as Record<string, unknown> & { id: number }, values);
  ids.forget();
  refs.forget();
}

function subnetData(s: RowState, ids: Ids): SubnetData {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    location_id: ids.opt(ids.location, str(s.location)),
    vlan_id: ids.opt(ids.vlan, s.vlan as VlanRef | null),
    allocation_status: s.allocation_status as SubnetData['allocation_status'],
    is_unavailable: s.is_unavailable ? 1 : 0,
    is_ip_pool: s.is_ip_pool ? 1 : 0,
    customer_id: ids.opt(ids.customer, str(s.customer)),
    service_id: ids.opt(ids.service, str(s.service)),
    device_id: ids.opt(ids.device, str(s.device)),
    description: str(s.description),
  };
}

function ipData(s: RowState, ids: Ids): IpData {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    customer_id: ids.opt(ids.customer, str(s.customer)),
    service_id: ids.opt(ids.service, str(s.service)),
    device_id: ids.opt(ids.device, str(s.device)),
    vlan_id: ids.opt(ids.vlan, s.vlan as VlanRef | null),
    rdns: str(s.rdns),
    rdns_updated_at: str(s.rdns_updated_at),
    is_unavailable: s.is_unavailable ? 1 : 0,
    is_management: s.is_management ? 1 : 0,
    purpose: str(s.purpose),
    description: str(s.description),
  };
}

/** The parent row a subnet state names: the prefix one bit shorter, which must exist. */
function parentRow(plan: Plan, spaceId: number, p: Prefix, parent: unknown): SubnetRow | null {
  if (parent === null || parent === undefined) return null;
  const expected = formatCidr(parentPrefix(p));
  if (parent !== expected) throw new FluxError('INVALID_ARGUMENT', `the parent of ${formatCidr(p)} is ${expected}, not ${String(parent)}`);
  const row = findSubnet(plan, spaceId, parentPrefix(p));
  if (!row) throw new FluxError('NOT_FOUND', `the parent ${expected} does not exist`);
  return row;
}

function writeSubnet(plan: Plan, it: Item, ids: Ids, refs: Refs): void {
  const s = target(plan, it, refs);
  const spaceId = ids.space(String(it.key.space));
  const p = parseCidr(String(it.key.cidr));
  const data = subnetData(s, ids);
  const parent = parentRow(plan, spaceId, p, s.parent);
  if (it.c.op === 'insert') {
    if (parent && parent.allocation_status !== 'subdivided') throw new FluxError('NOT_FREE', `${parent.cidr} is ${parent.allocation_status}, not subdivided`);
    const row = insertSubnet(plan, { space_id: spaceId, prefix: p, parent }, data);
    if (parent && row.allocation_status === 'subdivided') {
      // The engine carves by halving leaves, so IP records always follow their address down to the new
      // leaf. A row that arrives already subdivided takes them on the way down instead (an IP record's
      // subnet is derived, never journaled); the leaf under it takes them from it when it comes.
      plan
        .q('UPDATE ip_addresses SET subnet_id = ? WHERE subnet_id = ? AND space_id = ? AND ip_version = ? AND address BETWEEN ? AND ?')
        .run(row.id, parent.id, spaceId, p.version, row.net, addressKey(p.version, lastAddress(p)));
    }
  } else {
    const row = findSubnet(plan, spaceId, p);
    if (!row) throw new FluxError('NOT_FOUND', `${formatCidr(p)} does not exist`);
    updateSubnet(plan, getSubnet(plan, row.id), { ...data, parent_id: parent?.id ?? null });
  }
}

function writeIp(plan: Plan, it: Item, ids: Ids, refs: Refs): void {
  const s = target(plan, it, refs);
  const data = ipData(s, ids);
  if (it.c.op === 'insert') insertIp(plan, ids.space(String(it.key.space)), String(it.key.address), data);
  else {
    const row = findRow(plan, 'ip', it.key) as { id: number };
    updateIp(plan, getIp(plan, row.id), data);
  }
}

// ---------------------------------------------------------------- invariants of the touched rows

export interface Problem {
  index: number;
  entity: SyncEntity;
  key: RowKey;
  code: string;
  message: string;
}

/**
 * The canonical tree's invariants, checked around every touched subnet (itself, its parent, its
 * children; the parent of a deleted one) and every touched IP record: an index probe or two each,
 * not a scan of the plan.
 */
export function checkTouched(plan: Plan, touched: ReadonlyArray<{ index: number; entity: SyncEntity; key: RowKey }>): Problem[] {
  const out: Problem[] = [];
  const spaceIds = new Map<string, number | undefined>();
  const spaceOf = (name: string) => {
    if (!spaceIds.has(name)) spaceIds.set(name, (plan.q('SELECT id FROM spaces WHERE name = ?').get(name) as { id: number } | undefined)?.id);
    return spaceIds.get(name);
  };
  const checked = new Set<string>();
  const checkRow = (spaceId: number, p: Prefix, blame: { index: number; entity: SyncEntity; key: RowKey }) => {
    const id = `${spaceId} ${formatCidr(p)}`;
    if (checked.has(id)) return;
    checked.add(id);
    const row = findSubnet(plan, spaceId, p);
    if (!row) return;
    const add = (code: string, message: string) => out.push({ ...blame, code, message });
    const kids = subnetsWhere(plan, 'WHERE parent_id = ? ORDER BY net').all(row.id);
    if (row.allocation_status === 'subdivided') {
      const want = [p.len + 1, p.len + 1];
      if (kids.length !== 2 || kids.some((k, i) => k.prefix_len !== want[i]) || Buffer.compare(kids[0]!.net, row.net) !== 0) {
        add('TILING', `${row.cidr} is subdivided but its children are [${kids.map((k) => k.cidr).join(', ')}], not its two halves`);
      }
      if (row.is_ip_pool) add('STATUS', `${row.cidr} is an IP pool but subdivided`);
      if (plan.q('SELECT 1 FROM ip_addresses WHERE subnet_id = ? LIMIT 1').get(row.id)) add('IP_PLACEMENT', `${row.cidr} is subdivided but holds IP records directly`);
    } else if (kids.length) {
      add('TILING', `${row.cidr} is ${row.allocation_status} but has children`);
    }
    if (row.allocation_status !== 'allocated' && (row.customer_id !== null || row.service_id !== null || row.device_id !== null)) {
      add('STATUS', `${row.cidr} is ${row.allocation_status} but linked to a customer, service or device`);
    }
    if (row.parent_id !== null) {
      const parent = p.len > 0 ? findSubnet(plan, spaceId, parentPrefix(p)) : undefined;
      if (!parent || parent.id !== row.parent_id) add('TILING', `${row.cidr} is not under ${formatCidr(parentPrefix(p))}`);
      else if (parent.allocation_status !== 'subdivided') add('STATUS', `${row.cidr} lies inside ${parent.cidr}, which is ${parent.allocation_status}`);
    } else {
      // A root: nothing may hold it, and no other root may lie inside it.
      for (let q = p; q.len > 0; ) {
        q = parentPrefix(q);
        const up = findSubnet(plan, spaceId, q);
        if (up) {
          add('OVERLAP', `${row.cidr} is a root but lies inside ${up.cidr}`);
          break;
        }
      }
      const inner = plan
        .q('SELECT cidr FROM subnets WHERE parent_id IS NULL AND space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? AND id <> ? LIMIT 1')
        .get(spaceId, p.version, row.net, addressKey(p.version, lastAddress(p)), row.id) as { cidr: string } | undefined;
      if (inner) add('OVERLAP', `${row.cidr} overlaps the root ${inner.cidr}`);
    }
  };
  for (const t of touched) {
    if (t.entity === 'subnet') {
      const spaceId = spaceOf(String(t.key.space));
      if (spaceId === undefined) continue;
      const p = parseCidr(String(t.key.cidr));
      checkRow(spaceId, p, t);
      if (p.len > 0) checkRow(spaceId, parentPrefix(p), t);
      const row = findSubnet(plan, spaceId, p);
      if (row && row.allocation_status === 'subdivided') for (const k of subnetsWhere(plan, 'WHERE parent_id = ?').all(row.id)) checkRow(spaceId, prefixOf(k), t);
    } else if (t.entity === 'ip') {
      const row = findRow(plan, 'ip', t.key) as { subnet_id: number; address_text: string } | undefined;
      if (!row) continue;
      const a = parseAddress(row.address_text);
      const spaceId = spaceOf(String(t.key.space))!;
      const leaf = leafHolding(plan, spaceId, a.version, addressKey(a.version, a.value));
      if (!leaf || leaf.id !== row.subnet_id) out.push({ ...t, code: 'IP_PLACEMENT', message: `${row.address_text} does not lie in the leaf it is recorded in` });
    }
  }
  return out;
}

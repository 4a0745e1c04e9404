/**
 * Benchmark fixtures: a real plan file whose prefix tree is written straight into SQLite in one
 * transaction, because carving a million leaves through the allocator would take far too long.
 *
 * The builder writes exactly the rows the engine would hold after the same carving: the canonical
 * binary tree (a subdivided row has its two halves as children, free space is explicit as the
 * largest aligned free blocks), with every derived column the engine keeps (eff_location_id /
 * location_src_id, eff_vlan_id / vlan_src_id, parked_by, clear) computed as electron/tree/rows.ts
 * and electron/tree/check.ts define them. Catalog rows (location, VLAN, customers) go through the
 * engine's API so that they are journaled; the tree rows have no journal records.
 *
 * Layout of the root (slots are the /29 blocks of the root, lowest address first):
 *   [ exact zone: allocated /29s with `exactHoles` free /29 leaves spread among them,
 *     plus a parked free /24 and a parked /26 that holds allocated and free /29s       ]
 *   [ merge zone: allocated /29s with `mergeHoles` fully free subdivided /29s spread
 *     among them (alternately /30+/30 and /30+(/31+/31))                               ]
 *   [ tail: free space, as the canonical decomposition into large free leaves          ]
 * The root carries a location; the second quarter of the root carries a VLAN.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { invoke } from '../electron/api/handlers';
import { Plan } from '../electron/plan';
import { isFluxError } from '../shared/errors';

export interface FixtureSpec {
  /** IPv4 root network as a 32-bit number, e.g. 10.0.0.0 */
  rootNet: number;
  /** Root prefix length (at most 26 so that the layout fits). */
  rootLen: number;
  /** Allocated /29 leaves. */
  allocated: number;
  /** Free /29 leaves among the allocated ones: what the exact case consumes. */
  exactHoles: number;
  /** Fully free subdivided /29s: what the merge case consumes. */
  mergeHoles: number;
  /** Customers the allocated leaves are linked to, round robin. */
  customers: number;
  /**
   * Also write the history a plan of this size made through FluxPlan would carry in the tables the
   * allocation path queries: one journal batch and one ipam_allocate_subnet log per allocated leaf,
   * one ipam_subnet_split log per subdivided row. (Journal records, which hold row images and are
   * only ever appended to, are not written.)
   */
  history: boolean;
}

export interface FixtureInfo {
  file: string;
  rows: number;
  allocatedLeaves: number;
  freeLeaves: number;
  subdivided: number;
  historyRows: number;
  buildMs: number;
  bytes: number;
  /** CIDRs useful to the benchmark. */
  parked: string[];
  vlanNode: string;
  firstHole: string;
  firstMerge: string;
}

// Slot kinds.
const FREE = 0;
const ALLOC = 1;
const HOLE = 2; // free /29 leaf
const MERGE_A = 3; // /29 -> two free /30
const MERGE_B = 4; // /29 -> free /30 + (/30 -> two free /31)
const PARKED_SPACE = 6; // inside the parked free /24 leaf
const PARKED_HOLE = 7; // free /29 leaf below the parked /26
const MERGE_B_HIGH = 100; // not a slot kind: the upper /30 of a MERGE_B block, two free /31s

const SLOT_BITS = 3; // a slot is a /29: 8 addresses
const STAMP = '2025-01-01T00:00:00.000Z';

export function ipv4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function cidrText(net: number, len: number): string {
  return `${ipv4Text(net)}/${len}`;
}

function netKey(net: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(net >>> 0, 0);
  return b;
}

interface Layout {
  kinds: Uint8Array;
  /** content[i] = slots before i that are not FREE: a node holds carving iff its range has some. */
  content: Int32Array;
  parked24: number; // slot index
  parked26: number; // slot index
}

function layout(spec: FixtureSpec): Layout {
  const slots = 2 ** (29 - spec.rootLen);
  const dense = spec.allocated + spec.exactHoles + spec.mergeHoles + 32 + 2;
  if (dense > slots) throw new Error(`fixture: ${dense} /29 slots do not fit in a /${spec.rootLen}`);
  const kinds = new Uint8Array(slots);
  kinds.fill(ALLOC, 0, dense);
  const zone = Math.floor(dense / 2);
  // Parked blocks inside the exact zone, aligned.
  const parked24 = Math.floor(zone / 4 / 32) * 32;
  kinds.fill(PARKED_SPACE, parked24, parked24 + 32);
  const parked26 = Math.floor((zone * 3) / 4 / 8) * 8;
  kinds[parked26 + 1] = PARKED_HOLE;
  kinds[parked26 + 4] = PARKED_HOLE;
  const place = (from: number, to: number, count: number, kind: (i: number) => number) => {
    for (let i = 0; i < count; i++) {
      let s = from + Math.floor(((i + 0.5) * (to - from)) / count);
      while (kinds[s] !== ALLOC || (s >= parked26 && s < parked26 + 8)) s++;
      if (s >= to) throw new Error('fixture: holes do not fit their zone');
      kinds[s] = kind(i);
    }
  };
  place(0, zone, spec.exactHoles, () => HOLE);
  place(zone, dense, spec.mergeHoles, (i) => (i % 2 ? MERGE_B : MERGE_A));
  let allocated = 0;
  const content = new Int32Array(slots + 1);
  for (let i = 0; i < slots; i++) {
    if (kinds[i] === ALLOC) allocated++;
    content[i + 1] = content[i]! + (kinds[i] !== FREE ? 1 : 0);
  }
  if (allocated !== spec.allocated) throw new Error(`fixture: layout has ${allocated} allocated slots, expected ${spec.allocated}`);
  return { kinds, content, parked24, parked26 };
}

/** The rows, columnar, in pre-order (parents first, then address order): row i has id i + 1. */
class Rows {
  net: number[] = [];
  len: number[] = [];
  parent: number[] = []; // id, 0 = none
  status: number[] = []; // 0 unallocated, 1 allocated, 2 subdivided
  unavailable: number[] = [];
  customer: number[] = []; // id, 0 = none
  location: number[] = [];
  vlan: number[] = [];
  effLocation: number[] = [];
  locationSrc: number[] = [];
  effVlan: number[] = [];
  vlanSrc: number[] = [];
  parkedBy: number[] = [];
  clear: number[] = [];
  get count(): number {
    return this.net.length;
  }
}

const STATUS = ['unallocated', 'allocated', 'subdivided'] as const;

interface Marks {
  locationId: number;
  vlanId: number;
  customerIds: number[];
  /** Keys are `${net}/${len}` with net as a number. */
  vlanNode: string;
  parkedNodes: Set<string>;
  /** Nodes that stay leaves although they hold non-free slots (the parked free /24). */
  leafNodes: Set<string>;
}

function buildRows(spec: FixtureSpec, lay: Layout, marks: Marks): Rows {
  const rows = new Rows();
  const base = spec.rootNet >>> 0;
  let allocIndex = 0;

  // Returns the new row's id. `parent` is the parent's id (0 for the root).
  const visit = (net: number, len: number, parent: number, forced?: { status: number; kind?: number }): number => {
    const id = rows.count + 1;
    const key = `${net}/${len}`;
    const isRoot = parent === 0;
    let status: number;
    let kind = -1;
    if (forced) {
      status = forced.status;
      kind = forced.kind ?? -1;
    } else if (len >= 29) {
      kind = lay.kinds[(net - base) >>> SLOT_BITS]!;
      status = kind === ALLOC ? 1 : kind === MERGE_A || kind === MERGE_B ? 2 : 0;
    } else {
      const first = (net - base) >>> SLOT_BITS;
      const n = 2 ** (29 - len);
      const held = lay.content[first + n]! - lay.content[first]!;
      status = held > 0 && !marks.leafNodes.has(key) ? 2 : 0;
    }
    const unavailable = marks.parkedNodes.has(key) ? 1 : 0;
    const location = isRoot ? marks.locationId : 0;
    const vlan = key === marks.vlanNode ? marks.vlanId : 0;
    const customer = status === 1 ? marks.customerIds[allocIndex++ % marks.customerIds.length]! : 0;
    const p = parent - 1;
    rows.net.push(net);
    rows.len.push(len);
    rows.parent.push(parent);
    rows.status.push(status);
    rows.unavailable.push(unavailable);
    rows.customer.push(customer);
    rows.location.push(location);
    rows.vlan.push(vlan);
    rows.effLocation.push(location || (isRoot ? 0 : rows.effLocation[p]!));
    rows.locationSrc.push(location ? id : isRoot ? 0 : rows.locationSrc[p]!);
    rows.effVlan.push(vlan || (isRoot ? 0 : rows.effVlan[p]!));
    rows.vlanSrc.push(vlan ? id : isRoot ? 0 : rows.vlanSrc[p]!);
    rows.parkedBy.push(unavailable ? id : isRoot ? 0 : rows.parkedBy[p]!);
    rows.clear.push(0);

    let clear: boolean;
    if (status === 2) {
      const half = 2 ** (32 - len - 1);
      let kids: number[];
      if (len === 29 && (kind === MERGE_A || kind === MERGE_B)) {
        const lo = visit(net, 30, id, { status: 0 });
        const hi = kind === MERGE_A ? visit(net + half, 30, id, { status: 0 }) : visit(net + half, 30, id, { status: 2, kind: MERGE_B_HIGH });
        kids = [lo, hi];
      } else if (kind === MERGE_B_HIGH) {
        kids = [visit(net, 31, id, { status: 0 }), visit(net + half, 31, id, { status: 0 })];
      } else {
        kids = [visit(net, len + 1, id), visit((net + half) >>> 0, len + 1, id)];
      }
      // clear: not parked, and both children clear and carrying no data of their own.
      clear = !unavailable && kids.every((k) => rows.clear[k - 1] === 1 && !hasOwnData(rows, k - 1));
    } else {
      clear = !unavailable && status !== 1;
    }
    rows.clear[id - 1] = clear ? 1 : 0;
    return id;
  };
  visit(base, spec.rootLen, 0);
  return rows;
}

function hasOwnData(rows: Rows, i: number): boolean {
  return rows.location[i] !== 0 || rows.vlan[i] !== 0 || rows.customer[i] !== 0;
}

const orNull = (v: number): number | null => (v === 0 ? null : v);

/** Creates `file` (which must not exist) and fills it. */
export function buildFixture(file: string, spec: FixtureSpec): FixtureInfo {
  const t0 = performance.now();
  const lay = layout(spec);
  const vlanNodeNet = (spec.rootNet + 2 ** (32 - spec.rootLen) / 4) >>> 0;
  const vlanNode = cidrText(vlanNodeNet, spec.rootLen + 2);
  const base = spec.rootNet >>> 0;
  const parked24 = cidrText(base + lay.parked24 * 8, 24);
  const parked26 = cidrText(base + lay.parked26 * 8, 26);

  // Schema and catalog through the engine, so that they are migrated and journaled as usual.
  const plan = Plan.open(file);
  let customerIds: number[];
  let locationId: number;
  let vlanId: number;
  try {
    invoke(plan, 'location.add', { code: 'EU-FRA', name: 'Frankfurt' });
    invoke(plan, 'vlan.add', { vid: 100, location: 'EU-FRA', name: 'bench' });
    for (let i = 1; i <= spec.customers; i++) invoke(plan, 'customer.add', { id: `cust-${i}` });
    locationId = (plan.sqlite.prepare("SELECT id FROM locations WHERE code = 'EU-FRA'").get() as { id: number }).id;
    vlanId = (plan.sqlite.prepare('SELECT id FROM vlans WHERE vid = 100').get() as { id: number }).id;
    customerIds = (plan.sqlite.prepare('SELECT id FROM customers ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    const existing = plan.sqlite.prepare('SELECT COUNT(*) AS n FROM subnets').get() as { n: number };
    if (existing.n) throw new Error(`fixture: ${file} already holds subnets`);
  } finally {
    plan.close();
  }

  const rows = buildRows(spec, lay, {
    locationId, vlanId, customerIds, vlanNode: `${vlanNodeNet}/${spec.rootLen + 2}`,
    parkedNodes: new Set([`${base + lay.parked24 * 8}/24`, `${base + lay.parked26 * 8}/26`]),
    leafNodes: new Set([`${base + lay.parked24 * 8}/24`]),
  });

  // Bulk load: no rollback journal while building (the file is thrown away if this fails), WAL again afterwards.
  const db = new Database(file);
  let historyRows = 0;
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1000000');
    db.pragma('temp_store = MEMORY');
    const global = (db.prepare("SELECT id FROM spaces WHERE name = 'global'").get() as { id: number }).id;
    const insert = db.prepare(
      `INSERT INTO subnets (id, space_id, ip_version, net, prefix_len, cidr, parent_id, location_id, vlan_id, allocation_status,
        is_unavailable, is_ip_pool, customer_id, service_id, device_id, description, created_at, updated_at,
        eff_location_id, location_src_id, eff_vlan_id, vlan_src_id, parked_by, clear)
       VALUES (?, ?, 4, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, NULL, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const batch = db.prepare(`INSERT INTO journal_batches (label, kind, origin, created_at) VALUES (?, 'do', 'local', ?)`);
    const log = db.prepare(`INSERT INTO provisioning_logs (action, success, batch_id, details, created_at) VALUES (?, 1, ?, ?, ?)`);
    const cidrs: string[] = new Array(rows.count);
    for (let i = 0; i < rows.count; i++) cidrs[i] = cidrText(rows.net[i]!, rows.len[i]!);
    db.transaction(() => {
      for (let i = 0; i < rows.count; i++) {
        insert.run(
          i + 1, global, netKey(rows.net[i]!), rows.len[i]!, cidrs[i]!, orNull(rows.parent[i]!), orNull(rows.location[i]!), orNull(rows.vlan[i]!),
          STATUS[rows.status[i]!], rows.unavailable[i]!, orNull(rows.customer[i]!), STAMP, STAMP,
          orNull(rows.effLocation[i]!), orNull(rows.locationSrc[i]!), orNull(rows.effVlan[i]!), orNull(rows.vlanSrc[i]!), orNull(rows.parkedBy[i]!),
          rows.clear[i]!,
        );
      }
      if (spec.history) {
        for (let i = 0; i < rows.count; i++) {
          const cidr = cidrs[i]!;
          if (rows.status[i] === 2) {
            const kid = i + 1; // pre-order: the lower half follows its parent
            const kidLen = rows.len[i]! + 1;
            const hi = cidrText((rows.net[i]! + 2 ** (32 - kidLen)) >>> 0, kidLen);
            log.run('ipam_subnet_split', null, JSON.stringify({ cidr, children: [cidrs[kid], hi], space: 'global' }), STAMP);
            historyRows++;
          } else if (rows.status[i] === 1) {
            const info = batch.run(`allocate ${cidr} to cust-${rows.customer[i]}`, STAMP);
            const batchId = Number(info.lastInsertRowid);
            log.run('ipam_allocate_subnet', batchId, JSON.stringify({ cidr, strategy: 'split', allocation_id: i + 1, pool: null, space: 'global', vlan_id: null }), STAMP);
            historyRows += 2;
          }
        }
      }
    })();
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }

  let allocatedLeaves = 0;
  let freeLeaves = 0;
  let subdivided = 0;
  for (let i = 0; i < rows.count; i++) {
    if (rows.status[i] === 1) allocatedLeaves++;
    else if (rows.status[i] === 2) subdivided++;
    else freeLeaves++;
  }
  const firstOf = (kind: (k: number) => boolean) => {
    const s = lay.kinds.findIndex(kind);
    return cidrText(base + s * 8, 29);
  };
  return {
    file,
    rows: rows.count,
    allocatedLeaves,
    freeLeaves,
    subdivided,
    historyRows,
    buildMs: performance.now() - t0,
    bytes: statSync(file).size,
    parked: [parked24, parked26],
    vlanNode,
    firstHole: firstOf((k) => k === HOLE),
    firstMerge: firstOf((k) => k === MERGE_A || k === MERGE_B),
  };
}

/**
 * The same layout carved through the engine's own API (subnet add, allocate --cidr, split, park,
 * set): slow, so only for small fixtures, to prove that the builder writes the engine's rows.
 */
export function buildThroughEngine(file: string, spec: FixtureSpec): void {
  const lay = layout(spec);
  const base = spec.rootNet >>> 0;
  const plan = Plan.open(file);
  try {
    invoke(plan, 'location.add', { code: 'EU-FRA', name: 'Frankfurt' });
    invoke(plan, 'vlan.add', { vid: 100, location: 'EU-FRA', name: 'bench' });
    for (let i = 1; i <= spec.customers; i++) invoke(plan, 'customer.add', { id: `cust-${i}` });
    invoke(plan, 'subnet.add', { cidr: cidrText(base, spec.rootLen), location: 'EU-FRA' });
    let allocIndex = 0;
    // Carving a neighbour may already have made a block a row of its own; that is fine here.
    const ensure = (cidr: string) => {
      try {
        invoke(plan, 'subnet.add', { cidr });
      } catch (e) {
        if (!isFluxError(e) || e.code !== 'EXISTS') throw e;
      }
    };
    const merges: Array<{ net: number; kind: number }> = [];
    for (let s = 0; s < lay.kinds.length; s++) {
      const k = lay.kinds[s]!;
      const net = (base + s * 8) >>> 0;
      if (k === ALLOC) {
        invoke(plan, 'allocate.subnet', { cidr: cidrText(net, 29), customer: `cust-${(allocIndex++ % spec.customers) + 1}` });
      } else if (k === HOLE || k === PARKED_HOLE) {
        ensure(cidrText(net, 29));
      } else if (k === MERGE_A || k === MERGE_B) {
        merges.push({ net, kind: k });
      }
    }
    for (const m of merges) {
      ensure(cidrText(m.net, 29));
      invoke(plan, 'subnet.split', { cidr: cidrText(m.net, 29), to: 30 });
      if (m.kind === MERGE_B) invoke(plan, 'subnet.split', { cidr: cidrText(m.net + 4, 30), to: 31 });
    }
    const p24 = cidrText(base + lay.parked24 * 8, 24);
    ensure(p24);
    invoke(plan, 'subnet.park', { cidr: p24 });
    invoke(plan, 'subnet.park', { cidr: cidrText(base + lay.parked26 * 8, 26) });
    const vlanNodeNet = (spec.rootNet + 2 ** (32 - spec.rootLen) / 4) >>> 0;
    invoke(plan, 'subnet.set', { cidr: cidrText(vlanNodeNet, spec.rootLen + 2), vlan: 100 });
  } finally {
    plan.close();
  }
}

/**
 * Every subnet of a plan by CIDR with all its columns, ids of other subnets (parent and the
 * derived source columns) replaced by their CIDRs and the row's own id and times left out:
 * two plans with the same tree give the same map whatever ids they used.
 */
export function treeImage(file: string): Map<string, string> {
  const SUBNET_REFS = ['parent_id', 'location_src_id', 'vlan_src_id', 'parked_by'];
  const SKIP = ['id', 'created_at', 'updated_at'];
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM subnets').all() as Array<Record<string, unknown> & { id: number; cidr: string }>;
    const cidrOf = new Map(rows.map((r) => [r.id, r.cidr]));
    const image = new Map<string, string>();
    for (const r of rows) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        if (SKIP.includes(k)) continue;
        if (SUBNET_REFS.includes(k)) out[k] = v === null ? null : cidrOf.get(v as number) ?? `#${String(v)}`;
        else out[k] = Buffer.isBuffer(v) ? v.toString('hex') : v;
      }
      image.set(r.cidr, JSON.stringify(out));
    }
    return image;
  } finally {
    db.close();
  }
}

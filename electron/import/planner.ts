/**
 * Works out, before anything is written, what an import does to the plan: the canonical tree the file's
 * subnets make together with what is already there (carving semantics of `subnet add`: a subnet inside a
 * free leaf carves it down, over existing roots it becomes their parent), where each address lands, and
 * every row that cannot be imported with the reason. The result is a list of writes in a fixed order
 * that both writers (row by row, or bulk) carry out identically.
 *
 * Rows, subnets and addresses are indexes into column tables (file-rows.ts, tree-nodes.ts); catalog
 * keys are interned string numbers, where NONE (and a row's EMPTY, the same -1) is null.
 */
import { addressKey, formatAddress, formatCidr, halves, keyValue, lastAddress, maskOf, type IpVersion } from '../../shared/cidr';
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { hasData, leafHolding, subnetsWhere, type AllocationStatus, type SubnetRow } from '../tree/rows';
import type { Problem, RowCode } from './cells';
import { ABSENT, EMPTY, type FileRows } from './file-rows';
import type { Interner, Texts } from './texts';
import { CARVED, CHANGED, CLEAR, EXISTING, FINAL, HAS_IPS, IP_HOLDER, IP_MANAGEMENT, IP_PARKED, IpItems, NONE, Nodes, REPARENT, type ExistingIp, type ExistingSubnet } from './tree-nodes';

/** The nodes from a root down to where the sweep is, with their last addresses. */
class Path {
  private readonly nodes: number[] = [];
  private readonly lasts: bigint[] = [];
  constructor(private readonly tree: Nodes) {}
  push(n: number): void {
    this.nodes.push(n);
    this.lasts.push(this.tree.last(n));
  }
  /** Drops the nodes that end before `value`; returns the deepest one left, or NONE. */
  upTo(value: bigint): number {
    while (this.lasts.length && value > this.lasts[this.lasts.length - 1]!) {
      this.nodes.pop();
      this.lasts.pop();
    }
    return this.nodes.length ? this.nodes[this.nodes.length - 1]! : NONE;
  }
}

export interface Group {
  /** Its place in Planner.groups (what a node's `group` holds). */
  index: number;
  space: string;
  spaceId: number | null;
  version: IpVersion;
  /** Row indexes, sorted by network. */
  subnets: number[];
  ips: number[];
  /** The plan already has subnets (or IP records) in this space and family: look them up. */
  dbRows: boolean;
  dbIps: boolean;
  newRoots: number[];
  /** Some of its rows passed the checks (worked out by finalize). */
  live: boolean;
}

export interface RowError {
  /** Index in the file's rows. */
  row: number;
  field: Problem['field'];
  code: RowCode;
  message: string;
  suggestion?: string;
}

export interface RowWarning {
  row: number;
  field: Problem['field'];
  code: string;
  message: string;
}

export interface CatalogNeeds {
  spaces: Set<string>;
  locations: Set<string>;
  /** "LOCATION\0VID" to the VLAN's name, if the file gives one. */
  vlans: Map<string, string | null>;
  customers: Set<string>;
  /** Device name to the location it is created at. */
  devices: Map<string, string | null>;
  /** Service ID to its customer and device. */
  services: Map<string, { customer: string | null; device: string | null }>;
}

/** The writes in the order both writers carry them out (node and address indexes). */
export interface WritePlan {
  /** Existing subnets changed in place, and subtrees carved out of leaves that hold IP records (pre-order). */
  phase1: Array<{ node: number; asLeaf?: boolean; thenSubdivide?: boolean }>;
  /** New subnets, parents first. */
  phase2: number[];
  /** Existing roots that a new subnet now holds. */
  phase3: number[];
  ipUpdates: number[];
  ipInserts: number[];
}

const key = (loc: string, vid: number) => `${loc}\u0000${vid}`;
/** A number for (interned location, interned VLAN name) or (interned location, VID) pairs. */
const pair = (a: number, b: number) => a * 67108864 + b;

type Intent = 'hard' | 'soft' | 'pool' | 'free';

/** Reads the catalog keys of existing rows (codes, refs, names), memoized per kind for the whole import. */
class Names {
  private readonly caches = new Map<string, Map<unknown, unknown>>();
  constructor(private readonly plan: Plan) {}
  private one<T>(sql: string, arg: unknown): T | undefined {
    let cache = this.caches.get(sql);
    if (!cache) {
      cache = new Map();
      this.caches.set(sql, cache);
    }
    if (cache.has(arg)) return cache.get(arg) as T | undefined;
    const v = this.plan.q(sql).get(arg) as T | undefined;
    cache.set(arg, v);
    return v;
  }
  location = (id: number | null) => (id === null ? null : this.one<{ code: string }>('SELECT code FROM locations WHERE id = ?', id)?.code ?? null);
  customer = (id: number | null) => (id === null ? null : this.one<{ ref: string }>('SELECT ref FROM customers WHERE id = ?', id)?.ref ?? null);
  service = (id: number | null) => (id === null ? null : this.one<{ ref: string }>('SELECT ref FROM services WHERE id = ?', id)?.ref ?? null);
  device = (id: number | null) => (id === null ? null : this.one<{ name: string }>('SELECT name FROM devices WHERE id = ?', id)?.name ?? null);
  vlan = (id: number | null) =>
    id === null ? null : this.one<{ code: string; vid: number; name: string | null }>('SELECT l.code, v.vid, v.name FROM vlans v JOIN locations l ON l.id = v.location_id WHERE v.id = ?', id) ?? null;
  spaceId = (name: string) => this.one<{ id: number }>('SELECT id FROM spaces WHERE name = ?', name)?.id ?? null;
  locationExists = (code: string) => !!this.one('SELECT 1 AS x FROM locations WHERE code = ?', code);
  customerExists = (ref: string) => !!this.one('SELECT 1 AS x FROM customers WHERE ref = ?', ref);
  deviceExists = (name: string) => !!this.one('SELECT 1 AS x FROM devices WHERE name = ?', name);
  serviceRow = (ref: string) => this.one<{ customer_id: number | null; device_id: number | null }>('SELECT customer_id, device_id FROM services WHERE ref = ?', ref);
  private readonly vlans = new Map<string, { id: number; name: string | null } | undefined>();
  vlanAt = (code: string, vid: number) => {
    const k = `${code}\u0000${vid}`;
    if (!this.vlans.has(k)) this.vlans.set(k, this.plan.q('SELECT v.id, v.name FROM vlans v JOIN locations l ON l.id = v.location_id WHERE l.code = ? AND v.vid = ?').get(code, vid) as never);
    return this.vlans.get(k);
  };
  vlanNamed = (code: string, name: string) =>
    this.plan.q('SELECT v.vid FROM vlans v JOIN locations l ON l.id = v.location_id WHERE l.code = ? AND v.name = ? ORDER BY v.vid LIMIT 1').get(code, name) as { vid: number } | undefined;
}

export interface PlanOptions {
  /** Called every few thousand rows with how many were checked; throws to cancel. */
  tick?: (checked: number) => void;
}

/**
 * One pass over the rows. Rows with errors found here are reported; the caller runs another pass
 * without them (so that their dependants fail too, e.g. an address inside a subnet row that failed)
 * until no new error appears.
 */
export class Planner {
  readonly errors: RowError[] = [];
  readonly warnings: RowWarning[] = [];
  readonly groups: Group[] = [];
  readonly nodes = new Nodes(this.groups);
  readonly ips = new IpItems();
  readonly strings: Interner;
  readonly texts: Texts;
  readonly names: Names;
  /** Addresses outside every subnet: the covering subnets a --create-subnets pass adds. */
  readonly covering = new Map<string, { space: string; version: IpVersion; net: bigint; len: number; row: number }>();
  readonly needs: CatalogNeeds = { spaces: new Set(), locations: new Set(), vlans: new Map(), customers: new Set(), devices: new Map(), services: new Map() };
  sheetNames: string[] = [];
  checked = 0;
  /** 1 for each file row that failed. */
  private readonly failed: Uint8Array;
  /** Existing rows loaded into the plan of the tree: id to node. */
  private readonly loaded = new Map<number, number>();
  /** Where emission starts: new roots and existing rows reached by a lookup, in the order the sweep met them. */
  private readonly entries: number[] = [];
  /** VLAN names the file gives with their VID ("web (102)"), per location: a bare "web" elsewhere resolves through them. */
  private readonly fileVlanNames = new Map<number, number>();
  /** (location, VID) to the interned VLAN key and whether the plan has that VLAN. */
  private readonly vlanKeys = new Map<number, { key: number; known: boolean }>();
  /** What `links` worked out: customer, service and device. */
  private readonly linked = { customer: NONE, service: NONE, device: NONE };
  private readonly stmt;

  constructor(
    private readonly plan: Plan,
    private rows: FileRows,
    private readonly options: PlanOptions,
  ) {
    this.strings = rows.strings;
    this.texts = rows.texts;
    this.failed = new Uint8Array(rows.length);
    this.names = new Names(plan);
    this.stmt = {
      exact: subnetsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND net = ? AND prefix_len = ?'),
      roots: subnetsWhere(plan, 'WHERE parent_id IS NULL AND space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? ORDER BY net'),
      byId: subnetsWhere(plan, 'WHERE id = ?'),
      // Only what the planner keeps of an existing address (no key buffer, no timestamps): a
      // re-import looks up every address of the file.
      ip: plan.raw('SELECT id, customer_id, service_id, device_id, vlan_id, rdns, rdns_updated_at, is_unavailable, is_management, purpose, description FROM ip_addresses WHERE space_id = ? AND ip_version = ? AND address = ?'),
      anyRow: plan.q('SELECT 1 FROM subnets WHERE space_id = ? AND ip_version = ? LIMIT 1'),
      anyIp: plan.q('SELECT 1 FROM ip_addresses WHERE space_id = ? AND ip_version = ? LIMIT 1'),
      holdsIps: plan.q('SELECT 1 FROM ip_addresses WHERE subnet_id = ? LIMIT 1'),
    };
  }

  /** An interned number for a catalog key read from the plan. */
  private sid(s: string | null): number {
    return s === null ? NONE : this.strings.id(s);
  }

  private str(id: number): string | null {
    return id < 0 ? null : this.strings.at(id);
  }

  private error(row: number, field: Problem['field'], code: RowCode, message: string, suggestion?: string): void {
    this.failed[row] = 1;
    this.errors.push(suggestion === undefined ? { row, field, code, message } : { row, field, code, message, suggestion });
  }

  private tick(): void {
    this.checked++;
    if ((this.checked & 4095) === 0) this.options.tick?.(this.checked);
  }

  /** Sorts rows into (space, family) groups, parents before children, in file order among equals. */
  group(rows: Iterable<number>): void {
    const R = this.rows;
    const byKey = new Map<string, Group>();
    for (const r of rows) {
      const version = R.version(r);
      const k = `${R.space[r]}:${version}`;
      let g = byKey.get(k);
      if (!g) {
        const space = this.strings.at(R.space[r]!);
        const spaceId = this.names.spaceId(space);
        g = {
          index: 0,
          space,
          spaceId,
          version,
          subnets: [],
          ips: [],
          dbRows: spaceId !== null && !!this.stmt.anyRow.get(spaceId, version),
          dbIps: spaceId !== null && !!this.stmt.anyIp.get(spaceId, version),
          newRoots: [],
          live: false,
        };
        byKey.set(k, g);
        this.groups.push(g);
      }
      (R.ip(r) ? g.ips : g.subnets).push(r);
    }
    // Array.prototype.sort is stable: rows that sort equal stay in file order.
    const net = R.net;
    const len = R.len;
    for (const g of this.groups) {
      g.subnets.sort((a, b) => (net[a]! < net[b]! ? -1 : net[a]! > net[b]! ? 1 : len[a]! - len[b]!));
      g.ips.sort((a, b) => (net[a]! < net[b]! ? -1 : net[a]! > net[b]! ? 1 : 0));
    }
    this.groups.sort((a, b) => (a.space < b.space ? -1 : a.space > b.space ? 1 : a.version - b.version));
    this.groups.forEach((g, i) => (g.index = i));
  }

  // ------------------------------------------------------------ subnets

  private load(row: SubnetRow, entry: boolean): number {
    let n = this.loaded.get(row.id);
    if (n === undefined) {
      n = this.nodes.add(this.groupOf(row).index, keyValue(row.net), row.prefix_len, NONE, row);
      this.loaded.set(row.id, n);
      if (entry) this.entries.push(n);
    }
    return n;
  }

  private groupOf(row: SubnetRow): Group {
    const g = this.groups.find((x) => x.spaceId === row.space_id && x.version === row.ip_version);
    if (!g) throw new FluxError('INTERNAL', `no import group for subnet ${row.cidr}`);
    return g;
  }

  private exact(g: Group, net: bigint, len: number): SubnetRow | undefined {
    return g.dbRows ? this.stmt.exact.get(g.spaceId, g.version, addressKey(g.version, net), len) : undefined;
  }

  private leafAt(g: Group, value: bigint): SubnetRow | undefined {
    return g.dbRows ? leafHolding(this.plan, g.spaceId!, g.version, addressKey(g.version, value)) : undefined;
  }

  /** The parent of a node; an existing row's parent is loaded on demand, for inherited values. */
  private parentOf(n: number): number {
    const N = this.nodes;
    if (N.parent[n] !== NONE) return N.parent[n]!;
    const pid = N.existing(n)?.parent_id ?? null;
    if (pid === null) return NONE;
    const row = this.stmt.byId.get(pid);
    if (!row) return NONE;
    const p = this.load(row, false);
    N.parent[n] = p;
    return p;
  }

  private rowIntent(r: number, ex: ExistingSubnet | null): Intent {
    if (this.rowPool(r, ex)) return 'pool';
    const s = this.rows.status(r);
    if (s === 'allocated') return 'hard';
    if (s === 'active') return 'soft';
    if (s === 'reserved') return this.linkedRow(r) ? 'soft' : 'free';
    if (s === 'free' || s === 'container' || s === 'parked') return 'free';
    if (this.linkedRow(r)) return 'soft';
    if (s === undefined && ex) return ex.allocation_status === 'allocated' ? 'hard' : 'free';
    return 'free';
  }

  private intentOf(n: number): Intent {
    const r = this.nodes.row[n]!;
    const ex = this.nodes.existing(n);
    if (r !== NONE) return this.rowIntent(r, ex);
    if (ex) return ex.is_ip_pool ? 'pool' : ex.allocation_status === 'allocated' ? 'hard' : 'free';
    return 'free';
  }

  private rowPool(r: number, ex: ExistingSubnet | null): boolean {
    if (this.rows.status(r) === 'pool') return true;
    const p = this.rows.pool[r]!;
    if (p !== ABSENT) return p === 1;
    return !!ex?.is_ip_pool;
  }

  private poolOf(n: number): boolean {
    const r = this.nodes.row[n]!;
    const ex = this.nodes.existing(n);
    return r !== NONE ? this.rowPool(r, ex) : !!ex?.is_ip_pool;
  }

  private linkedRow(r: number): boolean {
    const R = this.rows;
    return R.customer[r]! >= 0 || R.service[r]! >= 0 || R.device[r]! >= 0;
  }

  /** Why a leaf cannot be carved for row r (an allocated subnet or an IP pool), or null. */
  private blocker(t: number, r: number): string | null {
    const N = this.nodes;
    const intent = this.intentOf(t);
    if (intent !== 'hard' && intent !== 'pool') return null;
    const what = intent === 'pool' ? 'an IP pool' : 'allocated';
    if (N.row[t] !== NONE) return `lies inside ${N.cidr(t)} (${this.where(N.row[t]!)}), which is ${what}; only free space can be carved`;
    const ex = N.existing(t)!;
    const holder = ex.customer_id !== null ? this.names.customer(ex.customer_id) : null;
    if (intent === 'hard') {
      const who = holder === null ? '' : holder === this.rows.text(this.rows.customer, r) ? ` to the same customer ${holder}` : ` to ${holder}`;
      return `overlaps ${N.cidr(t)}, which is allocated${who} in the plan; release it first or import the row into another space`;
    }
    return `lies inside ${N.cidr(t)}, which is an IP pool in the plan`;
  }

  where(r: number): string {
    return `row ${this.rows.line[r]}${this.sheetNames.length > 1 ? ` of ${this.sheetNames[this.rows.sheet[r]!]}` : ''}`;
  }

  private rowCidr(r: number): string {
    return formatCidr({ version: this.rows.version(r), net: this.rows.net[r]!, len: this.rows.len[r]! });
  }

  private carve(t: number): void {
    const N = this.nodes;
    const [a, b] = halves({ version: N.version(t), net: N.net[t]!, len: N.len[t]! });
    const ex = N.existing(t);
    if (ex) {
      N.mark(t, CARVED);
      if (this.stmt.holdsIps.get(ex.id)) N.mark(t, IP_HOLDER);
    }
    // add() may grow the columns: take the new index first, then store it.
    const lo = N.add(N.group[t]!, a.net, a.len, t, null);
    const hi = N.add(N.group[t]!, b.net, b.len, t, null);
    N.lo[t] = lo;
    N.hi[t] = hi;
  }

  /** A new subnet over existing roots: the halves down to each of them, the rest free (carve.ts `fill`). */
  private fill(n: number, covered: number[]): void {
    if (!covered.length) return;
    const N = this.nodes;
    const kids: number[] = [];
    for (const h of halves({ version: N.version(n), net: N.net[n]!, len: N.len[n]! })) {
      const last = lastAddress(h);
      const inside = covered.filter((c) => N.net[c]! >= h.net && N.net[c]! <= last);
      const same = inside.find((c) => N.len[c] === h.len);
      if (same !== undefined) {
        N.parent[same] = n;
        N.mark(same, REPARENT);
        kids.push(same);
      } else {
        const k = N.add(N.group[n]!, h.net, h.len, n, null);
        this.fill(k, inside);
        kids.push(k);
      }
    }
    N.lo[n] = kids[0]!;
    N.hi[n] = kids[1]!;
  }

  planSubnets(g: Group): void {
    const R = this.rows;
    const stack = new Path(this.nodes);
    let prev = NONE;
    for (const r of g.subnets) {
      this.tick();
      if (this.failed[r]) continue;
      if (prev !== NONE && R.net[prev] === R.net[r] && R.len[prev] === R.len[r]) {
        this.error(r, 'prefix', 'DUPLICATE', `${this.rowCidr(r)} is already ${this.where(prev)}`);
        continue;
      }
      prev = r;
      const up = stack.upTo(R.net[r]!);
      const t = up !== NONE ? up : this.enter(g, r, stack);
      if (t === NONE) continue;
      const node = this.descend(g, stack, t, r);
      if (node !== NONE) this.match(node, r);
    }
  }

  /** The stack is empty: the row lies in an existing row, or is a new root (over existing roots, if any). */
  private enter(g: Group, r: number, stack: Path): number {
    const net = this.rows.net[r]!;
    const len = this.rows.len[r]!;
    if (g.dbRows) {
      const ex = this.exact(g, net, len);
      if (ex) {
        const n = this.load(ex, true);
        stack.push(n);
        return n;
      }
      const leaf = this.leafAt(g, net);
      if (leaf && leaf.prefix_len < len) {
        const n = this.load(leaf, true);
        stack.push(n);
        return n;
      }
    }
    const last = lastAddress({ version: g.version, net, len });
    const covered = g.dbRows ? this.stmt.roots.all(g.spaceId, g.version, addressKey(g.version, net), addressKey(g.version, last)) : [];
    if (covered.length) {
      const intent = this.rowIntent(r, null);
      if (intent === 'hard' || intent === 'pool') {
        this.error(r, 'prefix', 'OVERLAP', `${this.rowCidr(r)} would hold ${covered.map((c) => c.cidr).join(', ')} of the plan; ${intent === 'pool' ? 'an IP pool' : 'an allocated subnet'} must be a leaf`);
        return NONE;
      }
    }
    const n = this.nodes.add(g.index, net, len, NONE, null);
    g.newRoots.push(n);
    this.entries.push(n);
    if (covered.length) this.fill(n, covered.map((c) => this.load(c, false)));
    stack.push(n);
    return n;
  }

  private descend(g: Group, stack: Path, from: number, r: number): number {
    const N = this.nodes;
    const net = this.rows.net[r]!;
    const len = this.rows.len[r]!;
    let t = from;
    for (;;) {
      if (N.net[t] === net && N.len[t] === len) return t;
      if (N.lo[t] !== NONE) {
        t = net >= N.net[N.hi[t]!]! ? N.hi[t]! : N.lo[t]!;
        stack.push(t);
        continue;
      }
      if (N.existing(t)?.allocation_status === 'subdivided') {
        const ex = this.exact(g, net, len);
        const next = ex ?? this.leafAt(g, net);
        if (!next || next.prefix_len > len || (next.prefix_len === len && !ex)) {
          throw new FluxError('INTERNAL', `the plan's tree has no leaf for ${this.rowCidr(r)} under ${N.cidr(t)}; run fluxplan check`);
        }
        t = this.load(next, true);
        stack.push(t);
        continue;
      }
      const why = this.blocker(t, r);
      if (why) {
        this.error(r, 'prefix', 'OVERLAP', `${this.rowCidr(r)} ${why}`);
        return NONE;
      }
      this.carve(t);
    }
  }

  private match(n: number, r: number): void {
    const N = this.nodes;
    if (N.row[n] !== NONE) {
      this.error(r, 'prefix', 'DUPLICATE', `${N.cidr(n)} is already ${this.where(N.row[n]!)}`);
      return;
    }
    const ex = N.existing(n);
    if (ex) {
      const customer = this.rows.text(this.rows.customer, r);
      if (ex.allocation_status === 'allocated' && ex.customer_id !== null && customer) {
        const holder = this.names.customer(ex.customer_id);
        if (holder !== customer) {
          this.error(r, 'customer', 'OVERLAP', `${N.cidr(n)} is allocated to ${holder} in the plan, not to ${customer}; release it first`);
          return;
        }
      }
      N.row[n] = r;
      const intent = this.intentOf(n);
      if ((intent === 'hard' || intent === 'pool') && ex.allocation_status === 'subdivided') {
        N.row[n] = NONE;
        this.error(r, 'prefix', 'OVERLAP', `${N.cidr(n)} is subdivided in the plan; ${intent === 'pool' ? 'an IP pool' : 'an allocated subnet'} must be a leaf`);
      }
      return;
    }
    N.row[n] = r;
  }

  // ------------------------------------------------------------ addresses

  planIps(g: Group): void {
    const R = this.rows;
    const N = this.nodes;
    const stack = new Path(N);
    let rootAt = 0;
    let rootLast = g.newRoots.length ? N.last(g.newRoots[0]!) : -1n;
    let prev = NONE;
    for (const r of g.ips) {
      this.tick();
      if (this.failed[r]) continue;
      const net = R.net[r]!;
      const text = () => formatAddress(g.version, net);
      if (prev !== NONE && R.net[prev] === net) {
        this.error(r, 'address', 'DUPLICATE', `${text()} is already ${this.where(prev)}`);
        continue;
      }
      prev = r;
      let t = stack.upTo(net);
      if (t === NONE) {
        while (rootAt < g.newRoots.length && rootLast < net) {
          rootAt++;
          if (rootAt < g.newRoots.length) rootLast = N.last(g.newRoots[rootAt]!);
        }
        const root = g.newRoots[rootAt];
        if (root !== undefined && N.net[root]! <= net) t = root;
        else {
          const leaf = this.leafAt(g, net);
          if (leaf) t = this.load(leaf, false);
        }
        if (t !== NONE) stack.push(t);
      }
      while (t !== NONE) {
        if (N.lo[t] !== NONE) {
          t = net >= N.net[N.hi[t]!]! ? N.hi[t]! : N.lo[t]!;
          stack.push(t);
          continue;
        }
        if (N.existing(t)?.allocation_status === 'subdivided') {
          const leaf = this.leafAt(g, net);
          if (!leaf) throw new FluxError('INTERNAL', `the plan's tree has no leaf for ${text()} under ${N.cidr(t)}; run fluxplan check`);
          t = this.load(leaf, false);
          stack.push(t);
          continue;
        }
        break;
      }
      const existing = g.dbIps ? this.existingIp(g, net) : undefined;
      const customer = R.text(R.customer, r);
      if (existing && existing.customer_id !== null && customer) {
        const holder = this.names.customer(existing.customer_id);
        if (holder !== customer) {
          this.error(r, 'customer', 'OVERLAP', `${text()} is held by ${holder} in the plan, not by ${customer}; release it first`);
          continue;
        }
      }
      if (t === NONE) {
        const bits = g.version === 4 ? 32 : 128;
        const named = R.len[r]!;
        const len = named >= 0 && named < bits ? named : g.version === 4 ? 24 : 64;
        const cover = { version: g.version, net: net & maskOf(g.version, len), len };
        const coverText = formatCidr(cover);
        this.error(r, 'address', 'IP_OUTSIDE', `${text()} lies outside every subnet of space ${g.space}; add its subnet first (e.g. ${coverText}), or import with --create-subnets`, coverText);
        this.covering.set(`${g.space}\u0000${coverText}`, { ...cover, space: g.space, row: r });
        continue;
      }
      if (!existing) N.mark(t, HAS_IPS);
      this.ips.add(r, net, existing ?? null, t);
    }
  }

  private existingIp(g: Group, net: bigint): ExistingIp | undefined {
    const r = this.stmt.ip.get(g.spaceId, g.version, addressKey(g.version, net)) as unknown[] | undefined;
    if (!r) return undefined;
    return {
      id: r[0] as number, customer_id: r[1] as number | null, service_id: r[2] as number | null, device_id: r[3] as number | null, vlan_id: r[4] as number | null,
      rdns: r[5] as string | null, rdns_updated_at: r[6] as string | null, is_unavailable: r[7] as 0 | 1, is_management: r[8] as 0 | 1, purpose: r[9] as string | null,
      description: r[10] as string | null,
    };
  }

  // ------------------------------------------------------------ final values

  /** The effective location a node ends up with: its own, else its nearest ancestor's. */
  private effLoc(n: number): number {
    const N = this.nodes;
    const known = N.effLoc(n);
    if (known !== undefined) return known;
    const r = N.row[n]!;
    let value: number;
    if (r !== NONE && this.rows.location[r] !== ABSENT) value = this.rows.location[r]!;
    else {
      const ex = N.existing(n);
      value = ex ? this.sid(this.names.location(ex.location_id)) : NONE;
    }
    if (value === NONE) {
      const p = this.parentOf(n);
      value = p !== NONE ? this.effLoc(p) : NONE;
    }
    N.setEffLoc(n, value);
    return value;
  }

  private collectVlanNames(r: number, loc: number): void {
    const vid = this.rows.vlanVid[r]!;
    const name = this.rows.vlanName[r]!;
    if (vid > 0 && name !== EMPTY && loc !== NONE) {
      const k = pair(loc, name);
      if (!this.fileVlanNames.has(k)) this.fileVlanNames.set(k, vid);
    }
  }

  /** The row's VLAN cell at a location: the interned "LOCATION\0VID", or false when it cannot be resolved. */
  private resolveVlan(r: number, loc: number): number | false {
    const cellVid = this.rows.vlanVid[r]!;
    const nameId = this.rows.vlanName[r]!;
    const name = nameId === EMPTY ? null : this.strings.at(nameId);
    const label = cellVid > 0 ? (name ? `${name} (${cellVid})` : String(cellVid)) : `"${name}"`;
    if (loc === NONE) {
      this.error(r, 'vlan', 'VLAN_NO_LOCATION', `VLAN ${label} needs a location: VLANs live at a location, and neither this row nor a subnet above it has one`);
      return false;
    }
    const code = this.strings.at(loc);
    let vid: number | null = cellVid > 0 ? cellVid : null;
    if (vid === null) {
      vid = this.fileVlanNames.get(pair(loc, nameId)) ?? this.names.vlanNamed(code, name!)?.vid ?? null;
      if (vid === null) {
        this.error(r, 'vlan', 'UNKNOWN_VLAN', `VLAN "${name}" is not known at ${code}; give its VID (e.g. "${name} (102)")`);
        return false;
      }
    }
    let v = this.vlanKeys.get(pair(loc, vid));
    if (!v) {
      v = { key: this.strings.id(key(code, vid)), known: !!this.names.vlanAt(code, vid) };
      this.vlanKeys.set(pair(loc, vid), v);
    }
    if (!v.known) {
      const k = this.strings.at(v.key);
      const planned = this.needs.vlans.get(k);
      if (planned === undefined || (planned === null && name)) this.needs.vlans.set(k, name);
    }
    return v.key;
  }

  /**
   * Links as FluxPlan keeps them: a service fills in its customer and device; a service of another
   * customer is refused. The result is in `linked` (false: the row failed).
   */
  private links(r: number, ex: { customer_id: number | null; service_id: number | null; device_id: number | null } | null): boolean {
    const R = this.rows;
    const out = this.linked;
    const rc = R.customer[r]!;
    const rs = R.service[r]!;
    const rd = R.device[r]!;
    if (!ex && rs < 0) {
      out.customer = rc < 0 ? NONE : rc;
      out.service = NONE;
      out.device = rd < 0 ? NONE : rd;
      return true;
    }
    let customer = rc !== ABSENT ? rc : ex ? this.sid(this.names.customer(ex.customer_id)) : NONE;
    const service = rs !== ABSENT ? rs : ex ? this.sid(this.names.service(ex.service_id)) : NONE;
    let device = rd !== ABSENT ? rd : ex ? this.sid(this.names.device(ex.device_id)) : NONE;
    if (service !== NONE) {
      const ref = this.strings.at(service);
      const known = this.names.serviceRow(ref);
      if (known) {
        const owner = this.sid(this.names.customer(known.customer_id));
        if (customer !== NONE && owner !== NONE && owner !== customer) {
          this.error(r, 'service', 'CONFLICT', `service ${ref} belongs to customer ${this.strings.at(owner)}, not ${this.strings.at(customer)}`);
          return false;
        }
        if (customer === NONE) customer = owner;
        if (device === NONE) device = this.sid(this.names.device(known.device_id));
      } else {
        const planned = this.needs.services.get(ref);
        if (planned && customer !== NONE && planned.customer && planned.customer !== this.strings.at(customer)) {
          this.error(r, 'service', 'CONFLICT', `service ${ref} belongs to customer ${planned.customer} (an earlier row), not ${this.strings.at(customer)}`);
          return false;
        }
      }
    }
    out.customer = customer;
    out.service = service;
    out.device = device;
    return true;
  }

  /** A row's parked flag: its own cell, else its status, else the existing row's. */
  private parkedOf(r: number, exParked: boolean): boolean {
    const s = this.rows.status(r);
    const cell = this.rows.parked[r]!;
    return cell !== ABSENT || (s !== undefined && s !== null) ? cell === 1 || s === 'parked' || s === 'reserved' : exParked;
  }

  /** A VLAN kept as the existing row has it. */
  private keptVlan(vlanId: number | null): number {
    return vlanId === null ? NONE : this.strings.id(`#${vlanId}`);
  }

  private finalSubnet(n: number): void {
    const R = this.rows;
    const N = this.nodes;
    const r = N.row[n]!;
    const ex = N.existing(n);
    const hasChildren = N.lo[n] !== NONE || ex?.allocation_status === 'subdivided';
    const intent = this.intentOf(n);
    const parked = this.parkedOf(r, !!ex?.is_unavailable);
    const pool = !hasChildren && this.poolOf(n);
    if (!this.links(r, ex)) return;
    const d = R.description[r]!;
    let description = d !== ABSENT ? d : this.texts.add(ex?.description ?? null);
    const status: AllocationStatus = hasChildren ? 'subdivided' : pool ? 'unallocated' : intent === 'hard' || intent === 'soft' ? 'allocated' : 'unallocated';
    let { customer, service, device } = this.linked;
    if (status !== 'allocated' && (customer !== NONE || service !== NONE || device !== NONE)) {
      const kept = [customer !== NONE && `customer ${this.str(customer)}`, service !== NONE && `service ${this.str(service)}`, device !== NONE && `device ${this.str(device)}`].filter(Boolean).join(', ');
      const why = status === 'subdivided' ? 'has subnets inside it, so it is subdivided' : pool ? 'is an IP pool' : 'is not allocated';
      description = this.texts.add(this.texts.blank(description) ? kept : `${this.texts.get(description)} (${kept})`);
      this.warnings.push({ row: r, field: 'customer', code: 'LINKS_IN_DESCRIPTION', message: `${N.cidr(n)} ${why}; FluxPlan links customers, services and devices only to allocated subnets, so ${kept} is kept in its description` });
      customer = service = device = NONE;
    }
    const location = R.location[r] !== ABSENT ? R.location[r]! : ex ? this.sid(this.names.location(ex.location_id)) : NONE;
    let vlan: number;
    if (R.vlanVid[r] !== ABSENT) {
      const v = R.vlanVid[r] === EMPTY ? NONE : this.resolveVlan(r, this.effLoc(n));
      if (v === false) return;
      vlan = v;
    } else vlan = this.keptVlan(ex?.vlan_id ?? null);
    N.setFinal(n, { status, parked: parked ? 1 : 0, pool: pool ? 1 : 0, location, vlan, customer, service, device, description });
    N.mark(n, CHANGED, !ex || N.has(n, CARVED | REPARENT) || !this.sameAsExisting(n, ex));
  }

  /** The final values of an existing row left as it is, but for its status. */
  private finalFromExisting(n: number, status: AllocationStatus): void {
    const ex = this.nodes.existing(n)!;
    this.nodes.setFinal(n, {
      status,
      parked: ex.is_unavailable,
      pool: ex.is_ip_pool,
      location: this.sid(this.names.location(ex.location_id)),
      vlan: this.keptVlan(ex.vlan_id),
      customer: this.sid(this.names.customer(ex.customer_id)),
      service: this.sid(this.names.service(ex.service_id)),
      device: this.sid(this.names.device(ex.device_id)),
      description: this.texts.add(ex.description),
    });
  }

  private sameAsExisting(n: number, ex: ExistingSubnet): boolean {
    const N = this.nodes;
    return (
      ex.allocation_status === N.status(n) && ex.is_unavailable === N.parked[n] && ex.is_ip_pool === N.pool[n] &&
      this.sid(this.names.location(ex.location_id)) === N.location[n] && this.vlanIdentity(this.keptVlan(ex.vlan_id)) === this.vlanIdentity(N.vlan[n]!) &&
      this.sid(this.names.customer(ex.customer_id)) === N.customer[n] && this.sid(this.names.service(ex.service_id)) === N.service[n] &&
      this.sid(this.names.device(ex.device_id)) === N.device[n] && ex.description === this.texts.get(N.description[n]!)
    );
  }

  /** "LOCATION\0VID" or "#ID" (interned) as one comparable VLAN identity. */
  private vlanIdentity(v: number): string | null {
    if (v === NONE) return null;
    const s = this.strings.at(v);
    if (!s.startsWith('#')) return s;
    const info = this.names.vlan(Number(s.slice(1)));
    return info ? key(info.code, info.vid) : s;
  }

  private finalIp(i: number): void {
    const R = this.rows;
    const I = this.ips;
    const r = I.row[i]!;
    const ex = I.existing(i);
    if (!this.links(r, ex)) return;
    let vlan: number;
    if (R.vlanVid[r] !== ABSENT) {
      const v = R.vlanVid[r] === EMPTY ? NONE : this.resolveVlan(r, this.effLoc(I.leaf[i]!));
      if (v === false) return;
      vlan = v;
    } else vlan = this.keptVlan(ex?.vlan_id ?? null);
    const parked = this.parkedOf(r, !!ex?.is_unavailable);
    const management = R.management[r] !== ABSENT ? R.management[r] === 1 : !!ex?.is_management;
    const { customer, service, device } = this.linked;
    const rdns = R.rdns[r]!;
    const description = R.description[r]!;
    I.customer[i] = customer;
    I.service[i] = service;
    I.device[i] = device;
    I.vlan[i] = vlan;
    I.rdns[i] = rdns !== ABSENT ? rdns : this.texts.add(ex?.rdns ?? null);
    I.rdnsUpdatedAt[i] = R.rdnsUpdatedAt[r] !== ABSENT ? R.rdnsUpdatedAt[r]! : this.sid(ex?.rdns_updated_at ?? null);
    I.purpose[i] = R.purpose[r] !== ABSENT ? R.purpose[r]! : this.sid(ex?.purpose ?? null);
    I.description[i] = description !== ABSENT ? description : this.texts.add(ex?.description ?? null);
    const changed =
      !ex ||
      customer !== this.sid(this.names.customer(ex.customer_id)) || service !== this.sid(this.names.service(ex.service_id)) || device !== this.sid(this.names.device(ex.device_id)) ||
      this.vlanIdentity(vlan) !== this.vlanIdentity(this.keptVlan(ex.vlan_id)) || this.texts.get(I.rdns[i]!) !== ex.rdns || this.str(I.rdnsUpdatedAt[i]!) !== ex.rdns_updated_at ||
      (parked ? 1 : 0) !== ex.is_unavailable || (management ? 1 : 0) !== ex.is_management || this.str(I.purpose[i]!) !== ex.purpose || this.texts.get(I.description[i]!) !== ex.description;
    I.flags[i] = I.flags[i]! | FINAL | (parked ? IP_PARKED : 0) | (management ? IP_MANAGEMENT : 0) | (changed ? CHANGED : 0);
  }

  /** Pre-order over the tree from every entry. */
  private walk(visit: (n: number) => void): void {
    const N = this.nodes;
    const down = (n: number) => {
      visit(n);
      if (N.lo[n] !== NONE) {
        down(N.lo[n]!);
        down(N.hi[n]!);
      }
    };
    for (const e of this.entries) down(e);
  }

  /** Final values of every row, VLANs resolved at their effective location, and what the catalog lacks. */
  finalize(): void {
    const N = this.nodes;
    const I = this.ips;
    const subnetRows: number[] = [];
    this.walk((n) => {
      if (N.row[n] !== NONE) subnetRows.push(n);
    });
    for (const n of subnetRows) this.collectVlanNames(N.row[n]!, this.effLoc(n));
    for (let i = 0; i < I.length; i++) this.collectVlanNames(I.row[i]!, this.effLoc(I.leaf[i]!));
    for (const n of subnetRows) this.finalSubnet(n);
    for (let i = 0; i < I.length; i++) if (!this.failed[I.row[i]!]) this.finalIp(i);
    for (const g of this.groups) g.live = g.subnets.some((r) => !this.failed[r]) || g.ips.some((r) => !this.failed[r]);
  }

  /** What the catalog must gain for the rows that will be written. */
  private collectNeeds(nodes: number[], ips: number[]): void {
    const N = this.nodes;
    const I = this.ips;
    const need = this.needs;
    for (const g of this.groups) if (g.spaceId === null && g.live) need.spaces.add(g.space);
    // Distinct keys first (in the order rows name them: a device is created at the first row's location).
    const locations = new Set<number>();
    const customers = new Set<number>();
    const devices = new Map<number, number>();
    const services = new Map<number, [number, number]>();
    const link = (customer: number, service: number, device: number, loc: number) => {
      if (customer !== NONE) customers.add(customer);
      if (device !== NONE && !devices.has(device)) devices.set(device, loc);
      if (service !== NONE && !services.has(service)) services.set(service, [customer, device]);
    };
    for (const n of nodes) {
      if (N.location[n] !== NONE) locations.add(N.location[n]!);
      link(N.customer[n]!, N.service[n]!, N.device[n]!, this.effLoc(n));
    }
    for (const i of ips) link(I.customer[i]!, I.service[i]!, I.device[i]!, this.effLoc(I.leaf[i]!));
    const S = this.strings;
    for (const l of locations) if (!this.names.locationExists(S.at(l))) need.locations.add(S.at(l));
    for (const c of customers) if (!this.names.customerExists(S.at(c))) need.customers.add(S.at(c));
    for (const [d, loc] of devices) if (!this.names.deviceExists(S.at(d))) need.devices.set(S.at(d), this.str(loc));
    for (const [s, [c, d]] of services) if (!this.names.serviceRow(S.at(s))) need.services.set(S.at(s), { customer: this.str(c), device: this.str(d) });
    for (const loc of need.devices.values()) if (loc && !this.names.locationExists(loc)) need.locations.add(loc);
    for (const k of need.vlans.keys()) {
      const loc = k.slice(0, k.indexOf('\u0000'));
      if (!this.names.locationExists(loc)) need.locations.add(loc);
    }
    // VLANs of failed rows are not created.
    const used = new Set<number>();
    for (const n of nodes) used.add(N.vlan[n]!);
    for (const i of ips) used.add(I.vlan[i]!);
    for (const k of [...need.vlans.keys()]) if (!used.has(S.id(k))) need.vlans.delete(k);
  }

  /**
   * Orders the writes: changes to existing subnets (and subtrees carved out of leaves holding IP records,
   * the way `subnet add` carves so that the records follow), then new subnets parents first, then existing
   * roots moved under new parents, then IP records. Also computes `clear` of every new subnet.
   */
  writes(): WritePlan {
    const N = this.nodes;
    const I = this.ips;
    const w: WritePlan = { phase1: [], phase2: [], phase3: [], ipUpdates: [], ipInserts: [] };
    const rowsWritten: number[] = [];
    const walk = (n: number, carveStyle: boolean) => {
      const split = N.lo[n] !== NONE;
      if (N.isNew(n)) {
        if (!N.has(n, FINAL)) N.setEmpty(n, split ? 'subdivided' : 'unallocated');
        if (N.row[n] !== NONE) rowsWritten.push(n);
        if (carveStyle) w.phase1.push({ node: n, asLeaf: split, thenSubdivide: split });
        else w.phase2.push(n);
      } else if (N.row[n] !== NONE && !N.has(n, FINAL)) {
        // A row that failed after the sweep (VLAN, service): nothing is written for it.
      } else if (N.has(n, CHANGED | CARVED | REPARENT)) {
        if (!N.has(n, FINAL)) this.finalFromExisting(n, N.has(n, CARVED) ? 'subdivided' : N.existing(n)!.allocation_status);
        if (N.row[n] !== NONE) rowsWritten.push(n);
        if (N.has(n, REPARENT)) w.phase3.push(n);
        else w.phase1.push({ node: n });
      }
      if (split) {
        const style = carveStyle || (N.has(n, CARVED) && N.has(n, IP_HOLDER));
        walk(N.lo[n]!, style);
        walk(N.hi[n]!, style);
      }
    };
    for (const e of this.entries) walk(e, false);
    for (let i = 0; i < I.length; i++) {
      if (!I.has(i, FINAL) || this.failed[I.row[i]!]) continue;
      if (I.has(i, EXISTING)) {
        if (I.has(i, CHANGED)) w.ipUpdates.push(i);
      } else w.ipInserts.push(i);
    }
    this.computeClear();
    this.collectNeeds(rowsWritten, [...w.ipUpdates, ...w.ipInserts]);
    return w;
  }

  /** `clear` of each new subnet as it will stand: free, data-less space all the way down (rows.ts semantics). */
  private computeClear(): void {
    const N = this.nodes;
    const blank = (text: number) => this.texts.blank(text);
    const vacant = (n: number): boolean => {
      if (N.isNew(n)) return N.has(n, CLEAR) && !N.hasData(n, blank);
      const ex = N.existing(n)!;
      return !!ex.clear && !(N.has(n, FINAL) ? N.hasData(n, blank) : hasData(ex));
    };
    const post = (n: number): void => {
      const lo = N.lo[n]!;
      const hi = N.hi[n]!;
      if (lo !== NONE) {
        post(lo);
        post(hi);
      }
      if (!N.isNew(n)) return;
      const status = N.status(n);
      const base = !N.parked[n] && !N.pool[n] && status !== 'allocated';
      N.mark(n, CLEAR, base && (status === 'subdivided' ? vacant(lo) && vacant(hi) : !N.has(n, HAS_IPS)));
    };
    for (const e of this.entries) post(e);
  }

  /** Rows of the file, classified. */
  classify(): { created: number; updated: number; unchanged: number; carved: number } {
    const N = this.nodes;
    const I = this.ips;
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    let carved = 0;
    this.walk((n) => {
      const r = N.row[n]!;
      if (N.isNew(n) && r === NONE) carved++;
      if (r !== NONE && N.has(n, FINAL) && !this.failed[r]) {
        if (N.isNew(n)) created++;
        else if (N.has(n, CHANGED)) updated++;
        else unchanged++;
      }
    });
    for (let i = 0; i < I.length; i++) {
      if (!I.has(i, FINAL) || this.failed[I.row[i]!]) continue;
      if (!I.has(i, EXISTING)) created++;
      else if (I.has(i, CHANGED)) updated++;
      else unchanged++;
    }
    return { created, updated, unchanged, carved };
  }

  /**
   * Lets go of the file's rows (swapped for an empty table) once the checks are done: the final values
   * hold all that writes() and the writers need, and a million rows are a lot of memory to carry on.
   */
  release(rows: FileRows): void {
    this.rows = rows;
    for (const g of this.groups) {
      g.subnets = [];
      g.ips = [];
    }
  }

  /** Top rows of what the import touches, for the dry run's tree: (space, family, network, length). */
  touched(): Array<{ group: Group; net: bigint; len: number }> {
    const N = this.nodes;
    const out: Array<{ group: Group; net: bigint; len: number; last: bigint }> = [];
    const touches = (n: number): boolean =>
      N.has(n, CHANGED | CARVED | REPARENT | HAS_IPS) || N.isNew(n) || (N.lo[n] !== NONE && (touches(N.lo[n]!) || touches(N.hi[n]!)));
    for (const e of this.entries) {
      if (!touches(e)) continue;
      out.push({ group: this.groups[N.group[e]!]!, net: N.net[e]!, len: N.len[e]!, last: N.last(e) });
    }
    out.sort((a, b) => (a.group === b.group ? (a.net < b.net ? -1 : a.net > b.net ? 1 : a.len - b.len) : a.group.index - b.group.index));
    // Sorted by network, the kept blocks of a group are disjoint: only the last one kept can cover the next.
    const kept: typeof out = [];
    for (const x of out) {
      const y = kept[kept.length - 1];
      if (y && y.group === x.group && y.net <= x.net && y.last >= x.net) continue;
      kept.push(x);
    }
    return kept;
  }
}

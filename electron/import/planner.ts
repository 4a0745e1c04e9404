/**
 * Works out, before anything is written, what an import does to the plan: the canonical tree the file's
 * subnets make together with what is already there (carving semantics of `subnet add`: a subnet inside a
 * free leaf carves it down, over existing roots it becomes their parent), where each address lands, and
 * every row that cannot be imported with the reason. The result is a list of writes in a fixed order
 * that both writers (row by row, or bulk) carry out identically.
 */
import { addressKey, formatAddress, formatCidr, halves, keyValue, lastAddress, maskOf, type IpVersion } from '../../shared/cidr';
import { FluxError } from '../../shared/errors';
import type { StatusTarget } from '../../shared/import/fields';
import type { Plan } from '../plan';
import type { BulkParent } from '../tree/bulk';
import { hasData, ipsWhere, leafHolding, subnetsWhere, type AllocationStatus, type IpRow, type SubnetRow } from '../tree/rows';
import type { FileRow, Problem, RowCode, VlanCell } from './cells';

/** One subnet of the tree the import touches: an existing row, a row of the file, or a half made by carving. */
export class Node {
  row: FileRow | null = null;
  lo: Node | null = null;
  hi: Node | null = null;
  /** An existing leaf this import subdivides. */
  carved = false;
  /** An existing root that gets a parent (a new subnet was added over it). */
  reparent = false;
  /** An existing leaf with IP records: carved the way `subnet add` carves, so the records follow. */
  ipHolder = false;
  /** New IP records land in this leaf. */
  hasIps = false;
  final: SubnetFinal | null = null;
  changed = false;
  clear: 0 | 1 = 1;
  id: number;
  /** Bulk writer: what this new subnet's children inherit. */
  written: BulkParent | null = null;
  effLoc: string | null | undefined = undefined;

  constructor(
    readonly group: Group,
    readonly net: bigint,
    readonly len: number,
    public parent: Node | null,
    readonly existing: SubnetRow | null,
  ) {
    this.id = existing?.id ?? 0;
  }

  /** The last address of the block (computed: most nodes never need it). */
  get last(): bigint {
    return lastAddress({ version: this.group.version, net: this.net, len: this.len });
  }

  get version(): IpVersion {
    return this.group.version;
  }

  get cidr(): string {
    return this.existing?.cidr ?? formatCidr({ version: this.group.version, net: this.net, len: this.len });
  }

  get isNew(): boolean {
    return this.existing === null;
  }
}

/** The nodes from a root down to where the sweep is, with their last addresses. */
class Path {
  private readonly nodes: Node[] = [];
  private readonly lasts: bigint[] = [];
  push(n: Node): void {
    this.nodes.push(n);
    this.lasts.push(n.last);
  }
  /** Drops the nodes that end before `value`; returns the deepest one left. */
  upTo(value: bigint): Node | undefined {
    while (this.lasts.length && value > this.lasts[this.lasts.length - 1]!) {
      this.nodes.pop();
      this.lasts.pop();
    }
    return this.nodes[this.nodes.length - 1];
  }
}

export interface SubnetFinal {
  status: AllocationStatus;
  parked: 0 | 1;
  pool: 0 | 1;
  location: string | null;
  /** "LOCATION\0VID" for a VLAN found or created at a location; "#ID" for an existing row's VLAN kept as it is. */
  vlan: string | null;
  customer: string | null;
  service: string | null;
  device: string | null;
  description: string | null;
}

export interface IpFinal {
  customer: string | null;
  service: string | null;
  device: string | null;
  vlan: string | null;
  rdns: string | null;
  rdns_updated_at: string | null;
  parked: 0 | 1;
  management: 0 | 1;
  purpose: string | null;
  description: string | null;
}

export interface IpItem {
  /** The file row; dropped (null) once the writes are worked out, to free memory before writing. */
  row: FileRow | null;
  net: bigint;
  existing: IpRow | null;
  /** The leaf the address lies in once the import's subnets exist. */
  leaf: Node;
  final: IpFinal | null;
  changed: boolean;
}

export interface Group {
  space: string;
  spaceId: number | null;
  version: IpVersion;
  subnets: FileRow[];
  ips: FileRow[];
  /** The plan already has subnets (or IP records) in this space and family: look them up. */
  dbRows: boolean;
  dbIps: boolean;
  newRoots: Node[];
}

export interface RowError {
  row: FileRow;
  field: Problem['field'];
  code: RowCode;
  message: string;
  suggestion?: string;
}

export interface RowWarning {
  row: FileRow;
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

/** The writes in the order both writers carry them out. */
export interface WritePlan {
  /** Existing subnets changed in place, and subtrees carved out of leaves that hold IP records (pre-order). */
  phase1: Array<{ node: Node; asLeaf?: boolean; thenSubdivide?: boolean }>;
  /** New subnets, parents first. */
  phase2: Node[];
  /** Existing roots that a new subnet now holds. */
  phase3: Node[];
  ipUpdates: IpItem[];
  ipInserts: IpItem[];
}

const key = (loc: string, vid: number) => `${loc}\u0000${vid}`;

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
  /** Synthetic subnet rows (covering subnets to create) are numbered after the file's rows. */
  now: string;
}

/**
 * One pass over the rows. Rows with errors found here are reported; the caller runs another pass
 * without them (so that their dependants fail too, e.g. an address inside a subnet row that failed)
 * until no new error appears.
 */
export class Planner {
  readonly errors: RowError[] = [];
  readonly warnings: RowWarning[] = [];
  readonly failed = new Set<FileRow>();
  readonly ipItems: IpItem[] = [];
  /** Existing rows loaded into the plan of the tree, by id. */
  private readonly loaded = new Map<number, Node>();
  /** Where emission starts: new roots and existing rows reached by a lookup, in the order the sweep met them. */
  private readonly entries: Node[] = [];
  readonly names: Names;
  readonly groups: Group[] = [];
  /** Addresses outside every subnet: the covering subnets a --create-subnets pass adds. */
  readonly covering = new Map<string, { space: string; version: IpVersion; net: bigint; len: number; row: FileRow }>();
  checked = 0;
  private readonly stmt;

  constructor(
    private readonly plan: Plan,
    private readonly options: PlanOptions,
  ) {
    this.names = new Names(plan);
    this.stmt = {
      exact: subnetsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND net = ? AND prefix_len = ?'),
      roots: subnetsWhere(plan, 'WHERE parent_id IS NULL AND space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? ORDER BY net'),
      byId: subnetsWhere(plan, 'WHERE id = ?'),
      ip: ipsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND address = ?'),
      anyRow: plan.q('SELECT 1 FROM subnets WHERE space_id = ? AND ip_version = ? LIMIT 1'),
      anyIp: plan.q('SELECT 1 FROM ip_addresses WHERE space_id = ? AND ip_version = ? LIMIT 1'),
      holdsIps: plan.q('SELECT 1 FROM ip_addresses WHERE subnet_id = ? LIMIT 1'),
    };
  }

  private error(row: FileRow, field: Problem['field'], code: RowCode, message: string, suggestion?: string): void {
    this.failed.add(row);
    this.errors.push(suggestion === undefined ? { row, field, code, message } : { row, field, code, message, suggestion });
  }

  private tick(): void {
    this.checked++;
    if ((this.checked & 4095) === 0) this.options.tick?.(this.checked);
  }

  /** Sorts rows into (space, family) groups, parents before children, in file order among equals. */
  group(rows: FileRow[]): void {
    const byKey = new Map<string, Group>();
    for (const r of rows) {
      const k = `${r.space}\u0000${r.version}`;
      let g = byKey.get(k);
      if (!g) {
        const spaceId = this.names.spaceId(r.space);
        g = {
          space: r.space,
          spaceId,
          version: r.version,
          subnets: [],
          ips: [],
          dbRows: spaceId !== null && !!this.stmt.anyRow.get(spaceId, r.version),
          dbIps: spaceId !== null && !!this.stmt.anyIp.get(spaceId, r.version),
          newRoots: [],
        };
        byKey.set(k, g);
        this.groups.push(g);
      }
      (r.ip ? g.ips : g.subnets).push(r);
    }
    // Array.prototype.sort is stable: rows that sort equal stay in file order.
    const order = (a: FileRow, b: FileRow) => (a.net < b.net ? -1 : a.net > b.net ? 1 : a.len - b.len);
    for (const g of this.groups) {
      g.subnets.sort(order);
      g.ips.sort((a, b) => (a.net < b.net ? -1 : a.net > b.net ? 1 : 0));
    }
    this.groups.sort((a, b) => (a.space < b.space ? -1 : a.space > b.space ? 1 : a.version - b.version));
  }

  // ------------------------------------------------------------ subnets

  private load(row: SubnetRow, entry: boolean): Node {
    let n = this.loaded.get(row.id);
    if (!n) {
      const g = this.groupOf(row);
      n = new Node(g, keyValue(row.net), row.prefix_len, null, row);
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

  /** The existing row a loaded node's parent is (loaded on demand), for inherited values. */
  parentOf(n: Node): Node | null {
    if (n.parent) return n.parent;
    const pid = n.existing?.parent_id ?? null;
    if (pid === null) return null;
    const row = this.stmt.byId.get(pid);
    if (!row) return null;
    n.parent = this.load(row, false);
    return n.parent;
  }

  intentOf(n: Node): Intent {
    const r = n.row;
    const ex = n.existing;
    if (r) {
      if (this.poolOf(n)) return 'pool';
      const s = r.status;
      if (s === 'allocated') return 'hard';
      if (s === 'active') return 'soft';
      if (s === 'reserved') return linked(r) ? 'soft' : 'free';
      if (s === 'free' || s === 'container' || s === 'parked') return 'free';
      if (linked(r)) return 'soft';
      if (s === undefined && ex) return ex.allocation_status === 'allocated' ? 'hard' : 'free';
      return 'free';
    }
    if (ex) return ex.is_ip_pool ? 'pool' : ex.allocation_status === 'allocated' ? 'hard' : 'free';
    return 'free';
  }

  private poolOf(n: Node): boolean {
    const r = n.row;
    if (r) {
      if (r.status === 'pool') return true;
      if (r.pool !== undefined) return r.pool === true;
    }
    return !!n.existing?.is_ip_pool;
  }

  /** Why a leaf cannot be carved for row r (an allocated subnet or an IP pool), or null. */
  private blocker(t: Node, r: FileRow): string | null {
    const intent = this.intentOf(t);
    if (intent !== 'hard' && intent !== 'pool') return null;
    const what = intent === 'pool' ? 'an IP pool' : 'allocated';
    if (t.row) return `lies inside ${t.cidr} (${this.where(t.row)}), which is ${what}; only free space can be carved`;
    const ex = t.existing!;
    const holder = ex.customer_id !== null ? this.names.customer(ex.customer_id) : null;
    if (intent === 'hard') {
      const who = holder === null ? '' : holder === r.customer ? ` to the same customer ${holder}` : ` to ${holder}`;
      return `overlaps ${t.cidr}, which is allocated${who} in the plan; release it first or import the row into another space`;
    }
    return `lies inside ${t.cidr}, which is an IP pool in the plan`;
  }

  where(r: FileRow): string {
    return `row ${r.row}${this.sheetNames.length > 1 ? ` of ${this.sheetNames[r.sheet]}` : ''}`;
  }

  sheetNames: string[] = [];

  private newNode(g: Group, net: bigint, len: number, parent: Node | null): Node {
    return new Node(g, net, len, parent, null);
  }

  private carve(t: Node): void {
    const [a, b] = halves({ version: t.group.version, net: t.net, len: t.len });
    if (t.existing) {
      t.carved = true;
      t.ipHolder = !!this.stmt.holdsIps.get(t.existing.id);
    }
    t.lo = this.newNode(t.group, a.net, a.len, t);
    t.hi = this.newNode(t.group, b.net, b.len, t);
  }

  /** A new subnet over existing roots: the halves down to each of them, the rest free (carve.ts `fill`). */
  private fill(n: Node, covered: Node[]): void {
    if (!covered.length) return;
    const [a, b] = halves({ version: n.group.version, net: n.net, len: n.len });
    const kids: Node[] = [];
    for (const h of [a, b]) {
      const last = lastAddress(h);
      const inside = covered.filter((c) => c.net >= h.net && c.net <= last);
      const same = inside.find((c) => c.len === h.len);
      if (same) {
        same.parent = n;
        same.reparent = true;
        kids.push(same);
      } else {
        const k = this.newNode(n.group, h.net, h.len, n);
        this.fill(k, inside);
        kids.push(k);
      }
    }
    n.lo = kids[0]!;
    n.hi = kids[1]!;
  }

  planSubnets(g: Group): void {
    const stack = new Path();
    let prev: FileRow | null = null;
    for (const r of g.subnets) {
      this.tick();
      if (this.failed.has(r)) continue;
      if (prev && prev.net === r.net && prev.len === r.len) {
        this.error(r, 'prefix', 'DUPLICATE', `${formatCidr({ version: g.version, net: r.net, len: r.len })} is already ${this.where(prev)}`);
        continue;
      }
      prev = r;
      const t = stack.upTo(r.net) ?? this.enter(g, r, stack);
      if (!t) continue;
      const node = this.descend(g, stack, t, r);
      if (node) this.match(node, r);
    }
  }

  /** The stack is empty: the row lies in an existing row, or is a new root (over existing roots, if any). */
  private enter(g: Group, r: FileRow, stack: Path): Node | null {
    if (g.dbRows) {
      const ex = this.exact(g, r.net, r.len);
      if (ex) {
        const n = this.load(ex, true);
        stack.push(n);
        return n;
      }
      const leaf = this.leafAt(g, r.net);
      if (leaf && leaf.prefix_len < r.len) {
        const n = this.load(leaf, true);
        stack.push(n);
        return n;
      }
    }
    const last = lastAddress({ version: g.version, net: r.net, len: r.len });
    const covered = g.dbRows ? this.stmt.roots.all(g.spaceId, g.version, addressKey(g.version, r.net), addressKey(g.version, last)) : [];
    if (covered.length) {
      const probe = new Node(g, r.net, r.len, null, null);
      probe.row = r;
      const intent = this.intentOf(probe);
      if (intent === 'hard' || intent === 'pool') {
        this.error(r, 'prefix', 'OVERLAP', `${probe.cidr} would hold ${covered.map((c) => c.cidr).join(', ')} of the plan; ${intent === 'pool' ? 'an IP pool' : 'an allocated subnet'} must be a leaf`);
        return null;
      }
    }
    const n = this.newNode(g, r.net, r.len, null);
    g.newRoots.push(n);
    this.entries.push(n);
    if (covered.length) this.fill(n, covered.map((c) => this.load(c, false)));
    stack.push(n);
    return n;
  }

  private descend(g: Group, stack: Path, from: Node, r: FileRow): Node | null {
    let t = from;
    for (;;) {
      if (t.net === r.net && t.len === r.len) return t;
      if (t.lo) {
        t = r.net >= t.hi!.net ? t.hi! : t.lo;
        stack.push(t);
        continue;
      }
      if (t.existing && t.existing.allocation_status === 'subdivided') {
        const ex = this.exact(g, r.net, r.len);
        const next = ex ?? this.leafAt(g, r.net);
        if (!next || next.prefix_len > r.len || (next.prefix_len === r.len && !ex)) {
          throw new FluxError('INTERNAL', `the plan's tree has no leaf for ${formatCidr({ version: g.version, net: r.net, len: r.len })} under ${t.cidr}; run fluxplan check`);
        }
        t = this.load(next, true);
        stack.push(t);
        continue;
      }
      const why = this.blocker(t, r);
      if (why) {
        this.error(r, 'prefix', 'OVERLAP', `${formatCidr({ version: g.version, net: r.net, len: r.len })} ${why}`);
        return null;
      }
      this.carve(t);
    }
  }

  private match(n: Node, r: FileRow): void {
    if (n.row) {
      this.error(r, 'prefix', 'DUPLICATE', `${n.cidr} is already ${this.where(n.row)}`);
      return;
    }
    const ex = n.existing;
    if (ex) {
      if (ex.allocation_status === 'allocated' && ex.customer_id !== null && r.customer) {
        const holder = this.names.customer(ex.customer_id);
        if (holder !== r.customer) {
          this.error(r, 'customer', 'OVERLAP', `${n.cidr} is allocated to ${holder} in the plan, not to ${r.customer}; release it first`);
          return;
        }
      }
      n.row = r;
      const intent = this.intentOf(n);
      if ((intent === 'hard' || intent === 'pool') && ex.allocation_status === 'subdivided') {
        n.row = null;
        this.error(r, 'prefix', 'OVERLAP', `${n.cidr} is subdivided in the plan; ${intent === 'pool' ? 'an IP pool' : 'an allocated subnet'} must be a leaf`);
        return;
      }
      return;
    }
    n.row = r;
  }

  // ------------------------------------------------------------ addresses

  planIps(g: Group): void {
    const stack = new Path();
    let rootAt = 0;
    let rootLast = g.newRoots.length ? g.newRoots[0]!.last : -1n;
    let prev: FileRow | null = null;
    for (const r of g.ips) {
      this.tick();
      if (this.failed.has(r)) continue;
      const text = () => formatAddress(g.version, r.net);
      if (prev && prev.net === r.net) {
        this.error(r, 'address', 'DUPLICATE', `${text()} is already ${this.where(prev)}`);
        continue;
      }
      prev = r;
      let t: Node | undefined = stack.upTo(r.net);
      if (!t) {
        while (rootAt < g.newRoots.length && rootLast < r.net) {
          rootAt++;
          if (rootAt < g.newRoots.length) rootLast = g.newRoots[rootAt]!.last;
        }
        const root = g.newRoots[rootAt];
        if (root && root.net <= r.net) t = root;
        else {
          const leaf = this.leafAt(g, r.net);
          if (leaf) t = this.load(leaf, false);
        }
        if (t) stack.push(t);
      }
      while (t) {
        if (t.lo) {
          t = r.net >= t.hi!.net ? t.hi! : t.lo;
          stack.push(t);
          continue;
        }
        if (t.existing && t.existing.allocation_status === 'subdivided') {
          const leaf = this.leafAt(g, r.net);
          if (!leaf) throw new FluxError('INTERNAL', `the plan's tree has no leaf for ${text()} under ${t.cidr}; run fluxplan check`);
          t = this.load(leaf, false);
          stack.push(t);
          continue;
        }
        break;
      }
      const existing = g.dbIps ? this.stmt.ip.get(g.spaceId, g.version, addressKey(g.version, r.net)) : undefined;
      if (existing && existing.customer_id !== null && r.customer) {
        const holder = this.names.customer(existing.customer_id);
        if (holder !== r.customer) {
          this.error(r, 'customer', 'OVERLAP', `${text()} is held by ${holder} in the plan, not by ${r.customer}; release it first`);
          continue;
        }
      }
      if (!t) {
        const bits = g.version === 4 ? 32 : 128;
        const len = r.len >= 0 && r.len < bits ? r.len : g.version === 4 ? 24 : 64;
        const net = r.net & maskOf(g.version, len);
        const cover = formatCidr({ version: g.version, net, len });
        this.error(r, 'address', 'IP_OUTSIDE', `${text()} lies outside every subnet of space ${g.space}; add its subnet first (e.g. ${cover}), or import with --create-subnets`, cover);
        this.covering.set(`${g.space}\u0000${cover}`, { space: g.space, version: g.version, net, len, row: r });
        continue;
      }
      if (!existing) t.hasIps = true;
      this.ipItems.push({ row: r, net: r.net, existing: existing ?? null, leaf: t, final: null, changed: false });
    }
  }

  // ------------------------------------------------------------ final values

  /** The effective location a node ends up with: its own, else its nearest ancestor's. */
  effLoc(n: Node): string | null {
    if (n.effLoc !== undefined) return n.effLoc;
    const own = n.row && n.row.location !== undefined ? n.row.location : n.existing ? this.names.location(n.existing.location_id) : null;
    let value: string | null;
    if (own !== null) value = own;
    else {
      const p = this.parentOf(n);
      value = p ? this.effLoc(p) : null;
    }
    n.effLoc = value;
    return value;
  }

  readonly needs: CatalogNeeds = { spaces: new Set(), locations: new Set(), vlans: new Map(), customers: new Set(), devices: new Map(), services: new Map() };
  /** VLAN names the file gives with their VID ("web (102)"), per location: a bare "web" elsewhere resolves through them. */
  private readonly fileVlanNames = new Map<string, number>();

  private collectVlanNames(row: FileRow, loc: string | null): void {
    const v = row.vlan;
    if (v && v.vid !== null && v.name !== null && loc !== null) {
      const k = `${loc}\u0000${v.name}`;
      if (!this.fileVlanNames.has(k)) this.fileVlanNames.set(k, v.vid);
    }
  }

  private resolveVlan(row: FileRow, cell: VlanCell, loc: string | null): string | null | false {
    const label = cell.vid !== null ? (cell.name ? `${cell.name} (${cell.vid})` : String(cell.vid)) : `"${cell.name}"`;
    if (loc === null) {
      this.error(row, 'vlan', 'VLAN_NO_LOCATION', `VLAN ${label} needs a location: VLANs live at a location, and neither this row nor a subnet above it has one`);
      return false;
    }
    let vid = cell.vid;
    if (vid === null) {
      vid = this.fileVlanNames.get(`${loc}\u0000${cell.name}`) ?? this.names.vlanNamed(loc, cell.name!)?.vid ?? null;
      if (vid === null) {
        this.error(row, 'vlan', 'UNKNOWN_VLAN', `VLAN "${cell.name}" is not known at ${loc}; give its VID (e.g. "${cell.name} (102)")`);
        return false;
      }
    }
    const k = key(loc, vid);
    const known = this.names.vlanAt(loc, vid);
    if (!known) {
      if (!this.needs.vlans.has(k) || (this.needs.vlans.get(k) === null && cell.name)) this.needs.vlans.set(k, cell.name);
    }
    return k;
  }

  /** Links as FluxPlan keeps them: a service fills in its customer and device; a service of another customer is refused. */
  private links(row: FileRow, ex: { customer_id: number | null; service_id: number | null; device_id: number | null } | null) {
    if (!ex && !row.service) return { customer: row.customer ?? null, service: null, device: row.device ?? null };
    let customer = row.customer !== undefined ? row.customer : ex ? this.names.customer(ex.customer_id) : null;
    const service = row.service !== undefined ? row.service : ex ? this.names.service(ex.service_id) : null;
    let device = row.device !== undefined ? row.device : ex ? this.names.device(ex.device_id) : null;
    if (service) {
      const known = this.names.serviceRow(service);
      if (known) {
        const owner = this.names.customer(known.customer_id);
        if (customer && owner && owner !== customer) {
          this.error(row, 'service', 'CONFLICT', `service ${service} belongs to customer ${owner}, not ${customer}`);
          return null;
        }
        customer ??= owner;
        device ??= this.names.device(known.device_id);
      } else {
        const planned = this.needs.services.get(service);
        if (planned && customer && planned.customer && planned.customer !== customer) {
          this.error(row, 'service', 'CONFLICT', `service ${service} belongs to customer ${planned.customer} (an earlier row), not ${customer}`);
          return null;
        }
      }
    }
    return { customer, service, device };
  }

  private finalSubnet(n: Node): void {
    const r = n.row!;
    const ex = n.existing;
    const hasChildren = !!n.lo || ex?.allocation_status === 'subdivided';
    const intent = this.intentOf(n);
    const parksByStatus = r.status === 'parked' || r.status === 'reserved';
    const parked = r.parked !== undefined || (r.status !== undefined && r.status !== null) ? r.parked === true || parksByStatus : !!ex?.is_unavailable;
    const pool = !hasChildren && this.poolOf(n);
    const l = this.links(r, ex);
    if (!l) return;
    let description = r.description !== undefined ? r.description : ex?.description ?? null;
    const status: AllocationStatus = hasChildren ? 'subdivided' : pool ? 'unallocated' : intent === 'hard' || intent === 'soft' ? 'allocated' : 'unallocated';
    let { customer, service, device } = l;
    if (status !== 'allocated' && (customer || service || device)) {
      const kept = [customer && `customer ${customer}`, service && `service ${service}`, device && `device ${device}`].filter(Boolean).join(', ');
      const why = status === 'subdivided' ? 'has subnets inside it, so it is subdivided' : pool ? 'is an IP pool' : 'is not allocated';
      description = description ? `${description} (${kept})` : kept;
      this.warnings.push({ row: r, field: 'customer', code: 'LINKS_IN_DESCRIPTION', message: `${n.cidr} ${why}; FluxPlan links customers, services and devices only to allocated subnets, so ${kept} is kept in its description` });
      customer = service = device = null;
    }
    const location = r.location !== undefined ? r.location : ex ? this.names.location(ex.location_id) : null;
    let vlan: string | null;
    if (r.vlan !== undefined) {
      const v = r.vlan === null ? null : this.resolveVlan(r, r.vlan, this.effLoc(n));
      if (v === false) return;
      vlan = v;
    } else vlan = ex && ex.vlan_id !== null ? `#${ex.vlan_id}` : null;
    n.final = { status, parked: parked ? 1 : 0, pool: pool ? 1 : 0, location, vlan, customer, service, device, description };
    if (ex) {
      const before = this.existingFinal(ex);
      n.changed = n.carved || n.reparent || !sameFinal(before, n.final, this);
    } else n.changed = true;
  }

  existingFinal(ex: SubnetRow): SubnetFinal {
    return {
      status: ex.allocation_status,
      parked: ex.is_unavailable,
      pool: ex.is_ip_pool,
      location: this.names.location(ex.location_id),
      vlan: ex.vlan_id === null ? null : `#${ex.vlan_id}`,
      customer: this.names.customer(ex.customer_id),
      service: this.names.service(ex.service_id),
      device: this.names.device(ex.device_id),
      description: ex.description,
    };
  }

  /** "LOCATION\0VID" or "#ID" as one comparable VLAN identity. */
  vlanIdentity(v: string | null): string | null {
    if (v === null || !v.startsWith('#')) return v;
    const info = this.names.vlan(Number(v.slice(1)));
    return info ? key(info.code, info.vid) : v;
  }

  private finalIp(item: IpItem): void {
    const r = item.row!;
    const ex = item.existing;
    const l = this.links(r, ex);
    if (!l) return;
    let vlan: string | null;
    if (r.vlan !== undefined) {
      const v = r.vlan === null ? null : this.resolveVlan(r, r.vlan, this.effLoc(item.leaf));
      if (v === false) return;
      vlan = v;
    } else vlan = ex && ex.vlan_id !== null ? `#${ex.vlan_id}` : null;
    const parksByStatus = r.status === 'parked' || r.status === 'reserved';
    const parked = r.parked !== undefined || (r.status !== undefined && r.status !== null) ? r.parked === true || parksByStatus : !!ex?.is_unavailable;
    const f: IpFinal = {
      customer: l.customer,
      service: l.service,
      device: l.device,
      vlan,
      rdns: r.rdns !== undefined ? r.rdns : ex ? ex.rdns : null,
      rdns_updated_at: r.rdns_updated_at !== undefined ? r.rdns_updated_at : ex ? ex.rdns_updated_at : null,
      parked: parked ? 1 : 0,
      management: (r.management !== undefined ? r.management === true : !!ex?.is_management) ? 1 : 0,
      purpose: r.purpose !== undefined ? r.purpose : ex ? ex.purpose : null,
      description: r.description !== undefined ? r.description : ex ? ex.description : null,
    };
    item.final = f;
    if (ex) {
      item.changed =
        f.customer !== this.names.customer(ex.customer_id) || f.service !== this.names.service(ex.service_id) || f.device !== this.names.device(ex.device_id) ||
        this.vlanIdentity(f.vlan) !== this.vlanIdentity(ex.vlan_id === null ? null : `#${ex.vlan_id}`) || f.rdns !== ex.rdns || f.rdns_updated_at !== ex.rdns_updated_at ||
        f.parked !== ex.is_unavailable || f.management !== ex.is_management || f.purpose !== ex.purpose || f.description !== ex.description;
    } else item.changed = true;
  }

  /** Final values of every row, VLANs resolved at their effective location, and what the catalog lacks. */
  finalize(): void {
    const subnetRows: Node[] = [];
    const visit = (n: Node) => {
      if (n.row) subnetRows.push(n);
      if (n.lo) {
        visit(n.lo);
        visit(n.hi!);
      }
    };
    for (const e of this.entries) visit(e);
    for (const n of subnetRows) this.collectVlanNames(n.row!, this.effLoc(n));
    for (const item of this.ipItems) this.collectVlanNames(item.row!, this.effLoc(item.leaf));
    for (const n of subnetRows) this.finalSubnet(n);
    for (const item of this.ipItems) if (!this.failed.has(item.row!)) this.finalIp(item);
  }

  /** What the catalog must gain for the rows that will be written. */
  collectNeeds(writes: WritePlan, rows: { nodes: Node[]; ips: IpItem[] }): void {
    void writes;
    const n = this.needs;
    for (const g of this.groups) if (g.spaceId === null && (g.subnets.some((r) => !this.failed.has(r)) || g.ips.some((r) => !this.failed.has(r)))) n.spaces.add(g.space);
    const link = (f: { customer: string | null; service: string | null; device: string | null }, loc: string | null) => {
      if (f.customer && !this.names.customerExists(f.customer)) n.customers.add(f.customer);
      if (f.device && !this.names.deviceExists(f.device) && !n.devices.has(f.device)) n.devices.set(f.device, loc);
      if (f.service && !this.names.serviceRow(f.service) && !n.services.has(f.service)) n.services.set(f.service, { customer: f.customer, device: f.device });
    };
    for (const node of rows.nodes) {
      const f = node.final!;
      if (f.location && !this.names.locationExists(f.location)) n.locations.add(f.location);
      link(f, this.effLoc(node));
    }
    for (const item of rows.ips) link(item.final!, this.effLoc(item.leaf));
    for (const loc of [...n.devices.values()]) if (loc && !this.names.locationExists(loc)) n.locations.add(loc);
    for (const k of n.vlans.keys()) {
      const loc = k.slice(0, k.indexOf('\u0000'));
      if (!this.names.locationExists(loc)) n.locations.add(loc);
    }
    // VLANs of failed rows are not created.
    const used = new Set<string>();
    for (const node of rows.nodes) if (node.final!.vlan && !node.final!.vlan.startsWith('#')) used.add(node.final!.vlan);
    for (const item of rows.ips) if (item.final!.vlan && !item.final!.vlan.startsWith('#')) used.add(item.final!.vlan);
    for (const k of [...n.vlans.keys()]) if (!used.has(k)) n.vlans.delete(k);
  }

  /**
   * Orders the writes: changes to existing subnets (and subtrees carved out of leaves holding IP records,
   * the way `subnet add` carves so that the records follow), then new subnets parents first, then existing
   * roots moved under new parents, then IP records. Also computes `clear` of every new subnet.
   */
  writes(): WritePlan {
    const w: WritePlan = { phase1: [], phase2: [], phase3: [], ipUpdates: [], ipInserts: [] };
    const rowsWritten: Node[] = [];
    const walk = (n: Node, carveStyle: boolean) => {
      if (n.isNew) {
        if (!n.final) n.final = n.lo ? CARVED_PARENT : CARVED_LEAF;
        if (n.row) rowsWritten.push(n);
        if (carveStyle) w.phase1.push({ node: n, asLeaf: !!n.lo, thenSubdivide: !!n.lo });
        else w.phase2.push(n);
      } else if (n.row && !n.final) {
        // A row that failed after the sweep (VLAN, service): nothing is written for it.
      } else if (n.changed || n.carved || n.reparent) {
        if (!n.final) n.final = { ...this.existingFinal(n.existing!), status: n.carved ? 'subdivided' : n.existing!.allocation_status };
        if (n.row) rowsWritten.push(n);
        if (n.reparent) w.phase3.push(n);
        else w.phase1.push({ node: n });
      }
      if (n.lo) {
        const style = carveStyle || (n.carved && n.ipHolder);
        walk(n.lo, style);
        walk(n.hi!, style);
      }
    };
    for (const e of this.entries) walk(e, false);
    for (const item of this.ipItems) {
      if (!item.final || (item.row && this.failed.has(item.row))) continue;
      if (item.existing) {
        if (item.changed) w.ipUpdates.push(item);
      } else w.ipInserts.push(item);
    }
    this.computeClear();
    this.collectNeeds(w, { nodes: rowsWritten, ips: [...w.ipUpdates, ...w.ipInserts] });
    return w;
  }

  /** `clear` of each new subnet as it will stand: free, data-less space all the way down (rows.ts semantics). */
  private computeClear(): void {
    const vacant = (n: Node): boolean => {
      if (n.isNew) return !!n.clear && !finalHasData(n.final!);
      const f = n.final ?? null;
      const ex = n.existing!;
      return !!ex.clear && !(f ? finalHasData(f) : hasData(ex));
    };
    const post = (n: Node): void => {
      if (n.lo) {
        post(n.lo);
        post(n.hi!);
      }
      if (!n.isNew) return;
      const f = n.final!;
      const base = !f.parked && !f.pool && f.status !== 'allocated';
      n.clear = (base && (f.status === 'subdivided' ? vacant(n.lo!) && vacant(n.hi!) : !n.hasIps) ? 1 : 0) as 0 | 1;
    };
    for (const e of this.entries) post(e);
  }

  /** Rows of the file, classified. */
  classify(): { created: number; updated: number; unchanged: number; carved: number } {
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    let carved = 0;
    const visit = (n: Node) => {
      if (n.isNew && !n.row) carved++;
      if (n.row && n.final && !this.failed.has(n.row)) {
        if (n.isNew) created++;
        else if (n.changed) updated++;
        else unchanged++;
      }
      if (n.lo) {
        visit(n.lo);
        visit(n.hi!);
      }
    };
    for (const e of this.entries) visit(e);
    for (const item of this.ipItems) {
      if (!item.final || (item.row && this.failed.has(item.row))) continue;
      if (!item.existing) created++;
      else if (item.changed) updated++;
      else unchanged++;
    }
    return { created, updated, unchanged, carved };
  }

  /**
   * Lets go of the file's rows once the writes and counts are worked out: the final values hold all
   * the writers need, and a million rows are a lot of memory to carry through the writing.
   */
  release(): void {
    const visit = (n: Node) => {
      n.row = null;
      if (n.lo) {
        visit(n.lo);
        visit(n.hi!);
      }
    };
    for (const e of this.entries) visit(e);
    for (const item of this.ipItems) item.row = null;
    for (const g of this.groups) {
      g.subnets = [];
      g.ips = [];
    }
    this.failed.clear();
  }

  /** Top rows of what the import touches, for the dry run's tree: (space, family, network, length). */
  touched(): Array<{ group: Group; net: bigint; len: number }> {
    const out: Array<{ group: Group; net: bigint; len: number; last: bigint }> = [];
    for (const e of this.entries) {
      const touches = (n: Node): boolean => !!(n.changed || n.carved || n.reparent || n.isNew || n.hasIps || (n.lo && (touches(n.lo) || touches(n.hi!))));
      if (!touches(e)) continue;
      out.push({ group: e.group, net: e.net, len: e.len, last: e.last });
    }
    out.sort((a, b) => (a.group === b.group ? (a.net < b.net ? -1 : a.net > b.net ? 1 : a.len - b.len) : this.groups.indexOf(a.group) - this.groups.indexOf(b.group)));
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

/** What a half made by carving holds: nothing (shared, never changed). */
const CARVED_LEAF: SubnetFinal = Object.freeze({ status: 'unallocated', parked: 0, pool: 0, location: null, vlan: null, customer: null, service: null, device: null, description: null });
const CARVED_PARENT: SubnetFinal = Object.freeze({ ...CARVED_LEAF, status: 'subdivided' });

function linked(r: FileRow): boolean {
  return !!(r.customer || r.service || r.device);
}

function finalHasData(f: SubnetFinal): boolean {
  return !!f.description || f.location !== null || f.vlan !== null || f.customer !== null || f.service !== null || f.device !== null;
}

function sameFinal(a: SubnetFinal, b: SubnetFinal, p: Planner): boolean {
  return (
    a.status === b.status && a.parked === b.parked && a.pool === b.pool && a.location === b.location && p.vlanIdentity(a.vlan) === p.vlanIdentity(b.vlan) &&
    a.customer === b.customer && a.service === b.service && a.device === b.device && a.description === b.description
  );
}

export type { StatusTarget };

/**
 * The tree an import works out, and the addresses it places, as columns (see file-rows.ts for why):
 * one index per subnet (an existing row, a row of the file, or a half made by carving) and one per
 * address, with their final values as interned string numbers.
 */
import { formatCidr, lastAddress, type IpVersion } from '../../shared/cidr';
import type { AllocationStatus, IpRow, SubnetRow } from '../tree/rows';
import { Columns } from './columns';

/** No node, no row, or a value that is null. */
export const NONE = -1;
/** An effective location not worked out yet. */
const UNKNOWN = -3;

// Node flags.
/** An existing leaf this import subdivides. */
export const CARVED = 1;
/** An existing root that gets a parent (a new subnet was added over it). */
export const REPARENT = 2;
/** An existing leaf with IP records: carved the way `subnet add` carves, so the records follow. */
export const IP_HOLDER = 4;
/** New IP records land in this leaf. */
export const HAS_IPS = 8;
export const CHANGED = 16;
/** `clear` as it will stand (rows.ts semantics); set until worked out otherwise. */
export const CLEAR = 32;
/** The final values are worked out. */
export const FINAL = 64;
export const EXISTING = 128;

const STATUSES: readonly AllocationStatus[] = ['unallocated', 'allocated', 'subdivided'];

/**
 * What the planner needs of a subnet or an IP record the plan has. The full row objects (timestamps,
 * address-key buffers, derived columns) are several times larger, and re-importing a file into the
 * plan it came from loads every row.
 */
export type ExistingSubnet = Pick<
  SubnetRow,
  'id' | 'parent_id' | 'cidr' | 'allocation_status' | 'is_unavailable' | 'is_ip_pool' | 'location_id' | 'vlan_id' | 'customer_id' | 'service_id' | 'device_id' | 'description' | 'clear'
>;
export type ExistingIp = Pick<IpRow, 'id' | 'customer_id' | 'service_id' | 'device_id' | 'vlan_id' | 'rdns' | 'rdns_updated_at' | 'is_unavailable' | 'is_management' | 'purpose' | 'description'>;

function slimSubnet(r: SubnetRow): ExistingSubnet {
  return {
    id: r.id, parent_id: r.parent_id, cidr: r.cidr, allocation_status: r.allocation_status, is_unavailable: r.is_unavailable, is_ip_pool: r.is_ip_pool,
    location_id: r.location_id, vlan_id: r.vlan_id, customer_id: r.customer_id, service_id: r.service_id, device_id: r.device_id, description: r.description, clear: r.clear,
  };
}

/** Final values of a subnet (interned numbers or NONE), in the order setFinal takes them. */
export interface SubnetValues {
  status: AllocationStatus;
  parked: 0 | 1;
  pool: 0 | 1;
  location: number;
  /** Interned "LOCATION\0VID" for a VLAN found or created at a location; "#ID" for an existing row's VLAN kept as it is. */
  vlan: number;
  customer: number;
  service: number;
  device: number;
  /** Text number or NONE. */
  description: number;
}

export class Nodes extends Columns {
  /** Index of the node's (space, family) group. */
  group = new Uint16Array(0);
  len = new Uint8Array(0);
  parent = new Int32Array(0);
  lo = new Int32Array(0);
  hi = new Int32Array(0);
  /** The file row the node is, or NONE. */
  row = new Int32Array(0);
  flags = new Uint8Array(0);
  /** The row's id: an existing row's, or a new one's once written. */
  id = new Float64Array(0);
  private eff = new Int32Array(0);
  private statusCode = new Uint8Array(0);
  parked = new Uint8Array(0);
  pool = new Uint8Array(0);
  location = new Int32Array(0);
  vlan = new Int32Array(0);
  customer = new Int32Array(0);
  service = new Int32Array(0);
  device = new Int32Array(0);
  /** Text number (texts.ts) or NONE. */
  description = new Int32Array(0);
  readonly net: bigint[] = [];
  private readonly rows = new Map<number, ExistingSubnet>();

  constructor(private readonly groups: ReadonlyArray<{ readonly version: IpVersion }>) {
    super();
  }

  add(group: number, net: bigint, len: number, parent: number, existing: SubnetRow | null): number {
    const n = this.append();
    this.group[n] = group;
    this.len[n] = len;
    this.parent[n] = parent;
    this.lo[n] = NONE;
    this.hi[n] = NONE;
    this.row[n] = NONE;
    this.flags[n] = CLEAR | (existing ? EXISTING : 0);
    this.id[n] = existing?.id ?? 0;
    this.eff[n] = UNKNOWN;
    this.description[n] = NONE;
    this.net.push(net);
    if (existing) this.rows.set(n, slimSubnet(existing));
    return n;
  }

  has(n: number, flag: number): boolean {
    return (this.flags[n]! & flag) !== 0;
  }

  mark(n: number, flag: number, on = true): void {
    this.flags[n] = on ? this.flags[n]! | flag : this.flags[n]! & ~flag;
  }

  isNew(n: number): boolean {
    return (this.flags[n]! & EXISTING) === 0;
  }

  /** The plan's row a node is, or null for a new one. */
  existing(n: number): ExistingSubnet | null {
    return this.flags[n]! & EXISTING ? this.rows.get(n)! : null;
  }

  version(n: number): IpVersion {
    return this.groups[this.group[n]!]!.version;
  }

  last(n: number): bigint {
    return lastAddress({ version: this.version(n), net: this.net[n]!, len: this.len[n]! });
  }

  cidr(n: number): string {
    return this.existing(n)?.cidr ?? formatCidr({ version: this.version(n), net: this.net[n]!, len: this.len[n]! });
  }

  /** The effective location worked out for a node (interned or NONE), or undefined. */
  effLoc(n: number): number | undefined {
    const v = this.eff[n]!;
    return v === UNKNOWN ? undefined : v;
  }

  setEffLoc(n: number, location: number): void {
    this.eff[n] = location;
  }

  status(n: number): AllocationStatus {
    return STATUSES[this.statusCode[n]!]!;
  }

  setFinal(n: number, f: SubnetValues): void {
    this.statusCode[n] = STATUSES.indexOf(f.status);
    this.parked[n] = f.parked;
    this.pool[n] = f.pool;
    this.location[n] = f.location;
    this.vlan[n] = f.vlan;
    this.customer[n] = f.customer;
    this.service[n] = f.service;
    this.device[n] = f.device;
    this.description[n] = f.description;
    this.flags[n] = this.flags[n]! | FINAL;
  }

  /** What a half made by carving holds: nothing. */
  setEmpty(n: number, status: AllocationStatus): void {
    this.statusCode[n] = STATUSES.indexOf(status);
    this.parked[n] = 0;
    this.pool[n] = 0;
    this.location[n] = this.vlan[n] = this.customer[n] = this.service[n] = this.device[n] = NONE;
    this.description[n] = NONE;
    this.flags[n] = this.flags[n]! | FINAL;
  }

  /** The final values carry data (rows.ts `hasData`; `blank` tells an empty description). */
  hasData(n: number, blank: (text: number) => boolean): boolean {
    return !blank(this.description[n]!) || this.location[n] !== NONE || this.vlan[n] !== NONE || this.customer[n] !== NONE || this.service[n] !== NONE || this.device[n] !== NONE;
  }

}

// Address flags (FINAL, CHANGED and EXISTING as for nodes).
export const IP_PARKED = 1;
export const IP_MANAGEMENT = 2;

/** The addresses of the file, each in the leaf it lands in, with final values once worked out. */
export class IpItems extends Columns {
  row = new Int32Array(0);
  /** The leaf the address lies in once the import's subnets exist. */
  leaf = new Int32Array(0);
  flags = new Uint8Array(0);
  customer = new Int32Array(0);
  service = new Int32Array(0);
  device = new Int32Array(0);
  vlan = new Int32Array(0);
  purpose = new Int32Array(0);
  rdnsUpdatedAt = new Int32Array(0);
  /** Text numbers or NONE. */
  rdns = new Int32Array(0);
  description = new Int32Array(0);
  readonly net: bigint[] = [];
  private readonly rows = new Map<number, ExistingIp>();

  add(row: number, net: bigint, existing: ExistingIp | null, leaf: number): number {
    const i = this.append();
    this.row[i] = row;
    this.leaf[i] = leaf;
    this.flags[i] = existing ? EXISTING : 0;
    this.net.push(net);
    if (existing) this.rows.set(i, existing);
    return i;
  }

  has(i: number, flag: number): boolean {
    return (this.flags[i]! & flag) !== 0;
  }

  existing(i: number): ExistingIp | null {
    return this.flags[i]! & EXISTING ? this.rows.get(i)! : null;
  }

}

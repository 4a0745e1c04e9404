/**
 * The file's rows as columns: typed arrays for numbers and flags, interned string numbers for the
 * repeated values, text numbers (texts.ts) for descriptions and PTR names. A million rows held as
 * objects took ~320 bytes each; here they take about a sixth, and the collector has almost nothing
 * to trace but the networks.
 */
import { STATUS_TARGETS, type StatusTarget } from '../../shared/import/fields';
import type { IpVersion } from '../../shared/cidr';
import type { FileRow, VlanCell } from './cells';
import { Columns } from './columns';
import type { Interner, Texts } from './texts';

/** A column the sheet does not have (the value is kept as it is). */
export const ABSENT = -2;
/** An empty cell (the value is cleared); the same number as a null text (NO_TEXT) and a null key (NONE). */
export const EMPTY = -1;

const IP = 1;
const V6 = 2;

export class FileRows extends Columns {
  sheet = new Uint16Array(0);
  line = new Uint32Array(0);
  private kind = new Uint8Array(0);
  space = new Int32Array(0);
  len = new Int16Array(0);
  /** Index in STATUS_TARGETS, or ABSENT / EMPTY. */
  private statusCode = new Int8Array(0);
  /** 0 no, 1 yes, or ABSENT / EMPTY. */
  parked = new Int8Array(0);
  pool = new Int8Array(0);
  management = new Int8Array(0);
  /** Interned string numbers, or ABSENT / EMPTY. */
  location = new Int32Array(0);
  customer = new Int32Array(0);
  service = new Int32Array(0);
  device = new Int32Array(0);
  purpose = new Int32Array(0);
  rdnsUpdatedAt = new Int32Array(0);
  /** The VLAN cell: its VID (0: given by name only), or ABSENT / EMPTY; its name (interned) or EMPTY. */
  vlanVid = new Int16Array(0);
  vlanName = new Int32Array(0);
  /** Text numbers, or ABSENT / EMPTY. */
  description = new Int32Array(0);
  rdns = new Int32Array(0);
  readonly net: bigint[] = [];

  constructor(
    readonly strings: Interner,
    readonly texts: Texts,
  ) {
    super();
  }

  /** Adds a row; returns its index. */
  push(r: FileRow): number {
    const i = this.append();
    const code = (s: string | null | undefined) => (s === undefined ? ABSENT : s === null ? EMPTY : this.strings.id(s));
    const text = (s: string | null | undefined) => (s === undefined ? ABSENT : s === null ? EMPTY : this.texts.add(s));
    const flag = (b: boolean | null | undefined) => (b === undefined ? ABSENT : b === null ? EMPTY : b ? 1 : 0);
    this.sheet[i] = r.sheet;
    this.line[i] = r.row;
    this.kind[i] = (r.ip ? IP : 0) | (r.version === 6 ? V6 : 0);
    this.space[i] = this.strings.id(r.space);
    this.len[i] = r.len;
    this.statusCode[i] = r.status === undefined ? ABSENT : r.status === null ? EMPTY : STATUS_TARGETS.indexOf(r.status);
    this.parked[i] = flag(r.parked);
    this.pool[i] = flag(r.pool);
    this.management[i] = flag(r.management);
    this.location[i] = code(r.location);
    this.customer[i] = code(r.customer);
    this.service[i] = code(r.service);
    this.device[i] = code(r.device);
    this.purpose[i] = code(r.purpose);
    this.rdnsUpdatedAt[i] = code(r.rdns_updated_at);
    this.vlanVid[i] = r.vlan === undefined ? ABSENT : r.vlan === null ? EMPTY : r.vlan.vid ?? 0;
    this.vlanName[i] = r.vlan?.name == null ? EMPTY : this.strings.id(r.vlan.name);
    this.description[i] = text(r.description);
    this.rdns[i] = text(r.rdns);
    this.net.push(r.net);
    return i;
  }

  ip(i: number): boolean {
    return (this.kind[i]! & IP) !== 0;
  }

  version(i: number): IpVersion {
    return this.kind[i]! & V6 ? 6 : 4;
  }

  status(i: number): StatusTarget | null | undefined {
    const c = this.statusCode[i]!;
    return c === ABSENT ? undefined : c === EMPTY ? null : STATUS_TARGETS[c];
  }

  /** The text of an interned column's cell. */
  text(column: Int32Array, i: number): string | null | undefined {
    const c = column[i]!;
    return c === ABSENT ? undefined : c === EMPTY ? null : this.strings.at(c);
  }

  vlan(i: number): VlanCell | null | undefined {
    const vid = this.vlanVid[i]!;
    if (vid === ABSENT) return undefined;
    if (vid === EMPTY) return null;
    const name = this.vlanName[i]!;
    return { vid: vid === 0 ? null : vid, name: name === EMPTY ? null : this.strings.at(name) };
  }
}

/**
 * The one place that reads, writes and reasons about IP addresses and CIDR prefixes.
 * Parsing leans on ip-num; canonical text is IPv4 dotted quads and IPv6 in RFC 5952 form.
 * Values are bigints so IPv4 and IPv6 share every routine.
 */
import { IPv6, Validator, collapseIPv6Number } from 'ip-num';
import { FluxError } from '../errors';

export type IpVersion = 4 | 6;

export interface Prefix {
  readonly version: IpVersion;
  /** Network address as an unsigned integer. */
  readonly net: bigint;
  readonly len: number;
}

export interface Address {
  readonly version: IpVersion;
  readonly value: bigint;
}

export function addressBits(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}

/** Reads an address in any valid form; leading zeros and upper case are normalized. */
export function parseAddress(input: string): Address {
  const text = input.trim();
  if (text.includes('%')) {
    throw new FluxError('INVALID_ADDRESS', `"${input}" carries a zone index (%...); FluxPlan stores addresses without zones`, { input });
  }
  if (text.includes(':')) {
    const lower = text.toLowerCase();
    const fast = plainIPv6(lower);
    if (fast !== null) {
      if (fast >> 32n === 0xffffn) {
        throw new FluxError('INVALID_ADDRESS', `"${input}" is an IPv4-mapped IPv6 address; write the IPv4 address itself`, { input });
      }
      return { version: 6, value: fast };
    }
    // Anything else (an embedded IPv4 part, or not an address at all) is ip-num's to judge.
    const [ok] = Validator.isValidIPv6String(lower);
    if (!ok) throw new FluxError('INVALID_ADDRESS', `"${input}" is not a valid IPv6 address`, { input });
    const value = IPv6.fromString(lower).value;
    if (value >> 32n === 0xffffn) {
      throw new FluxError('INVALID_ADDRESS', `"${input}" is an IPv4-mapped IPv6 address; write the IPv4 address itself`, { input });
    }
    return { version: 6, value };
  }
  const value = dottedQuad(text);
  if (value === null) {
    throw new FluxError('INVALID_ADDRESS', `"${input}" is not a valid IPv4 address (four numbers 0-255 separated by dots)`, { input });
  }
  return { version: 4, value: BigInt(value) };
}

/**
 * Four decimal numbers 0-255 of one to three digits, dot-separated, as one number; null otherwise.
 * Leading zeros are decimal here (010 is ten), never octal as inet_aton would read them. Done by hand
 * rather than by ip-num: imports parse millions of addresses.
 */
function dottedQuad(text: string): number | null {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return null;
      part = part * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || part > 255 || ++dots > 3) return null;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return null;
  }
  if (dots !== 3 || digits === 0 || part > 255) return null;
  return value * 256 + part;
}

/**
 * An IPv6 address of hex groups only (no embedded IPv4 part), with at most one "::", as its value;
 * null for anything else, which the caller hands to ip-num. Lower case expected.
 */
function plainIPv6(text: string): bigint | null {
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return null;
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? '' : text.slice(gap + 2);
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const count = left.length + right.length;
  if (gap === -1 ? count !== 8 : count > 7) return null;
  let value = 0n;
  const take = (groups: string[]): boolean => {
    for (const g of groups) {
      if (g.length === 0 || g.length > 4 || !/^[0-9a-f]+$/.test(g)) return false;
      value = (value << 16n) | BigInt(parseInt(g, 16));
    }
    return true;
  };
  if (!take(left)) return null;
  value <<= BigInt(16 * (8 - count));
  if (!take(right)) return null;
  return value;
}

export function formatAddress(version: IpVersion, value: bigint): string {
  if (version === 4) {
    const n = Number(value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const hextets: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) hextets.push(((value >> s) & 0xffffn).toString(16));
  return collapseIPv6Number(hextets.join(':'));
}

export interface ParseCidrOptions {
  /** Accept a bare address as a full-length prefix (/32 or /128). */
  allowBareAddress?: boolean;
}

/**
 * Reads a CIDR. Host bits set is an error (HOST_BITS_SET) that names the canonical prefix,
 * because silently rounding down would carve a different block than the planner meant.
 */
export function parseCidr(input: string, options: ParseCidrOptions = {}): Prefix {
  const text = input.trim();
  const slash = text.indexOf('/');
  if (slash < 0 && !options.allowBareAddress) {
    throw new FluxError('INVALID_CIDR', `"${input}" is not a CIDR prefix: add the prefix length, e.g. ${text}/24`, { input });
  }
  const addrText = slash < 0 ? text : text.slice(0, slash);
  let address: Address;
  try {
    address = parseAddress(addrText);
  } catch (e) {
    const reason = e instanceof FluxError ? e.message : String(e);
    throw new FluxError('INVALID_CIDR', `"${input}" is not a valid CIDR prefix: ${reason}`, { input });
  }
  const bits = addressBits(address.version);
  const lenText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > bits) {
    throw new FluxError('INVALID_CIDR', `"${input}" has an invalid prefix length "${lenText}" (IPv${address.version} allows 0-${bits})`, { input });
  }
  const len = Number(lenText);
  const net = address.value & maskOf(address.version, len);
  if (net !== address.value) {
    const canonical = formatCidr({ version: address.version, net, len });
    throw new FluxError('HOST_BITS_SET', `"${input}" has host bits set; the network is ${canonical}`, { input, suggestion: canonical });
  }
  return { version: address.version, net, len };
}

export function formatCidr(p: Prefix): string {
  return `${formatAddress(p.version, p.net)}/${p.len}`;
}

export function maskOf(version: IpVersion, len: number): bigint {
  const bits = BigInt(addressBits(version));
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(len))) - 1n);
}

export function blockSize(p: Prefix): bigint {
  return 1n << BigInt(addressBits(p.version) - p.len);
}

export function lastAddress(p: Prefix): bigint {
  return p.net + blockSize(p) - 1n;
}

/** The two halves of a prefix, lower first. */
export function halves(p: Prefix): [Prefix, Prefix] {
  if (p.len >= addressBits(p.version)) {
    throw new FluxError('INVALID_ARGUMENT', `${formatCidr(p)} is a single address and cannot be split`);
  }
  const len = p.len + 1;
  return [
    { version: p.version, net: p.net, len },
    { version: p.version, net: p.net + (blockSize(p) >> 1n), len },
  ];
}

/** The prefix one bit shorter that holds p (its buddy's parent). */
export function parentPrefix(p: Prefix): Prefix {
  const len = p.len - 1;
  return { version: p.version, net: p.net & maskOf(p.version, len), len };
}

export function containsPrefix(outer: Prefix, inner: Prefix): boolean {
  return outer.version === inner.version && outer.len <= inner.len && (inner.net & maskOf(outer.version, outer.len)) === outer.net;
}

export function containsAddress(p: Prefix, a: Address): boolean {
  return p.version === a.version && (a.value & maskOf(p.version, p.len)) === p.net;
}

export function samePrefix(a: Prefix, b: Prefix): boolean {
  return a.version === b.version && a.len === b.len && a.net === b.net;
}

/**
 * The addresses a host may use. IPv4 networks of /30 and shorter lose the network and
 * broadcast address; IPv6 networks shorter than /127 lose the all-zero (subnet-router anycast) host.
 */
export function usableRange(p: Prefix): { first: bigint; last: bigint } | null {
  const bits = addressBits(p.version);
  let first = p.net;
  let last = lastAddress(p);
  if (p.version === 4 && p.len <= 30) {
    first += 1n;
    last -= 1n;
  } else if (p.version === 6 && p.len < 127) {
    first += 1n;
  }
  return first <= last && p.len <= bits ? { first, last } : null;
}

/** Fixed-width big-endian key: SQLite compares blobs with memcmp, so key order is address order. */
const LOW64 = (1n << 64n) - 1n;

export function addressKey(version: IpVersion, value: bigint): Buffer {
  if (version === 4) {
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(Number(value));
    return buf;
  }
  const buf = Buffer.alloc(16);
  buf.writeBigUInt64BE(value >> 64n, 0);
  buf.writeBigUInt64BE(value & LOW64, 8);
  return buf;
}

export function keyValue(buf: Uint8Array): bigint {
  if (buf.length === 4) return BigInt(((buf[0]! << 24) | (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!) >>> 0);
  if (buf.length === 16) {
    const view = new DataView(buf.buffer, buf.byteOffset, 16);
    return (view.getBigUint64(0) << 64n) | view.getBigUint64(8);
  }
  let v = 0n;
  for (const b of buf) v = (v << 8n) | BigInt(b);
  return v;
}

/** A dotted netmask (255.255.255.0) as a prefix length; non-contiguous masks are refused. */
export function netmaskLength(mask: string): number {
  const { version, value } = parseAddress(mask);
  if (version !== 4) throw new FluxError('INVALID_ARGUMENT', `"${mask}" is not an IPv4 netmask`);
  for (let len = 0; len <= 32; len++) if (maskOf(4, len) === value) return len;
  throw new FluxError('INVALID_ARGUMENT', `"${mask}" is not a contiguous netmask`);
}

/** Count as a JSON-safe value: a number while exact, a decimal string beyond 2^53. */
export function countValue(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

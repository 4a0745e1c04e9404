/**
 * Reverse DNS names, built from fully expanded addresses: PTR owner names and reverse zones.
 *  - IPv4: in-addr.arpa zones at the /8, /16 and /24 octet boundaries; longer prefixes (/25 to /31)
 *    get an RFC 2317 classless zone below their /24, labelled `first/len` (slash) or `first-last` (dash).
 *  - IPv6: ip6.arpa zones at multiples of 4 bits (one label per nibble).
 * Pure: no I/O, so the desktop can preview exactly what the engine will push. Names carry no trailing dot.
 */
import { FluxError } from '../errors';
import { addressBits, blockSize, formatAddress, formatCidr, lastAddress, maskOf, parseAddress, parseCidr, type Address, type IpVersion, type Prefix } from './index';

export type ClasslessStyle = 'slash' | 'dash';
export type ZoneKind = 'octet' | 'classless' | 'nibble';

export interface ReverseZone {
  /** e.g. `113.0.203.in-addr.arpa`, `64/26.113.0.203.in-addr.arpa`, `8.b.d.0.1.0.0.2.ip6.arpa` */
  readonly name: string;
  /** The block of addresses whose PTRs the zone holds. */
  readonly prefix: Prefix;
  readonly kind: ZoneKind;
  /** Classless zones only: how the first label is written. */
  readonly style: ClasslessStyle | null;
}

const V4_SUFFIX = 'in-addr.arpa';
const V6_SUFFIX = 'ip6.arpa';

/** The four octets of an IPv4 address, most significant first. */
export function octets(value: bigint): number[] {
  return [24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 0xffn));
}

/** The 32 hex nibbles of an IPv6 address, most significant first. */
export function nibbles(value: bigint): string[] {
  return value.toString(16).padStart(32, '0').split('');
}

/** An IPv6 address with every hextet written out in four digits: 2001:0db8:0000:...:0001. */
export function expandIpv6(value: bigint): string {
  return (value.toString(16).padStart(32, '0').match(/.{4}/g) as string[]).join(':');
}

/** The PTR owner name of an address in the natural (octet or nibble) tree. */
export function ptrName(a: Address): string {
  if (a.version === 4) return `${octets(a.value).reverse().join('.')}.${V4_SUFFIX}`;
  return `${nibbles(a.value).reverse().join('.')}.${V6_SUFFIX}`;
}

/** The PTR owner name of an address inside a given zone: for a classless zone, `last-octet.<zone>`. */
export function ptrNameIn(a: Address, zone: ReverseZone): string {
  if (!containsValue(zone.prefix, a)) {
    throw new FluxError('OUT_OF_SCOPE', `${formatAddress(a.version, a.value)} is not inside zone ${zone.name} (${formatCidr(zone.prefix)})`);
  }
  if (zone.kind === 'classless') return `${octets(a.value)[3]}.${zone.name}`;
  return ptrName(a);
}

function containsValue(p: Prefix, a: Address): boolean {
  return p.version === a.version && (a.value & maskOf(p.version, p.len)) === p.net;
}

/** Zone lengths a zone may be declared at. */
export function isZoneLength(version: IpVersion, len: number): boolean {
  if (version === 4) return len === 8 || len === 16 || len === 24 || (len >= 25 && len <= 31);
  return len >= 4 && len <= 124 && len % 4 === 0;
}

function classlessLabel(p: Prefix, style: ClasslessStyle): string {
  const first = octets(p.net)[3]!;
  return style === 'slash' ? `${first}/${p.len}` : `${first}-${first + Number(blockSize(p)) - 1}`;
}

/**
 * The reverse zone for exactly this prefix. It must sit on a zone boundary (IPv4 /8, /16, /24 or
 * /25-/31 classless; IPv6 a multiple of 4 from /4 to /124): use `zonesCovering` for any prefix.
 */
export function zoneOf(p: Prefix, style: ClasslessStyle = 'slash'): ReverseZone {
  if (!isZoneLength(p.version, p.len)) {
    const why =
      p.version === 4
        ? p.len === 32
          ? `a /32 is a single address; its PTR lives in the /24 zone ${zoneOf({ version: 4, net: p.net & maskOf(4, 24), len: 24 }).name}`
          : 'IPv4 reverse zones are /8, /16, /24, or /25 to /31 (RFC 2317 classless)'
        : 'IPv6 reverse zones are at multiples of 4 bits (one ip6.arpa label per nibble), /4 to /124';
    throw new FluxError('INVALID_ARGUMENT', `${formatCidr(p)} is not a reverse zone boundary: ${why}`, { cidr: formatCidr(p) });
  }
  if (p.version === 4) {
    if (p.len > 24) {
      const parent = octets(p.net).slice(0, 3).reverse().join('.');
      return { name: `${classlessLabel(p, style)}.${parent}.${V4_SUFFIX}`, prefix: p, kind: 'classless', style };
    }
    const labels = octets(p.net).slice(0, p.len / 8).reverse();
    return { name: `${labels.join('.')}.${V4_SUFFIX}`, prefix: p, kind: 'octet', style: null };
  }
  const labels = nibbles(p.net).slice(0, p.len / 4).reverse();
  return { name: `${labels.join('.')}.${V6_SUFFIX}`, prefix: p, kind: 'nibble', style: null };
}

/**
 * The zones that hold the PTRs of a whole prefix. A prefix between boundaries spans several zones
 * at the next boundary down (an IPv4 /23 is two /24 zones, an IPv6 /47 two /48 zones); an IPv4
 * /25-/31 is one classless zone; an IPv4 /32 lives in its /24, an IPv6 /125-/128 in its /124.
 */
export function zonesCovering(p: Prefix, style: ClasslessStyle = 'slash'): ReverseZone[] {
  let len: number;
  if (p.version === 4) {
    if (p.len === 32) len = 24;
    else if (p.len > 24) return [zoneOf(p, style)];
    else len = Math.max(8, Math.ceil(p.len / 8) * 8);
  } else {
    len = Math.min(124, Math.max(4, Math.ceil(p.len / 4) * 4));
  }
  if (len <= p.len) return [zoneOf({ version: p.version, net: p.net & maskOf(p.version, len), len }, style)];
  const step = 1n << BigInt(addressBits(p.version) - len);
  const count = 1n << BigInt(len - p.len);
  const out: ReverseZone[] = [];
  for (let i = 0n; i < count; i++) out.push(zoneOf({ version: p.version, net: p.net + i * step, len }, style));
  return out;
}

/** Of the zones covering prefix `p` (see `zonesCovering`), the one holding address `a` (which must lie in `p`). */
export function coveringZoneOf(p: Prefix, a: Address, style: ClasslessStyle = 'slash'): ReverseZone {
  if (!containsValue(p, a)) throw new FluxError('OUT_OF_SCOPE', `${formatAddress(a.version, a.value)} is not inside ${formatCidr(p)}`);
  let len: number;
  if (p.version === 4) {
    if (p.len === 32) len = 24;
    else if (p.len > 24) return zoneOf(p, style);
    else len = Math.max(8, Math.ceil(p.len / 8) * 8);
  } else {
    len = Math.min(124, Math.max(4, Math.ceil(p.len / 4) * 4));
  }
  return zoneOf({ version: p.version, net: a.value & maskOf(p.version, len), len }, style);
}

/** The octet zone a classless zone is carved from (its /24). */
export function parentOctetZone(zone: ReverseZone): ReverseZone {
  if (zone.kind !== 'classless') throw new FluxError('INVALID_ARGUMENT', `${zone.name} is not an RFC 2317 classless zone`);
  return zoneOf({ version: 4, net: zone.prefix.net & maskOf(4, 24), len: 24 });
}

/**
 * What the parent /24 zone needs for an RFC 2317 classless zone: one CNAME per address of the
 * block, from its natural name to its name inside the classless zone.
 */
export function classlessCnames(zone: ReverseZone): Array<{ name: string; target: string }> {
  if (zone.kind !== 'classless') return [];
  const out: Array<{ name: string; target: string }> = [];
  for (let v = zone.prefix.net; v <= lastAddress(zone.prefix); v++) {
    const a = { version: 4 as const, value: v };
    out.push({ name: ptrName(a), target: ptrNameIn(a, zone) });
  }
  return out;
}

function badZone(input: string, why: string): FluxError {
  return new FluxError('INVALID_ARGUMENT', `"${input}" is not a reverse zone: ${why}`, { zone: input });
}

/**
 * Reads a zone given as a reverse zone name (`113.0.203.in-addr.arpa`, `0-63.113.0.203.in-addr.arpa`,
 * `8.b.d.0.1.0.0.2.ip6.arpa`, trailing dot and upper case allowed) or as a CIDR on a zone boundary.
 */
export function parseZone(input: string, style: ClasslessStyle = 'slash'): ReverseZone {
  const text = input.trim().toLowerCase().replace(/\.$/, '');
  if (!text) throw badZone(input, 'it is empty');
  if (text === V4_SUFFIX || text.endsWith(`.${V4_SUFFIX}`)) {
    const labels = text === V4_SUFFIX ? [] : text.slice(0, -V4_SUFFIX.length - 1).split('.');
    const classless = labels.length === 4 ? labels.shift()! : null;
    if (labels.length < 1 || labels.length > 3) throw badZone(input, 'an in-addr.arpa zone has 1 to 3 octet labels (or a classless label and 3 octets)');
    const octs = labels.reverse().map((l) => {
      if (!/^(0|[1-9]\d{0,2})$/.test(l) || Number(l) > 255) throw badZone(input, `"${l}" is not an octet (0-255, no leading zeros)`);
      return BigInt(l);
    });
    let net = 0n;
    octs.forEach((o, i) => (net |= o << BigInt(24 - 8 * i)));
    if (classless === null) return zoneOf({ version: 4, net, len: octs.length * 8 });
    if (octs.length !== 3) throw badZone(input, 'a classless label sits on a /24 (three octet labels)');
    const slash = /^(0|[1-9]\d{0,2})\/(\d{2})$/.exec(classless);
    const dash = /^(0|[1-9]\d{0,2})-(0|[1-9]\d{0,2})$/.exec(classless);
    let len: number;
    let first: number;
    if (slash) {
      first = Number(slash[1]);
      len = Number(slash[2]);
    } else if (dash) {
      first = Number(dash[1]);
      const size = Number(dash[2]) - first + 1;
      len = size >= 2 && (size & (size - 1)) === 0 ? 32 - Math.log2(size) : -1;
    } else {
      throw badZone(input, `"${classless}" is not an RFC 2317 label (write it as FIRST/LEN, e.g. 64/26, or FIRST-LAST, e.g. 64-127)`);
    }
    if (len < 25 || len > 31 || first > 255 || first % 2 ** (32 - len) !== 0) {
      throw badZone(input, `"${classless}" is not an aligned block of /25 to /31 inside the /24`);
    }
    return zoneOf({ version: 4, net: net | BigInt(first), len }, slash ? 'slash' : 'dash');
  }
  if (text.endsWith(`.${V6_SUFFIX}`)) {
    const labels = text.slice(0, -V6_SUFFIX.length - 1).split('.');
    if (labels.length < 1 || labels.length > 31 || labels.some((l) => !/^[0-9a-f]$/.test(l))) {
      throw badZone(input, 'an ip6.arpa zone has 1 to 31 labels of one hex digit each');
    }
    const hex = labels.reverse().join('').padEnd(32, '0');
    return zoneOf({ version: 6, net: BigInt(`0x${hex}`), len: labels.length * 4 });
  }
  if (!text.includes('/')) throw badZone(input, 'give a name ending in .in-addr.arpa or .ip6.arpa, or a CIDR such as 203.0.113.0/24');
  return zoneOf(parseCidr(text), style);
}

/** The zone that holds an address's PTR among candidate zones: the most specific one containing it. */
export function zoneHolding<Z extends ReverseZone>(zones: readonly Z[], a: Address): Z | undefined {
  let best: Z | undefined;
  for (const z of zones) if (containsValue(z.prefix, a) && (!best || z.prefix.len > best.prefix.len)) best = z;
  return best;
}

/** Reads an address for reverse naming (any valid form, upper case and compressed IPv6 included). */
export function reverseNameOf(text: string): string {
  return ptrName(parseAddress(text));
}

/**
 * The address a PTR owner name stands for, in the natural tree (`5.113.0.203.in-addr.arpa`, 32
 * nibbles under ip6.arpa) or inside an RFC 2317 classless zone (`5.0/26.113.0.203.in-addr.arpa`);
 * null when the name is no full address.
 */
export function addressOfPtrName(name: string): Address | null {
  const text = name.trim().toLowerCase().replace(/\.$/, '');
  if (text.endsWith(`.${V4_SUFFIX}`)) {
    const labels = text.slice(0, -V4_SUFFIX.length - 1).split('.');
    if (labels.length === 5) labels.splice(1, 1);
    if (labels.length !== 4 || labels.some((l) => !/^(0|[1-9]\d{0,2})$/.test(l) || Number(l) > 255)) return null;
    return { version: 4, value: labels.reverse().reduce((v, l) => (v << 8n) | BigInt(l), 0n) };
  }
  if (text.endsWith(`.${V6_SUFFIX}`)) {
    const labels = text.slice(0, -V6_SUFFIX.length - 1).split('.');
    if (labels.length !== 32 || labels.some((l) => !/^[0-9a-f]$/.test(l))) return null;
    return { version: 6, value: BigInt(`0x${labels.reverse().join('')}`) };
  }
  return null;
}

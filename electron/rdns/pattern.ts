/**
 * Name patterns such as `{ip-dashed}.static.example.net` or `host-{last-octet}.{location}.example.net`:
 * literal text with placeholders in braces, rendered per address and validated as a host name.
 */
import { type Address } from '../../shared/cidr';
import { octets } from '../../shared/cidr/reverse';
import { FluxError } from '../../shared/errors';
import { PATTERN_PLACEHOLDERS, type PatternPlaceholder } from '../../shared/rdns';
import { normalizeHostname } from './names';

export type Piece = { text: string } | { placeholder: PatternPlaceholder };

/** What a placeholder may draw on besides the address. */
export interface PatternContext {
  address: Address;
  addressText: string;
  location: string | null;
  vlan: number | null;
  customer: string | null;
  service: string | null;
  device: string | null;
  space: string;
}

const KNOWN = Object.keys(PATTERN_PLACEHOLDERS) as PatternPlaceholder[];

export function parsePattern(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  const re = /\{([^{}]*)\}/g;
  let at = 0;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    if (m.index > at) pieces.push({ text: pattern.slice(at, m.index) });
    const name = m[1]!.trim().toLowerCase() as PatternPlaceholder;
    if (!KNOWN.includes(name)) {
      throw new FluxError('INVALID_ARGUMENT', `pattern "${pattern}": unknown placeholder {${m[1]}} at character ${m.index + 1}; known: ${KNOWN.map((k) => `{${k}}`).join(', ')}`);
    }
    pieces.push({ placeholder: name });
    at = m.index + m[0].length;
  }
  if (at < pattern.length) pieces.push({ text: pattern.slice(at) });
  const stray = pieces.find((p) => 'text' in p && /[{}]/.test(p.text));
  if (stray && 'text' in stray) {
    throw new FluxError('INVALID_ARGUMENT', `pattern "${pattern}": unbalanced "${stray.text.match(/[{}]/)![0]}" (placeholders are written {name})`);
  }
  if (!pieces.some((p) => 'placeholder' in p)) {
    throw new FluxError('INVALID_ARGUMENT', `pattern "${pattern}" has no placeholder, so every address would get the same name; use e.g. {ip-dashed}`);
  }
  return pieces;
}

function value(p: PatternPlaceholder, c: PatternContext): string | null {
  const a = c.address;
  const v4 = a.version === 4 ? octets(a.value) : null;
  switch (p) {
    case 'ip-dashed':
      if (v4) return v4.join('-');
      return (a.value.toString(16).padStart(32, '0').match(/.{4}/g) as string[]).map((h) => h.replace(/^0+(?=.)/, '')).join('-');
    case 'ip-hex':
      return a.value.toString(16).padStart(a.version === 4 ? 8 : 32, '0');
    case 'last-octet':
      return String(a.value & 0xffn);
    case 'last-hextet':
      return (a.value & 0xffffn).toString(16);
    case 'octet1':
    case 'octet2':
    case 'octet3':
    case 'octet4':
      return v4 ? String(v4[Number(p.slice(-1)) - 1]) : null;
    case 'location':
      return c.location?.toLowerCase() ?? null;
    case 'vlan':
      return c.vlan === null ? null : String(c.vlan);
    case 'customer':
      return c.customer?.toLowerCase() ?? null;
    case 'service':
      return c.service?.toLowerCase() ?? null;
    case 'device':
      return c.device?.toLowerCase() ?? null;
    case 'space':
      return c.space.toLowerCase();
  }
}

const MISSING: Partial<Record<PatternPlaceholder, string>> = {
  location: 'its subnet has no effective location',
  vlan: 'it has no VLAN',
  customer: 'it is linked to no customer',
  service: 'it is linked to no service',
  device: 'it is linked to no device',
  octet1: 'it is not an IPv4 address',
  octet2: 'it is not an IPv4 address',
  octet3: 'it is not an IPv4 address',
  octet4: 'it is not an IPv4 address',
};

/** The name a pattern gives one address, validated; errors name the address and the placeholder. */
export function renderPattern(pieces: Piece[], c: PatternContext): string {
  let out = '';
  for (const piece of pieces) {
    if ('text' in piece) {
      out += piece.text;
      continue;
    }
    const v = value(piece.placeholder, c);
    if (v === null || v === '') {
      throw new FluxError('INVALID_ARGUMENT', `${c.addressText}: {${piece.placeholder}} has no value (${MISSING[piece.placeholder] ?? 'empty'})`, { address: c.addressText });
    }
    out += v;
  }
  return normalizeHostname(out, c.addressText);
}

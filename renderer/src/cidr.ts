/** CIDR helpers for the renderer, cached: the map compares ranges often. */
import { blockSize, containsPrefix, formatCidr, lastAddress, parseCidr, type Prefix } from '../../shared/cidr';

const cache = new Map<string, Prefix>();

export function prefix(cidr: string): Prefix {
  let p = cache.get(cidr);
  if (!p) {
    p = parseCidr(cidr);
    if (cache.size > 50_000) cache.clear();
    cache.set(cidr, p);
  }
  return p;
}

export function tryPrefix(text: string): Prefix | null {
  try {
    return parseCidr(text);
  } catch {
    return null;
  }
}

export function contains(outer: string, inner: string): boolean {
  return containsPrefix(prefix(outer), prefix(inner));
}

/** True when b starts right after a ends: no unplanned space between two roots. */
export function adjacent(a: string, b: string): boolean {
  const pa = prefix(a);
  const pb = prefix(b);
  return pa.version === pb.version && lastAddress(pa) + 1n === pb.net;
}

export function addresses(cidr: string): bigint {
  return blockSize(prefix(cidr));
}

/** 1,024 · 65.5k · 16.8M · 2^80 · ≈1.5 × 2^80: a count a planner reads at a glance. */
export function humanCount(n: bigint | number | string): string {
  const v = typeof n === 'bigint' ? n : BigInt(typeof n === 'number' ? Math.round(n) : n);
  if (v < 10_000n) return v.toLocaleString('en');
  // Three significant figures on a decimal scale; the unit is picked after rounding, so 999,999 reads 1.0M, not 1000k.
  let scaled = Number(v) / 1000;
  for (const unit of ['k', 'M', 'G']) {
    const text = scaled < 99.95 ? scaled.toFixed(1) : scaled.toFixed(0);
    if (Number(text) < 1000) return `${text}${unit}`;
    scaled /= 1000;
  }
  return powerOfTwo(v);
}

/**
 * Past 10^12, where IPv6 sizes live: a power of two reads exactly (a /48 holds 2^80 addresses); anything
 * else rounds its mantissa to one decimal, so 2^80 - 2^64 of free space reads ≈2^80 (the nearest
 * reading), never ≈2^79 (the floor of its log2).
 */
function powerOfTwo(v: bigint): string {
  const exp = v.toString(2).length - 1;
  if (v === 1n << BigInt(exp)) return `2^${exp}`;
  const mantissa = Math.round((Number(v) / 2 ** exp) * 10) / 10;
  if (mantissa === 2) return `≈2^${exp + 1}`;
  return mantissa === 1 ? `≈2^${exp}` : `≈${mantissa} × 2^${exp}`;
}

/** The prefix lengths a /len block can be split into, capped like the engine (at most 2^16 pieces). */
export function splitTargets(cidr: string): number[] {
  const p = prefix(cidr);
  const max = Math.min(p.version === 4 ? 32 : 128, p.len + 16);
  const out: number[] = [];
  for (let l = p.len + 1; l <= max; l++) out.push(l);
  return out;
}

/** The CIDRs a split would make (first few), for the preview. */
export function splitPreview(cidr: string, to: number, max = 8): { first: string[]; count: bigint } {
  const p = prefix(cidr);
  const count = 1n << BigInt(to - p.len);
  const step = 1n << BigInt((p.version === 4 ? 32 : 128) - to);
  const first: string[] = [];
  for (let i = 0n; i < count && first.length < max; i++) first.push(formatPrefix({ version: p.version, net: p.net + i * step, len: to }));
  if (count > BigInt(max)) first.push(formatPrefix({ version: p.version, net: p.net + (count - 1n) * step, len: to }));
  return { first, count };
}

export const formatPrefix = formatCidr;

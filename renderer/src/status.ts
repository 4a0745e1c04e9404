/**
 * How a subnet reads on screen: one state word per state (README.md, "Glossary: states"), its colour
 * class, and how full it is. The words are the planner's; the JSON values behind them never change.
 */
import type { SubnetView } from '../../shared/api/types';
import { humanCount } from './cidr';

export type Status = 'allocated' | 'free' | 'parked' | 'subdivided' | 'pool' | 'carved' | 'held';

/** The one word for each state, shared by the map and its legend, the inspector, the table and search. */
export const STATUS_LABEL: Record<Status, string> = {
  allocated: 'allocated',
  free: 'free',
  parked: 'parked',
  subdivided: 'subdivided',
  pool: 'IP pool',
  carved: 'carved',
  held: 'in parked space',
};

type StatusFields = Pick<
  SubnetView,
  'parent' | 'allocation_status' | 'is_unavailable' | 'effectively_unavailable' | 'is_ip_pool' | 'location' | 'vlan' | 'customer' | 'service' | 'device' | 'description'
>;

/**
 * Carved: subdivided only because something smaller was cut out of it, and nothing more (not a root,
 * not parked, no location, VLAN, owner or description of its own). The engine's isCarvedOnly, read
 * from a view, so rows that come without the engine's `carved` flag (table, search) read the same.
 */
export function isCarved(s: StatusFields): boolean {
  return (
    s.parent !== null && s.allocation_status === 'subdivided' && !s.is_unavailable && !s.description &&
    s.location === null && s.vlan === null && s.customer === null && s.service === null && s.device === null
  );
}

/** The state of a subnet; `carved`, when given, is the engine's flag (tree.children nodes carry it). */
export function statusOf(s: StatusFields & { carved?: boolean }): Status {
  if (s.is_unavailable) return 'parked';
  if (s.is_ip_pool) return 'pool';
  if (s.allocation_status === 'allocated') return 'allocated';
  if (s.allocation_status === 'subdivided') return (s.carved ?? isCarved(s)) ? 'carved' : 'subdivided';
  if (s.effectively_unavailable) return 'held';
  return 'free';
}

/** The line under the CIDR: who has it, or what it is for. */
export function subtitle(s: SubnetView): string {
  const who = [s.customer, s.service, s.device].filter(Boolean).join(' · ');
  if (who && s.description) return `${who} · ${s.description}`;
  return who || s.description || '';
}

export function pct(n: number): string {
  if (n === 0) return '0%';
  if (n < 1) return '<1%';
  if (n > 99 && n < 100) return '>99%';
  return `${Math.round(n)}%`;
}

/** What usageText reads: a tree.children node (its prefix length and stats) is one. */
export interface UsageSubject {
  prefix_length: number;
  stats: {
    /** Percent of the block allocated or set aside as IP pools. */
    utilization: number;
    /** IPv6: the /64s holding allocated or IP-pool space; null for IPv4. */
    used_64s: number | string | null;
  };
}

/**
 * How full a block is, in the unit a planner counts in. An IPv6 block larger than a /64 counts /64s
 * ("1 of 65,536 /64s used"): by address share a /48 holding one /64 is 0.0015% used, which says nothing.
 * IPv4 blocks, and IPv6 blocks of a /64 or smaller, read as a percentage ("37%", "<1%").
 */
export function usageText(s: UsageSubject): string {
  const used = s.stats.used_64s;
  // used_64s is null exactly for IPv4.
  if (used !== null && s.prefix_length < 64) return `${countText(BigInt(used))} of ${countText(1n << BigInt(64 - s.prefix_length))} /64s used`;
  return `${pct(s.stats.utilization)} used`;
}

/** Every digit up to 2^32 (a /32 holds 4,294,967,296 /64s), so counts of /64s read exactly; past that, humanCount. */
function countText(n: bigint): string {
  return n <= 1n << 32n ? n.toLocaleString('en') : humanCount(n);
}

/** How a subnet reads on screen: one status word, its colour class, and a short description. */
import type { SubnetView } from '../../shared/api/types';

export type Status = 'allocated' | 'free' | 'parked' | 'subdivided' | 'pool' | 'carved' | 'held';

export const STATUS_LABEL: Record<Status, string> = {
  allocated: 'allocated',
  free: 'free',
  parked: 'reserved',
  subdivided: 'subdivided',
  pool: 'IP pool',
  carved: 'carved',
  held: 'in parked space',
};

export function statusOf(s: Pick<SubnetView, 'is_unavailable' | 'is_ip_pool' | 'allocation_status' | 'effectively_unavailable'> & { carved?: boolean }): Status {
  if (s.is_unavailable) return 'parked';
  if (s.is_ip_pool) return 'pool';
  if (s.allocation_status === 'allocated') return 'allocated';
  if (s.allocation_status === 'subdivided') return s.carved ? 'carved' : 'subdivided';
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

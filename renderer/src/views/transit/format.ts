/** How billing figures read on screen. */
import type { BillingModel, Direction } from '../../../../shared/billing/model';

export const MODEL_LABEL: Record<BillingModel, string> = {
  percentile: '95th percentile',
  commit_burst: 'commit + burst',
  transfer: 'per-GB transfer',
  flat: 'flat',
};

export const DIRECTION_LABEL: Record<Direction, string> = {
  in: 'inbound',
  out: 'outbound',
  max: 'larger of in and out',
  sum: 'in + out',
};

export function money(n: number): string {
  return n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A figure with up to `digits` decimals and thousands separators. */
export function num(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en', { maximumFractionDigits: digits });
}

export function mbps(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${num(n, n < 10 ? 3 : 2)} Mbps`;
}

export function gb(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${num(n, n < 10 ? 3 : 2)} GB`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2024-03" → "Mar 2024". */
export function cycleName(cycle: string): string {
  const [y, m] = cycle.split('-');
  return `${MONTHS[Number(m) - 1] ?? m} ${y}`;
}

/** The cycle before or after "YYYY-MM". */
export function stepCycle(cycle: string, by: number): string {
  const [y, m] = cycle.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + by;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** An instant as the planner reads it: "2024-03-01 01:30 UTC". */
export function instant(iso: string, tz = 'UTC'): string {
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${tz === 'UTC' ? 'UTC' : tz}`;
}

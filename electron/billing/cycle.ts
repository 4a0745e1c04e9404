/**
 * Billing cycles and times in the billing time zone (luxon on the IANA database).
 * Cycle YYYY-MM starts at local midnight of the anchor day in that month (the month's last day when the
 * anchor is beyond it) and ends where cycle YYYY-MM+1 starts. Its length is real elapsed time, so a
 * month that crosses a daylight-saving change is an hour shorter or longer.
 */
import { DateTime } from 'luxon';
import { FluxError } from '../../shared/errors';

export interface Cycle {
  label: string;
  /** Unix seconds, [start, end). */
  start: number;
  end: number;
}

const label = (year: number, month: number) => `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;

export function checkZone(tz: string): void {
  if (!DateTime.now().setZone(tz).isValid) throw new FluxError('INVALID_ARGUMENT', `tz: "${tz}" is not an IANA time zone such as UTC or Europe/Berlin`);
}

function cycleStart(year: number, month: number, anchor: number, tz: string): number {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: tz });
  const day = Math.min(anchor, first.daysInMonth ?? 28);
  return DateTime.fromObject({ year, month, day }, { zone: tz }).toSeconds();
}

export function cycleOf(cycleLabel: string, anchor: number, tz: string): Cycle {
  const m = /^(\d{4})-(\d{2})$/.exec(cycleLabel);
  if (!m) throw new FluxError('INVALID_ARGUMENT', `cycle: "${cycleLabel}" is not YYYY-MM`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return { label: cycleLabel, start: cycleStart(year, month, anchor, tz), end: cycleStart(next.year, next.month, anchor, tz) };
}

/** The cycle an instant falls in. */
export function cycleAt(at: number, anchor: number, tz: string): Cycle {
  const local = DateTime.fromSeconds(at, { zone: tz });
  const here = cycleOf(label(local.year, local.month), anchor, tz);
  if (at >= here.start) return here;
  const prev = local.month === 1 ? label(local.year - 1, 12) : label(local.year, local.month - 1);
  return cycleOf(prev, anchor, tz);
}

/** The cycles from the one holding `from` to the one holding `to`. */
export function cyclesBetween(from: number, to: number, anchor: number, tz: string): string[] {
  const out: string[] = [];
  let c = cycleAt(from, anchor, tz);
  while (c.start <= to && out.length < 1200) {
    out.push(c.label);
    c = cycleAt(c.end, anchor, tz);
  }
  return out;
}

const ISO_FAST = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.0+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An instant given as Unix seconds or ISO 8601. An ISO time without an offset, and a bare date (its
 * midnight), are read in the billing time zone. Whole seconds only. Returns null when it is neither.
 */
export function parseInstant(text: string, tz: string): number | null {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const fast = ISO_FAST.exec(s);
  if (fast) {
    const [, y, mo, d, h, mi, se, off] = fast;
    const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) / 1000;
    // Date.UTC rolls 2024-02-30 over to March: compare back.
    const back = new Date(base * 1000);
    if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return null;
    if (off === 'Z') return base;
    const om = /^([+-])(\d{2}):?(\d{2})$/.exec(off!)!;
    const offset = (Number(om[2]) * 3600 + Number(om[3]) * 60) * (om[1] === '-' ? -1 : 1);
    return base - offset;
  }
  const dt = DateTime.fromISO(s.replace(' ', 'T'), { zone: tz });
  if (!dt.isValid) return null;
  const seconds = dt.toSeconds();
  return Number.isInteger(seconds) ? seconds : null;
}

/** ISO 8601 in UTC, whole seconds. */
export function isoUtc(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

/** ISO 8601 in the billing time zone, with its offset. */
export function isoLocal(t: number, tz: string): string {
  return DateTime.fromSeconds(t, { zone: tz }).toISO({ suppressMilliseconds: true }) ?? isoUtc(t);
}

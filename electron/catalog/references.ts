/**
 * What still refers to a catalog row: counted and named by the planner's keys, for the refusals of
 * remove (and of edits that would strand what a row holds). A refusal names every kind of reference,
 * how many there are, the first few, and what to do about them.
 */
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';

/** Rows of one kind that refer to the row at hand. */
export interface Holding {
  /** Its key in the error's `references` detail, e.g. "subnets". */
  key: string;
  /** Singular and plural, e.g. ['subnet', 'subnets']. */
  noun: readonly [string, string];
  count: number;
  /** The first few, by their keys. */
  sample: string[];
  /** What the planner can do about them, e.g. "release the subnets (subnet release CIDR)". */
  advice: string;
}

const SAMPLE = 3;

type LinkColumn = 'customer_id' | 'service_id' | 'device_id' | 'location_id' | 'vlan_id';

/** "a", "a and b", "a, b and c". */
export function listing(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export function describeHolding(h: Holding): string {
  const noun = h.count === 1 ? h.noun[0] : h.noun[1];
  const more = h.count > h.sample.length ? ', …' : '';
  return `${h.count} ${noun}${h.sample.length ? ` (${h.sample.join(', ')}${more})` : ''}`;
}

/** A subnet or address by its text, with its space when that is not the global one. */
function inSpace(plan: Plan, spaceId: number, text: string): string {
  const space = plan.spaceName(spaceId);
  return space === 'global' ? text : `${text} in ${space}`;
}

function count(plan: Plan, sql: string, id: number): number {
  return (plan.q(sql).get(id) as { n: number }).n;
}

/** Subnets whose own column (not an inherited value) is the row's id. */
export function subnetsLinked(plan: Plan, column: LinkColumn, id: number, advice: string): Holding {
  const n = count(plan, `SELECT COUNT(*) AS n FROM subnets WHERE ${column} = ?`, id);
  const sample = n
    ? (plan.q(`SELECT space_id, cidr FROM subnets WHERE ${column} = ? ORDER BY space_id, ip_version, net, prefix_len LIMIT ${SAMPLE}`).all(id) as Array<{ space_id: number; cidr: string }>).map(
        (r) => inSpace(plan, r.space_id, r.cidr),
      )
    : [];
  return { key: 'subnets', noun: ['subnet', 'subnets'], count: n, sample, advice };
}

/** IP records whose column is the row's id; `management` picks the management addresses, or all the others. */
export function ipsLinked(plan: Plan, column: LinkColumn, id: number, advice: string, management?: boolean): Holding {
  const where = `${column} = ?${management === undefined ? '' : ` AND is_management = ${management ? 1 : 0}`}`;
  const n = count(plan, `SELECT COUNT(*) AS n FROM ip_addresses WHERE ${where}`, id);
  const sample = n
    ? (plan.q(`SELECT space_id, address_text, purpose FROM ip_addresses WHERE ${where} ORDER BY space_id, ip_version, address LIMIT ${SAMPLE}`).all(id) as Array<{
        space_id: number;
        address_text: string;
        purpose: string | null;
      }>).map((r) => inSpace(plan, r.space_id, management && r.purpose ? `${r.address_text} ${r.purpose}` : r.address_text))
    : [];
  return management
    ? { key: 'management_ips', noun: ['management address', 'management addresses'], count: n, sample, advice }
    : { key: 'ips', noun: ['IP address', 'IP addresses'], count: n, sample, advice };
}

/** Services whose column is the row's id. */
export function servicesLinked(plan: Plan, column: 'customer_id' | 'product_id' | 'device_id', id: number, advice: string): Holding {
  const n = count(plan, `SELECT COUNT(*) AS n FROM services WHERE ${column} = ?`, id);
  const sample = n ? (plan.q(`SELECT ref FROM services WHERE ${column} = ? ORDER BY ref LIMIT ${SAMPLE}`).all(id) as Array<{ ref: string }>).map((r) => r.ref) : [];
  return { key: 'services', noun: ['service', 'services'], count: n, sample, advice };
}

/** Rows of any table whose `column` is the row's id (and that match `where`), named by `label`. */
export function rowsLinked(
  plan: Plan,
  o: { table: string; column: string; id: number; label: string; order: string; where?: string; key: string; noun: readonly [string, string]; advice: string },
): Holding {
  const where = `${o.column} = ?${o.where ? ` AND ${o.where}` : ''}`;
  const n = count(plan, `SELECT COUNT(*) AS n FROM ${o.table} WHERE ${where}`, o.id);
  const sample = n
    ? (plan.q(`SELECT ${o.label} AS label FROM ${o.table} WHERE ${where} ORDER BY ${o.order} LIMIT ${SAMPLE}`).all(o.id) as Array<{ label: unknown }>).map((r) => String(r.label))
    : [];
  return { key: o.key, noun: o.noun, count: n, sample, advice: o.advice };
}

/**
 * Throws CONFLICT when any holding has rows: "Customer cust-7421 still holds 3 subnets (…) and 2 IP
 * addresses (…); release the subnets … first". The error's `references` detail counts each kind.
 */
export function refuseIfReferenced(subject: string, verb: string, holdings: readonly Holding[], what = 'first'): void {
  const held = holdings.filter((h) => h.count > 0);
  if (!held.length) return;
  const advice = [...new Set(held.map((h) => h.advice))];
  throw new FluxError('CONFLICT', `${subject} ${verb} ${listing(held.map(describeHolding))}; ${listing(advice)} ${what}`, {
    references: Object.fromEntries(held.map((h) => [h.key, h.count])),
  });
}

/** Setting PTR names: one address by hand, or every IP record of a subnet from a pattern. Journaled through updateIp. */
import { addressKey, formatAddress, parseAddress } from '../../shared/cidr';
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { findIp } from '../tree/addresses';
import { getSubnet, insertIp, leafHolding, updateIp, type IpRow } from '../tree/rows';
import { Keys, listIps, rangeOf } from '../tree/view';
import { normalizeHostname } from './names';
import { parsePattern, renderPattern } from './pattern';

export interface SetResult {
  address: string;
  rdns: string | null;
  previous: string | null;
  ip: IpRow | null;
}

/**
 * Sets or (with an empty name) clears the PTR name of an address. An address without an IP record
 * gets one only inside an allocated subnet (a customer's block); elsewhere a record would take the
 * address out of the pool, so the planner is told to allocate it first.
 */
export function setRdns(plan: Plan, spaceId: number, addressText: string, name: string): SetResult {
  const a = parseAddress(addressText);
  const address = formatAddress(a.version, a.value);
  const value = name.trim() === '' ? null : normalizeHostname(name, address);
  const { row } = findIp(plan, spaceId, address);
  if (row) {
    const after = updateIp(plan, row, { rdns: value });
    return { address, rdns: after.rdns, previous: row.rdns, ip: after };
  }
  if (value === null) return { address, rdns: null, previous: null, ip: null };
  const leaf = leafHolding(plan, spaceId, a.version, addressKey(a.version, a.value));
  if (!leaf) throw new FluxError('NOT_FOUND', `No subnet of space ${plan.spaceName(spaceId)} holds ${address}`, { address });
  if (leaf.allocation_status !== 'allocated') {
    throw new FluxError(
      'NOT_FOUND',
      `${address} has no IP record and ${leaf.cidr} is not allocated; record the address first (allocate ip --address ${address}), then name it`,
      { address },
    );
  }
  const ip = insertIp(plan, spaceId, address, { rdns: value });
  return { address, rdns: value, previous: null, ip };
}

export interface PatternResult {
  cidr: string;
  pattern: string;
  dry_run: boolean;
  changes: Array<{ address: string; from: string | null; to: string }>;
  unchanged: number;
}

const MAX_LISTED_ERRORS = 5;

/** Names every IP record inside a subnet from a pattern; all names are validated before anything is written. */
export function fillPattern(plan: Plan, spaceId: number, cidr: string, pattern: string, dryRun: boolean, onlyEmpty: boolean): PatternResult {
  const pieces = parsePattern(pattern);
  const { row: subnet, range } = rangeOf(plan, spaceId, cidr);
  const keys = new Keys(plan);
  const errors: string[] = [];
  const planned: Array<{ ip: IpRow; to: string }> = [];
  let unchanged = 0;
  for (const ip of listIps(plan, spaceId, range)) {
    if (onlyEmpty && ip.rdns !== null) {
      unchanged++;
      continue;
    }
    const holder = getSubnet(plan, ip.subnet_id);
    try {
      const to = renderPattern(pieces, {
        address: parseAddress(ip.address_text),
        addressText: ip.address_text,
        location: keys.location(holder.eff_location_id),
        vlan: keys.vlan(ip.vlan_id ?? holder.eff_vlan_id),
        customer: keys.customer(ip.customer_id ?? holder.customer_id),
        service: keys.service(ip.service_id ?? holder.service_id),
        device: keys.device(ip.device_id ?? holder.device_id),
        space: keys.space(spaceId),
      });
      if (to === ip.rdns) unchanged++;
      else planned.push({ ip, to });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (errors.length) {
    const more = errors.length > MAX_LISTED_ERRORS ? `; and ${errors.length - MAX_LISTED_ERRORS} more` : '';
    throw new FluxError(
      'INVALID_ARGUMENT',
      `pattern "${pattern}" cannot name ${errors.length} address${errors.length === 1 ? '' : 'es'} in ${subnet.cidr}, so nothing was changed: ${errors.slice(0, MAX_LISTED_ERRORS).join('; ')}${more}`,
    );
  }
  if (!dryRun) for (const p of planned) updateIp(plan, p.ip, { rdns: p.to });
  return { cidr: subnet.cidr, pattern, dry_run: dryRun, changes: planned.map((p) => ({ address: p.ip.address_text, from: p.ip.rdns, to: p.to })), unchanged };
}

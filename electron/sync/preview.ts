/**
 * What a pull or a push does, in plan terms: subnets created and deleted, allocations changed, IP
 * records allocated and released, catalog rows, and the tree diff line by line. The desktop's sync
 * dialog shows it before the one Sync button; `sync --dry-run` prints it.
 */
import { createHash } from 'node:crypto';
import type { Change } from '../../shared/sync/protocol';
import { differingFields, keyLabel, type RowKey, type RowState, type SyncEntity, type VlanRef } from '../../shared/sync/rows';
import { stateAfter } from './apply';
import { treeOrder } from './merge';

export interface Step {
  entity: SyncEntity;
  key: RowKey;
  from: RowState | null;
  to: RowState | null;
}

export interface PreviewPart {
  changes: number;
  counts: { subnets_created: number; subnets_deleted: number; allocations: number; ips_allocated: number; ips_released: number; ips_changed: number; catalog: number };
  subnets_created: string[];
  subnets_deleted: string[];
  allocations: Array<{ subnet: string; from: string; to: string }>;
  ips_allocated: string[];
  ips_released: string[];
  ips_changed: string[];
  catalog: string[];
  /** The tree diff: "+ 10.0.0.0/26 allocated to cust-1", "- 10.0.1.0/25 free", "~ 10.0.0.0/24 free -> subdivided". */
  tree: string[];
  /** Lists are cut at this many entries each; the counts are exact. */
  truncated: boolean;
}

const LIMIT = 500;

const where = (key: RowKey) => (key.space === 'global' ? '' : `${String(key.space)} `);
const subnetName = (key: RowKey) => `${where(key)}${String(key.cidr)}`;
const ipName = (key: RowKey) => `${where(key)}${String(key.address)}`;

function vlanText(v: unknown): string {
  const ref = v as VlanRef | null;
  return ref ? `vlan ${ref.vid}` : '';
}

/**
 * Subdivided only to make room for something smaller (not a root, not parked, no data of its own): the
 * word the map, the table and `fluxplan tree` use for it (README.md, "Glossary: states").
 */
function carved(s: RowState): boolean {
  return s.parent !== null && !s.is_unavailable && !s.location && !s.vlan && !s.customer && !s.service && !s.device && !s.description;
}

/** A subnet row in a few words: "allocated to cust-1 (svc-9) vlan 102", "free", "carved", "parked IP pool". */
export function describeSubnet(s: RowState | null): string {
  if (!s) return '(none)';
  const parts: string[] = [];
  if (s.is_unavailable) parts.push('parked');
  if (s.allocation_status === 'allocated') {
    parts.push('allocated');
    const who = [s.customer && `to ${String(s.customer)}`, s.service && `service ${String(s.service)}`, s.device && `device ${String(s.device)}`].filter(Boolean);
    parts.push(...(who as string[]));
  } else if (s.allocation_status === 'subdivided') parts.push(carved(s) ? 'carved' : 'subdivided');
  else parts.push(s.is_ip_pool ? 'IP pool' : 'free');
  if (s.location) parts.push(`at ${String(s.location)}`);
  if (s.vlan) parts.push(vlanText(s.vlan));
  if (s.description) parts.push(`"${String(s.description)}"`);
  return parts.join(' ');
}

function describeIp(s: RowState | null): string {
  if (!s) return '(none)';
  const parts: string[] = [];
  if (s.is_unavailable) parts.push('parked');
  if (s.is_management) parts.push('management');
  const who = [s.customer && `to ${String(s.customer)}`, s.service && `service ${String(s.service)}`, s.device && `device ${String(s.device)}`].filter(Boolean) as string[];
  if (who.length) parts.push('allocated', ...who);
  if (s.purpose) parts.push(`(${String(s.purpose)})`);
  if (s.rdns) parts.push(`PTR ${String(s.rdns)}`);
  return parts.join(' ') || 'recorded';
}

const isAllocated = (s: RowState | null) => !!s && s.allocation_status === 'allocated';
const ipHeld = (s: RowState | null) => !!s && (s.customer !== null || s.service !== null || s.device !== null);

export function buildPreview(steps: Step[]): PreviewPart {
  const out: PreviewPart = {
    changes: steps.length,
    counts: { subnets_created: 0, subnets_deleted: 0, allocations: 0, ips_allocated: 0, ips_released: 0, ips_changed: 0, catalog: 0 },
    subnets_created: [], subnets_deleted: [], allocations: [], ips_allocated: [], ips_released: [], ips_changed: [], catalog: [], tree: [],
    truncated: false,
  };
  const push = <T>(list: T[], v: T) => {
    if (list.length < LIMIT) list.push(v);
    else out.truncated = true;
  };
  const sorted = [...steps].sort(treeOrder);
  for (const s of sorted) {
    if (s.entity === 'subnet') {
      const name = subnetName(s.key);
      if (!s.from) {
        out.counts.subnets_created++;
        push(out.subnets_created, name);
        push(out.tree, `+ ${name} ${describeSubnet(s.to)}`);
      } else if (!s.to) {
        out.counts.subnets_deleted++;
        push(out.subnets_deleted, name);
        push(out.tree, `- ${name} ${describeSubnet(s.from)}`);
      } else {
        push(out.tree, `~ ${name} ${describeSubnet(s.from)} -> ${describeSubnet(s.to)}`);
      }
      const allocChanged =
        (isAllocated(s.from) || isAllocated(s.to)) &&
        (!s.from || !s.to || ['allocation_status', 'customer', 'service', 'device'].some((f) => differingFields('subnet', s.from!, s.to!).includes(f)));
      if (allocChanged) {
        out.counts.allocations++;
        push(out.allocations, { subnet: name, from: describeSubnet(s.from), to: describeSubnet(s.to) });
      }
    } else if (s.entity === 'ip') {
      const name = ipName(s.key);
      if (!ipHeld(s.from) && ipHeld(s.to)) {
        out.counts.ips_allocated++;
        push(out.ips_allocated, `${name} ${describeIp(s.to)}`);
      } else if (ipHeld(s.from) && !ipHeld(s.to)) {
        out.counts.ips_released++;
        push(out.ips_released, name);
      } else {
        out.counts.ips_changed++;
        push(out.ips_changed, !s.from ? `+ ${name} ${describeIp(s.to)}` : !s.to ? `- ${name} ${describeIp(s.from)}` : `~ ${name} ${describeIp(s.from)} -> ${describeIp(s.to)}`);
      }
    } else {
      out.counts.catalog++;
      const label = `${s.entity} ${keyLabel(s.entity, s.key)}`;
      push(out.catalog, !s.from ? `+ ${label}` : !s.to ? `- ${label}` : `~ ${label} (${differingFields(s.entity, s.from, s.to).join(', ')})`);
    }
  }
  return out;
}

/** Steps from wire changes, given each row's state before (what the receiver holds). */
export function stepsOf(changes: readonly Change[], before: (c: Change) => RowState | null): Step[] {
  return changes.map((c) => {
    const from = before(c);
    return { entity: c.entity as SyncEntity, key: c.key as RowKey, from, to: stateAfter(c, from) };
  });
}

/** A stable fingerprint of what a push would send: the desktop passes it back to push exactly what it showed. */
export function previewId(baseVersion: number, changes: readonly Change[]): string {
  const h = createHash('sha256');
  h.update(String(baseVersion));
  for (const c of changes) h.update(JSON.stringify(c));
  return h.digest('hex').slice(0, 16);
}

export function summarize(part: PreviewPart): string {
  const c = part.counts;
  const bits = [
    c.subnets_created && `${c.subnets_created} subnet(s) created`,
    c.subnets_deleted && `${c.subnets_deleted} deleted`,
    c.allocations && `${c.allocations} allocation(s) changed`,
    c.ips_allocated && `${c.ips_allocated} IP(s) allocated`,
    c.ips_released && `${c.ips_released} IP(s) released`,
    c.ips_changed && `${c.ips_changed} IP record(s) changed`,
    c.catalog && `${c.catalog} catalog row(s)`,
  ].filter(Boolean);
  return bits.length ? bits.join(', ') : 'nothing';
}

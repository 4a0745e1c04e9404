/** One provisioning log entry in words, with the CIDRs and addresses it names (the log view links them to the map). */
import type { MethodResult } from '../../../../shared/api/contract';

export type LogEntry = MethodResult<'log.list'>['entries'][number];

export const ACTIONS: Array<{ action: string; label: string }> = [
  { action: 'ipam_provision', label: 'provision' },
  { action: 'ipam_allocate_ip', label: 'allocate IP' },
  { action: 'ipam_allocate_subnet', label: 'allocate subnet' },
  { action: 'ipam_subnet_split', label: 'split' },
  { action: 'ipam_subnet_merge', label: 'merge' },
  { action: 'ipam_wipe_device', label: 'wipe device' },
  { action: 'ipam_cancel', label: 'cancel' },
  { action: 'ipam_release', label: 'release' },
];

export function actionLabel(action: string): string {
  return ACTIONS.find((a) => a.action === action)?.label ?? action.replace(/^ipam_/, '').replace(/_/g, ' ');
}

export interface Place {
  text: string;
  /** What to fly to on the map: the block, or the pool holding an address. */
  cidr: string;
  space: string;
}

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export type Part = string | Place;

/** The entry as a sentence whose CIDRs and addresses are places on the map. */
export function describe(e: LogEntry): { parts: Part[]; text: string } {
  const parts = partsOf(e);
  return { parts, text: parts.map((p) => (typeof p === 'string' ? p : p.text)).join('') };
}

function partsOf(e: LogEntry): Part[] {
  const d = e.details;
  const space = s(d.space) ?? 'global';
  const at = (text: string | null, cidr: string | null = text): Part => (text && cidr ? { text, cidr, space } : text ?? '?');
  if (!e.success) {
    const rule = typeof d.rule === 'number' ? `rule ${d.rule + 1}: ` : '';
    return [`${rule}${s(d.message) ?? 'failed'}${s(d.code) ? ` (${s(d.code)})` : ''}`];
  }
  const vlan = typeof d.vlan === 'number' ? ` · VLAN ${d.vlan}` : '';
  switch (e.action) {
    case 'ipam_allocate_ip':
      return [at(s(d.address), s(d.subnet)), s(d.subnet) ? ' from ' : '', ...(s(d.subnet) ? [at(s(d.subnet))] : []), `${s(d.purpose) ? ` · ${s(d.purpose)}` : ''}${vlan}`];
    case 'ipam_allocate_subnet':
      return [at(s(d.cidr)), ...(s(d.pool) ? [' in ', at(s(d.pool))] : []), `${s(d.strategy) ? ` · ${s(d.strategy)}` : ''}${vlan}`];
    case 'ipam_subnet_split': {
      const kids = list(d.children);
      return [at(s(d.cidr)), ' into ', ...kids.flatMap((c, i) => (i ? [' + ', at(c)] : [at(c)]))];
    }
    case 'ipam_subnet_merge':
      return [at(s(d.cidr)), ' merged back into one block'];
    case 'ipam_provision':
      if (s(d.skipped)) return [`skipped: ${s(d.skipped)}`];
      return [`${s(d.product) ?? ''} on ${s(d.device) ?? '?'} · ${typeof d.allocations === 'number' ? d.allocations : 0} allocation${d.allocations === 1 ? '' : 's'}`];
    case 'ipam_wipe_device':
    case 'ipam_cancel': {
      const what = [...list(d.released_subnets), ...list(d.released_ips)];
      return [`${s(d.device) ? `${s(d.device)}: ` : ''}released ${what.length ? what.join(', ') : 'nothing'}`];
    }
    case 'ipam_release':
      return [`${s(d.cidr) ?? s(d.address) ?? ''} released${list(d.released_ips).length ? ` with ${list(d.released_ips).join(', ')}` : ''}`];
    default:
      return [JSON.stringify(d)];
  }
}

import { parseAddress, parseCidr } from '../../shared/cidr';
import type { HandlerMap } from '../api/handler';
import { resolveLinks, spaceId, vlanId } from '../catalog/resolve';
import type { Plan } from '../plan';
import { Keys, ipView, subnetView } from '../tree/view';
import { assignIp, placeChosenIp, placeIp } from './ip';
import { buildScope } from './scope';
import { assignSubnet, placeChosen, placeSubnet } from './subnet';

/** The splits and merges this transaction logged, for the caller to show. */
function carving(plan: Plan) {
  const splits: Array<{ cidr: string; children: string[] }> = [];
  const merges: string[] = [];
  for (const { action, details } of plan.logged) {
    if (action === 'ipam_subnet_split') splits.push({ cidr: details.cidr as string, children: details.children as string[] });
    else if (action === 'ipam_subnet_merge') merges.push(details.cidr as string);
  }
  return { splits, merges };
}

function serviceOf(plan: Plan, serviceId: number | null) {
  if (serviceId === null) return null;
  return plan.q('SELECT id, ref FROM services WHERE id = ?').get(serviceId) as { id: number; ref: string };
}

export const allocatorHandlers: HandlerMap<'allocate.subnet' | 'allocate.ip'> = {
  'allocate.subnet': (plan, a) => {
    const run = () => {
      const space = spaceId(plan, a.space);
      const version = a.cidr !== undefined ? parseCidr(a.cidr).version : a.family!;
      const scope = buildScope(plan, space, version, { ...a, pool_vlans: a.pool_vlan === undefined ? undefined : [a.pool_vlan] });
      const links = resolveLinks(plan, a);
      const placement = a.cidr !== undefined ? placeChosen(plan, scope, a.cidr) : placeSubnet(plan, scope, a.prefix!);
      const vlan = a.vlan === undefined ? null : vlanId(plan, placement.row.eff_location_id, a.vlan);
      const row = assignSubnet(plan, scope, placement, { links, vlanId: vlan, description: a.description ?? null, service: serviceOf(plan, links.service_id) });
      plan.relabel(`allocate ${row.cidr}${a.customer ? ` to ${a.customer}` : ''}`);
      return { cidr: row.cidr, strategy: placement.strategy, dry_run: a.dry_run, subnet: subnetView(new Keys(plan), row), ...carving(plan) };
    };
    const label = `allocate ${a.cidr ?? `/${a.prefix}`}`;
    return a.dry_run ? plan.rehearse(label, run) : plan.mutate(label, run);
  },
  'allocate.ip': (plan, a) => {
    const run = () => {
      const space = spaceId(plan, a.space);
      const version = a.address !== undefined ? parseAddress(a.address).version : a.family;
      const scope = buildScope(plan, space, version, { ...a, pool_vlans: a.pool_vlan === undefined ? undefined : [a.pool_vlan] });
      const links = resolveLinks(plan, a);
      const placement = a.address !== undefined ? placeChosenIp(plan, scope, a.address) : placeIp(plan, scope);
      const row = assignIp(plan, scope, placement, { ...links, purpose: a.purpose ?? null, description: a.description ?? null }, serviceOf(plan, links.service_id));
      plan.relabel(`allocate ${row.address_text}${a.customer ? ` to ${a.customer}` : ''}`);
      return { address: row.address_text, subnet: placement.pool.cidr, dry_run: a.dry_run, ip: ipView(new Keys(plan), row) };
    };
    const label = `allocate ${a.address ?? `IPv${a.family} address`}`;
    return a.dry_run ? plan.rehearse(label, run) : plan.mutate(label, run);
  },
};

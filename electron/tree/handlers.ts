import { formatAddress, parseAddress } from '../../shared/cidr';
import type { HandlerMap } from '../api/handler';
import { locationCode, locationId, spaceId } from '../catalog/resolve';
import type { Plan } from '../plan';
import { releaseIp, parkIp, unparkIp } from './addresses';
import { capacityOf } from './capacity';
import { ancestorsOf, assertMergeable, mergeSubtree, removeSubnet, requireSubnet, splitTo } from './carve';
import { checkPlan } from './check';
import { createSubnet, editSubnet, parkSubnet, releaseSubnet } from './edit';
import { childrenOf, getIp, getSubnet, subnetsWhere, type SubnetRow } from './rows';
import { Keys, ipView, listIps, listSubnets, pageIps, rangeOf, subnetView } from './view';

function view(plan: Plan, row: SubnetRow) {
  return subnetView(new Keys(plan), row);
}

function canonicalAddress(text: string): string {
  const a = parseAddress(text);
  return formatAddress(a.version, a.value);
}

/** Keeps rows at most `depth` levels below the top of the listing (rows arrive parents first). */
function limitDepth(rows: SubnetRow[], depth: number): SubnetRow[] {
  const level = new Map<number, number>();
  return rows.filter((r) => {
    const d = r.parent_id !== null && level.has(r.parent_id) ? level.get(r.parent_id)! + 1 : 0;
    level.set(r.id, d);
    return d <= depth;
  });
}

export const treeHandlers: HandlerMap<
  | 'subnet.add' | 'subnet.set' | 'subnet.get' | 'subnet.delete' | 'subnet.split' | 'subnet.merge' | 'subnet.park' | 'subnet.unpark'
  | 'subnet.release' | 'ip.list' | 'ip.park' | 'ip.unpark' | 'ip.release' | 'tree.get' | 'capacity.get' | 'check.run'
> = {
  'subnet.add': (plan, a) => ({
    subnet: view(plan, plan.mutate(`add subnet ${a.cidr}`, () => createSubnet(plan, spaceId(plan, a.space), a.cidr, a))),
  }),
  'subnet.set': (plan, a) => ({
    subnet: view(plan, plan.mutate(`edit subnet ${a.cidr}`, () => editSubnet(plan, requireSubnet(plan, spaceId(plan, a.space), a.cidr), a))),
  }),
  'subnet.get': (plan, a) =>
    plan.read(() => {
      const row = requireSubnet(plan, spaceId(plan, a.space), a.cidr);
      const keys = new Keys(plan);
      return {
        subnet: subnetView(keys, row),
        ancestors: ancestorsOf(plan, row).map((r) => subnetView(keys, r)),
        children: childrenOf(plan, row.id).map((r) => subnetView(keys, r)),
      };
    }),
  'subnet.delete': (plan, a) =>
    plan.mutate(`delete subnet ${a.cidr}`, () => {
      const row = requireSubnet(plan, spaceId(plan, a.space), a.cidr);
      removeSubnet(plan, row);
      return { deleted: row.cidr };
    }),
  'subnet.split': (plan, a) =>
    plan.mutate(`split ${a.cidr} into /${a.to}`, () => {
      const rows = splitTo(plan, requireSubnet(plan, spaceId(plan, a.space), a.cidr), a.to);
      const keys = new Keys(plan);
      return { subnets: rows.map((r) => subnetView(keys, getSubnet(plan, r.id))) };
    }),
  'subnet.merge': (plan, a) => ({
    subnet: view(
      plan,
      plan.mutate(`merge ${a.cidr}`, () => {
        const row = requireSubnet(plan, spaceId(plan, a.space), a.cidr);
        assertMergeable(row);
        return mergeSubtree(plan, row);
      }),
    ),
  }),
  'subnet.park': (plan, a) => ({
    subnet: view(plan, plan.mutate(`park ${a.cidr}`, () => parkSubnet(plan, requireSubnet(plan, spaceId(plan, a.space), a.cidr), true))),
  }),
  'subnet.unpark': (plan, a) => ({
    subnet: view(plan, plan.mutate(`unpark ${a.cidr}`, () => parkSubnet(plan, requireSubnet(plan, spaceId(plan, a.space), a.cidr), false))),
  }),
  'subnet.release': (plan, a) =>
    plan.mutate(`release ${a.cidr}`, () => {
      const { subnet, releasedIps } = releaseSubnet(plan, requireSubnet(plan, spaceId(plan, a.space), a.cidr));
      return { subnet: view(plan, subnet), released_ips: releasedIps };
    }),

  'ip.list': (plan, a) =>
    plan.read(() => {
      const space = spaceId(plan, a.space);
      const keys = new Keys(plan);
      const range = a.cidr ? rangeOf(plan, space, a.cidr).range : null;
      if (a.limit === undefined && a.offset === 0 && !a.text?.trim() && a.ptr === 'any') {
        const ips = listIps(plan, space, range).map((r) => ipView(keys, r));
        return { ips, total: ips.length, offset: 0 };
      }
      const page = pageIps(plan, space, range, { text: a.text, ptr: a.ptr, offset: a.offset, limit: a.limit ?? -1 });
      return { ips: page.rows.map((r) => ipView(keys, r)), total: page.total, offset: a.offset };
    }),
  'ip.park': (plan, a) => ({
    ip: ipView(new Keys(plan), plan.mutate(`park ${a.address}`, () => parkIp(plan, spaceId(plan, a.space), a.address))),
  }),
  'ip.unpark': (plan, a) =>
    plan.mutate(`unpark ${a.address}`, () => {
      const row = unparkIp(plan, spaceId(plan, a.space), a.address);
      return { address: canonicalAddress(a.address), ip: row && ipView(new Keys(plan), getIp(plan, row.id)) };
    }),
  'ip.release': (plan, a) =>
    plan.mutate(`release ${a.address}`, () => {
      const row = releaseIp(plan, spaceId(plan, a.space), a.address);
      return { address: canonicalAddress(a.address), ip: row && ipView(new Keys(plan), row) };
    }),

  'tree.get': (plan, a) =>
    plan.read(() => {
      const space = spaceId(plan, a.space);
      const scoped = a.cidr ? rangeOf(plan, space, a.cidr) : null;
      const keys = new Keys(plan);
      let rows = listSubnets(plan, space, scoped?.range ?? null);
      if (a.depth !== undefined) rows = limitDepth(rows, a.depth);
      return { subnets: rows.map((r) => subnetView(keys, r)) };
    }),
  'capacity.get': (plan, a) =>
    plan.read(() => {
      const space = spaceId(plan, a.space);
      const loc = a.location ? locationId(plan, a.location) : null;
      const tops = a.cidr
        ? [requireSubnet(plan, space, a.cidr)]
        : subnetsWhere(plan, 'WHERE space_id = ? AND parent_id IS NULL ORDER BY ip_version, net').all(space);
      return { capacity: tops.map((t) => capacityOf(plan, t, loc, locationCode(plan, loc))) };
    }),
  'check.run': (plan) =>
    plan.read(() => {
      const violations = checkPlan(plan);
      return { ok: violations.length === 0, violations };
    }),
};

/**
 * What a service holds now. The API has no "allocations of a service" query, so this reads the
 * candidates from the provisioning log (the allocations of its last provision) and from a search by
 * service, then keeps only what the plan still links to the service.
 */
import type { Api } from '../../api';

export interface Held {
  kind: 'ip' | 'subnet';
  /** The address or the CIDR. */
  text: string;
  /** The subnet to show on the map: the block itself, or the pool that holds the address. */
  subnet: string;
  space: string;
  purpose: string | null;
  vlan: number | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export async function heldBy(api: Api, service: string): Promise<Held[]> {
  const [{ entries }, found] = await Promise.all([api.call('log.list', { service, limit: 1000 }), api.call('search', { query: service, limit: 200 })]);
  const last = entries.find((e) => e.action === 'ipam_provision' && e.success && e.batch !== null && !('skipped' in e.details));
  const candidates: Held[] = [];
  if (last) {
    for (const e of entries) {
      if (e.batch !== last.batch || !e.success) continue;
      const space = str(e.details.space) ?? 'global';
      const vlan = typeof e.details.vlan === 'number' ? e.details.vlan : null;
      if (e.action === 'ipam_allocate_ip' && str(e.details.address) && str(e.details.subnet)) {
        candidates.push({ kind: 'ip', text: str(e.details.address)!, subnet: str(e.details.subnet)!, space, purpose: str(e.details.purpose), vlan });
      } else if (e.action === 'ipam_allocate_subnet' && str(e.details.cidr)) {
        candidates.push({ kind: 'subnet', text: str(e.details.cidr)!, subnet: str(e.details.cidr)!, space, purpose: null, vlan });
      }
    }
  }
  for (const m of found.matches) {
    if (m.reason === 'service' && m.subnet.service === service && !candidates.some((c) => c.kind === 'subnet' && c.text === m.cidr && c.space === m.space)) {
      candidates.push({ kind: 'subnet', text: m.cidr, subnet: m.cidr, space: m.space, purpose: m.subnet.description, vlan: m.subnet.effective_vlan });
    }
  }
  const held: Held[] = [];
  // Subnets: still allocated to the service. Addresses: still recorded for it in their pool.
  const pools = new Map<string, Promise<Set<string>>>();
  const addressesOf = (space: string, cidr: string) => {
    const key = `${space} ${cidr}`;
    let p = pools.get(key);
    if (!p) {
      p = api.call('ip.list', { space, cidr }).then(
        (r) => new Set(r.ips.filter((i) => i.service === service).map((i) => i.address)),
        () => new Set<string>(),
      );
      pools.set(key, p);
    }
    return p;
  };
  await Promise.all(
    candidates.map(async (c) => {
      if (c.kind === 'ip') {
        if ((await addressesOf(c.space, c.subnet)).has(c.text)) held.push(c);
        return;
      }
      const got = await api.call('subnet.get', { space: c.space, cidr: c.text }).catch(() => null);
      if (got && got.subnet.allocation_status === 'allocated' && got.subnet.service === service) held.push({ ...c, purpose: c.purpose ?? got.subnet.description });
    }),
  );
  return held.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'ip' ? -1 : 1));
}

/**
 * BIND zone files for the internal provider: the plan is the source. SOA and NS come from the rDNS
 * settings; the records are the zone's PTRs, the CNAMEs its RFC 2317 children need, and NS records
 * delegating every child zone of the plan that lies inside it.
 */
import { containsPrefix, formatCidr } from '../../shared/cidr';
import { classlessCnames, parentOctetZone, parseZone } from '../../shared/cidr/reverse';
import { FluxError } from '../../shared/errors';
import type { RdnsSettings } from '../../shared/rdns';
import type { Plan } from '../plan';
import { readSettings } from './settings';
import { SpaceZones, desiredZones, type ZoneInfo } from './zones';

const fqdn = (n: string) => `${n.replace(/\.$/, '')}.`;

function relative(name: string, origin: string): string {
  if (name === origin) return '@';
  return name.endsWith(`.${origin}`) ? name.slice(0, -origin.length - 1) : fqdn(name);
}

export function soaOf(settings: RdnsSettings): { mname: string; rname: string } {
  if (!settings.ns.length) {
    throw new FluxError('INVALID_ARGUMENT', 'A zone file needs name servers for its SOA and NS records; set them with: rdns settings set --ns ns1.example.net --ns ns2.example.net');
  }
  const mname = settings.soa_mname ?? settings.ns[0]!;
  const rname = settings.soa_rname ?? `hostmaster.${mname.split('.').slice(1).join('.') || mname}`;
  return { mname, rname };
}

export function zoneFile(plan: Plan, spaceId: number, zoneText: string, now = new Date()): { zone: string; text: string } {
  const asked = parseZone(zoneText);
  const zones = new SpaceZones(plan, spaceId);
  const all = zones.all();
  const zone = all.find((z) => formatCidr(z.prefix) === formatCidr(asked.prefix));
  if (!zone) {
    throw new FluxError(
      'NOT_FOUND',
      `Zone ${asked.name} is neither declared nor derived from a root subnet of space ${plan.spaceName(spaceId)}; declare it with: rdns zone add ${asked.name}`,
    );
  }
  const settings = readSettings(plan);
  const { mname, rname } = soaOf(settings);
  const origin = zone.name;
  const serial = Math.floor(now.getTime() / 1000);
  const lines = [
    `; ${origin} (${formatCidr(zone.prefix)}), exported by FluxPlan ${now.toISOString()}`,
    `$ORIGIN ${fqdn(origin)}`,
    `$TTL ${settings.ttl}`,
    `@\tIN\tSOA\t${fqdn(mname)} ${fqdn(rname)} ${serial} ${settings.refresh} ${settings.retry} ${settings.expire} ${settings.minimum}`,
    ...settings.ns.map((ns) => `@\tIN\tNS\t${fqdn(ns)}`),
  ];
  const children = all.filter((c: ZoneInfo) => c.prefix.len > zone.prefix.len && containsPrefix(zone.prefix, c.prefix) && !all.some((m) => m !== c && m.prefix.len > zone.prefix.len && m.prefix.len < c.prefix.len && containsPrefix(m.prefix, c.prefix)));
  if (children.length) {
    lines.push('', '; delegations to the zones of the plan inside this one');
    for (const c of children) for (const ns of settings.ns) lines.push(`${relative(c.name, origin)}\tIN\tNS\t${fqdn(ns)}`);
  }
  const records = [...(desiredZones(plan, zones).get(zone.name)?.records.values() ?? [])];
  const cnames = records.filter((r) => r.type === 'CNAME');
  const ptrs = records.filter((r) => r.type === 'PTR');
  if (cnames.length) {
    lines.push('', '; RFC 2317: addresses of classless child zones');
    for (const r of cnames) lines.push(`${relative(r.name, origin)}\tIN\tCNAME\t${fqdn(r.content)}`);
  }
  lines.push('', ptrs.length ? '; PTRs' : '; no PTR names in the plan for this zone yet');
  for (const r of ptrs) lines.push(`${relative(r.name, origin)}\tIN\tPTR\t${fqdn(r.content)}`);
  if (zone.kind === 'classless') {
    const parent = parentOctetZone(zone).name;
    lines.push('', `; RFC 2317: the parent zone ${parent} must delegate this zone and alias its addresses here:`);
    for (const ns of settings.ns) lines.push(`;   ${fqdn(zone.name)}\tIN\tNS\t${fqdn(ns)}`);
    for (const c of classlessCnames(zone)) lines.push(`;   ${fqdn(c.name)}\tIN\tCNAME\t${fqdn(c.target)}`);
  }
  return { zone: zone.name, text: `${lines.join('\n')}\n` };
}

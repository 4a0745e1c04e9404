/**
 * Which reverse zone holds each PTR, and what every zone should contain according to the plan.
 * An address belongs to the most specific zone holding it, declared or derived from its root subnet
 * (see `zonesCovering`: a root /16 is one /16 zone, a root /23 two /24 zones, a root /26 one
 * RFC 2317 classless zone, a root IPv6 /47 two /48 zones).
 */
import { addressKey, formatCidr, keyValue, type Address, type IpVersion, type Prefix } from '../../shared/cidr';
import { classlessCnames, coveringZoneOf, parentOctetZone, parseZone, ptrNameIn, zonesCovering, type ReverseZone } from '../../shared/cidr/reverse';
import type { DnsRecord, ZoneView } from '../../shared/rdns';
import type { Plan } from '../plan';
import { prefixOf } from '../tree/carve';
import { subnetsWhere } from '../tree/rows';
import { declaredZones, type DeclaredZone, type ProviderRow } from './store';

export interface ZoneInfo extends ReverseZone {
  declared: boolean;
  providerId: number | null;
}

export interface DesiredZone {
  zone: ZoneInfo;
  /** By `recordKey`. */
  records: Map<string, DnsRecord>;
  /** PTR record key to the IP record it comes from. */
  ips: Map<string, number>;
}

export const recordKey = (r: Pick<DnsRecord, 'name' | 'type'>) => `${r.name.toLowerCase()} ${r.type}`;

const fromDeclared = (z: DeclaredZone): ZoneInfo => ({ name: z.name, prefix: z.prefix, kind: z.kind, style: z.style, declared: true, providerId: z.row.provider_id });
const derived = (z: ReverseZone): ZoneInfo => ({ ...z, declared: false, providerId: null });

/** The zones of one space: declared, and derived from its root subnets. */
export class SpaceZones {
  readonly declared: ZoneInfo[];

  constructor(
    private readonly plan: Plan,
    readonly spaceId: number,
  ) {
    this.declared = declaredZones(plan, spaceId).map(fromDeclared);
  }

  roots(): Prefix[] {
    return subnetsWhere(this.plan, 'WHERE space_id = ? AND parent_id IS NULL ORDER BY ip_version, net').all(this.spaceId).map(prefixOf);
  }

  private rootOf(a: Address): Prefix | null {
    const key = addressKey(a.version, a.value);
    const row = subnetsWhere(this.plan, 'WHERE space_id = ? AND ip_version = ? AND parent_id IS NULL AND net <= ? ORDER BY net DESC LIMIT 1').get(this.spaceId, a.version, key);
    if (!row) return null;
    const p = prefixOf(row);
    return (a.value >> BigInt((a.version === 4 ? 32 : 128) - p.len)) === (p.net >> BigInt((a.version === 4 ? 32 : 128) - p.len)) ? p : null;
  }

  /**
   * The zone that holds an address's PTR: the most specific of the declared zones holding it and the
   * zone derived from its root (a declared zone of the same block wins); null when neither exists.
   */
  zoneOf(a: Address): ZoneInfo | null {
    let best: ZoneInfo | null = null;
    for (const z of this.declared) {
      if (z.prefix.version !== a.version || (best && z.prefix.len <= best.prefix.len)) continue;
      const shift = BigInt((a.version === 4 ? 32 : 128) - z.prefix.len);
      if (a.value >> shift === z.prefix.net >> shift) best = z;
    }
    const root = this.rootOf(a);
    const fromRoot = root ? derived(coveringZoneOf(root, a)) : null;
    if (fromRoot && (!best || fromRoot.prefix.len > best.prefix.len)) return fromRoot;
    return best;
  }

  /** Declared zones and the zones derived from roots (a declared zone replaces a derived one of the same block). */
  all(): ZoneInfo[] {
    const byCidr = new Map<string, ZoneInfo>();
    for (const root of this.roots()) for (const z of zonesCovering(root)) byCidr.set(formatCidr(z.prefix), derived(z));
    for (const z of this.declared) byCidr.set(formatCidr(z.prefix), z);
    return [...byCidr.values()].sort(compareZones);
  }
}

function compareZones(a: ZoneInfo, b: ZoneInfo): number {
  if (a.prefix.version !== b.prefix.version) return a.prefix.version - b.prefix.version;
  if (a.prefix.net !== b.prefix.net) return a.prefix.net < b.prefix.net ? -1 : 1;
  return a.prefix.len - b.prefix.len;
}

/**
 * What every zone of a space should hold: one PTR per IP record with a name, and in a /24 zone of
 * the plan the CNAMEs its RFC 2317 classless children need.
 */
export function desiredZones(plan: Plan, zones: SpaceZones): Map<string, DesiredZone> {
  const out = new Map<string, DesiredZone>();
  const entry = (zone: ZoneInfo) => {
    let d = out.get(zone.name);
    if (!d) out.set(zone.name, (d = { zone, records: new Map(), ips: new Map() }));
    return d;
  };
  const rows = plan
    .q('SELECT id, ip_version, address, rdns FROM ip_addresses WHERE space_id = ? AND rdns IS NOT NULL ORDER BY ip_version, address')
    .all(zones.spaceId) as Array<{ id: number; ip_version: IpVersion; address: Buffer; rdns: string }>;
  for (const r of rows) {
    const a = { version: r.ip_version, value: keyValue(r.address) };
    const zone = zones.zoneOf(a);
    if (!zone) continue;
    const rec: DnsRecord = { name: ptrNameIn(a, zone), type: 'PTR', content: r.rdns };
    const d = entry(zone);
    d.records.set(recordKey(rec), rec);
    d.ips.set(recordKey(rec), r.id);
  }
  const all = zones.all();
  const byName = new Map(all.map((z) => [z.name, z]));
  for (const z of all) {
    if (z.kind !== 'classless') continue;
    const parent = byName.get(parentOctetZone(z).name);
    if (!parent) continue;
    const d = entry(parent);
    for (const c of classlessCnames(z)) {
      const rec: DnsRecord = { name: c.name, type: 'CNAME', content: c.target };
      d.records.set(recordKey(rec), rec);
    }
  }
  return out;
}

/** Declared zones a provider serves alone; when it has none it serves every zone not declared for another provider. */
export function servesZone(provider: ProviderRow, assigned: number, zone: ZoneInfo): boolean {
  return assigned > 0 ? zone.providerId === provider.id : zone.providerId === null || zone.providerId === provider.id;
}

/**
 * The zones a push to this provider visits, with what each should hold: its zones with records in
 * the plan, its declared zones, and every zone it holds records of from an earlier push (so that
 * removed names are deleted).
 */
export function providerZones(plan: Plan, provider: ProviderRow): DesiredZone[] {
  const zones = new SpaceZones(plan, provider.space_id);
  const desired = desiredZones(plan, zones);
  const assigned = zones.declared.filter((z) => z.providerId === provider.id).length;
  const out = new Map<string, DesiredZone>();
  for (const d of desired.values()) if (servesZone(provider, assigned, d.zone)) out.set(d.zone.name, d);
  for (const z of zones.declared) if (z.providerId === provider.id && !out.has(z.name)) out.set(z.name, { zone: z, records: new Map(), ips: new Map() });
  const pushed = plan.q('SELECT DISTINCT zone FROM rdns_pushed WHERE provider_id = ?').all(provider.id) as Array<{ zone: string }>;
  const known = new Map(zones.all().map((z) => [z.name, z]));
  for (const { zone } of pushed) {
    if (out.has(zone)) continue;
    const info = known.get(zone) ?? lostZone(zone);
    if (info) out.set(zone, { zone: info, records: new Map(), ips: new Map() });
  }
  return [...out.values()].sort((a, b) => compareZones(a.zone, b.zone));
}

/** A zone FluxPlan pushed to once that the plan no longer has (its root was deleted, say). */
function lostZone(name: string): ZoneInfo | null {
  try {
    return derived(parseZone(name));
  } catch {
    return null;
  }
}

export function zoneView(space: string, zone: ZoneInfo, ptrs: number, providerName: string | null): ZoneView {
  return {
    name: zone.name,
    cidr: formatCidr(zone.prefix),
    space,
    kind: zone.kind,
    style: zone.style,
    declared: zone.declared,
    provider: providerName,
    ptrs,
    parent: zone.kind === 'classless' ? parentOctetZone(zone).name : null,
    cnames: classlessCnames(zone),
  };
}

/** The reverse DNS share of the handler table. */
import type { HandlerMap } from '../api/handler';
import { spaceId } from '../catalog/resolve';
import type { Plan } from '../plan';
import { Keys, ipView } from '../tree/view';
import { zoneFile } from './bind';
import { fillPattern, setRdns } from './edit';
import { pendingFor, push } from './push';
import { readSettings, writeSettings } from './settings';
import { addProvider, addZone, providers, removeProvider, removeZone, requireProvider, setProvider, zoneIdsOf, type ProviderRow } from './store';
import { SpaceZones, desiredZones, servesZone, zoneView } from './zones';

function providerView(plan: Plan, p: ProviderRow) {
  const zones = plan.q('SELECT name FROM rdns_zones WHERE provider_id = ? ORDER BY name').all(p.id) as Array<{ name: string }>;
  return {
    id: p.id,
    name: p.name,
    type: p.type,
    space: plan.spaceName(p.space_id),
    url: p.url,
    secret_file: p.secret_file,
    create_zones: !!p.create_zones,
    zone_ids: zoneIdsOf(p),
    zones: zones.map((z) => z.name),
    pending: pendingFor(plan, p).pending,
  };
}

function providerNames(plan: Plan): Map<number, string> {
  return new Map(providers(plan).map((p) => [p.id, p.name]));
}

export const rdnsHandlers: HandlerMap<
  | 'rdns.set' | 'rdns.pattern' | 'rdns.settings.get' | 'rdns.settings.set' | 'rdns.zone.add' | 'rdns.zone.remove' | 'rdns.zone.list'
  | 'rdns.zone.file' | 'rdns.provider.add' | 'rdns.provider.set' | 'rdns.provider.remove' | 'rdns.provider.list' | 'rdns.pending' | 'rdns.push'
> = {
  'rdns.set': (plan, a) =>
    plan.mutate(`rdns ${a.address} ${a.name.trim() || '(cleared)'}`, () => {
      const r = setRdns(plan, spaceId(plan, a.space), a.address, a.name);
      return { address: r.address, rdns: r.rdns, previous: r.previous, ip: r.ip && ipView(new Keys(plan), r.ip) };
    }),
  'rdns.pattern': (plan, a) => {
    const run = () => fillPattern(plan, spaceId(plan, a.space), a.cidr, a.pattern, a.dry_run, a.only_empty);
    return a.dry_run ? plan.read(run) : plan.mutate(`rdns pattern ${a.cidr} ${a.pattern}`, run);
  },

  'rdns.settings.get': (plan) => plan.read(() => ({ settings: readSettings(plan) })),
  'rdns.settings.set': (plan, a) => plan.mutate('rdns settings', () => ({ settings: writeSettings(plan, a) })),

  'rdns.zone.add': (plan, a) =>
    plan.mutate(`declare rDNS zone ${a.zone}`, () => {
      const space = spaceId(plan, a.space);
      const z = addZone(plan, space, a);
      const ptrs = [...(desiredZones(plan, new SpaceZones(plan, space)).get(z.name)?.records.values() ?? [])].filter((r) => r.type === 'PTR').length;
      return { zone: zoneView(a.space, { ...z, declared: true, providerId: z.row.provider_id }, ptrs, a.provider ?? null) };
    }),
  'rdns.zone.remove': (plan, a) => plan.mutate(`remove rDNS zone ${a.zone}`, () => ({ removed: removeZone(plan, spaceId(plan, a.space), a.zone) })),
  'rdns.zone.list': (plan, a) =>
    plan.read(() => {
      const space = spaceId(plan, a.space);
      const zones = new SpaceZones(plan, space);
      const desired = desiredZones(plan, zones);
      const names = providerNames(plan);
      let list = zones.all();
      if (a.provider !== undefined) {
        const p = requireProvider(plan, a.provider);
        const assigned = zones.declared.filter((z) => z.providerId === p.id).length;
        list = p.space_id === space ? list.filter((z) => servesZone(p, assigned, z)) : [];
      }
      return {
        zones: list.map((z) => {
          const ptrs = [...(desired.get(z.name)?.records.values() ?? [])].filter((r) => r.type === 'PTR').length;
          return zoneView(a.space, z, ptrs, z.providerId === null ? null : names.get(z.providerId) ?? null);
        }),
      };
    }),
  'rdns.zone.file': (plan, a) => plan.read(() => zoneFile(plan, spaceId(plan, a.space), a.zone)),

  'rdns.provider.add': (plan, a) =>
    plan.mutate(`add rDNS provider ${a.name}`, () => providerResult(plan, addProvider(plan, spaceId(plan, a.space), a))),
  'rdns.provider.set': (plan, a) => plan.mutate(`edit rDNS provider ${a.name}`, () => providerResult(plan, setProvider(plan, a.name, a))),
  'rdns.provider.remove': (plan, a) =>
    plan.mutate(`remove rDNS provider ${a.name}`, () => {
      removeProvider(plan, a.name);
      return { removed: a.name };
    }),
  'rdns.provider.list': (plan) => plan.read(() => ({ providers: providers(plan).map((p) => providerView(plan, p)) })),

  'rdns.pending': (plan, a) =>
    plan.read(() => ({ providers: (a.provider !== undefined ? [requireProvider(plan, a.provider)] : providers(plan)).map((p) => pendingFor(plan, p)) })),
  'rdns.push': (plan, a) => push(plan, a),
};

function providerResult(plan: Plan, p: ProviderRow) {
  return { provider: providerView(plan, p) };
}

/**
 * `fluxplan rdns ...`: PTR names, patterns, zones, providers, pending counts and push.
 * Other tools script against these words and flags; keep them.
 */
import type { Command, Flag, FlagType } from '../cli/commands';

// A local twin of cli/commands' `flag`: importing the value would close an import cycle.
const f = (name: string, type: FlagType, help: string, extra: Partial<Flag> = {}): Flag => ({ name, type, help, ...extra });

type Row = Record<string, unknown>;

function table(rows: Row[], columns: string[]): string {
  if (!rows.length) return '(none)';
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : '') : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function pushText(r: any): string {
  const lines: string[] = [];
  for (const z of r.zones) {
    const counts = r.dry_run
      ? `${z.created.length} to create, ${z.changed.length} to change, ${z.deleted.length} to delete, ${z.failed.length} failed`
      : `${z.created.length} created, ${z.changed.length} changed, ${z.deleted.length} deleted, ${z.failed.length} failed`;
    lines.push(`${z.provider} ${z.zone}: ${z.status}${z.zone_created ? `, zone ${r.dry_run ? 'to be ' : ''}created` : ''}${z.error ? `: ${z.error}` : ` (${counts})`}`);
    const verb = r.dry_run ? ['would create', 'would change', 'would delete'] : ['created', 'changed', 'deleted'];
    for (const c of z.created) lines.push(`  ${verb[0]} ${c.name} ${c.type} ${c.content}`);
    for (const c of z.changed) lines.push(`  ${verb[1]} ${c.name} ${c.type} ${c.from} -> ${c.to}`);
    for (const c of z.deleted) lines.push(`  ${verb[2]} ${c.name} ${c.type} ${c.content}`);
    for (const c of z.failed) lines.push(`  FAILED ${c.name} ${c.type}: ${c.error}`);
  }
  if (!r.zones.length) lines.push('Nothing to push: no zone has PTRs for these providers.');
  lines.push(...r.pending.map((p: any) => `${p.provider}: ${plural(p.pending, 'record')} pending`));
  return lines.join('\n');
}

export const rdnsCommands: Command[] = [
  {
    words: ['rdns', 'set'], method: 'rdns.set', positionals: [{ name: 'ADDRESS', field: 'address' }, { name: 'NAME', field: 'name' }], flags: [],
    summary: 'set the PTR name of an address ("" clears it)',
    human: (r: any) => (r.rdns === null ? `Cleared the PTR name of ${r.address}${r.previous ? ` (was ${r.previous})` : ''}` : `${r.address} -> ${r.rdns}`),
  },
  {
    words: ['rdns', 'pattern'], method: 'rdns.pattern', positionals: [{ name: 'CIDR', field: 'cidr' }, { name: 'PATTERN', field: 'pattern' }],
    flags: [f('dry-run', 'bool', 'show the names, write nothing'), f('only-empty', 'bool', 'leave addresses that already have a name')],
    summary: 'name the IP records of a subnet from a pattern, e.g. {ip-dashed}.static.example.net',
    human: (r: any) =>
      [
        `${r.dry_run ? 'Would name' : 'Named'} ${plural(r.changes.length, 'address', 'addresses')} in ${r.cidr}${r.unchanged ? ` (${r.unchanged} unchanged)` : ''}`,
        ...r.changes.map((c: any) => `  ${c.address.padEnd(16)} ${c.from ? `${c.from} -> ` : ''}${c.to}`),
      ].join('\n'),
  },
  {
    words: ['rdns', 'settings'], method: 'rdns.settings.get', positionals: [], flags: [], summary: 'show the SOA and NS values used for zone files and created zones',
    human: (r: any) => Object.entries(r.settings).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') || '(none)' : v ?? '(default)'}`).join('\n'),
  },
  {
    words: ['rdns', 'settings', 'set'], method: 'rdns.settings.set', positionals: [],
    flags: [
      f('ns', 'list', 'a name server (repeatable; replaces the list)'), f('soa-mname', 'nullable-string', 'SOA primary name server (default: the first --ns)'),
      f('hostmaster', 'nullable-string', 'SOA contact, e.g. hostmaster@example.net', { field: 'soa_rname' }),
      f('ttl', 'int', 'record TTL in seconds (default 3600)'), f('refresh', 'int', 'SOA refresh'), f('retry', 'int', 'SOA retry'),
      f('expire', 'int', 'SOA expire'), f('minimum', 'int', 'SOA minimum (negative caching TTL)'),
    ],
    summary: 'change the SOA and NS values',
    human: (r: any) => `Saved: ns ${r.settings.ns.join(', ') || '(none)'}, ttl ${r.settings.ttl}`,
  },
  {
    words: ['rdns', 'zone', 'add'], method: 'rdns.zone.add', positionals: [{ name: 'ZONE', field: 'zone' }],
    flags: [f('style', 'string', 'classless zones: slash (64/26) or dash (64-127)'), f('provider', 'string', 'only this provider serves the zone')],
    summary: 'declare a reverse zone by name or CIDR (IPv4 /8 /16 /24, /25-/31 RFC 2317; IPv6 nibbles)',
    human: (r: any) =>
      [
        `Declared ${r.zone.name} (${r.zone.cidr})${r.zone.provider ? ` at ${r.zone.provider}` : ''}`,
        ...(r.zone.parent ? [`  the parent zone ${r.zone.parent} needs NS records for it and ${r.zone.cnames.length} CNAMEs (rdns zone list --json lists them)`] : []),
      ].join('\n'),
  },
  { words: ['rdns', 'zone', 'remove'], method: 'rdns.zone.remove', positionals: [{ name: 'ZONE', field: 'zone' }], flags: [], summary: 'remove a declared zone', human: (r: any) => `Removed zone ${r.removed}` },
  {
    words: ['rdns', 'zone', 'list'], method: 'rdns.zone.list', positionals: [], flags: [f('provider', 'string', 'only the zones this provider serves')],
    summary: 'list declared zones and the zones derived from root subnets',
    human: (r: any) =>
      [
        table(r.zones.map((z: any) => ({ ...z, declared: z.declared ? 'declared' : 'derived' })), ['name', 'cidr', 'kind', 'declared', 'provider', 'ptrs']),
        ...r.zones.filter((z: any) => z.parent).map((z: any) => `${z.name}: the parent zone ${z.parent} needs NS records and ${z.cnames.length} CNAMEs (first: ${z.cnames[0]?.name} CNAME ${z.cnames[0]?.target})`),
      ].join('\n'),
  },
  { words: ['rdns', 'zone-file'], method: 'rdns.zone.file', positionals: [{ name: 'ZONE', field: 'zone' }], flags: [], summary: 'print a BIND zone file for a reverse zone', human: (r: any) => r.text.trimEnd() },
  {
    words: ['rdns', 'provider', 'add'], method: 'rdns.provider.add', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [
      f('type', 'string', 'internal, powerdns or cloudflare (required)'),
      f('url', 'string', 'PowerDNS: the API server\'s base, e.g. http://127.0.0.1:8081; Cloudflare: the API base (default https://api.cloudflare.com/client/v4)'),
      f('zone-id', 'list', 'ZONE=ID: the provider\'s id of a reverse zone (Cloudflare; repeatable)', { field: 'zone_ids' }),
      f('secret-file', 'string', 'file holding the API key or token; only its owner may read it'),
      f('create-zones', 'bool', 'PowerDNS: create missing zones when pushing'),
    ],
    summary: 'add a provider that PTRs are pushed to (the plan\'s --space)',
    human: (r: any) => `Added rDNS provider ${r.provider.name} (${r.provider.type}${r.provider.url ? ` at ${r.provider.url}` : ''})`,
  },
  {
    words: ['rdns', 'provider', 'set'], method: 'rdns.provider.set', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [
      f('url', 'nullable-string', 'the API base ("" resets)'),
      f('zone-id', 'list', 'ZONE=ID (repeatable; replaces the list)', { field: 'zone_ids' }),
      f('secret-file', 'nullable-string', 'file holding the API key or token ("" forgets it)'),
      f('create-zones', 'bool', 'create missing zones when pushing'),
      f('no-create-zones', 'bool', 'never create zones', { field: 'create_zones', value: false }),
    ],
    summary: 'change a provider',
    human: (r: any) => `Updated rDNS provider ${r.provider.name}`,
  },
  { words: ['rdns', 'provider', 'remove'], method: 'rdns.provider.remove', positionals: [{ name: 'NAME', field: 'name' }], flags: [], summary: 'remove a provider', human: (r: any) => `Removed rDNS provider ${r.removed}` },
  {
    words: ['rdns', 'provider', 'list'], method: 'rdns.provider.list', positionals: [], flags: [], summary: 'list providers with their pending counts',
    human: (r: any) => table(r.providers.map((p: any) => ({ ...p, zones: p.zones.join(' ') })), ['name', 'type', 'space', 'url', 'secret_file', 'zones', 'pending']),
  },
  {
    words: ['rdns', 'pending'], method: 'rdns.pending', positionals: [], flags: [f('provider', 'string', 'only this provider')],
    summary: 'how many PTRs wait to be pushed, per provider and zone (offline)',
    human: (r: any) =>
      r.providers
        .map((p: any) =>
          [
            `${p.provider} (${p.type}): ${p.type === 'internal' ? 'the plan is the source, nothing to push' : `${plural(p.pending, 'record')} pending (${p.create} to create, ${p.change} to change, ${p.delete} to delete)`}`,
            ...p.zones.map((z: any) => `  ${z.zone}: +${z.create} ~${z.change} -${z.delete}`),
          ].join('\n'),
        )
        .join('\n') || 'No rDNS providers.',
  },
  {
    words: ['rdns', 'push'], method: 'rdns.push', positionals: [],
    flags: [f('provider', 'string', 'only this provider (default: every non-internal one)'), f('dry-run', 'bool', 'read the providers and show the diff, write nothing')],
    summary: 'push PTRs: read each zone, apply the diff (only FluxPlan\'s records); exit 1 if a zone failed',
    human: pushText,
    exitCode: (r: { ok: boolean }) => (r.ok ? 0 : 1),
  },
];

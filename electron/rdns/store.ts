/** Providers and declared reverse zones: journaled catalog rows (never a secret, only the path of a secret file). */
import { isAbsolute, resolve } from 'node:path';
import { formatCidr } from '../../shared/cidr';
import { parseZone, type ClasslessStyle, type ReverseZone } from '../../shared/cidr/reverse';
import { FluxError } from '../../shared/errors';
import type { ProviderType } from '../../shared/rdns';
import { deleteRow, insertRow, updateRow } from '../catalog/rows';
import type { Plan } from '../plan';
import { checkSecretFile } from './secret';

export interface ProviderRow {
  id: number;
  name: string;
  type: ProviderType;
  space_id: number;
  url: string | null;
  secret_file: string | null;
  create_zones: 0 | 1;
  zone_ids: string;
  created_at: string;
  updated_at: string;
}

export interface ZoneRow {
  id: number;
  space_id: number;
  cidr: string;
  name: string;
  style: ClasslessStyle | null;
  provider_id: number | null;
}

/** A declared zone with its parsed block. */
export interface DeclaredZone extends ReverseZone {
  row: ZoneRow;
}

type Row = Record<string, unknown> & { id: number };

export const CLOUDFLARE_API = 'https://api.cloudflare.com/client/v4';

export function providers(plan: Plan): ProviderRow[] {
  return plan.q('SELECT * FROM rdns_providers ORDER BY name').all() as ProviderRow[];
}

export function findProvider(plan: Plan, name: string): ProviderRow | undefined {
  return plan.q('SELECT * FROM rdns_providers WHERE name = ?').get(name) as ProviderRow | undefined;
}

export function requireProvider(plan: Plan, name: string): ProviderRow {
  const row = findProvider(plan, name);
  if (!row) throw new FluxError('NOT_FOUND', `rDNS provider ${name} does not exist (add it with: rdns provider add ${name} --type internal|powerdns|cloudflare)`);
  return row;
}

export function zoneIdsOf(row: ProviderRow): Record<string, string> {
  return JSON.parse(row.zone_ids) as Record<string, string>;
}

function checkName(name: string): string {
  const n = name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(n)) {
    throw new FluxError('INVALID_ARGUMENT', `provider name "${name}" must start with a letter or digit and hold only letters, digits, ".", "_" and "-" (at most 63)`);
  }
  return n;
}

function checkUrl(type: ProviderType, url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FluxError('INVALID_ARGUMENT', `--url: "${url}" is not a URL (e.g. http://127.0.0.1:8081)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new FluxError('INVALID_ARGUMENT', `--url: "${url}" must be http:// or https://`);
  if (u.username || u.password) throw new FluxError('INVALID_ARGUMENT', `--url: put no credentials in the URL; use --secret-file`);
  if (u.search || u.hash) throw new FluxError('INVALID_ARGUMENT', `--url: "${url}" must not carry a query or fragment`);
  if (type === 'powerdns' && /\/api(\/v1)?\/?$/.test(u.pathname)) {
    throw new FluxError('INVALID_ARGUMENT', `--url: give the PowerDNS API server's base (e.g. http://127.0.0.1:8081), without /api/v1`);
  }
  return u.toString().replace(/\/+$/, '');
}

/** `ZONE=ID` pairs (or an object) keyed by canonical zone name. */
export function parseZoneIds(input: string[] | Record<string, string>): Record<string, string> {
  const pairs: Array<[string, string, string]> = Array.isArray(input)
    ? input.map((p) => {
        const eq = p.lastIndexOf('=');
        if (eq <= 0) throw new FluxError('INVALID_ARGUMENT', `--zone-id: "${p}" is not ZONE=ID (e.g. 113.0.203.in-addr.arpa=023e105f4ecef8ad9ca31a8372d0c353)`);
        return [p.slice(0, eq), p.slice(eq + 1), p];
      })
    : Object.entries(input).map(([k, v]) => [k, v, `${k}=${v}`]);
  const out: Record<string, string> = {};
  for (const [zone, id, text] of pairs) {
    let z: ReverseZone;
    try {
      z = parseZone(zone);
    } catch (e) {
      throw new FluxError('INVALID_ARGUMENT', `--zone-id "${text}": ${(e as Error).message}`);
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id.trim())) throw new FluxError('INVALID_ARGUMENT', `--zone-id "${text}": the id "${id}" must be 1-64 letters, digits, "_" or "-"`);
    out[z.name] = id.trim();
  }
  return out;
}

function secretPath(file: string): string {
  const path = isAbsolute(file) ? file : resolve(file);
  checkSecretFile(path);
  return path;
}

export interface ProviderInput {
  name: string;
  type: ProviderType;
  url?: string | undefined;
  zone_ids?: string[] | Record<string, string> | undefined;
  secret_file?: string | undefined;
  create_zones: boolean;
}

function checkType(type: ProviderType, v: { url: string | null; zone_ids: Record<string, string>; secret_file: string | null; create_zones: boolean }): void {
  if (type === 'internal') {
    const extra = [v.url && '--url', Object.keys(v.zone_ids).length && '--zone-id', v.secret_file && '--secret-file', v.create_zones && '--create-zones'].filter(Boolean);
    if (extra.length) throw new FluxError('INVALID_ARGUMENT', `an internal provider keeps PTRs in the plan and exports zone files; it takes no ${extra.join(', ')}`);
  }
  if (type === 'powerdns' && !v.url) throw new FluxError('INVALID_ARGUMENT', `a powerdns provider needs --url, the API server's base (e.g. http://127.0.0.1:8081)`);
  if (type !== 'powerdns' && v.create_zones) {
    throw new FluxError('INVALID_ARGUMENT', `--create-zones applies to PowerDNS only${type === 'cloudflare' ? '; Cloudflare zones are created in Cloudflare' : ''}`);
  }
  if (type === 'powerdns' && Object.keys(v.zone_ids).length) throw new FluxError('INVALID_ARGUMENT', `--zone-id applies to Cloudflare; PowerDNS zones are named by their reverse zone name`);
}

export function addProvider(plan: Plan, spaceId: number, input: ProviderInput): ProviderRow {
  const name = checkName(input.name);
  if (findProvider(plan, name)) throw new FluxError('EXISTS', `rDNS provider ${name} already exists; change it with: rdns provider set ${name}`);
  const values = {
    url: input.url ? checkUrl(input.type, input.url) : input.type === 'cloudflare' ? CLOUDFLARE_API : null,
    zone_ids: input.zone_ids ? parseZoneIds(input.zone_ids) : {},
    secret_file: input.secret_file ? secretPath(input.secret_file) : null,
    create_zones: input.create_zones,
  };
  checkType(input.type, values);
  return insertRow(plan, 'rdns_provider', {
    name, type: input.type, space_id: spaceId, url: values.url, secret_file: values.secret_file,
    create_zones: values.create_zones ? 1 : 0, zone_ids: JSON.stringify(values.zone_ids),
  }) as unknown as ProviderRow;
}

export interface ProviderPatch {
  url?: string | null | undefined;
  zone_ids?: string[] | Record<string, string> | undefined;
  secret_file?: string | null | undefined;
  create_zones?: boolean | undefined;
}

export function setProvider(plan: Plan, name: string, patch: ProviderPatch): ProviderRow {
  const row = requireProvider(plan, name);
  const values = {
    url: patch.url === undefined ? row.url : patch.url === null || patch.url === '' ? (row.type === 'cloudflare' ? CLOUDFLARE_API : null) : checkUrl(row.type, patch.url),
    zone_ids: patch.zone_ids === undefined ? zoneIdsOf(row) : parseZoneIds(patch.zone_ids),
    secret_file: patch.secret_file === undefined ? row.secret_file : patch.secret_file === null || patch.secret_file === '' ? null : secretPath(patch.secret_file),
    create_zones: patch.create_zones === undefined ? !!row.create_zones : patch.create_zones,
  };
  checkType(row.type, values);
  return updateRow(plan, 'rdns_provider', row as unknown as Row, {
    url: values.url, zone_ids: JSON.stringify(values.zone_ids), secret_file: values.secret_file, create_zones: values.create_zones ? 1 : 0,
  }) as unknown as ProviderRow;
}

export function removeProvider(plan: Plan, name: string): void {
  const row = requireProvider(plan, name);
  const zones = plan.q('SELECT name FROM rdns_zones WHERE provider_id = ? ORDER BY name').all(row.id) as Array<{ name: string }>;
  if (zones.length) {
    throw new FluxError('CONFLICT', `rDNS provider ${name} still serves declared zones (${zones.map((z) => z.name).join(', ')}); remove them first with: rdns zone remove ZONE`);
  }
  deleteRow(plan, 'rdns_provider', row as unknown as Row);
  plan.q('DELETE FROM rdns_pushed WHERE provider_id = ?').run(row.id);
}

// ---------------------------------------------------------------- declared zones

export function declaredZones(plan: Plan, spaceId: number): DeclaredZone[] {
  const rows = plan.q('SELECT id, space_id, cidr, name, style, provider_id FROM rdns_zones WHERE space_id = ? ORDER BY name').all(spaceId) as ZoneRow[];
  return rows.map((row) => ({ ...parseZone(row.name), row }));
}

export function addZone(plan: Plan, spaceId: number, input: { zone: string; style?: ClasslessStyle | undefined; provider?: string | undefined }): DeclaredZone {
  const zone = parseZone(input.zone, input.style ?? 'slash');
  if (input.style !== undefined) {
    if (zone.kind !== 'classless') throw new FluxError('INVALID_ARGUMENT', `--style applies to RFC 2317 classless zones (IPv4 /25 to /31); ${zone.name} is not one`);
    if (zone.style !== input.style) throw new FluxError('INVALID_ARGUMENT', `${input.zone} is written in the ${zone.style} style but --style says ${input.style}`);
  }
  const cidr = formatCidr(zone.prefix);
  const existing = plan.q('SELECT name FROM rdns_zones WHERE space_id = ? AND cidr = ?').get(spaceId, cidr) as { name: string } | undefined;
  if (existing) throw new FluxError('EXISTS', `Zone ${existing.name} (${cidr}) is already declared in space ${plan.spaceName(spaceId)}`);
  let providerId: number | null = null;
  if (input.provider !== undefined) {
    const p = requireProvider(plan, input.provider);
    if (p.space_id !== spaceId) {
      throw new FluxError('CONFLICT', `rDNS provider ${p.name} publishes space ${plan.spaceName(p.space_id)}, not ${plan.spaceName(spaceId)}`);
    }
    providerId = p.id;
  }
  const row = insertRow(plan, 'rdns_zone', { space_id: spaceId, cidr, name: zone.name, style: zone.style, provider_id: providerId }) as unknown as ZoneRow;
  return { ...zone, row };
}

export function removeZone(plan: Plan, spaceId: number, text: string): string {
  const zone = parseZone(text);
  const row = plan.q('SELECT * FROM rdns_zones WHERE space_id = ? AND cidr = ?').get(spaceId, formatCidr(zone.prefix)) as Row | undefined;
  if (!row) throw new FluxError('NOT_FOUND', `Zone ${zone.name} is not declared in space ${plan.spaceName(spaceId)}`);
  deleteRow(plan, 'rdns_zone', row);
  return row.name as string;
}

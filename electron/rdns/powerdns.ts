/**
 * PowerDNS Authoritative HTTP API (4.7 and later): zones under /api/v1/servers/localhost/zones,
 * X-API-Key auth, one PATCH of rrsets (REPLACE and DELETE) per zone so a zone changes atomically.
 * Names carry trailing dots; zone ids escape '/' (RFC 2317 names) as '=2F'. FluxPlan's rrsets carry
 * a comment from account "fluxplan"; rrsets without it are never touched.
 */
import { FluxError } from '../../shared/errors';
import { OWNER_MARK, type RdnsSettings } from '../../shared/rdns';
import type { Http, HttpResponse } from '../net/http';
import { send } from './request';
import { normalizeContent, type Adapter, type Applied, type Diff, type RemoteRecord, type RemoteZone } from './remote';
import { redact } from './secret';
import { recordKey, type ZoneInfo } from './zones';

export const PDNS_ACCOUNT = 'fluxplan';

const fqdn = (name: string) => `${name.replace(/\.$/, '')}.`;

/** PowerDNS zone id: the name with a trailing dot, every character but letters, digits, '.', '-' and '_' escaped as =XX. */
export function pdnsZoneId(zone: string): string {
  return fqdn(zone).replace(/[^A-Za-z0-9._-]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

interface PdnsRrset {
  name: string;
  type: string;
  ttl?: number;
  records: Array<{ content: string; disabled?: boolean }>;
  comments?: Array<{ content: string; account?: string }>;
}

export class PowerDns implements Adapter {
  readonly label = 'PowerDNS';
  private readonly base: string;

  constructor(
    private readonly http: Http,
    url: string,
    private readonly key: string,
    private readonly settings: RdnsSettings,
    private readonly signal?: AbortSignal,
  ) {
    this.base = `${url.replace(/\/+$/, '')}/api/v1/servers/localhost`;
  }

  private call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<HttpResponse> {
    return send(this.http, {
      signal: this.signal,
      method,
      url: `${this.base}${path}`,
      headers: { 'X-API-Key': this.key, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  private fail(what: string, res: HttpResponse): FluxError {
    let detail = res.body.trim();
    try {
      const j = JSON.parse(res.body) as { error?: string };
      if (j.error) detail = j.error;
    } catch {
      // plain-text body
    }
    if (res.status === 401 || res.status === 403) detail = `the API key was refused (${detail || res.status})`;
    return new FluxError('INTERNAL', `PowerDNS ${what}: HTTP ${res.status}${detail ? `: ${redact(detail.slice(0, 300), this.key)}` : ''}`);
  }

  async readZone(zone: ZoneInfo): Promise<RemoteZone> {
    const res = await this.call('GET', `/zones/${pdnsZoneId(zone.name)}`);
    if (res.status === 404 || (res.status === 422 && /could not find/i.test(res.body))) return { exists: false, records: [], ref: null };
    if (res.status !== 200) throw this.fail(`could not read zone ${zone.name}`, res);
    const body = JSON.parse(res.body) as { rrsets?: PdnsRrset[] };
    const records: RemoteRecord[] = (body.rrsets ?? [])
      .filter((r) => r.type === 'PTR' || r.type === 'CNAME')
      .map((r) => ({
        name: normalizeContent(r.name),
        type: r.type as RemoteRecord['type'],
        contents: r.records.map((x) => normalizeContent(x.content)),
        owned: (r.comments ?? []).some((c) => c.account === PDNS_ACCOUNT || c.content.startsWith(OWNER_MARK)),
        ids: [],
      }));
    return { exists: true, records, ref: pdnsZoneId(zone.name) };
  }

  async createZone(zone: ZoneInfo): Promise<void> {
    const s = this.settings;
    const rrsets = [];
    if (s.ns.length) {
      const mname = s.soa_mname ?? s.ns[0]!;
      const rname = s.soa_rname ?? `hostmaster.${mname.split('.').slice(1).join('.') || mname}`;
      rrsets.push({
        name: fqdn(zone.name), type: 'SOA', ttl: s.ttl,
        records: [{ content: `${fqdn(mname)} ${fqdn(rname)} 1 ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`, disabled: false }],
      });
    }
    const res = await this.call('POST', '/zones', { name: fqdn(zone.name), kind: 'Native', nameservers: s.ns.map(fqdn), rrsets });
    if (res.status !== 201 && res.status !== 200) throw this.fail(`could not create zone ${zone.name}`, res);
  }

  async apply(zone: ZoneInfo, _remote: RemoteZone, diff: Diff): Promise<Applied> {
    const comments = [{ content: OWNER_MARK, account: PDNS_ACCOUNT }];
    const replace = [...diff.create, ...diff.change.map((c) => c.record)].map((r) => ({
      name: fqdn(r.name), type: r.type, ttl: this.settings.ttl, changetype: 'REPLACE',
      records: [{ content: fqdn(r.content), disabled: false }], comments,
    }));
    const del = diff.delete.map((r) => ({ name: fqdn(r.name), type: r.type, changetype: 'DELETE' }));
    const keys = [...diff.create, ...diff.change.map((c) => c.record)].map(recordKey).concat(diff.delete.map((r) => `delete ${recordKey(r)}`));
    const res = await this.call('PATCH', `/zones/${pdnsZoneId(zone.name)}`, { rrsets: [...replace, ...del] });
    if (res.status === 204 || res.status === 200) return { ok: new Set(keys), failed: new Map() };
    // One PATCH is one transaction at PowerDNS: it all went through or none of it did.
    const error = this.fail(`rejected the changes to ${zone.name}`, res).message;
    return { ok: new Set(), failed: new Map(keys.map((k) => [k, error])) };
  }
}

/**
 * Cloudflare API v4: `Authorization: Bearer` tokens, DNS records listed page by page, created,
 * updated and deleted one by one in the reverse zone (by zone id), answers in the
 * `{success, errors, messages, result, result_info}` envelope. FluxPlan's records carry the
 * comment "managed by FluxPlan"; others are never touched.
 *
 * Rate limits: a 429 is answered by waiting and trying again, at most RETRIES times (electron/net/retry).
 * The wait is the Retry-After header (seconds, or an HTTP date) when there is one, else 1 s doubling
 * each time; any single wait is capped at MAX_WAIT_MS.
 */
import { FluxError } from '../../shared/errors';
import { OWNER_MARK, type DnsRecord, type RdnsSettings } from '../../shared/rdns';
import type { Http, HttpResponse } from '../net/http';
import { retryAfterMs, retrying } from '../net/retry';
import { send } from './request';
import { normalizeContent, type Adapter, type Applied, type Diff, type RemoteRecord, type RemoteZone } from './remote';
import { redact } from './secret';
import { recordKey, type ZoneInfo } from './zones';

export const RETRIES = 5;
export const MAX_WAIT_MS = 60_000;
const PER_PAGE = 100;

interface Envelope<T> {
  success: boolean;
  errors?: Array<{ code?: number; message?: string }>;
  result: T;
  result_info?: { page?: number; per_page?: number; total_pages?: number; count?: number; total_count?: number };
}

interface CfRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  comment?: string | null;
}

/** How long to wait before retrying a 429: Retry-After (seconds or HTTP date), else exponential backoff from 1 s. */
export function retryDelay(res: Pick<HttpResponse, 'headers'>, attempt: number, now = Date.now()): number {
  return waitAfter(retryAfterMs(res.headers['retry-after'], now), attempt);
}

const waitAfter = (retryAfter: number | null, attempt: number) => Math.min(retryAfter ?? 1000 * 2 ** attempt, MAX_WAIT_MS);

export class Cloudflare implements Adapter {
  readonly label = 'Cloudflare';
  private readonly base: string;

  constructor(
    private readonly http: Http,
    url: string,
    private readonly token: string,
    private readonly zoneIds: Record<string, string>,
    private readonly settings: RdnsSettings,
    private readonly signal?: AbortSignal,
  ) {
    this.base = url.replace(/\/+$/, '');
  }

  private async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, what: string, body?: unknown): Promise<Envelope<T>> {
    const { answer: res } = await retrying(
      () =>
        send(this.http, {
          method,
          url: `${this.base}${path}`,
          headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: this.signal,
        }),
      {
        attempts: RETRIES + 1,
        // Attempt n follows the (n - 1)th answer: the waits are 1 s, 2 s, 4 s... unless Retry-After says otherwise.
        wait: (n, retryAfter) => waitAfter(retryAfter, n - 2),
        retryStatus: (status) => status === 429,
        retryTransport: false,
        signal: this.signal,
      },
    );
    let env: Envelope<T> | null = null;
    try {
      env = JSON.parse(res.body) as Envelope<T>;
    } catch {
      env = null;
    }
    if (res.status >= 200 && res.status < 300 && env?.success) return env;
    const errors = env?.errors?.map((e) => `${e.code ?? ''}${e.code !== undefined ? ' ' : ''}${e.message ?? ''}`.trim()).filter(Boolean).join('; ');
    const detail = res.status === 429 ? `still rate limited after ${RETRIES} retries` : errors || res.body.trim().slice(0, 300) || 'no details';
    throw new FluxError('INTERNAL', `Cloudflare ${what}: HTTP ${res.status}: ${redact(detail, this.token)}`);
  }

  private async zoneId(zone: ZoneInfo): Promise<string | null> {
    const known = this.zoneIds[zone.name];
    if (known) return known;
    const env = await this.call<Array<{ id: string; name: string }>>('GET', `/zones?name=${encodeURIComponent(zone.name)}`, `could not look up zone ${zone.name}`);
    return env.result.find((z) => normalizeContent(z.name) === zone.name)?.id ?? null;
  }

  async readZone(zone: ZoneInfo): Promise<RemoteZone> {
    const id = await this.zoneId(zone);
    if (!id) return { exists: false, records: [], ref: null };
    const all: CfRecord[] = [];
    for (let page = 1; ; page++) {
      const env = await this.call<CfRecord[]>('GET', `/zones/${encodeURIComponent(id)}/dns_records?page=${page}&per_page=${PER_PAGE}`, `could not list the records of ${zone.name}`);
      all.push(...env.result);
      const pages = env.result_info?.total_pages ?? 1;
      if (page >= pages || env.result.length === 0) break;
    }
    const records: RemoteRecord[] = all
      .filter((r) => r.type === 'PTR' || r.type === 'CNAME')
      .map((r) => ({
        name: normalizeContent(r.name),
        type: r.type as RemoteRecord['type'],
        contents: [normalizeContent(r.content)],
        owned: typeof r.comment === 'string' && r.comment.startsWith(OWNER_MARK),
        ids: [r.id],
      }));
    return { exists: true, records, ref: id };
  }

  async createZone(zone: ZoneInfo): Promise<void> {
    throw new FluxError('NOT_FOUND', `Cloudflare has no zone ${zone.name}: add it in Cloudflare, or give its id with: rdns provider set NAME --zone-id ${zone.name}=ID`);
  }

  async apply(zone: ZoneInfo, remote: RemoteZone, diff: Diff): Promise<Applied> {
    const applied: Applied = { ok: new Set(), failed: new Map() };
    const path = `/zones/${encodeURIComponent(remote.ref!)}/dns_records`;
    const body = (r: DnsRecord) => ({ type: r.type, name: r.name, content: r.content, ttl: this.settings.ttl, comment: OWNER_MARK });
    const attempt = async (key: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
        applied.ok.add(key);
      } catch (e) {
        // A cancel stops the push here; what went through so far is not recorded.
        if (this.signal?.aborted) throw e;
        applied.failed.set(key, (e as Error).message);
      }
    };
    for (const r of diff.delete) {
      await attempt(`delete ${recordKey(r)}`, async () => {
        for (const id of r.ids) await this.call('DELETE', `${path}/${encodeURIComponent(id)}`, `could not delete ${r.name} ${r.type} in ${zone.name}`);
      });
    }
    for (const r of diff.create) await attempt(recordKey(r), () => this.call('POST', path, `could not create ${r.name} ${r.type} in ${zone.name}`, body(r)));
    for (const c of diff.change) {
      await attempt(recordKey(c.record), () => this.call('PATCH', `${path}/${encodeURIComponent(c.from.ids[0]!)}`, `could not update ${c.record.name} ${c.record.type} in ${zone.name}`, body(c.record)));
    }
    return applied;
  }
}

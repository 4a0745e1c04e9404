/**
 * A slow PowerDNS stand-in: the few requests of the PowerDNS Authoritative HTTP API that an rDNS push
 * makes (electron/rdns/powerdns.ts), kept in memory on 127.0.0.1, every answer held back by a fixed
 * delay. It counts the requests it holds so a test can tell that a push is still waiting on it.
 *
 *   GET   /api/v1/servers/localhost/zones/{id}  200 with the zone and its rrsets, 404 when it has none
 *   POST  /api/v1/servers/localhost/zones       201 with the new zone, 409 when it exists
 *   PATCH /api/v1/servers/localhost/zones/{id}  204 after REPLACE/DELETE of every rrset, 422 for a name outside the zone
 *
 * Every request needs the X-API-Key header (401 without it). Zone ids are names with a trailing dot and
 * '=XX' escapes (RFC 2317 names carry '/' as '=2F').
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PdnsRrset {
  name: string;
  type: string;
  ttl?: number;
  records: Array<{ content: string; disabled?: boolean }>;
  comments?: Array<{ content: string; account?: string }>;
}

export interface HeldRequest {
  method: string;
  path: string;
  receivedAt: number;
  answeredAt: number | null;
  status: number | null;
}

export interface SlowPowerDns {
  /** The API base as FluxPlan's provider takes it (no /api/v1). */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: HeldRequest[];
  /** Requests received and not answered yet. */
  held(): number;
  /** A zone's rrsets (null when the stand-in has no such zone). */
  rrsets(zone: string): PdnsRrset[] | null;
  close(): Promise<void>;
}

const BASE = '/api/v1/servers/localhost';
const fqdn = (name: string) => `${name.replace(/\.$/, '')}.`.toLowerCase();
const zoneName = (id: string) => fqdn(decodeURIComponent(id).replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
const within = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the stand-in with these zones (SOA and NS only) and this API key; every answer waits delayMs. */
export async function startSlowPowerDns(options: { key: string; delayMs: number; zones: string[] }): Promise<SlowPowerDns> {
  const zones = new Map<string, PdnsRrset[]>();
  const addZone = (name: string, nameservers: string[], rrsets: PdnsRrset[]) => {
    const soa = rrsets.find((r) => r.type === 'SOA') ?? { name, type: 'SOA', ttl: 3600, records: [{ content: `${nameservers[0] ?? 'ns1.example.net.'} hostmaster.example.net. 1 10800 3600 604800 3600` }] };
    const ns = { name, type: 'NS', ttl: 3600, records: nameservers.map((n) => ({ content: fqdn(n) })) };
    zones.set(name, [soa, ...(nameservers.length ? [ns] : []), ...rrsets.filter((r) => r.type !== 'SOA')]);
  };
  for (const z of options.zones) addZone(fqdn(z), ['ns1.example.net.'], []);

  const requests: HeldRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const answer = (req: IncomingMessage, path: string, body: string): { status: number; json?: unknown } => {
    if (req.headers['x-api-key'] !== options.key) return { status: 401, json: { error: 'Unauthorized' } };
    if (req.method === 'POST' && path === `${BASE}/zones`) {
      const z = JSON.parse(body) as { name: string; kind?: string; nameservers?: string[]; rrsets?: PdnsRrset[] };
      const name = fqdn(z.name);
      if (zones.has(name)) return { status: 409, json: { error: `Domain '${name}' already exists` } };
      addZone(name, z.nameservers ?? [], z.rrsets ?? []);
      return { status: 201, json: { id: name, name, kind: z.kind ?? 'Native', rrsets: zones.get(name) } };
    }
    const m = new RegExp(`^${BASE}/zones/([^/]+)$`).exec(path);
    if (!m) return { status: 404, json: { error: 'Not Found' } };
    const name = zoneName(m[1]!);
    const rrsets = zones.get(name);
    if (!rrsets) return { status: 404, json: { error: `Could not find domain '${name}'` } };
    if (req.method === 'GET') return { status: 200, json: { id: name, name, kind: 'Native', rrsets } };
    if (req.method === 'PATCH') {
      const changes = (JSON.parse(body) as { rrsets: Array<PdnsRrset & { changetype: string }> }).rrsets;
      for (const c of changes) {
        if (!within(fqdn(c.name), name)) return { status: 422, json: { error: `RRset ${c.name} IN ${c.type}: Name is out of zone` } };
        if (c.changetype !== 'REPLACE' && c.changetype !== 'DELETE') return { status: 422, json: { error: `Changetype not understood: ${c.changetype}` } };
      }
      // One PATCH is one transaction: validated whole above, applied whole here.
      for (const c of changes) {
        const at = rrsets.findIndex((r) => r.name === fqdn(c.name) && r.type === c.type);
        if (at >= 0) rrsets.splice(at, 1);
        if (c.changetype === 'REPLACE') rrsets.push({ name: fqdn(c.name), type: c.type, ttl: c.ttl ?? 3600, records: c.records, comments: c.comments ?? [] });
      }
      return { status: 204 };
    }
    return { status: 405, json: { error: 'Method Not Allowed' } };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const held: HeldRequest = { method: req.method ?? '', path: req.url ?? '', receivedAt: Date.now(), answeredAt: null, status: null };
    requests.push(held);
    void readBody(req).then((body) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        let out: { status: number; json?: unknown };
        try {
          out = answer(req, new URL(req.url ?? '/', 'http://stand-in').pathname, body);
        } catch (e) {
          out = { status: 400, json: { error: e instanceof Error ? e.message : String(e) } };
        }
        const text = out.json === undefined ? '' : JSON.stringify(out.json);
        res.writeHead(out.status, text ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } : {});
        res.end(text);
        held.answeredAt = Date.now();
        held.status = out.status;
      }, options.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    held: () => requests.filter((r) => r.answeredAt === null).length,
    rrsets: (zone) => zones.get(fqdn(zone)) ?? null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

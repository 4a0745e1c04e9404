// A local stand-in for the documented subset of Cloudflare's API v4 that FluxPlan uses, for
// tests/rdns-cloudflare.test.ts (the real service is out of reach): Bearer auth, the
// {success, errors, messages, result, result_info} envelope, zones by name, DNS records listed in
// pages (at most PER_PAGE per page, whatever per_page asks), created, patched and deleted, and a
// 429 with Retry-After on every THROTTLE-th API request. Listens on 127.0.0.1 only and prints
// {"port": N} on its first line. Control endpoints for the test: GET /__state, POST /__seed.
// Usage: node rdns-cloudflare-mock.mjs TOKEN '[{"id": "...", "name": "...", "broken": false}]' THROTTLE
import { createServer } from 'node:http';

const [token, zonesJson, throttleText] = process.argv.slice(2);
const zones = JSON.parse(zonesJson);
const THROTTLE = Number(throttleText || 0);
const PER_PAGE = 3;
const records = new Map(zones.map((z) => [z.id, []]));
const log = [];
let apiRequests = 0;
let nextId = 1;

const envelope = (result, extra = {}) => ({ success: true, errors: [], messages: [], result, ...extra });
const failure = (code, message) => ({ success: false, errors: [{ code, message }], messages: [], result: null });

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function bodyOf(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : null;
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/__state') return send(res, 200, { records: Object.fromEntries(records), log });
  if (url.pathname === '/__seed') {
    const { zone_id, record } = await bodyOf(req);
    const rec = { id: `seed${nextId++}`, ttl: 1, comment: null, ...record };
    records.get(zone_id).push(rec);
    return send(res, 200, envelope(rec));
  }
  const entry = { method: req.method, path: url.pathname + url.search, status: 0 };
  log.push(entry);
  const reply = (status, body, headers) => {
    entry.status = status;
    send(res, status, body, headers);
  };
  if (!url.pathname.startsWith('/client/v4/')) return reply(404, failure(7000, 'No route for that URI'));
  if (req.headers.authorization !== `Bearer ${token}`) return reply(403, failure(10000, 'Authentication error'));
  apiRequests++;
  if (THROTTLE && apiRequests % THROTTLE === 0) return reply(429, failure(971, 'Please wait and consider throttling your request speed'), { 'Retry-After': '1' });

  const path = url.pathname.slice('/client/v4'.length).split('/').filter(Boolean);
  if (path.length === 1 && path[0] === 'zones' && req.method === 'GET') {
    const name = url.searchParams.get('name');
    const found = zones.filter((z) => !name || z.name === name).map(({ id, name: n }) => ({ id, name: n, status: 'active' }));
    return reply(200, envelope(found, { result_info: { page: 1, per_page: 20, count: found.length, total_count: found.length, total_pages: 1 } }));
  }
  const zone = zones.find((z) => z.id === path[1]);
  if (path[0] !== 'zones' || !zone || path[2] !== 'dns_records') return reply(404, failure(7003, 'Could not route to the zone'));
  if (zone.broken) return reply(500, failure(10001, 'Internal error in this zone'));
  const list = records.get(zone.id);

  if (path.length === 3 && req.method === 'GET') {
    const perPage = Math.min(Number(url.searchParams.get('per_page') || 100), PER_PAGE);
    const page = Number(url.searchParams.get('page') || 1);
    const slice = list.slice((page - 1) * perPage, page * perPage);
    const totalPages = Math.max(1, Math.ceil(list.length / perPage));
    return reply(200, envelope(slice, { result_info: { page, per_page: perPage, count: slice.length, total_count: list.length, total_pages: totalPages } }));
  }
  if (path.length === 3 && req.method === 'POST') {
    const b = await bodyOf(req);
    if (!['PTR', 'CNAME'].includes(b.type) || !b.name || !b.content) return reply(400, failure(9000, 'DNS record is invalid'));
    if (b.name !== zone.name && !b.name.endsWith(`.${zone.name}`)) return reply(400, failure(9005, `${b.name} is not in zone ${zone.name}`));
    const rec = { id: `rec${nextId++}`, type: b.type, name: b.name, content: b.content, ttl: b.ttl ?? 1, comment: b.comment ?? null };
    list.push(rec);
    return reply(200, envelope(rec));
  }
  const at = list.findIndex((r) => r.id === path[3]);
  if (path.length === 4 && at < 0) return reply(404, failure(81044, 'Record does not exist'));
  if (path.length === 4 && req.method === 'PATCH') {
    const b = await bodyOf(req);
    Object.assign(list[at], Object.fromEntries(Object.entries(b).filter(([k]) => ['type', 'name', 'content', 'ttl', 'comment'].includes(k))));
    return reply(200, envelope(list[at]));
  }
  if (path.length === 4 && req.method === 'DELETE') {
    const [gone] = list.splice(at, 1);
    return reply(200, envelope({ id: gone.id }));
  }
  return reply(405, failure(10000, 'Method not allowed'));
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

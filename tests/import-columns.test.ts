/** The import's column tables: texts as UTF-8 bytes, interned keys, rows that grow past their first capacity. */
import { afterEach, describe, expect, it } from 'vitest';
import { FileRows } from '../electron/import/file-rows';
import { Interner, NO_TEXT, Texts } from '../electron/import/texts';
import type { FileRow } from '../electron/import/cells';
import { freshPlan, tempDir } from './support/plan';
import { csvFile, importInto, type Env } from './support/import';

let env: Env;
afterEach(() => env?.plan.close());

const SAMPLES = ['', 'plain', 'Zürich — Straße', '東京 データセンター', 'rocket 🚀 and 👩‍💻', 'tab\tand\nnewline', '=SUM(A1)', '"quoted"'];

describe('texts', () => {
  it('gives every text back exactly, null as null, across many growths of the buffer', () => {
    const texts = new Texts();
    const ids: Array<[number, string | null]> = [];
    for (let i = 0; i < 20_000; i++) {
      const t = i % 97 === 0 ? null : `${SAMPLES[i % SAMPLES.length]} #${i}${'x'.repeat(i % 50)}`;
      ids.push([texts.add(t), t]);
    }
    for (const [id, t] of ids) expect(texts.get(id)).toBe(t);
    expect(texts.add(null)).toBe(NO_TEXT);
    const empty = texts.add('');
    expect(texts.get(empty)).toBe('');
    expect(texts.blank(empty)).toBe(true);
    expect(texts.blank(NO_TEXT)).toBe(true);
    expect(texts.blank(texts.add(' '))).toBe(false);
  });

  it('interns repeated values to one number each', () => {
    const strings = new Interner();
    const a = strings.id('cust-1');
    expect(strings.id('cust-2')).not.toBe(a);
    expect(strings.id(`cust-${1}`)).toBe(a);
    expect(strings.at(a)).toBe('cust-1');
  });
});

describe('file rows', () => {
  const row = (i: number, extra: Partial<FileRow> = {}): FileRow => ({
    sheet: i % 3, row: i + 2, ip: i % 2 === 1, space: i % 5 ? 'global' : 'blue', version: i % 7 ? 4 : 6, net: BigInt(i) << 8n, len: i % 2 ? -1 : 24,
    status: undefined, parked: undefined, pool: undefined, location: undefined, vlan: undefined, customer: undefined, service: undefined,
    device: undefined, description: undefined, rdns: undefined, rdns_updated_at: undefined, management: undefined, purpose: undefined, ...extra,
  });

  it('keeps every field of every row through the growth of the columns, absent and empty cells apart', () => {
    const rows = new FileRows(new Interner(), new Texts());
    const n = 5000;
    for (let i = 0; i < n; i++) {
      rows.push(
        row(i, {
          status: i % 4 === 0 ? 'allocated' : i % 4 === 1 ? null : undefined,
          parked: i % 3 === 0 ? true : i % 3 === 1 ? null : undefined,
          customer: i % 2 ? `c-${i % 10}` : null,
          vlan: i % 4 === 0 ? { vid: 100 + (i % 3), name: i % 8 ? 'web' : null } : i % 4 === 1 ? { vid: null, name: 'db' } : i % 4 === 2 ? null : undefined,
          description: i % 6 === 0 ? undefined : i % 6 === 1 ? null : `${SAMPLES[i % SAMPLES.length]} ${i}`,
        }),
      );
    }
    expect(rows.length).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(rows.sheet[i]).toBe(i % 3);
      expect(rows.line[i]).toBe(i + 2);
      expect(rows.ip(i)).toBe(i % 2 === 1);
      expect(rows.version(i)).toBe(i % 7 ? 4 : 6);
      expect(rows.strings.at(rows.space[i]!)).toBe(i % 5 ? 'global' : 'blue');
      expect(rows.net[i]).toBe(BigInt(i) << 8n);
      expect(rows.len[i]).toBe(i % 2 ? -1 : 24);
      expect(rows.status(i)).toBe(i % 4 === 0 ? 'allocated' : i % 4 === 1 ? null : undefined);
      expect(rows.parked[i]).toBe(i % 3 === 0 ? 1 : i % 3 === 1 ? -1 : -2);
      expect(rows.text(rows.customer, i)).toBe(i % 2 ? `c-${i % 10}` : null);
      expect(rows.text(rows.location, i)).toBeUndefined();
      expect(rows.vlan(i)).toEqual(i % 4 === 0 ? { vid: 100 + (i % 3), name: i % 8 ? 'web' : null } : i % 4 === 1 ? { vid: null, name: 'db' } : i % 4 === 2 ? null : undefined);
      const d = rows.description[i]!;
      expect(d === -2 ? undefined : rows.texts.get(d)).toBe(i % 6 === 0 ? undefined : i % 6 === 1 ? null : `${SAMPLES[i % SAMPLES.length]} ${i}`);
    }
  });
});

describe('non-ASCII text through a whole import', () => {
  it('writes descriptions and PTR names in any script exactly as the file has them, with both writers', async () => {
    const dir = tempDir();
    const lines = ['prefix,address,status,customer,description,dns name'];
    for (let i = 0; i < 1500; i++) lines.push(`10.${i >> 8}.${i & 255}.0/24,,active,c-${i % 7},"${SAMPLES[i % SAMPLES.length]!.replace(/"/g, '""')} ${i}",`);
    for (let i = 0; i < 1500; i++) lines.push(`,10.${i >> 8}.${i & 255}.9,,c-${i % 7},"${SAMPLES[(i + 3) % SAMPLES.length]!.replace(/"/g, '""')}",h-${i}.exämple.net`);
    const file = csvFile(dir, 'scripts.csv', lines);
    for (const writer of ['bulk', 'rows'] as const) {
      env = freshPlan();
      const r = await importInto(env, file, {}, writer);
      expect(r.errors).toEqual([]);
      expect(r.created).toBe(3000);
      const ips = new Map(env.call('ip.list', {}).ips.map((ip) => [ip.address, ip]));
      expect(ips.size).toBe(1500);
      for (let i = 0; i < 1500; i++) {
        const s = env.call('subnet.get', { cidr: `10.${i >> 8}.${i & 255}.0/24` }).subnet;
        // Cells are trimmed; a leading formula character comes back as it was written.
        expect(s.description).toBe(`${SAMPLES[i % SAMPLES.length]} ${i}`.trim());
        const ip = ips.get(`10.${i >> 8}.${i & 255}.9`)!;
        expect(ip.description).toBe(SAMPLES[(i + 3) % SAMPLES.length]!.trim() || null);
        expect(ip.rdns).toBe(`h-${i}.exämple.net`);
      }
      expect(env.check()).toEqual([]);
      env.plan.close();
    }
  });
});

/** ip.list: every record, or pages of those that match a text and a PTR state (the address table's engine side). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPlan, tempDir } from './support/plan';
import { csvFile, importInto, type Env } from './support/import';

let env: Env;
afterEach(() => env?.plan.close());

/** 10.0.0.0/22 as four /24 pools; 900 addresses, every third with a customer, every other with a PTR, every tenth of those pushed. */
beforeEach(async () => {
  env = freshPlan();
  const lines = ['prefix,address,status,customer,dns name,purpose,rdns updated at'];
  for (let p = 0; p < 4; p++) lines.push(`10.0.${p}.0/24,,pool,,,,`);
  for (let i = 0; i < 900; i++) {
    const address = `10.0.${Math.floor(i / 250)}.${1 + (i % 250)}`;
    lines.push(`,${address},active,${i % 3 === 0 ? `cust-${i % 9}` : ''},${i % 2 === 0 ? `h${i}.example.net` : ''},${i === 7 ? '50%_off' : ''},${i % 20 === 0 ? '2026-11-01T10:00:00.000Z' : ''}`);
  }
  const r = await importInto(env, csvFile(tempDir(), 'ips.csv', lines));
  expect(r.errors).toEqual([]);
});

const addresses = (ips: Array<{ address: string }>) => ips.map((ip) => ip.address);

describe('ip.list', () => {
  it('without a limit lists every record in address order, with the total', () => {
    const all = env.call('ip.list', {});
    expect(all.total).toBe(900);
    expect(all.ips).toHaveLength(900);
    expect(all.ips[0]!.address).toBe('10.0.0.1');
    expect(all.ips[899]!.address).toBe('10.0.3.150');
  });

  it('pages through the same records, in the same order, and counts them all', () => {
    const all = addresses(env.call('ip.list', {}).ips);
    const pages: string[] = [];
    for (let offset = 0; offset < 900; offset += 200) {
      const page = env.call('ip.list', { offset, limit: 200 });
      expect(page.total).toBe(900);
      expect(page.offset).toBe(offset);
      pages.push(...addresses(page.ips));
    }
    expect(pages).toEqual(all);
    expect(env.call('ip.list', { offset: 900, limit: 200 }).ips).toEqual([]);
    const inside = env.call('ip.list', { cidr: '10.0.1.0/24', offset: 10, limit: 5 });
    expect(inside.total).toBe(250);
    expect(addresses(inside.ips)).toEqual(['10.0.1.11', '10.0.1.12', '10.0.1.13', '10.0.1.14', '10.0.1.15']);
  });

  it('finds a text in the address, the subnet, the customer, the purpose or the PTR name, wildcards taken literally', () => {
    const find = (text: string) => env.call('ip.list', { text, limit: 1000 });
    expect(find('cust-3').total).toBe(100);
    expect(find('cust-3').ips.every((ip) => ip.customer === 'cust-3')).toBe(true);
    expect(addresses(find('h898.example').ips)).toEqual(['10.0.3.149']);
    expect(find('10.0.2.0/24').total).toBe(250);
    expect(find('10.0.3.15').total).toBe(1 + 1);
    expect(addresses(find('50%_').ips)).toEqual(['10.0.0.8']);
    expect(find('%').total).toBe(1);
    expect(find('nothing like it').total).toBe(0);
  });

  it('keeps the addresses with a PTR, without one, or named and never pushed', () => {
    expect(env.call('ip.list', { ptr: 'named', limit: 1000 }).total).toBe(450);
    expect(env.call('ip.list', { ptr: 'unnamed', limit: 1000 }).total).toBe(450);
    const unpushed = env.call('ip.list', { ptr: 'unpushed', limit: 1000 });
    expect(unpushed.total).toBe(405);
    expect(unpushed.ips.every((ip) => ip.rdns && !ip.rdns_updated_at)).toBe(true);
    const named = env.call('ip.list', { ptr: 'named', text: 'cust-0', limit: 1000 });
    expect(named.ips.every((ip) => ip.rdns && ip.customer === 'cust-0')).toBe(true);
    expect(named.total).toBe(50);
  });
});

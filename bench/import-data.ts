/** The benchmark's spreadsheet: a hosting plan of subnets and addresses, as CSV or XLSX, of any size. */
import ExcelJS from 'exceljs';
import { createWriteStream } from 'node:fs';

const LOCATIONS = ['EU-FRA', 'EU-AMS', 'US-NYC', 'US-LAX'];
const HEADER = ['prefix', 'address', 'status', 'location', 'vlan', 'customer', 'description', 'dns_name'];

function v4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * Rows of a hosting plan: per location a /10 container, allocated /29s for customers with VLANs, /27 IP
 * pools with addresses in them; an IPv6 /32 with allocated /64s and addresses. `total` rows in all.
 */
function* planRows(total: number): Generator<string[]> {
  const scale = total / 1_000_000;
  const per29 = Math.round((350_000 * scale) / 4);
  const perPool = Math.round((50_000 * scale) / 4);
  const v6Nets = Math.round(25_000 * scale);
  let rows = 0;
  const emit = (r: string[]) => {
    rows++;
    return r;
  };
  yield emit(['2001:db8::/32', '', 'container', 'EU-FRA', '', '', 'IPv6 aggregate', '']);
  for (let l = 0; l < 4; l++) {
    const base = (10 << 24) + l * (1 << 22);
    yield emit([`${v4(base)}/10`, '', 'container', LOCATIONS[l]!, '', '', `${LOCATIONS[l]} aggregate`, '']);
    for (let i = 0; i < per29; i++) {
      const c = (i * 7 + l) % 20_000;
      yield emit([`${v4(base + i * 8)}/29`, '', 'active', '', `vlan-${100 + (i % 20)} (${100 + (i % 20)})`, `cust-${c}`, `service ${l}-${i}`, '']);
    }
    const poolBase = base + (1 << 21);
    for (let i = 0; i < perPool; i++) yield emit([`${v4(poolBase + i * 32)}/27`, '', 'container', '', '', '', '', '']);
  }
  for (let i = 0; i < v6Nets; i++) yield emit([`2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`, '', 'active', '', '', `cust-${i % 20_000}`, '', '']);
  // Addresses: as many as fit the total, spread over the pools and the IPv6 /64s.
  const left = total - rows;
  const v6Ips = Math.round(left * 0.04);
  const v4Ips = left - v6Ips;
  const perPoolIps = Math.ceil(v4Ips / (perPool * 4));
  let made = 0;
  for (let l = 0; l < 4 && made < v4Ips; l++) {
    const poolBase = (10 << 24) + l * (1 << 22) + (1 << 21);
    for (let i = 0; i < perPool && made < v4Ips; i++) {
      for (let k = 1; k <= perPoolIps && made < v4Ips; k++, made++) {
        yield emit(['', v4(poolBase + i * 32 + k), 'active', '', '', `cust-${(i + k) % 20_000}`, '', `h${l}-${i}-${k}.example.net`]);
      }
    }
  }
  for (let i = 0; i < v6Ips; i++) {
    const net = i % v6Nets;
    yield emit(['', `2001:db8:${(net >> 16).toString(16)}:${(net & 0xffff).toString(16)}::${(Math.floor(i / v6Nets) + 1).toString(16)}`, 'active', '', '', '', '', `v6-${i}.example.net`]);
  }
}

export async function writeCsv(file: string, total: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  let buf = `${HEADER.join(',')}\n`;
  for (const r of planRows(total)) {
    buf += `${r.join(',')}\n`;
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}

export async function writeXlsx(file: string, total: number): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  const sheet = book.addWorksheet('Plan');
  sheet.addRow(HEADER).commit();
  let n = 0;
  for (const r of planRows(total)) {
    sheet.addRow(r).commit();
    if (++n % 5000 === 0) await new Promise((r2) => setImmediate(r2));
  }
  sheet.commit();
  await book.commit();
}

/** `count` separate /24 blocks (10.0.0.0/24 upwards), each a root of its own. */
export async function writeRoots(file: string, count: number): Promise<void> {
  const lines = ['prefix,description'];
  for (let i = 0; i < count; i++) lines.push(`10.${(i >> 8) & 255}.${i & 255}.0/24,net ${i}`);
  await new Promise<void>((resolve, reject) => createWriteStream(file).on('error', reject).end(`${lines.join('\n')}\n`, () => resolve()));
}

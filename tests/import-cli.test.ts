/** `fluxplan import` and `fluxplan export` on the command line: the JSON contract, exit codes, progress, interrupt. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../electron/cli/main';
import { tempDir } from './support/plan';
import { csvFile } from './support/import';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'fluxplan');

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), lines: async function* () {} };
  const code = await main(argv, io, {});
  return { code, out: out.join('\n'), err: err.join('\n'), json: () => JSON.parse(out.join('\n')) };
}

describe('fluxplan import', () => {
  it('prints {created, updated, unchanged, failed, errors} with --json and exits 1 when a row failed', async () => {
    const dir = tempDir();
    const db = join(dir, 'plan.sqlite');
    const bad = csvFile(dir, 'bad.csv', ['prefix,status', '10.0.0.0/24,container', '10.0.0.1/25,']);
    const r = await cli(['import', bad, '--db', db, '--json']);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({
      created: 1, updated: 0, unchanged: 0, failed: 1, committed: false,
      errors: [{ sheet: 'bad.csv', row: 3, column: 'prefix', code: 'HOST_BITS_SET', message: '"10.0.0.1/25" has host bits set; the network is 10.0.0.0/25', suggestion: '10.0.0.0/25' }],
    });
    const text = await cli(['import', bad, '--db', db]);
    expect(text.code).toBe(1);
    expect(text.out).toBe([
      'Nothing was imported from bad.csv: 1 row failed; fix it, or import with --valid-rows to commit the other rows (1 of them)',
      'Errors:',
      '  bad.csv, row 3, column "prefix": HOST_BITS_SET "10.0.0.1/25" has host bits set; the network is 10.0.0.0/25',
    ].join('\n'));
    const valid = await cli(['import', bad, '--db', db, '--valid-rows', '--json']);
    expect(valid.code).toBe(1);
    expect(valid.json()).toMatchObject({ created: 1, failed: 1, committed: true });
    const good = csvFile(dir, 'good.csv', ['prefix,status', '10.0.0.0/24,container']);
    const again = await cli(['import', good, '--db', db]);
    expect(again).toMatchObject({ code: 0, out: 'Imported good.csv: 0 created, 0 updated, 1 unchanged, 0 failed' });
    expect((await cli(['import', join(dir, 'missing.csv'), '--db', db, '--json'])).json()).toEqual({ error: { code: 'NOT_FOUND', message: `${join(dir, 'missing.csv')} does not exist`, file: join(dir, 'missing.csv') } });
  });

  it('shows the detected mapping, saves and uses profiles, and exports', async () => {
    const dir = tempDir();
    const db = join(dir, 'plan.sqlite');
    const file = csvFile(dir, 'sheet.csv', ['Block,Where,Who', '192.0.2.0/24,EU-FRA,', '192.0.2.0/26,,cust-1']);
    const detect = await cli(['import', 'detect', file, '--db', db]);
    expect(detect.out).toContain('sheet.csv (header in row 1, layout generic):');
    expect(detect.out).toContain('   1. Block                    -> prefix');
    expect(detect.out).toContain('   2. Where                    (ignored)');
    expect((await cli(['import', 'profile', 'save', 'ops', '--map', 'Where=location', '--map', 'Who=customer', '--db', db])).out).toBe('Saved profile ops: Where=location, Who=customer');
    expect((await cli(['import', 'profile', 'list', '--db', db])).out).toBe('ops: Where=location, Who=customer');
    const r = await cli(['import', file, '--profile', 'ops', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Imported sheet.csv: 2 created, 0 updated, 0 unchanged, 0 failed; carving added 3 free subnets (one undo reverts it)');
    expect(r.out).toContain('  added locations EU-FRA');
    const out = join(dir, 'out.xlsx');
    expect((await cli(['export', out, '--db', db])).out).toBe(`Exported 5 subnets and 0 IP addresses to ${out}`);
    expect(existsSync(out)).toBe(true);
    expect((await cli(['import', 'profile', 'delete', 'ops', '--db', db])).out).toBe('Deleted profile ops');
    expect((await cli(['import', file, '--profile', 'ops', '--db', db, '--json'])).json().error.code).toBe('NOT_FOUND');
  });

  it('reports progress on standard error, and an interrupt leaves the plan untouched', async () => {
    const dir = tempDir();
    const db = join(dir, 'plan.sqlite');
    const file = join(dir, 'big.csv');
    const lines = ['prefix,address,tenant,description'];
    for (let i = 0; i < 150_000; i++) lines.push(`10.${(i >> 8) & 255}.${i & 255}.${(i >> 16) * 8}/29,,c-${i % 101},row ${i}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    execFileSync(BIN, ['subnet', 'add', '10.0.0.0/8', '--db', db]);
    const before = execFileSync(BIN, ['tree', '--json', '--db', db]).toString();

    const child = spawn(BIN, ['import', file, '--db', db, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/rows read/.test(stderr)) {
          clearInterval(poll);
          child.kill('SIGINT');
          resolve();
        }
      }, 20);
    });
    const code = await new Promise((r) => child.on('exit', (c, sig) => r(c ?? sig)));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/^import: [\d,]+ rows read/m);
    expect(execFileSync(BIN, ['tree', '--json', '--db', db]).toString()).toBe(before);
    expect(JSON.parse(execFileSync(BIN, ['check', '--json', '--db', db]).toString())).toEqual({ ok: true, violations: [] });

    const done = spawn(BIN, ['import', file, '--db', db, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    done.stdout.on('data', (d) => (out += d));
    done.stderr.on('data', (d) => (err += d));
    expect(await new Promise((r) => done.on('exit', r))).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ created: 150_000, failed: 0, committed: true });
    expect(err).toMatch(/import: 150,001 rows read, [\d,]+ checked/);
  }, 120_000);
});

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, openSync, readFileSync, closeSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsDir } from '../electron/db/paths';
import { Plan } from '../electron/plan';
import { invoke } from '../electron/api/handlers';
import { FluxError } from '../shared/errors';
import { freshPlan, tempDir } from './support/plan';

/** The FluxError opening a file throws (fails the test if it opens). */
function openError(file: string, migrations?: string): FluxError {
  try {
    Plan.open(file, migrations ? { migrations } : {}).close();
  } catch (e) {
    if (e instanceof FluxError) return e;
    throw e;
  }
  throw new Error(`${file} opened`);
}

describe('opening a plan', () => {
  it('uses WAL mode, a busy timeout and foreign keys, and brings the schema up to date', () => {
    const { plan, file, call } = freshPlan();
    expect(plan.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(plan.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    expect(plan.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(call('space.list').spaces.map((s) => s.name)).toEqual(['global']);
    call('subnet.add', { cidr: '10.0.0.0/24' });
    plan.close();
    // WAL is a property of the file: another connection finds it too, and the plan reopens as it was.
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const again = Plan.open(file);
    expect(invoke(again, 'tree.get', {}).subnets.map((s) => s.cidr)).toEqual(['10.0.0.0/24']);
    again.close();
  });

  it('refuses a file that is not a database with DB_DAMAGED and a message naming it', () => {
    const file = join(tempDir(), 'notes.sqlite');
    writeFileSync(file, 'These are my notes about the Frankfurt racks, not a plan.\n'.repeat(200));
    const e = openError(file);
    expect(e.code).toBe('DB_DAMAGED');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/not a database|FluxPlan plan/);
    // Nothing was written over the file.
    expect(readFileSync(file, 'utf8')).toMatch(/^These are my notes/);
  });

  /** A plan with a few hundred subnet rows, closed; returns the file and the pages of the subnets table. */
  function closedPlan() {
    const { plan, file, call } = freshPlan();
    call('subnet.add', { cidr: '10.0.0.0/16' });
    call('subnet.split', { cidr: '10.0.0.0/16', to: 24 });
    const pages = plan.sqlite.prepare("SELECT pageno, pagetype FROM dbstat WHERE name = 'subnets' ORDER BY pageno").all() as Array<{ pageno: number; pagetype: string }>;
    const pageSize = plan.sqlite.pragma('page_size', { simple: true }) as number;
    plan.close();
    /** Overwrites part of a page with garbage: by default some cells past its header, or all of it but the type byte. */
    const garble = (pageno: number, whole = false) => {
      const [from, length] = whole ? [1, pageSize - 1] : [100, 400];
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, (pageno - 1) * pageSize + from);
      closeSync(fd);
    };
    return { file, pages, garble };
  }

  it('runs quick_check and refuses a damaged plan with DB_DAMAGED, saying what it found and what to do', () => {
    const { file, pages, garble } = closedPlan();
    const leaves = pages.filter((p) => p.pagetype === 'leaf');
    expect(leaves.length).toBeGreaterThan(3);
    garble(leaves[Math.floor(leaves.length / 2)]!.pageno);
    const e = openError(file);
    expect(e.code).toBe('DB_DAMAGED');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/is damaged \([\s\S]+\)/);
    expect(e.message).toMatch(/backup/);
  });

  it('refuses a plan whose table root is destroyed with DB_DAMAGED too', () => {
    const { file, pages, garble } = closedPlan();
    garble(pages.find((p) => p.pagetype === 'internal')!.pageno, true);
    const e = openError(file);
    expect(e.code).toBe('DB_DAMAGED');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/damaged|malformed/);
  });

  it('refuses an applied migration that was edited afterwards with DB_MIGRATION', () => {
    const migrations = join(tempDir(), 'migrations');
    cpSync(migrationsDir(), migrations, { recursive: true });
    const file = join(tempDir(), 'plan.sqlite');
    Plan.open(file, { migrations }).close();
    // Reopening with the same files is fine.
    Plan.open(file, { migrations }).close();
    appendFileSync(join(migrations, '0001_global_space.sql'), '\n-- tidied up later\n');
    const e = openError(file, migrations);
    expect(e.code).toBe('DB_MIGRATION');
    expect(e.message).toMatch(/edited/);
    expect(e.message).toContain(file);
  });

  it('refuses a plan written by a newer FluxPlan with DB_MIGRATION', () => {
    const newer = join(tempDir(), 'migrations');
    cpSync(migrationsDir(), newer, { recursive: true });
    const journalFile = join(newer, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number; when: number; tag: string; version: string; breakpoints: boolean }> };
    const last = journal.entries[journal.entries.length - 1]!;
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '0099_future' });
    writeFileSync(journalFile, JSON.stringify(journal));
    writeFileSync(join(newer, '0099_future.sql'), 'CREATE TABLE `future_things` (`id` integer PRIMARY KEY);');
    const file = join(tempDir(), 'plan.sqlite');
    Plan.open(file, { migrations: newer }).close();
    const e = openError(file);
    expect(e.code).toBe('DB_MIGRATION');
    expect(e.message).toMatch(/newer/);
  });
});

describe('two connections to one plan file', () => {
  it('both write, one after another, and each sees the other', () => {
    const desktop = freshPlan();
    const cli = Plan.open(desktop.file);
    try {
      desktop.call('subnet.add', { cidr: '10.0.0.0/24' });
      expect(invoke(cli, 'allocate.subnet', { family: 4, prefix: 26 }).cidr).toBe('10.0.0.0/26');
      expect(desktop.call('allocate.subnet', { family: 4, prefix: 26 }).cidr).toBe('10.0.0.64/26');
      expect(invoke(cli, 'allocate.subnet', { family: 4, prefix: 26 }).cidr).toBe('10.0.0.128/26');
      expect(desktop.call('tree.get', {}).subnets.filter((s) => s.allocation_status === 'allocated').map((s) => s.cidr)).toEqual([
        '10.0.0.0/26', '10.0.0.64/26', '10.0.0.128/26',
      ]);
      // Undo in one undoes the latest action of the plan, whichever connection made it.
      expect(desktop.call('journal.undo').undone.label).toBe('allocate 10.0.0.128/26');
      expect(invoke(cli, 'check.run', {}).violations).toEqual([]);
      expect(desktop.check()).toEqual([]);
    } finally {
      cli.close();
    }
  });

  it('waits for a writer in another process instead of failing, thanks to the busy timeout', async () => {
    const env = freshPlan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    const holdMs = 600;
    // Another process takes the write lock, writes, and holds it for a while before committing.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const Database = require('better-sqlite3');
         const db = new Database(process.argv[1]);
         db.pragma('busy_timeout = 5000');
         db.exec('BEGIN IMMEDIATE');
         db.prepare("INSERT INTO settings (key, value) VALUES ('held-by', 'other process')").run();
         process.stdout.write('locked\\n');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs});`,
        env.file,
      ],
      { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => holder.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      holder.on('exit', () => reject(new Error('the lock holder exited before locking')));
    });

    // A connection with no busy timeout is refused at once while the lock is held...
    const impatient = Plan.open(env.file, { busyTimeoutMs: 0 });
    expect(() => invoke(impatient, 'allocate.subnet', { family: 4, prefix: 26 })).toThrow(/locked|busy/i);
    impatient.close();

    // ...while the plan's own connection waits for the commit and then writes.
    const started = Date.now();
    expect(env.call('allocate.subnet', { family: 4, prefix: 26 }).cidr).toBe('10.0.0.0/26');
    expect(Date.now() - started).toBeGreaterThanOrEqual(holdMs / 3);
    expect(await exited).toBe(0);
    expect(env.plan.sqlite.prepare("SELECT value FROM settings WHERE key = 'held-by'").get()).toEqual({ value: 'other process' });
    expect(env.check()).toEqual([]);
  });
});

import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { FluxError } from '../../shared/errors';
import { migrationsDir } from './paths';
import * as schema from './schema';

export type Orm = BetterSQLite3Database<typeof schema>;

export interface OpenOptions {
  /** Defaults to the migrations/ folder of this installation. */
  migrations?: string;
  /** How long a writer waits for another process (CLI beside the desktop app) to finish. */
  busyTimeoutMs?: number;
  /**
   * `always` (the desktop app and the browser host, which open a plan once) checks every page at open.
   * `small` (the command line, which opens it per command) checks plans up to 256 MiB at open; a larger
   * plan is checked by `fluxplan check`, and a damaged page met later is still reported as DB_DAMAGED.
   * `never` (the job worker: the host that starts a job has opened and checked the plan already, and a
   * probe of the tenant every two minutes must not read the whole file each time) reads the schema only.
   */
  quickCheck?: 'always' | 'small' | 'never';
}

const QUICK_CHECK_LIMIT = 256 * 1024 * 1024;

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export interface Connection {
  readonly file: string;
  readonly sqlite: Database.Database;
  readonly orm: Orm;
  close(): void;
}

/** Opens (creating if needed) a plan file, checks it is sound, and brings its schema up to date. */
export function openPlan(file: string, options: OpenOptions = {}): Connection {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file);
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    // A checkpoint fsyncs the database; doing it every 32 MB of WAL instead of every 4 MB keeps
    // allocation latency flat. The WAL is cut back to 64 MB after each checkpoint.
    sqlite.pragma('wal_autocheckpoint = 8192');
    sqlite.pragma('journal_size_limit = 67108864');
    // Reads through a memory map and a 64 MB page cache instead of a read() per page: a plan of a
    // million prefixes is a few hundred MB, and every allocation walks a few B-trees of it.
    sqlite.pragma('mmap_size = 1073741824');
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('foreign_keys = ON');
    const skip = options.quickCheck === 'never' || (options.quickCheck === 'small' && file !== ':memory:' && fileSize(file) > QUICK_CHECK_LIMIT);
    // Reading the schema still proves the header and the schema pages sound.
    if (skip) sqlite.prepare('SELECT count(*) FROM sqlite_master').get();
    const problems = skip ? [] : storageProblems(sqlite);
    if (problems.length) {
      sqlite.close();
      throw new FluxError('DB_DAMAGED', `The plan file ${file} is damaged (${problems.slice(0, 3).join('; ')}). Restore it from a backup or export what can be read with the sqlite3 tool.`, { file });
    }
  } catch (e) {
    if (e instanceof FluxError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new FluxError('DB_DAMAGED', `Cannot open ${file} as a FluxPlan plan: ${msg}`, { file });
  }
  const orm = drizzle(sqlite, { schema });
  applyMigrations(sqlite, orm, options.migrations ?? migrationsDir(), file);
  return { file, sqlite, orm, close: () => sqlite.close() };
}

/** What PRAGMA quick_check finds wrong with the file's pages and indexes (empty when sound). */
export function storageProblems(sqlite: Database.Database): string[] {
  const check = sqlite.pragma('quick_check', { simple: false }) as Array<{ quick_check: string }>;
  return check.map((r) => r.quick_check).filter((r) => r !== 'ok');
}

/**
 * Applies pending migrations after refusing two things drizzle's migrator would let through:
 * an applied migration whose file changed since, and a plan written by a newer FluxPlan.
 */
function applyMigrations(sqlite: Database.Database, orm: Orm, folder: string, file: string): void {
  const files = readMigrationFiles({ migrationsFolder: folder });
  const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (hasTable) {
    const applied = sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at').all() as Array<{ hash: string; created_at: number }>;
    for (const row of applied) {
      const known = files.find((m) => m.folderMillis === Number(row.created_at));
      if (!known) {
        throw new FluxError('DB_MIGRATION', `${file} was written by a newer FluxPlan (unknown migration from ${new Date(Number(row.created_at)).toISOString()}); update FluxPlan to open it.`, { file });
      }
      if (known.hash !== row.hash) {
        throw new FluxError('DB_MIGRATION', `The migration applied at ${new Date(known.folderMillis).toISOString()} was edited after it was applied to ${file}; migrations are append-only, add a new one instead.`, { file });
      }
    }
  }
  migrate(orm, { migrationsFolder: folder });
}

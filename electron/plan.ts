import type Database from 'better-sqlite3';
import { FluxError } from '../shared/errors';
import { openPlan, type Connection, type OpenOptions } from './db/open';

type Statement = Database.Statement<unknown[], unknown>;

const ROLLBACK = Symbol('rollback');

/** What the current transaction has journaled so far. */
export interface BatchState {
  label: string;
  kind: 'do' | 'undo' | 'redo';
  origin: 'local' | 'remote';
  targetId: number | null;
  id: number | null;
  seq: number;
}

/**
 * An open plan: the SQLite connection, a cache of prepared statements, and the unit of work.
 * Every mutation runs inside `mutate`, one IMMEDIATE transaction that also holds its journal batch.
 */
export class Plan {
  readonly sqlite: Database.Database;
  readonly orm: Connection['orm'];
  readonly file: string;
  /** ISO time shared by every row the current transaction writes. */
  now = '';
  batch: BatchState | null = null;
  /** provisioning_logs entries written by the current transaction, for callers that report them. */
  logged: Array<{ action: string; details: Record<string, unknown> }> = [];
  private readonly statements = new Map<string, Statement>();
  private readonly spaceNames = new Map<number, string>();
  /** Ids of catalog rows to their keys (location code, VID, customer ID...), dropped whenever they may be stale. */
  readonly keyCache = new Map<string, unknown>();
  /** False once this connection has cleared the redo stack and nothing could have refilled it. */
  redoMayExist = true;
  private dataVersion = -1;

  constructor(private readonly connection: Connection) {
    this.sqlite = connection.sqlite;
    this.orm = connection.orm;
    this.file = connection.file;
  }

  static open(file: string, options?: OpenOptions): Plan {
    return new Plan(openPlan(file, options));
  }

  close(): void {
    this.connection.close();
  }

  /** Like q, but rows come back as arrays: far cheaper than objects for wide rows on hot paths. */
  raw(sql: string): Statement {
    const key = `raw:${sql}`;
    let s = this.statements.get(key);
    if (!s) {
      s = this.sqlite.prepare(sql).raw(true);
      this.statements.set(key, s);
    }
    return s;
  }

  q(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Group commit: until `commitGroup`, every `mutate` runs in a savepoint of one open transaction,
   * so a burst of actions (the CLI's batch) pays for one commit. Each action is still its own
   * journal batch and rolls back alone.
   */
  beginGroup(): void {
    if (!this.sqlite.inTransaction) this.sqlite.exec('BEGIN IMMEDIATE');
  }

  commitGroup(): void {
    if (this.sqlite.inTransaction) this.sqlite.exec('COMMIT');
  }

  /**
   * Runs fn as one transaction and one journal batch. On any throw the database is exactly as before.
   * Nested calls join the outer batch.
   */
  mutate<T>(label: string, fn: () => T, batch: Partial<Pick<BatchState, 'kind' | 'origin' | 'targetId'>> = {}): T {
    if (this.batch) return fn();
    const run = this.sqlite.transaction(() => {
      this.refreshCaches();
      this.now = new Date().toISOString();
      this.logged = [];
      this.batch = { label, kind: batch.kind ?? 'do', origin: batch.origin ?? 'local', targetId: batch.targetId ?? null, id: null, seq: 0 };
      try {
        return fn();
      } finally {
        this.batch = null;
      }
    });
    try {
      // Inside a group this is a savepoint; otherwise its own IMMEDIATE transaction.
      return this.sqlite.inTransaction ? run() : run.immediate();
    } catch (e) {
      this.forgetCaches();
      throw e;
    }
  }

  /** Another process (the CLI beside the desktop app) may have committed: its changes void our caches. */
  private refreshCaches(): void {
    const version = this.sqlite.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      this.forgetCaches();
      this.dataVersion = version;
    }
  }

  forgetCaches(): void {
    this.spaceNames.clear();
    this.keyCache.clear();
    this.redoMayExist = true;
  }

  /** Runs fn exactly as mutate would, returns its result, and rolls everything back: a dry run. */
  rehearse<T>(label: string, fn: () => T): T {
    let out: T | undefined;
    try {
      this.mutate(label, () => {
        out = fn();
        throw ROLLBACK;
      });
    } catch (e) {
      if (e !== ROLLBACK) throw e;
    }
    return out as T;
  }

  /** Names the current batch after what it turned out to do (e.g. the CIDR an allocation chose). */
  relabel(label: string): void {
    if (!this.batch) return;
    this.batch.label = label;
    if (this.batch.id !== null) this.q('UPDATE journal_batches SET label = ? WHERE id = ?').run(label, this.batch.id);
  }

  /** Reads see one consistent snapshot even while another process writes. */
  read<T>(fn: () => T): T {
    if (this.sqlite.inTransaction) return fn();
    return this.sqlite.transaction(() => {
      this.refreshCaches();
      return fn();
    }).deferred();
  }

  spaceName(id: number): string {
    let name = this.spaceNames.get(id);
    if (name === undefined) {
      const row = this.q('SELECT name FROM spaces WHERE id = ?').get(id) as { name: string } | undefined;
      if (!row) throw new FluxError('INTERNAL', `space #${id} is missing`);
      name = row.name;
      this.spaceNames.set(id, name);
    }
    return name;
  }
}

/**
 * The tenant side of the sync protocol over a plan file: what the emulator's HTTP routes call.
 * The plan is kept by the same engine and invariants as a planner's; each changeset is applied in
 * one transaction through the same writers, and its id is answered exactly once.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { FluxError } from '../../../shared/errors';
import {
  DEFAULT_PAGE_CHANGES,
  MAX_PAGE_CHANGES,
  PROTOCOL_VERSION,
  type Change,
  type Changeset,
  type ChangesetStatus,
  type TenantStatus,
} from '../../../shared/sync/protocol';
import { fillState, keyString, type RowKey, type RowState, type SyncEntity } from '../../../shared/sync/rows';
import { Plan } from '../../plan';
import { ApplyError, applyChanges, staleness } from '../apply';
import { readState, Refs } from '../rows';
import { countRows, planRows, toSnapshotRow, totalRows } from '../snapshot';

export interface Answer {
  status: number;
  body: unknown;
}

const TENANT_ID_SETTING = 'tenant.id';

export class Tenant {
  readonly id: string;

  constructor(readonly plan: Plan) {
    const row = plan.q('SELECT value FROM settings WHERE key = ?').get(TENANT_ID_SETTING) as { value: string } | undefined;
    if (row) this.id = row.value;
    else {
      this.id = randomUUID();
      plan.q('INSERT INTO settings (key, value) VALUES (?, ?)').run(TENANT_ID_SETTING, this.id);
    }
  }

  version(): number {
    return (this.plan.q('SELECT MAX(version) AS v FROM tenant_changesets').get() as { v: number | null }).v ?? 0;
  }

  status(): TenantStatus {
    return this.plan.read(() => {
      const counts = countRows(this.plan);
      return {
        protocol: PROTOCOL_VERSION,
        tenant: this.id,
        version: this.version(),
        empty: counts.subnets + counts.ips + counts.catalog === 0,
        counts,
        emulator: true,
      };
    });
  }

  /** GET /changesets/{id} */
  changesetStatus(id: string): { status: number; body: ChangesetStatus } {
    const a = this.plan.q('SELECT status, version FROM tenant_answers WHERE id = ?').get(id) as { status: number; version: number | null } | undefined;
    if (!a) return { status: 404, body: { id, landed: false, version: null, status: null } };
    return { status: 200, body: { id, landed: a.status === 200, version: a.status === 200 ? a.version : null, status: a.status } };
  }

  /**
   * POST /changesets. The same id again returns the first answer and changes nothing. 409 when a
   * row it touches changed after base_version (or is not in its `before` state); 422 when a change
   * breaks an invariant; otherwise every change is applied in one transaction and the version moves on.
   */
  post(cs: Changeset): Answer {
    const first = this.plan.q('SELECT status, body FROM tenant_answers WHERE id = ?').get(cs.id) as { status: number; body: string } | undefined;
    if (first) return { status: first.status, body: JSON.parse(first.body) };
    const current = this.version();
    if (cs.base_version > current) {
      return this.remember(cs.id, 422, {
        error: 'invalid',
        message: `base_version ${cs.base_version} is ahead of the tenant (version ${current}); pull first`,
        errors: [{ index: -1, entity: null, key: null, code: 'BASE_VERSION', message: `base_version ${cs.base_version} is ahead of the tenant's version ${current}` }],
        version: current,
      }, null);
    }
    let answer: Answer | null = null;
    try {
      this.plan.mutate(
        `changeset ${cs.id}${cs.labels?.length ? `: ${cs.labels.slice(0, 3).join('; ')}${cs.labels.length > 3 ? `; and ${cs.labels.length - 3} more` : ''}` : ''}`,
        () => {
          const conflicts = this.conflicts(cs);
          if (conflicts.length) {
            answer = { status: 409, body: { error: 'conflict', message: `${conflicts.length} row(s) changed on the tenant after version ${cs.base_version}; pull and try again`, conflicts, version: current } };
            throw ROLLBACK;
          }
          applyChanges(this.plan, cs.changes, { verify: false, check: true });
          const version = current + 1;
          this.plan.q('INSERT INTO tenant_changesets (version, id, base_version, labels, changes, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
            version, cs.id, cs.base_version, JSON.stringify(cs.labels ?? []), cs.changes.length, this.plan.now,
          );
          const insertChange = this.plan.q('INSERT INTO tenant_changes (version, seq, change) VALUES (?, ?, ?)');
          const rowVersion = this.plan.q('INSERT INTO tenant_row_versions (key, version) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET version = excluded.version');
          cs.changes.forEach((c, seq) => {
            insertChange.run(version, seq, JSON.stringify(c));
            rowVersion.run(keyString(c.entity as SyncEntity, c.key as RowKey), version);
          });
          answer = { status: 200, body: { id: cs.id, version } };
          this.plan.q('INSERT INTO tenant_answers (id, status, body, version, created_at) VALUES (?, 200, ?, ?, ?)').run(cs.id, JSON.stringify(answer.body), version, this.plan.now);
        },
        { origin: 'remote' },
      );
    } catch (e) {
      if (e === ROLLBACK && answer) return this.remember(cs.id, (answer as Answer).status, (answer as Answer).body, null);
      if (e instanceof ApplyError) {
        return this.remember(cs.id, 422, {
          error: 'invalid',
          message: `change ${e.index} cannot be applied: ${e.message}`,
          errors: [{ index: e.index, entity: e.entity, key: e.key, code: e.code, message: e.message }],
          version: current,
        }, null);
      }
      throw e;
    }
    return answer!;
  }

  private remember(id: string, status: number, body: unknown, version: number | null): Answer {
    this.plan.q('INSERT OR IGNORE INTO tenant_answers (id, status, body, version, created_at) VALUES (?, ?, ?, ?, ?)').run(id, status, JSON.stringify(body), version, new Date().toISOString());
    return { status, body };
  }

  /** Rows the changeset touches that changed after its base version, or that are not in its `before` state. */
  private conflicts(cs: Changeset) {
    const refs = new Refs(this.plan);
    const versionOf = this.plan.q('SELECT version FROM tenant_row_versions WHERE key = ?');
    const out: Array<{ entity: SyncEntity; key: RowKey; version: number; current: Record<string, unknown> | null }> = [];
    for (const c of cs.changes) {
      const entity = c.entity as SyncEntity;
      const key = c.key as RowKey;
      const v = (versionOf.get(keyString(entity, key)) as { version: number } | undefined)?.version ?? 0;
      const state = readState(this.plan, entity, key, refs);
      if (v > cs.base_version || staleness(c, state) !== null) out.push({ entity, key, version: v, current: state });
    }
    return out;
  }

  /**
   * One page of GET /changes as JSON text (stored changes are spliced in as they were posted).
   * `cursor` is "VERSION:SEQ": go on with that changeset from that change.
   */
  changesPage(since: number, cursor: string | null, limit = DEFAULT_PAGE_CHANGES): string {
    const max = Math.min(Math.max(1, limit), MAX_PAGE_CHANGES);
    return this.plan.read(() => {
      let fromVersion = since + 1;
      let fromSeq = 0;
      if (cursor) {
        const m = /^(\d+):(\d+)$/.exec(cursor);
        if (!m) throw new FluxError('INVALID_ARGUMENT', `cursor ${cursor} is not one this tenant gave out`);
        fromVersion = Number(m[1]);
        fromSeq = Number(m[2]);
        if (fromVersion <= since) throw new FluxError('INVALID_ARGUMENT', `cursor ${cursor} lies before since=${since}`);
      }
      const sets = this.plan
        .q('SELECT version, id, labels, changes, created_at FROM tenant_changesets WHERE version >= ? ORDER BY version')
        .iterate(fromVersion) as IterableIterator<{ version: number; id: string; labels: string; changes: number; created_at: string }>;
      const parts: string[] = [];
      let room = max;
      let next: string | null = null;
      for (const s of sets) {
        if (room <= 0) {
          next = `${s.version}:0`;
          break;
        }
        const offset = s.version === fromVersion ? fromSeq : 0;
        const rows = this.plan
          .q('SELECT change FROM tenant_changes WHERE version = ? AND seq >= ? ORDER BY seq LIMIT ?')
          .all(s.version, offset, room) as Array<{ change: string }>;
        room -= rows.length;
        parts.push(
          `{"id":${JSON.stringify(s.id)},"version":${s.version},"created_at":${JSON.stringify(s.created_at)},"labels":${s.labels},"offset":${offset},"total":${s.changes},"changes":[${rows.map((r) => r.change).join(',')}]}`,
        );
        if (offset + rows.length < s.changes) {
          next = `${s.version}:${offset + rows.length}`;
          break;
        }
        // An empty changeset still takes its place in the page.
        if (room <= 0) room = 0;
      }
      return `{"protocol":${PROTOCOL_VERSION},"tenant":${JSON.stringify(this.id)},"version":${this.version()},"changesets":[${parts.join(',')}],"next":${JSON.stringify(next)}}`;
    });
  }
}

const ROLLBACK = Symbol('rollback');

/**
 * The snapshot as NDJSON lines, read on a connection of its own inside one read transaction, so that
 * changesets committed while it streams do not tear it. `write` returns false to ask for a pause.
 */
export async function streamSnapshot(file: string, tenantId: string, write: (text: string) => boolean, waitDrain: () => Promise<void>): Promise<number> {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('mmap_size = 1073741824');
  sqlite.pragma('cache_size = -65536');
  const reader = new Plan({ file, sqlite, orm: null as never, close: () => sqlite.close() });
  try {
    sqlite.exec('BEGIN');
    const version = (reader.q('SELECT MAX(version) AS v FROM tenant_changesets').get() as { v: number | null }).v ?? 0;
    const total = totalRows(reader);
    let sent = 0;
    const header = { snapshot: { protocol: PROTOCOL_VERSION, tenant: tenantId, version, rows: total } };
    const lines: string[] = [JSON.stringify(header)];
    const flush = async () => {
      // No await between the write and waiting for 'drain': a socket that takes the whole chunk at once
      // emits it on the next tick, before a promise continuation would listen.
      const ok = write(`${lines.join('\n')}\n`);
      lines.length = 0;
      if (!ok) await waitDrain();
    };
    for (const row of planRows(reader)) {
      lines.push(JSON.stringify(toSnapshotRow(row)));
      sent++;
      if (lines.length >= 2000) await flush();
    }
    lines.push(JSON.stringify({ end: { rows: sent } }));
    await flush();
    return sent;
  } finally {
    if (sqlite.inTransaction) sqlite.exec('COMMIT');
    sqlite.close();
  }
}

/** A full state from a snapshot or insert (defaults filled in). */
export const fullState = (entity: SyncEntity, s: Partial<RowState>): RowState => fillState(entity, s);
export type { Change };

/**
 * Sync's own tables: remotes, which local batches each remote has, changesets sent, the tenant's
 * state of rows that differ locally (the shadow), and conflicts. None of it is journaled: it is
 * bookkeeping about the journal, not part of the plan.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FluxError } from '../../shared/errors';
import type { RowKey, RowState, SyncEntity } from '../../shared/sync/rows';
import type { Plan } from '../plan';
import { checkTenantUrl } from './adapter';
import { FileSecret, hasSecretSource, secretSource } from './secret';

export interface RemoteRow {
  id: number;
  name: string;
  url: string;
  secret_kind: string;
  secret_ref: string;
  ca_file: string | null;
  timeout_ms: number | null;
  tenant: string | null;
  version: number | null;
  floor_batch: number;
  last_sync: string | null;
  last_attempt: string | null;
  online: 0 | 1 | null;
  last_error: string | null;
  tenant_version: number | null;
  created_at: string;
  updated_at: string;
}

export interface ConflictRow {
  id: number;
  remote_id: number;
  kind: ConflictKind;
  entity: SyncEntity;
  row: string;
  key: string;
  region: string | null;
  fields: string;
  mine: string | null;
  theirs: string | null;
  rows: string;
  status: 'open' | 'resolved' | 'merged';
  resolution: 'mine' | 'theirs' | 'reallocate' | null;
  outcome: string | null;
  version: number | null;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
}

export type ConflictKind = 'field' | 'allocation' | 'delete' | 'structure';

export interface Keyed {
  entity: SyncEntity;
  key: RowKey;
}

export interface ShadowEntry extends Keyed {
  state: RowState | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function listRemotes(plan: Plan): RemoteRow[] {
  return plan.q('SELECT * FROM sync_remotes ORDER BY name').all() as RemoteRow[];
}

/** The named remote, or the only one there is. */
export function getRemote(plan: Plan, name?: string | null): RemoteRow {
  if (name) {
    const row = plan.q('SELECT * FROM sync_remotes WHERE name = ?').get(name) as RemoteRow | undefined;
    if (!row) throw new FluxError('NOT_FOUND', `no remote named ${name} (add one with: sync remote add ${name} --url URL --secret-file FILE)`);
    return row;
  }
  const all = listRemotes(plan);
  if (!all.length) throw new FluxError('NOT_FOUND', 'no tenant to sync with yet; add one with: sync remote add NAME --url URL --secret-file FILE');
  if (all.length > 1) throw new FluxError('INVALID_ARGUMENT', `this plan has ${all.length} remotes (${all.map((r) => r.name).join(', ')}); choose one with --remote NAME`);
  return all[0]!;
}

export function findRemote(plan: Plan, name?: string | null): RemoteRow | null {
  try {
    return getRemote(plan, name);
  } catch {
    return null;
  }
}

function checkCa(file: string): string {
  const ca = resolve(file);
  let text: string;
  try {
    text = readFileSync(ca, 'utf8');
  } catch (e) {
    throw new FluxError('INVALID_ARGUMENT', `CA file ${ca} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new FluxError('INVALID_ARGUMENT', `CA file ${ca} holds no PEM certificate`);
  return ca;
}

function checkTimeout(ms: number | undefined): void {
  if (ms !== undefined && (!Number.isInteger(ms) || ms < 100 || ms > 600_000)) throw new FluxError('INVALID_ARGUMENT', '--timeout-ms is 100 to 600000');
}

export interface NewRemote {
  name: string;
  url: string;
  secret_file?: string | undefined;
  secret_kind?: string | undefined;
  secret_ref?: string | undefined;
  ca_file?: string | undefined;
  timeout_ms?: number | undefined;
}

/** Where a remote's token is: a file (checked and read once now), or a host's own store (read now when that store is registered here). */
function secretOf(a: { secret_file?: string | undefined; secret_kind?: string | undefined; secret_ref?: string | undefined }): { kind: string; ref: string } {
  if (a.secret_file !== undefined) {
    const secret = new FileSecret(a.secret_file);
    secret.read();
    return { kind: 'file', ref: secret.path };
  }
  if (!a.secret_kind || !a.secret_ref) throw new FluxError('INVALID_ARGUMENT', 'a token file is required (--secret-file FILE)');
  if (a.secret_kind === 'file') return secretOf({ secret_file: a.secret_ref });
  if (hasSecretSource(a.secret_kind)) secretSource(a.secret_kind, a.secret_ref).read();
  return { kind: a.secret_kind, ref: a.secret_ref };
}

export function addRemote(plan: Plan, a: NewRemote): RemoteRow {
  const name = a.name.trim();
  if (!NAME.test(name)) throw new FluxError('INVALID_ARGUMENT', `remote name "${a.name}" must be 1-64 letters, digits, dots, dashes or underscores`);
  const url = checkTenantUrl(a.url);
  const secret = secretOf(a);
  const ca = a.ca_file ? checkCa(a.ca_file) : null;
  checkTimeout(a.timeout_ms);
  if (plan.q('SELECT 1 FROM sync_remotes WHERE name = ?').get(name)) throw new FluxError('EXISTS', `a remote named ${name} already exists`);
  const now = new Date().toISOString();
  const info = plan
    .q('INSERT INTO sync_remotes (name, url, secret_kind, secret_ref, ca_file, timeout_ms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(name, url, secret.kind, secret.ref, ca, a.timeout_ms ?? null, now, now);
  return plan.q('SELECT * FROM sync_remotes WHERE id = ?').get(info.lastInsertRowid) as RemoteRow;
}

/**
 * Points a remote elsewhere (the tenant moved, the token file changed) keeping its sync state: the
 * tenant's identity is still checked on the next sync, so a URL of another tenant is refused then.
 */
export function setRemote(
  plan: Plan,
  a: { name: string; url?: string | undefined; secret_file?: string | undefined; secret_kind?: string | undefined; secret_ref?: string | undefined; ca_file?: string | null | undefined; timeout_ms?: number | undefined },
): RemoteRow {
  const r = getRemote(plan, a.name);
  const patch: Partial<RemoteRow> = {};
  if (a.url !== undefined) patch.url = checkTenantUrl(a.url);
  if (a.secret_file !== undefined || a.secret_kind !== undefined) {
    // Another token file, or the token moved into (or out of) a host's own store such as the desktop keychain.
    const secret = secretOf(a.secret_file !== undefined ? { secret_file: a.secret_file } : { secret_kind: a.secret_kind, secret_ref: a.secret_ref });
    patch.secret_kind = secret.kind;
    patch.secret_ref = secret.ref;
  }
  if (a.ca_file !== undefined) patch.ca_file = a.ca_file === null || a.ca_file === '' ? null : checkCa(a.ca_file);
  if (a.timeout_ms !== undefined) {
    checkTimeout(a.timeout_ms);
    patch.timeout_ms = a.timeout_ms;
  }
  if (!Object.keys(patch).length) throw new FluxError('INVALID_ARGUMENT', 'nothing to change: give --url, --secret-file, --ca-file or --timeout-ms');
  updateRemote(plan, r.id, patch);
  return reload(plan, r.id);
}

export function removeRemote(plan: Plan, name: string): void {
  const r = getRemote(plan, name);
  plan.sqlite.transaction(() => {
    for (const t of ['sync_pushed', 'sync_sent', 'sync_shadow', 'sync_conflicts']) plan.q(`DELETE FROM ${t} WHERE remote_id = ?`).run(r.id);
    plan.q('DELETE FROM sync_remotes WHERE id = ?').run(r.id);
  }).immediate();
}

export function updateRemote(plan: Plan, id: number, patch: Partial<Omit<RemoteRow, 'id' | 'name' | 'created_at'>>): void {
  const cols = Object.keys(patch);
  if (!cols.length) return;
  plan
    .q(`UPDATE sync_remotes SET ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
    .run(...cols.map((c) => (patch as Record<string, unknown>)[c] as never), new Date().toISOString(), id);
}

export function reload(plan: Plan, id: number): RemoteRow {
  return plan.q('SELECT * FROM sync_remotes WHERE id = ?').get(id) as RemoteRow;
}

// ---------------------------------------------------------------- pending batches

export interface BatchRef {
  id: number;
  label: string;
}

/** Local batches after the floor that no changeset carried yet, oldest first. */
export function pendingBatches(plan: Plan, remote: RemoteRow): BatchRef[] {
  return plan
    .q(
      `SELECT b.id, b.label FROM journal_batches b WHERE b.origin = 'local' AND b.id > ?
         AND NOT EXISTS (SELECT 1 FROM sync_pushed p WHERE p.remote_id = ? AND p.batch_id = b.id) ORDER BY b.id`,
    )
    .all(remote.floor_batch, remote.id) as BatchRef[];
}

export function markPushed(plan: Plan, remote: RemoteRow, batches: number[], changeset: string | null, version: number | null): void {
  const now = new Date().toISOString();
  const st = plan.q('INSERT OR IGNORE INTO sync_pushed (remote_id, batch_id, changeset_id, version, pushed_at) VALUES (?, ?, ?, ?, ?)');
  for (const b of batches) st.run(remote.id, b, changeset, version, now);
  // Every local batch up to the highest one carried is now in the tenant: move the floor.
  const max = batches.length ? Math.max(...batches) : 0;
  if (max > remote.floor_batch) {
    const gap = plan
      .q(
        `SELECT 1 FROM journal_batches b WHERE b.origin = 'local' AND b.id > ? AND b.id <= ?
           AND NOT EXISTS (SELECT 1 FROM sync_pushed p WHERE p.remote_id = ? AND p.batch_id = b.id) LIMIT 1`,
      )
      .get(remote.floor_batch, max, remote.id);
    if (!gap) {
      plan.q('UPDATE sync_remotes SET floor_batch = ? WHERE id = ?').run(max, remote.id);
      remote.floor_batch = max;
    }
  }
}

// ---------------------------------------------------------------- shadow

export function readShadow(plan: Plan, remote: RemoteRow): Map<string, ShadowEntry> {
  const out = new Map<string, ShadowEntry>();
  for (const r of plan.q('SELECT key, row FROM sync_shadow WHERE remote_id = ?').iterate(remote.id) as IterableIterator<{ key: string; row: string }>) {
    out.set(r.key, JSON.parse(r.row) as ShadowEntry);
  }
  return out;
}

export function writeShadow(plan: Plan, remote: RemoteRow, entries: Map<string, ShadowEntry>): void {
  plan.q('DELETE FROM sync_shadow WHERE remote_id = ?').run(remote.id);
  const st = plan.q('INSERT INTO sync_shadow (remote_id, key, entity, row) VALUES (?, ?, ?, ?)');
  for (const [k, e] of entries) st.run(remote.id, k, e.entity, JSON.stringify(e));
}

export function clearShadow(plan: Plan, remote: RemoteRow): void {
  plan.q('DELETE FROM sync_shadow WHERE remote_id = ?').run(remote.id);
}

// ---------------------------------------------------------------- conflicts

export function openConflicts(plan: Plan, remote: RemoteRow): ConflictRow[] {
  return plan.q("SELECT * FROM sync_conflicts WHERE remote_id = ? AND status = 'open' ORDER BY id").all(remote.id) as ConflictRow[];
}

export function countOpenConflicts(plan: Plan, remote: RemoteRow): number {
  return (plan.q("SELECT COUNT(*) AS n FROM sync_conflicts WHERE remote_id = ? AND status = 'open'").get(remote.id) as { n: number }).n;
}

export function getConflict(plan: Plan, id: number): ConflictRow {
  const row = plan.q('SELECT * FROM sync_conflicts WHERE id = ?').get(id) as ConflictRow | undefined;
  if (!row) throw new FluxError('NOT_FOUND', `there is no conflict ${id} (list them with: sync conflicts)`);
  return row;
}

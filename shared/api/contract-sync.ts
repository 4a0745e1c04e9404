/**
 * Sync methods of the API contract (implemented in electron/sync): remotes, one sync (pull, rebase,
 * preview, push), its status for the desktop's status bar, conflicts and their resolution.
 * The wire protocol with the tenant is a separate contract: shared/sync/protocol.ts.
 */
import { z } from 'zod';
import { method } from './method';

const remoteName = z.string().min(1, 'a remote name is required');
const state = z.record(z.string(), z.unknown()).nullable();
const key = z.record(z.string(), z.union([z.string(), z.number()]));
const conflictKind = z.enum(['field', 'allocation', 'delete', 'structure']);

export const remoteView = z.object({
  id: z.number().int(),
  name: z.string(),
  url: z.string(),
  /** Where the token is read from (never the token itself): "the file /home/me/.fluxbilling-token". */
  secret: z.string(),
  ca_file: z.string().nullable(),
  timeout_ms: z.number().int().nullable(),
  tenant: z.string().nullable(),
  version: z.number().int().nullable(),
  last_sync: z.string().nullable(),
  online: z.boolean().nullable(),
  last_error: z.string().nullable(),
});

export const conflictView = z.object({
  id: z.number().int(),
  kind: conflictKind,
  row: z.string(),
  entity: z.string(),
  key,
  region: z.string().nullable(),
  fields: z.array(z.string()),
  mine: state,
  theirs: state,
  rows: z.array(z.object({ row: z.string(), entity: z.string(), key, mine: state, theirs: state })),
  status: z.enum(['open', 'resolved', 'merged']),
  resolution: z.enum(['mine', 'theirs', 'reallocate']).nullable(),
  outcome: z.unknown(),
  version: z.number().int().nullable(),
  created_at: z.string(),
  resolved_at: z.string().nullable(),
});

const count = z.number().int();
export const previewPart = z.object({
  changes: count,
  counts: z.object({ subnets_created: count, subnets_deleted: count, allocations: count, ips_allocated: count, ips_released: count, ips_changed: count, catalog: count }),
  subnets_created: z.array(z.string()),
  subnets_deleted: z.array(z.string()),
  allocations: z.array(z.object({ subnet: z.string(), from: z.string(), to: z.string() })),
  ips_allocated: z.array(z.string()),
  ips_released: z.array(z.string()),
  ips_changed: z.array(z.string()),
  catalog: z.array(z.string()),
  tree: z.array(z.string()),
  truncated: z.boolean(),
});

export const syncResult = z.object({
  remote: z.string(),
  mode: z.enum(['sync', 'clone', 'upload', 'merge', 'replace', 'attach']),
  dry_run: z.boolean(),
  status: z.enum(['synced', 'conflicts', 'preview', 'preview_changed']),
  /** Changes applied locally from the tenant (a dry run: that would be). */
  pulled: count,
  /** Changes sent to the tenant (a dry run: that would be). */
  pushed: count,
  /** Conflicts open after this sync: the push waits until they are resolved. */
  conflicts: count,
  /** The tenant version this plan is at. */
  version: count.nullable(),
  changeset: z.string().nullable(),
  pulled_changesets: count,
  /** Pass back as expect_preview to push exactly what was previewed. */
  preview_id: z.string().nullable(),
  preview: z.object({ pull: previewPart, push: previewPart }),
  new_conflicts: z.array(conflictView),
  /** Local actions (journal batches) not yet pushed. */
  pending: count,
  message: z.string(),
});

export const syncStatus = z.object({
  remote: z.string().nullable(),
  url: z.string().nullable(),
  /** Local actions (journal batches) not yet pushed. */
  pending: count,
  /** Row changes those actions made. */
  pending_changes: count,
  /** The tenant version this plan has pulled through (null: never synced). */
  version: count.nullable(),
  /** The tenant's version as last seen. */
  tenant_version: count.nullable(),
  last_sync: z.string().nullable(),
  last_attempt: z.string().nullable(),
  /** Whether the last contact with the tenant worked (null: none yet). */
  online: z.boolean().nullable(),
  last_error: z.string().nullable(),
  conflicts: count,
  /** A push went out without an answer; the next sync asks the tenant whether it landed. */
  unconfirmed: count,
  remotes: z.array(z.string()),
});

export const probeResult = z.object({
  remote: z.string(),
  url: z.string(),
  /** The tenant answered (even if it then refused the token). */
  online: z.boolean(),
  tenant_version: count.nullable(),
  version: count.nullable(),
  /** Tenant versions this plan has not pulled yet (null: unknown, or never synced). */
  behind: count.nullable(),
  error: z.string().nullable(),
  reason: z.string().nullable(),
  checked_at: z.string(),
});

const jobId = z.string().min(1, 'a job id is required');

export const syncJobStatus = z.object({
  job: z.string(),
  kind: z.enum(['sync', 'sync-probe']),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  phase: z.enum(['starting', 'connecting', 'pulling', 'merging', 'pushing', 'cloning', 'done']),
  /** Changes received from the tenant so far (a clone: rows loaded). */
  pulled: count,
  /** Changes the tenant has accepted. */
  pushed: count,
  /** reason: what kind of failure (OFFLINE, UNAUTHORIZED, NEVER_SYNCED, ...), as sync.run's errors carry it. */
  error: z.object({ code: z.string(), message: z.string(), reason: z.string().nullable() }).nullable(),
  result: syncResult.nullable(),
  probe: probeResult.nullable(),
});

const syncRunArgs = z.object({
  remote: remoteName.optional(),
  dry_run: z.boolean().default(false),
  /** Replace the local plan with the tenant's. */
  replace_local: z.boolean().default(false),
  /** First sync of two non-empty plans: merge them, every difference a conflict. */
  merge: z.boolean().default(false),
  /** Push only if it is exactly the push previewed with this preview_id. */
  expect_preview: z.string().optional(),
  /**
   * The bearer token, for a host that keeps it itself (the desktop decrypts it with safeStorage in its
   * main process and adds it to this call on its way to the sync engine). Used for this sync only:
   * never stored, logged or returned. Without it the remote's token file (or registered store) is read.
   */
  token: z.string().min(1).optional(),
});

export const syncContract = {
  'sync.remote.add': method(
    z
      .object({
        name: remoteName,
        url: z.string().min(1, 'the tenant URL is required (--url)'),
        /** The CLI and the browser host: a file only its owner can read, the token on its first line. */
        secret_file: z.string().min(1).optional(),
        /**
         * A host that keeps the token itself (the desktop, with safeStorage): the kind of store and the
         * host's reference to the token in it. Such a remote syncs only where that store is (see sync.run's token).
         */
        secret_kind: z.string().min(1).optional(),
        secret_ref: z.string().min(1).optional(),
        ca_file: z.string().min(1).optional(),
        timeout_ms: z.number().int().min(100).max(600_000).optional(),
      })
      .refine((a) => (a.secret_file !== undefined) !== (a.secret_kind !== undefined && a.secret_ref !== undefined), {
        message: 'a token file is required (--secret-file FILE), or secret_kind with secret_ref',
      }),
    z.object({ remote: remoteView }),
    true,
  ),
  /** Points a remote elsewhere (the tenant moved, another token file), keeping its sync state. */
  'sync.remote.set': method(
    z
      .object({
        name: remoteName,
        url: z.string().min(1).optional(),
        secret_file: z.string().min(1).optional(),
        /** The token moves into a host's own store (the desktop keychain): see sync.remote.add. */
        secret_kind: z.string().min(1).optional(),
        secret_ref: z.string().min(1).optional(),
        ca_file: z.string().nullable().optional(),
        timeout_ms: z.number().int().min(100).max(600_000).optional(),
      })
      .refine((a) => (a.secret_kind === undefined) === (a.secret_ref === undefined), { message: 'secret_kind and secret_ref go together' })
      .refine((a) => a.secret_file === undefined || a.secret_kind === undefined, { message: 'a token file (--secret-file) or secret_kind with secret_ref, not both' }),
    z.object({ remote: remoteView }),
    true,
  ),
  'sync.remote.list': method(z.object({}).default({}), z.object({ remotes: z.array(remoteView) }), false),
  'sync.remote.remove': method(z.object({ name: remoteName }), z.object({ removed: z.string() }), true),
  /** One sync: pull, rebase, preview, push. dry_run previews without writing or sending anything. */
  'sync.run': method(
    /** progress: phases and counts on standard error while it runs (the command line). */
    syncRunArgs.extend({ progress: z.boolean().default(false) }),
    syncResult,
    true,
    { async: true },
  ),
  /**
   * The same sync in the background (the desktop and the browser host): it runs on in the engine
   * while this returns its job id at once, and local work goes on meanwhile. Poll sync.job;
   * sync.cancel stops it at the next safe point (never once a changeset is on its way). probe: only
   * ask the tenant whether it is reachable and at which version (the status bar's online/offline).
   */
  'sync.start': method(syncRunArgs.extend({ probe: z.boolean().default(false) }), z.object({ job: z.string() }), true),
  'sync.job': method(z.object({ job: jobId }), syncJobStatus, false),
  'sync.cancel': method(z.object({ job: jobId }), z.object({ job: z.string(), state: syncJobStatus.shape.state }), true),
  /** Whether the tenant answers and at which version, in one request (nothing pulled or pushed). */
  'sync.probe': method(z.object({ remote: remoteName.optional(), token: z.string().min(1).optional() }).default({}), probeResult, false, { async: true }),
  /** Sync state at a glance, without contacting the tenant. */
  'sync.status': method(z.object({ remote: remoteName.optional() }).default({}), syncStatus, false),
  'sync.conflicts': method(
    z.object({ remote: remoteName.optional(), all: z.boolean().default(false) }).default({ all: false }),
    z.object({ conflicts: z.array(conflictView) }),
    false,
  ),
  'sync.resolve': method(
    z.object({ id: z.number().int().min(1), choice: z.enum(['mine', 'theirs', 'reallocate'], { error: 'choose --mine, --theirs or --reallocate' }) }),
    z.object({
      conflict: conflictView,
      changes: count,
      reallocated: z.array(z.object({ entity: z.enum(['subnet', 'ip']), from: z.string(), to: z.string() })),
    }),
    true,
  ),
} as const;

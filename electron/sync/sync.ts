/**
 * One sync: pull, rebase, preview, push.
 *
 *  1. An earlier push whose answer never came is settled first: the tenant is asked whether it landed.
 *  2. Pull: the changesets after this plan's version, all pages (this plan's own are skipped).
 *  3. Rebase, in one local transaction journaled as a remote batch: the three-way merge (merge.ts)
 *     applies the tenant's changes through the engine's writers around the local work not yet pushed,
 *     holding back contested regions as conflicts (both values kept).
 *  4. Preview: what the push sends, in plan terms (preview.ts); a dry run stops here and writes nothing.
 *  5. Push: one changeset with a stable id, only when no conflict is open. 409 (someone pushed in
 *     between): pull and rebase again. 422: refused, nothing changes. No answer: retried with the same
 *     id, and settled by step 1 next time if it never comes.
 *
 * First sync: an empty plan clones the tenant (a streamed snapshot); an empty tenant receives the
 * whole plan; two non-empty plans never synced are refused unless the planner asks to replace the
 * local plan or to merge the two.
 *
 * A sync is async code on the engine's thread: every wait on the tenant is an await, and no
 * transaction is open across one (each step reads or writes in a short transaction of its own), so
 * the engine answers other calls meanwhile. What a step read before an await it reads again in the
 * transaction after it: the rebase reads the plan's pending work inside its own transaction, and a
 * push books as pushed only the journal batches it sent (work done while it was on its way stays
 * pending). Applying a cloned plan is CPU work and runs in the job worker (clone.ts).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FluxError, isFluxError } from '../../shared/errors';
import type { Change, Changeset, PulledChangeset } from '../../shared/sync/protocol';
import { ENTITY_ORDER, keyString, type RowKey, type RowState, type SyncEntity } from '../../shared/sync/rows';
import { JobCancelled, type JobHooks } from '../jobs/counters';
import { startJob, waitJob } from '../jobs/job';
import type { Plan } from '../plan';
import { type SnapshotInfo, type TenantAdapter, HttpTenant } from './adapter';
import type { CloneArgs, CloneResult } from './clone';
import { ApplyError, applyChanges, changeBetween, stateAfter } from './apply';
import { conflictView, type ConflictView } from './conflicts';
import { inRegion, Merge, treeOrder, type DirtyRow, type LocalChange, type PulledRow, type Region } from './merge';
import { countPending, readPending } from './pending';
import { buildPreview, previewId, summarize, type PreviewPart, type Step } from './preview';
import { readState, Refs } from './rows';
import { secretSource } from './secret';
import { isEmptyPlan, keyedFromSnapshot, planRows } from './snapshot';
import {
  clearShadow,
  countOpenConflicts,
  getRemote,
  markPushed,
  openConflicts,
  readShadow,
  reload,
  updateRemote,
  writeShadow,
  type RemoteRow,
  type ShadowEntry,
} from './store';

export interface SyncOptions {
  remote?: string | null;
  dryRun?: boolean;
  /** Replace the local plan with the tenant's. */
  replaceLocal?: boolean;
  /** First sync of two non-empty plans: merge them (every row both have with different values becomes a conflict). */
  merge?: boolean;
  /** Push only if the push is exactly the one previewed (its preview_id). */
  expectPreview?: string;
  /** The token, from a host that keeps it itself (used for this sync only, never stored). */
  token?: string;
  /** Another way to reach the tenant (tests; a real FluxBilling API later). */
  adapter?: TenantAdapter;
  onEvent?: (event: string) => void;
  /** Progress: changes pulled in `read`, pushed in `written`. */
  hooks?: Pick<JobHooks, 'phase' | 'read' | 'written'>;
  /** Cancels the sync at its next safe point (never once a changeset is on its way). */
  signal?: AbortSignal;
}

/**
 * A sync stopped at a safe point because it was asked to: before anything more was sent. The
 * transaction it was in rolls back; what an earlier round had already pulled stays applied.
 */
export class SyncCancelled extends JobCancelled {}

const NO_HOOKS: NonNullable<SyncOptions['hooks']> = { phase: () => {}, read: () => {}, written: () => {} };

export interface SyncResult {
  remote: string;
  mode: 'sync' | 'clone' | 'upload' | 'merge' | 'replace' | 'attach';
  dry_run: boolean;
  status: 'synced' | 'conflicts' | 'preview' | 'preview_changed';
  /** Changes applied locally from the tenant (a dry run: that would be). */
  pulled: number;
  /** Changes sent to the tenant (a dry run: that would be). */
  pushed: number;
  /** Conflicts open after this sync. */
  conflicts: number;
  /** The tenant version this plan is now at. */
  version: number | null;
  changeset: string | null;
  pulled_changesets: number;
  preview_id: string | null;
  preview: { pull: PreviewPart; push: PreviewPart };
  new_conflicts: ConflictView[];
  pending: number;
  message: string;
}

const MAX_ROUNDS = 6;
const MAX_MERGE_PASSES = 500;

export const adapterFor = (remote: RemoteRow, options: { onEvent?: (e: string) => void; token?: string; signal?: AbortSignal } = {}): TenantAdapter =>
  new HttpTenant({
    url: remote.url,
    token: options.token ?? secretSource(remote.secret_kind, remote.secret_ref).read(),
    timeoutMs: remote.timeout_ms ?? undefined,
    ca: remote.ca_file ? readFileSync(remote.ca_file, 'utf8') : undefined,
    onEvent: options.onEvent,
    signal: options.signal,
  });

/** The plans this process is syncing: one sync of a plan at a time (two would push the same work twice). */
const syncing = new WeakSet<Plan>();

export async function runSync(plan: Plan, options: SyncOptions = {}): Promise<SyncResult> {
  const remote = plan.read(() => getRemote(plan, options.remote));
  if (plan.sqlite.inTransaction) throw new FluxError('BUSY', 'sync cannot run inside a batch or another transaction; run it on its own');
  if (options.replaceLocal && options.merge) throw new FluxError('INVALID_ARGUMENT', '--replace-local and --merge exclude each other');
  if (syncing.has(plan)) throw new FluxError('BUSY', 'a sync of this plan is already running; wait for it, or cancel it');
  const adapter = options.adapter ?? adapterFor(remote, { onEvent: options.onEvent, token: options.token, signal: options.signal });
  syncing.add(plan);
  const started = new Date().toISOString();
  updateRemote(plan, remote.id, { last_attempt: started });
  const run = new SyncRun(plan, remote, adapter, options);
  try {
    const result = await run.run();
    updateRemote(plan, remote.id, { online: 1, last_error: null, ...(options.dryRun ? {} : { last_sync: new Date().toISOString() }) });
    return result;
  } catch (e) {
    // Cancelled while waiting on the tenant or the job worker: say what was left, in the sync's words.
    if (options.signal?.aborted) throw run.cancelled();
    if (e instanceof SyncCancelled) throw e;
    const reason = isFluxError(e) ? (e.details.reason as string | undefined) : undefined;
    const message = e instanceof Error ? e.message : String(e);
    updateRemote(plan, remote.id, { last_error: message, ...(reason === 'OFFLINE' || reason === 'UNAVAILABLE' ? { online: 0 } : {}) });
    throw e;
  } finally {
    syncing.delete(plan);
    if (!options.adapter) await adapter.close();
  }
}

/** Runs fn in a savepoint of the current transaction, restoring the journal batch's counters if it fails. */
function savepoint<T>(plan: Plan, fn: () => T): T {
  const batch = plan.batch;
  const saved = batch ? { id: batch.id, seq: batch.seq } : null;
  const logged = plan.logged.length;
  try {
    return plan.sqlite.transaction(fn)();
  } catch (e) {
    if (batch && saved) {
      batch.id = saved.id;
      batch.seq = saved.seq;
    }
    plan.logged.length = logged;
    plan.forgetCaches();
    throw e;
  }
}

interface Pulled {
  tenant: string;
  version: number;
  changesets: Array<{ id: string; version: number; labels: string[]; changes: Change[] }>;
  /** Own changesets that the feed shows landed. */
  ours: Array<{ id: string; version: number }>;
}

class SyncRun {
  private remote: RemoteRow;
  private readonly event: (e: string) => void;
  private readonly hooks: NonNullable<SyncOptions['hooks']>;
  /** Whether changes pulled from the tenant were committed here (a cancel then leaves them applied). */
  private appliedPull = false;

  constructor(
    private readonly plan: Plan,
    remote: RemoteRow,
    private readonly adapter: TenantAdapter,
    private readonly options: SyncOptions,
  ) {
    this.remote = remote;
    this.event = options.onEvent ?? (() => {});
    this.hooks = options.hooks ?? NO_HOOKS;
  }

  /** A safe point: nothing is on its way to the tenant, and the open transaction (if any) rolls back. */
  private stopIfCancelled(): void {
    if (this.options.signal?.aborted) throw this.cancelled();
  }

  /** What a cancel leaves behind, in the planner's words. */
  cancelled(): SyncCancelled {
    return new SyncCancelled(
      this.appliedPull
        ? 'The sync was cancelled before it sent anything more; the changes it had already pulled from the tenant stay applied'
        : 'The sync was cancelled; nothing was sent and the plan is as it was',
    );
  }

  private get dry(): boolean {
    return !!this.options.dryRun;
  }

  async run(): Promise<SyncResult> {
    if (!this.dry) await this.settleSent();
    if (this.options.replaceLocal) return this.clone(true);
    if (this.remote.version === null) return this.first();
    if (this.options.merge) throw new FluxError('INVALID_ARGUMENT', `this plan already syncs with ${this.remote.name}; a plain sync merges, --merge is only for a first sync`);
    return this.regular();
  }

  // ---------------------------------------------------------------- settling an unanswered push

  /** A changeset sent without an answer: ask the tenant whether it landed, and book it either way. */
  private async settleSent(): Promise<void> {
    const sending = this.plan.q("SELECT id FROM sync_sent WHERE remote_id = ? AND state = 'sending' ORDER BY created_at").all(this.remote.id) as Array<{ id: string }>;
    for (const s of sending) {
      const known = await this.adapter.changesetStatus(s.id);
      this.event(`changeset ${s.id} sent earlier without an answer: ${known?.landed ? `landed at version ${known.version}` : 'never landed'}`);
      this.plan.sqlite.transaction(() => {
        if (known?.landed) this.landed(s.id, known.version!);
        else this.plan.q("UPDATE sync_sent SET state = 'refused' WHERE remote_id = ? AND id = ?").run(this.remote.id, s.id);
      }).immediate();
    }
  }

  /**
   * Books a changeset the tenant committed: its batches are pushed, the shadow is void, and the
   * version moves on if nothing else landed in between (otherwise the next pull fetches the others).
   * The whole plan sent to an empty tenant makes this plan synced from here on.
   */
  private landed(id: string, version: number): void {
    // Read again: the remote's row may have moved on while the push was on its way.
    this.remote = reload(this.plan, this.remote.id);
    const s = this.plan.q('SELECT batches, base_version, max_batch FROM sync_sent WHERE remote_id = ? AND id = ?').get(this.remote.id, id) as
      | { batches: string; base_version: number; max_batch: number }
      | undefined;
    if (!s) throw new FluxError('INTERNAL', `changeset ${id} was not sent from here`);
    this.plan.q("UPDATE sync_sent SET state = 'landed', version = ? WHERE remote_id = ? AND id = ?").run(version, this.remote.id, id);
    const next = version === s.base_version + 1 ? version : s.base_version;
    if (this.remote.version === null) {
      updateRemote(this.plan, this.remote.id, { version: next, tenant_version: version, floor_batch: Math.max(this.remote.floor_batch, s.max_batch) });
    } else {
      markPushed(this.plan, this.remote, JSON.parse(s.batches) as number[], id, version);
      if (this.remote.version === s.base_version) updateRemote(this.plan, this.remote.id, { version: next, tenant_version: version });
    }
    clearShadow(this.plan, this.remote);
    this.remote = reload(this.plan, this.remote.id);
  }

  // ---------------------------------------------------------------- pull

  private ownIds(): Map<string, string> {
    const rows = this.plan.q('SELECT id, state FROM sync_sent WHERE remote_id = ?').all(this.remote.id) as Array<{ id: string; state: string }>;
    return new Map(rows.map((r) => [r.id, r.state]));
  }

  private async pull(since: number): Promise<Pulled> {
    const own = this.ownIds();
    const byId = new Map<string, { id: string; version: number; labels: string[]; changes: Change[] }>();
    const order: string[] = [];
    const ours: Array<{ id: string; version: number }> = [];
    let cursor: string | null = null;
    let tenant = '';
    let version = since;
    let pages = 0;
    let received = 0;
    this.hooks.phase('pulling');
    do {
      this.stopIfCancelled();
      const page = await this.adapter.changes(since, cursor);
      pages++;
      for (const cs of page.changesets) received += cs.changes.length;
      this.hooks.read(received);
      tenant = page.tenant;
      version = page.version;
      for (const cs of page.changesets as PulledChangeset[]) {
        if (own.has(cs.id)) {
          if (!ours.some((o) => o.id === cs.id)) ours.push({ id: cs.id, version: cs.version });
          continue;
        }
        let entry = byId.get(cs.id);
        if (!entry) {
          entry = { id: cs.id, version: cs.version, labels: cs.labels, changes: [] };
          byId.set(cs.id, entry);
          order.push(cs.id);
        }
        if (cs.offset !== entry.changes.length) throw new FluxError('INTERNAL', `the tenant's pages of changeset ${cs.id} do not fit together`, { reason: 'PROTOCOL' });
        entry.changes.push(...cs.changes);
      }
      cursor = page.next;
      if (pages > 100_000) throw new FluxError('INTERNAL', 'the tenant keeps sending pages', { reason: 'PROTOCOL' });
    } while (cursor);
    if (this.remote.tenant && tenant !== this.remote.tenant) this.wrongTenant(tenant);
    if (version < since) {
      throw new FluxError(
        'CONFLICT',
        `the tenant is at version ${version}, behind the version ${since} this plan already pulled (was it restored from a backup?); nothing was changed. Replace this plan with the tenant's (sync --replace-local), or restore the tenant`,
        { reason: 'TENANT_REWOUND' },
      );
    }
    const changesets = order.map((id) => byId.get(id)!).sort((a, b) => a.version - b.version);
    return { tenant, version, changesets, ours };
  }

  private wrongTenant(found: string): never {
    throw new FluxError(
      'CONFLICT',
      `${this.remote.url} now answers as another tenant (${found}, not ${this.remote.tenant}); this plan was synced with the other one. Add a new remote for it, or replace this plan with it: sync --replace-local`,
      { reason: 'WRONG_TENANT' },
    );
  }

  /** Folds pulled changes into the tenant's state of each row they touch. */
  private fold(pulled: Pulled, prior: (e: { entity: SyncEntity; key: RowKey }, k: string) => RowState | null): Map<string, PulledRow> {
    const out = new Map<string, PulledRow>();
    for (const cs of pulled.changesets) {
      for (const c of cs.changes) {
        const entity = c.entity as SyncEntity;
        const key = c.key as RowKey;
        const k = keyString(entity, key);
        const cur = out.has(k) ? out.get(k)!.state : prior({ entity, key }, k);
        out.set(k, { entity, key, state: stateAfter(c, cur) });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- regular sync

  private async regular(): Promise<SyncResult> {
    let pulledTotal = 0;
    let pulledSets = 0;
    let pullSteps: Step[] = [];
    let push: Changeset | null = null;
    let pushSteps: Step[] = [];
    let pid: string | null = null;
    const found: ConflictView[] = [];
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const pulled = await this.pull(this.remote.version!);
      pulledSets += pulled.changesets.length;
      const outcome = this.rebase(pulled, {});
      pulledTotal += outcome.pulled;
      pullSteps = pullSteps.concat(outcome.pullSteps);
      found.push(...outcome.newConflicts);
      if (this.dry || outcome.stop) {
        if (!push || outcome.push) {
          push = outcome.push;
          pushSteps = outcome.pushSteps;
          pid = outcome.previewId;
        }
        return this.result('sync', outcome.status, pulledTotal, pulledSets, push, pullSteps, pushSteps, pid, found);
      }
      const sent = await this.send(outcome.push!);
      push = outcome.push;
      pushSteps = outcome.pushSteps;
      pid = outcome.previewId;
      if (sent === 'done') return this.result('sync', 'synced', pulledTotal, pulledSets, push, pullSteps, pushSteps, pid, found);
      if (sent === 'conflict') {
        push = null;
        pushSteps = [];
        this.event('the tenant changed the same rows meanwhile: pulling again');
      } else this.event('others pushed before this changeset landed: pulling their changes');
    }
    throw new FluxError('BUSY', `the tenant kept changing the same rows during ${MAX_ROUNDS} attempts to push; try again`, { reason: 'UNAVAILABLE' });
  }

  /**
   * Pull, merge and (unless conflicts are open) build the push, in one local transaction. In a dry
   * run the same work is rehearsed and rolled back.
   */
  private rebase(
    pulled: Pulled,
    o: { dirtyAll?: Map<string, DirtyRow> },
  ): {
    pulled: number;
    pullSteps: Step[];
    pushSteps: Step[];
    push: Changeset | null;
    batches: number[];
    previewId: string | null;
    newConflicts: ConflictView[];
    status: SyncResult['status'];
    stop: boolean;
  } {
    const plan = this.plan;
    const remote = this.remote;
    this.hooks.phase('merging');
    const work = () => {
      // Own changesets the feed shows: they landed.
      for (const own of pulled.ours) {
        const s = plan.q('SELECT state, batches, base_version FROM sync_sent WHERE remote_id = ? AND id = ?').get(remote.id, own.id) as
          | { state: string; batches: string; base_version: number }
          | undefined;
        if (s && s.state !== 'landed') this.landed(own.id, own.version);
      }
      if (o.dirtyAll) {
        // A first sync by merging: every local row counts as unpushed, the journal before it as the tenant's.
        updateRemote(plan, this.remote.id, { floor_batch: this.maxBatch() });
        this.remote = reload(plan, this.remote.id);
      }
      const refs = new Refs(plan, this.remote.floor_batch);
      const shadow = readShadow(plan, this.remote);
      const pending = readPending(plan, this.remote, refs);
      const dirty = new Map<string, DirtyRow>();
      if (o.dirtyAll) for (const [k, d] of o.dirtyAll) dirty.set(k, d);
      for (const [k, t] of pending.touched) dirty.set(k, { entity: t.entity, key: t.key, base: shadow.has(k) ? shadow.get(k)!.state : t.base });
      for (const [k, s] of shadow) if (!dirty.has(k)) dirty.set(k, { entity: s.entity, key: s.key, base: s.state });
      const prior = (e: { entity: SyncEntity; key: RowKey }, k: string) => (dirty.has(k) ? dirty.get(k)!.base : readState(plan, e.entity, e.key, refs));
      const theirs = this.fold(pulled, prior);
      const merge = new Merge(plan, refs, dirty, theirs);
      const open = openConflicts(plan, this.remote);
      const regions: Region[] = open.map((c) => ({ entity: c.entity, key: JSON.parse(c.key) as RowKey, k: c.row, subtree: c.region !== null }));
      const openKeys = new Set(regions.map((r) => r.k));
      let applied: Map<string, LocalChange> = new Map();
      let contested: Map<string, string[]> = new Map();
      let passes = 0;
      for (;;) {
        if (++passes > MAX_MERGE_PASSES) throw new FluxError('INTERNAL', 'sync could not settle the merge');
        const r = merge.run(regions);
        const changes = [...r.apply.values()].map((c) => changeBetween(c.entity, c.key, c.from, c.to)).filter((c): c is Change => c !== null);
        try {
          savepoint(plan, () => applyChanges(plan, changes, { verify: true, since: this.remote.floor_batch }));
          applied = r.apply;
          contested = r.contested;
          break;
        } catch (e) {
          if (!(e instanceof ApplyError) || !e.entity || !e.key) throw e;
          // The tenant's change does not fit around the local work here: hold the region back as a conflict.
          const region = merge.regionAround({ entity: e.entity, key: e.key });
          this.event(`cannot apply ${keyString(e.entity, e.key)} locally (${e.message}): holding ${region.k} as a conflict`);
          if (regions.some((x) => x.k === region.k && x.subtree === region.subtree)) {
            regions.push({ ...region, subtree: true });
            if (regions.filter((x) => x.k === region.k).length > 3) throw e;
          } else regions.push(region);
        }
      }
      const pullSteps: Step[] = [...applied.values()].map((c) => ({ entity: c.entity, key: c.key, from: c.from, to: c.to }));
      merge.forget();
      // A region whose two sides have come to agree (the tenant made the same change since) holds nothing.
      const described = new Map<string, ReturnType<Merge['describe']>>();
      const final = Merge.normalize(regions).filter((r) => {
        const d = merge.describe(r, contested.get(r.k));
        described.set(`${r.k} ${r.subtree}`, d);
        return d.rows.length > 0;
      });
      // Conflicts: refresh the open ones, record the new ones, retire those a wider one swallowed.
      const views: ConflictView[] = [];
      const now = new Date().toISOString();
      for (const c of open) {
        if (final.some((r) => r.k === c.row && r.subtree === (c.region !== null))) continue;
        const d = described.get(`${c.row} ${c.region !== null}`);
        if (d && !d.rows.length) {
          plan
            .q("UPDATE sync_conflicts SET status = 'resolved', outcome = ?, resolved_at = ?, updated_at = ? WHERE id = ?")
            .run(JSON.stringify({ agreed: true }), now, now, c.id);
        } else plan.q("UPDATE sync_conflicts SET status = 'merged', updated_at = ? WHERE id = ?").run(now, c.id);
      }
      for (const region of final) {
        const d = described.get(`${region.k} ${region.subtree}`)!;
        const existing = open.find((c) => c.row === region.k && (c.region !== null) === region.subtree);
        if (existing) {
          // Keep what was found first: its kind, its contested fields and each row's base.
          const before = new Map((JSON.parse(existing.rows) as Array<{ entity: SyncEntity; key: RowKey; base?: RowState | null }>).map((r) => [keyString(r.entity, r.key), r.base]));
          const rows = d.rows.map((r) => {
            const k = keyString(r.entity, r.key);
            return before.has(k) && before.get(k) !== undefined ? { ...r, base: before.get(k)! } : r;
          });
          plan
            .q('UPDATE sync_conflicts SET mine = ?, theirs = ?, rows = ?, version = ?, updated_at = ? WHERE id = ?')
            .run(JSON.stringify(d.mine), JSON.stringify(d.theirs), JSON.stringify(rows), pulled.version, now, existing.id);
        } else {
          const values = [d.kind, JSON.stringify(d.fields), JSON.stringify(d.mine), JSON.stringify(d.theirs), JSON.stringify(d.rows)];
          const info = plan
            .q('INSERT INTO sync_conflicts (remote_id, kind, entity, row, key, region, fields, mine, theirs, rows, status, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
            .run(this.remote.id, d.kind, region.entity, region.k, JSON.stringify(region.key), region.subtree ? String(region.key.cidr) : null, values[1], values[2], values[3], values[4], 'open', pulled.version, now, now);
          if (!openKeys.has(region.k)) views.push(conflictView(plan.q('SELECT * FROM sync_conflicts WHERE id = ?').get(info.lastInsertRowid) as never));
        }
      }
      // What the tenant holds of every row that differs here or is not yet pushed.
      const shadowNext = new Map<string, ShadowEntry>();
      for (const [k, e] of merge.keys()) {
        if (dirty.has(k) || final.some((r) => inRegion(r, e))) shadowNext.set(k, { entity: e.entity, key: e.key, state: merge.tenant(e, k) });
      }
      updateRemote(plan, this.remote.id, { version: pulled.version, tenant: pulled.tenant, tenant_version: pulled.version });
      this.remote = reload(plan, this.remote.id);
      const label = this.pullLabel(pulled, pullSteps.length);
      if (plan.batch?.id != null) plan.relabel(label);
      if (final.length) {
        writeShadow(plan, this.remote, shadowNext);
        return { pullSteps, pushSteps: [] as Step[], push: null, batches: [] as number[], previewId: null, newConflicts: views, status: 'conflicts' as const, stop: true };
      }
      // The push: every row not yet pushed, from what the tenant holds to what this plan holds now.
      const pushes: Array<{ c: Change; step: Step }> = [];
      for (const [k, d] of dirty) {
        const from = merge.tenant(d, k);
        const to = merge.local(d, k);
        const c = changeBetween(d.entity, d.key, from, to);
        if (c) pushes.push({ c, step: { entity: d.entity, key: d.key, from, to } });
      }
      pushes.sort((a, b) => entityRank(a.step.entity) - entityRank(b.step.entity) || treeOrder(a.step, b.step));
      const changes = pushes.map((p) => p.c);
      const pushSteps = pushes.map((p) => p.step);
      const batches = pending.batches.map((b) => b.id);
      if (!changes.length) {
        // Nothing to send: the pending work is already the tenant's (or cancelled out).
        markPushed(plan, this.remote, batches, null, pulled.version);
        clearShadow(plan, this.remote);
        // Everything in the journal now is the tenant's or pushed (this transaction holds the write lock).
        updateRemote(plan, this.remote.id, { floor_batch: this.maxBatch() });
        this.remote = reload(plan, this.remote.id);
        return { pullSteps, pushSteps, push: null, batches, previewId: null, newConflicts: views, status: 'synced' as const, stop: true };
      }
      this.stopIfCancelled();
      const id = randomUUID().replaceAll('-', '');
      const pid = previewId(pulled.version, changes);
      if (this.options.expectPreview && this.options.expectPreview !== pid) {
        writeShadow(plan, this.remote, shadowNext);
        return { pullSteps, pushSteps, push: null, batches, previewId: pid, newConflicts: views, status: 'preview_changed' as const, stop: true };
      }
      const labels = pending.batches.map((b) => b.label).slice(0, 1000);
      const changeset: Changeset = { id, base_version: pulled.version, changes, labels };
      writeShadow(plan, this.remote, shadowNext);
      if (!this.dry) {
        plan
          .q("INSERT INTO sync_sent (remote_id, id, base_version, state, batches, max_batch, changes, created_at) VALUES (?, ?, ?, 'sending', ?, ?, ?, ?)")
          .run(this.remote.id, id, pulled.version, JSON.stringify(batches), pending.maxBatch, changes.length, new Date().toISOString());
      }
      return { pullSteps, pushSteps, push: changeset, batches, previewId: pid, newConflicts: views, status: (this.dry ? 'preview' : 'synced') as SyncResult['status'], stop: false };
    };
    const label = `sync ${remote.name}`;
    const out = this.dry ? plan.rehearse(label, work) : plan.mutate(label, work, { origin: 'remote' });
    if (this.dry) this.remote = reload(plan, remote.id);
    else if (out.pullSteps.length) this.appliedPull = true;
    return {
      pulled: out.pullSteps.length,
      pullSteps: out.pullSteps,
      pushSteps: out.pushSteps,
      push: out.push,
      batches: out.batches,
      previewId: out.previewId,
      newConflicts: out.newConflicts,
      status: this.dry ? (out.status === 'conflicts' ? 'conflicts' : 'preview') : out.status,
      stop: out.stop,
    };
  }

  private pullLabel(pulled: Pulled, changes: number): string {
    const labels = pulled.changesets.flatMap((c) => c.labels);
    const what = labels.length ? `: ${labels.slice(0, 3).join('; ')}${labels.length > 3 ? `; and ${labels.length - 3} more` : ''}` : '';
    return `sync ${this.remote.name}: pulled ${changes} change(s) from version ${pulled.version}${what}`;
  }

  /** Sends the changeset; 'done', or what to do next. */
  private async send(cs: Changeset): Promise<'done' | 'conflict' | 'behind'> {
    this.hooks.phase('pushing');
    this.event(`pushing ${cs.changes.length} change(s) as changeset ${cs.id} on version ${cs.base_version}`);
    const outcome = await this.adapter.post(cs);
    const plan = this.plan;
    if (outcome.status === 200) {
      const version = outcome.answer.version;
      plan.sqlite.transaction(() => this.landed(cs.id, version)).immediate();
      this.hooks.written(cs.changes.length);
      return version === cs.base_version + 1 ? 'done' : 'behind';
    }
    plan.q("UPDATE sync_sent SET state = 'refused' WHERE remote_id = ? AND id = ?").run(this.remote.id, cs.id);
    if (outcome.status === 409) return 'conflict';
    const errors = outcome.answer.errors;
    throw new FluxError(
      'CONFLICT',
      `the tenant refused the push (422): ${errors.slice(0, 5).map((e) => e.message).join('; ')}${errors.length > 5 ? `; and ${errors.length - 5} more` : ''}. Nothing was pushed; fix the rows named and sync again`,
      { reason: 'REJECTED', errors },
    );
  }

  // ---------------------------------------------------------------- first sync

  private async first(): Promise<SyncResult> {
    this.hooks.phase('connecting');
    const status = await this.adapter.status();
    if (this.remote.tenant && status.tenant !== this.remote.tenant) this.wrongTenant(status.tenant);
    const localEmpty = isEmptyPlan(this.plan);
    if (localEmpty && status.empty) {
      if (!this.dry) this.adopt(status.tenant, status.version);
      return this.result('attach', this.dry ? 'preview' : 'synced', 0, 0, null, [], [], null, []);
    }
    if (localEmpty) return this.clone(false);
    if (status.empty) return this.upload(status.version, status.tenant);
    if (this.options.merge) return this.mergeFirst(status.tenant);
    throw new FluxError(
      'CONFLICT',
      `This plan and the tenant at ${this.remote.url} both hold a plan and have never been synced. Either replace this plan with the tenant's (fluxplan sync --replace-local; your local rows are deleted, their history stays in the journal), or merge the two (fluxplan sync --merge: rows only one side has are kept, and every row both have with different values becomes a conflict to resolve).`,
      { reason: 'NEVER_SYNCED', remote: this.remote.name },
    );
  }

  private maxBatch(): number {
    return (this.plan.q('SELECT MAX(id) AS m FROM journal_batches').get() as { m: number | null }).m ?? 0;
  }

  /** Both empty: this plan starts at the tenant's version. */
  private adopt(tenant: string, version: number): void {
    updateRemote(this.plan, this.remote.id, { tenant, version, tenant_version: version, floor_batch: this.maxBatch() });
    this.remote = reload(this.plan, this.remote.id);
  }

  /**
   * The tenant's plan, streamed into this one (emptied first with `replace`): downloaded to a file
   * here (the network's part), then applied in one transaction by the job worker (the CPU's part).
   */
  private async clone(replace: boolean): Promise<SyncResult> {
    const plan = this.plan;
    if (this.dry) {
      const status = await this.adapter.status();
      const rows = status.counts.subnets + status.counts.ips + status.counts.catalog;
      const r = this.result(replace ? 'replace' : 'clone', 'preview', rows, 0, null, [], [], null, []);
      r.message = `Would ${replace ? 'replace this plan with' : 'clone'} the tenant's plan (version ${status.version}: ${status.counts.subnets} subnets, ${status.counts.ips} IP records, ${status.counts.catalog} catalog rows)`;
      return r;
    }
    const dir = mkdtempSync(join(tmpdir(), 'fluxplan-clone-'));
    // Decided now: what the planner journals while the snapshot comes is theirs, and stays pending.
    const floor = this.maxBatch();
    let applied: CloneResult;
    try {
      const file = join(dir, 'snapshot.ndjson');
      const info = await this.download(file, replace);
      this.stopIfCancelled();
      const args: CloneArgs = { remote: this.remote.id, file, replace, tenant: info.tenant, version: info.version, floor };
      applied = (await waitJob(startJob(plan.file, 'clone', { ...args }), { signal: this.options.signal, progress: (s) => this.hooks.read(s.read) })) as CloneResult;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    this.remote = reload(plan, this.remote.id);
    const r = this.result(replace ? 'replace' : 'clone', 'synced', applied.loaded, 1, null, [], [], null, []);
    r.message = `${replace ? 'Replaced this plan with' : 'Cloned'} the tenant's plan at version ${applied.version} (${applied.loaded} rows)`;
    return r;
  }

  /** The tenant's snapshot as NDJSON rows in `file` (checked against the protocol on the way). */
  private async download(file: string, replace: boolean): Promise<SnapshotInfo> {
    const fd = openSync(file, 'w', 0o600);
    let rows = 0;
    try {
      this.hooks.phase('cloning');
      return await this.adapter.snapshot((batch, head, texts) => {
        if (this.remote.tenant && !replace && head.tenant !== this.remote.tenant) this.wrongTenant(head.tenant);
        this.stopIfCancelled();
        writeSync(fd, `${texts.join('\n')}\n`);
        rows += batch.length;
        this.hooks.read(rows);
      });
    } finally {
      closeSync(fd);
    }
  }

  /** An empty tenant: this plan's rows, all of them, as one changeset. */
  private async upload(baseVersion: number, tenant: string): Promise<SyncResult> {
    const plan = this.plan;
    const { changes, steps } = plan.read(() => {
      const changes: Change[] = [];
      const steps: Step[] = [];
      const GLOBAL = { description: 'The default address space' };
      for (const row of planRows(plan)) {
        const from = row.entity === 'space' && row.key.name === 'global' ? GLOBAL : null;
        const c = changeBetween(row.entity, row.key, from, row.state);
        if (!c) continue;
        changes.push(c);
        if (steps.length < 100_000) steps.push({ entity: row.entity, key: row.key, from, to: row.state });
      }
      return { changes, steps };
    });
    const pid = previewId(baseVersion, changes);
    if (this.dry) return this.result('upload', 'preview', 0, 0, { id: '', base_version: baseVersion, changes }, [], steps, pid, []);
    if (this.options.expectPreview && this.options.expectPreview !== pid) return this.result('upload', 'preview_changed', 0, 0, null, [], steps, pid, []);
    this.stopIfCancelled();
    const max = this.maxBatch();
    const id = randomUUID().replaceAll('-', '');
    const cs: Changeset = { id, base_version: baseVersion, changes, labels: [`the whole plan of ${plan.file}`] };
    plan
      .q("INSERT INTO sync_sent (remote_id, id, base_version, state, batches, max_batch, changes, created_at) VALUES (?, ?, ?, 'sending', '[]', ?, ?, ?)")
      .run(this.remote.id, id, baseVersion, max, changes.length, new Date().toISOString());
    updateRemote(plan, this.remote.id, { tenant });
    this.remote = reload(plan, this.remote.id);
    this.hooks.phase('pushing');
    const outcome = await this.adapter.post(cs);
    if (outcome.status !== 200) {
      plan.q("UPDATE sync_sent SET state = 'refused' WHERE remote_id = ? AND id = ?").run(this.remote.id, id);
      if (outcome.status === 409) throw new FluxError('CONFLICT', 'someone wrote to the tenant while the whole plan was being sent; sync again', { reason: 'RACE' });
      throw new FluxError('CONFLICT', `the tenant refused the plan (422): ${outcome.answer.errors.map((e) => e.message).slice(0, 5).join('; ')}`, { reason: 'REJECTED', errors: outcome.answer.errors });
    }
    plan.sqlite.transaction(() => this.landed(id, outcome.answer.version)).immediate();
    this.hooks.written(changes.length);
    const r = this.result('upload', 'synced', 0, 0, cs, [], steps, pid, []);
    if (this.remote.version !== outcome.answer.version) {
      // Others wrote to the tenant meanwhile: pull what they did (this plan's changeset is skipped).
      const more = await this.regular();
      r.pulled = more.pulled;
      r.conflicts = more.conflicts;
      r.version = more.version;
    }
    r.message = `Sent the whole plan to the empty tenant (${changes.length} rows); now at version ${this.remote.version}`;
    return r;
  }

  /** Two plans never synced, merged: every row both have with different values becomes a conflict. */
  private async mergeFirst(tenant: string): Promise<SyncResult> {
    const plan = this.plan;
    // The tenant's plan, as pulled changes on top of nothing.
    const changes: Change[] = [];
    this.hooks.phase('pulling');
    const info = await this.adapter.snapshot((rows) => {
      this.stopIfCancelled();
      for (const r of rows) {
        const k = keyedFromSnapshot(r);
        changes.push(changeBetween(k.entity, k.key, null, k.state)!);
      }
    });
    if (info.tenant !== tenant) this.wrongTenant(info.tenant);
    // Every local row counts as not yet pushed, with nothing as its base.
    const dirtyAll = new Map<string, DirtyRow>();
    plan.read(() => {
      for (const row of planRows(plan)) dirtyAll.set(keyString(row.entity, row.key), { entity: row.entity, key: row.key, base: null });
    });
    // The global space exists on both sides from the start.
    for (const [k, d] of dirtyAll) if (d.entity === 'space' && d.key.name === 'global') dirtyAll.set(k, { ...d, base: { description: 'The default address space' } });
    const pulled: Pulled = { tenant, version: info.version, changesets: [{ id: 'snapshot', version: info.version, labels: ['merge with the tenant'], changes }], ours: [] };
    const outcome = this.rebase(pulled, { dirtyAll });
    if (this.dry || outcome.stop) return this.result('merge', outcome.status, outcome.pulled, 1, outcome.push, outcome.pullSteps, outcome.pushSteps, outcome.previewId, outcome.newConflicts);
    const sent = await this.send(outcome.push!);
    if (sent !== 'done') {
      const more = await this.regular();
      more.mode = 'merge';
      more.pulled += outcome.pulled;
      return more;
    }
    return this.result('merge', 'synced', outcome.pulled, 1, outcome.push, outcome.pullSteps, outcome.pushSteps, outcome.previewId, outcome.newConflicts);
  }

  // ---------------------------------------------------------------- result

  private result(
    mode: SyncResult['mode'],
    status: SyncResult['status'],
    pulled: number,
    pulledSets: number,
    push: Changeset | null,
    pullSteps: Step[],
    pushSteps: Step[],
    pid: string | null,
    found: ConflictView[],
  ): SyncResult {
    const conflicts = countOpenConflicts(this.plan, this.remote);
    const pending = countPending(this.plan, this.remote).batches;
    const preview = { pull: buildPreview(pullSteps), push: buildPreview(pushSteps) };
    const pushed = push ? push.changes.length : 0;
    const finalStatus: SyncResult['status'] = status === 'synced' && conflicts ? 'conflicts' : status;
    const verb = this.dry ? 'Would pull' : 'Pulled';
    const parts = [
      `${verb} ${pulled} change(s)${pulledSets ? ` from ${pulledSets} changeset(s)` : ''}${pulled ? ` (${summarize(preview.pull)})` : ''}`,
      finalStatus === 'preview_changed'
        ? `The push differs from the one previewed; nothing was sent (preview ${pid})`
        : `${this.dry ? 'Would push' : 'Pushed'} ${pushed} change(s)${pushed ? ` (${summarize(preview.push)})` : ''}${push && !this.dry ? ` as changeset ${push.id}` : ''}`,
    ];
    if (conflicts) parts.push(`${conflicts} conflict(s) open; nothing is pushed until they are resolved (fluxplan sync conflicts)`);
    return {
      remote: this.remote.name,
      mode,
      dry_run: this.dry,
      status: finalStatus,
      pulled,
      pushed,
      conflicts,
      version: this.remote.version,
      changeset: push && !this.dry && push.id ? push.id : null,
      pulled_changesets: pulledSets,
      preview_id: pid,
      preview,
      new_conflicts: found,
      pending,
      message: parts.join('. '),
    };
  }
}

const entityRank = (e: SyncEntity) => ENTITY_ORDER.indexOf(e);


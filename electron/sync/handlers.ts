/**
 * Sync's share of the handler table. `sync.status` answers from the plan alone (no network), so the
 * desktop can show it at a glance at any time.
 *
 * `sync.run` and `sync.probe` are async: their caller awaits the answer (the CLI), while the engine
 * goes on answering other calls. `sync.start` runs the same sync in the background and returns a job id
 * at once (the desktop's Sync dialog): polled with `sync.job`, stopped with `sync.cancel`, which aborts
 * its signal. See docs/sync-protocol.md and docs/architecture.md.
 */
import type { HandlerMap } from '../api/handler';
import type { Plan } from '../plan';
import { FluxError } from '../../shared/errors';
import type { JobHooks } from '../jobs/counters';
import { cancelJob, jobState, runningJob, startTask } from '../jobs/job';
import { stderrProgress } from '../jobs/progress';
import { listConflicts, resolveConflict } from './conflicts';
import { countPending } from './pending';
import { probeTenant, type ProbeResult } from './probe';
import { secretSource } from './secret';
import { addRemote, countOpenConflicts, findRemote, getRemote, listRemotes, removeRemote, setRemote, type RemoteRow } from './store';
import { runSync, type SyncOptions, type SyncResult } from './sync';

/** The contract's arguments of a sync as the engine's options. */
function syncOptions(a: { remote?: string | undefined; dry_run: boolean; replace_local: boolean; merge: boolean; expect_preview?: string | undefined; token?: string | undefined }): SyncOptions {
  return { remote: a.remote, dryRun: a.dry_run, replaceLocal: a.replace_local, merge: a.merge, expectPreview: a.expect_preview, token: a.token };
}

function remoteView(r: RemoteRow) {
  let secret: string;
  try {
    secret = secretSource(r.secret_kind, r.secret_ref).describe();
  } catch {
    // Kept by a host that is not this one (the desktop app's keychain, seen from the CLI).
    secret = r.secret_kind === 'safe-storage' ? "the desktop app's keychain" : `${r.secret_kind}: ${r.secret_ref}`;
  }
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    secret,
    ca_file: r.ca_file,
    timeout_ms: r.timeout_ms,
    tenant: r.tenant,
    version: r.version,
    last_sync: r.last_sync,
    online: r.online === null ? null : r.online === 1,
    last_error: r.last_error,
  };
}

function status(plan: Plan, name?: string) {
  return plan.read(() => {
    const remotes = listRemotes(plan);
    const r = name ? getRemote(plan, name) : remotes.length === 1 ? remotes[0]! : findRemote(plan, null);
    const pending = countPending(plan, r);
    const unconfirmed = r ? (plan.q("SELECT COUNT(*) AS n FROM sync_sent WHERE remote_id = ? AND state = 'sending'").get(r.id) as { n: number }).n : 0;
    return {
      remote: r?.name ?? null,
      url: r?.url ?? null,
      pending: pending.batches,
      pending_changes: pending.records,
      version: r?.version ?? null,
      tenant_version: r?.tenant_version ?? null,
      last_sync: r?.last_sync ?? null,
      last_attempt: r?.last_attempt ?? null,
      online: r ? (r.online === null ? null : r.online === 1) : null,
      last_error: r?.last_error ?? null,
      conflicts: r ? countOpenConflicts(plan, r) : 0,
      unconfirmed,
      remotes: remotes.map((x) => x.name),
    };
  });
}

const fmt = (n: number) => n.toLocaleString('en');

/** A sync's phases and counts as progress lines (the command line's standard error). */
function progressHooks(report: (line: string, newPhase?: boolean) => void): SyncOptions['hooks'] {
  let phase = 'starting';
  let pulled = 0;
  let pushed = 0;
  const line = () => {
    if (phase === 'cloning') return `sync: cloning the tenant's plan, ${fmt(pulled)} rows`;
    if (phase === 'pushing') return `sync: pushing${pushed ? `, ${fmt(pushed)} changes accepted` : ''}`;
    if (phase === 'merging') return `sync: merging ${fmt(pulled)} pulled changes with this plan's`;
    if (phase === 'pulling') return `sync: pulling, ${fmt(pulled)} changes so far`;
    return 'sync: contacting the tenant';
  };
  const show = () => report(line());
  return {
    phase: (p) => {
      phase = p;
      report(line(), true);
    },
    read: (n) => {
      pulled = n;
      show();
    },
    written: (n) => {
      pushed = n;
      show();
    },
  };
}

const SYNC_PHASES = ['starting', 'connecting', 'pulling', 'merging', 'pushing', 'cloning', 'done'] as const;

function syncJob(id: string) {
  const s = jobState(id);
  if (s.kind !== 'sync' && s.kind !== 'sync-probe') throw new FluxError('INVALID_ARGUMENT', `${id} is an ${s.kind} job, not a sync (ask import.status)`);
  const phase = (SYNC_PHASES as readonly string[]).includes(s.phase) ? (s.phase as (typeof SYNC_PHASES)[number]) : 'starting';
  const done = s.state === 'done';
  return {
    job: id,
    kind: s.kind,
    state: s.state,
    phase,
    pulled: s.read,
    pushed: s.written,
    error: s.error ? { code: s.error.code, message: s.error.message, reason: typeof s.error.reason === 'string' ? s.error.reason : null } : null,
    result: done && s.kind === 'sync' ? (s.result as SyncResult) : null,
    probe: done && s.kind === 'sync-probe' ? (s.result as ProbeResult) : null,
  };
}

export const syncHandlers: HandlerMap<
  | 'sync.remote.add' | 'sync.remote.set' | 'sync.remote.list' | 'sync.remote.remove'
  | 'sync.run' | 'sync.start' | 'sync.job' | 'sync.cancel' | 'sync.probe' | 'sync.status' | 'sync.conflicts' | 'sync.resolve'
> = {
  'sync.remote.add': (plan, a) => ({ remote: remoteView(addRemote(plan, a)) }),
  'sync.remote.set': (plan, a) => ({ remote: remoteView(setRemote(plan, a)) }),
  'sync.remote.list': (plan) => ({ remotes: listRemotes(plan).map(remoteView) }),
  'sync.remote.remove': (plan, a) => {
    const busy = runningJob(plan.file, 'sync');
    if (busy) throw new FluxError('BUSY', `a sync of this plan is running (job ${busy}); remove the remote once it is over`, { job: busy });
    removeRemote(plan, a.name);
    return { removed: a.name };
  },
  'sync.run': async (plan, a, { signal }) => {
    const progress = a.progress ? stderrProgress() : null;
    try {
      return await runSync(plan, { ...syncOptions(a), signal, hooks: progress ? progressHooks(progress.report) : undefined });
    } finally {
      progress?.end();
    }
  },
  'sync.start': (plan, a) => {
    const { probe, ...args } = a;
    // Refused here, in the caller's words, rather than later in the job.
    plan.read(() => getRemote(plan, args.remote));
    if (probe) {
      const run = (hooks: JobHooks, signal: AbortSignal) => {
        hooks.phase('connecting');
        return probeTenant(plan, { remote: args.remote, token: args.token, signal });
      };
      return { job: startTask(plan.file, 'sync-probe', run) };
    }
    const busy = runningJob(plan.file, 'sync');
    if (busy) throw new FluxError('BUSY', `a sync of this plan is already running (job ${busy}); wait for it, or cancel it`, { job: busy });
    return { job: startTask(plan.file, 'sync', (hooks, signal) => runSync(plan, { ...syncOptions(args), signal, hooks })) };
  },
  'sync.job': (_plan, a) => syncJob(a.job),
  'sync.cancel': (_plan, a) => {
    syncJob(a.job);
    return { job: a.job, state: cancelJob(a.job) };
  },
  'sync.probe': (plan, a, { signal }) => probeTenant(plan, { remote: a.remote, token: a.token, signal }),
  'sync.status': (plan, a) => status(plan, a.remote),
  'sync.conflicts': (plan, a) => ({ conflicts: listConflicts(plan, getRemote(plan, a.remote), a.all) }),
  'sync.resolve': (plan, a) => resolveConflict(plan, a.id, a.choice),
};



/**
 * Sync's share of the handler table. `sync.status` answers from the plan alone (no network), so the
 * desktop can show it at a glance at any time.
 *
 * `sync.run` blocks its caller while it talks to the tenant (the requests themselves run on a helper
 * thread). The CLI simply waits. The desktop must not let the engine that answers the UI wait on the
 * network: it calls sync.run on a second engine, `workerEngine(file, script)` from electron/main/engine.ts,
 * opened on the same plan file (a worker thread with its own SQLite connection), and keeps calling
 * everything else, sync.status included, on its usual engine. See docs/sync-protocol.md.
 */
import type { HandlerMap } from '../api/handler';
import type { Plan } from '../plan';
import { listConflicts, resolveConflict } from './conflicts';
import { countPending } from './pending';
import { secretSource } from './secret';
import { addRemote, countOpenConflicts, findRemote, getRemote, listRemotes, removeRemote, setRemote, type RemoteRow } from './store';
import { runSync } from './sync';

function remoteView(r: RemoteRow) {
  let secret: string;
  try {
    secret = secretSource(r.secret_kind, r.secret_ref).describe();
  } catch {
    secret = `${r.secret_kind}: ${r.secret_ref}`;
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

export const syncHandlers: HandlerMap<'sync.remote.add' | 'sync.remote.set' | 'sync.remote.list' | 'sync.remote.remove' | 'sync.run' | 'sync.status' | 'sync.conflicts' | 'sync.resolve'> = {
  'sync.remote.add': (plan, a) => ({ remote: remoteView(addRemote(plan, a)) }),
  'sync.remote.set': (plan, a) => ({ remote: remoteView(setRemote(plan, a)) }),
  'sync.remote.list': (plan) => ({ remotes: listRemotes(plan).map(remoteView) }),
  'sync.remote.remove': (plan, a) => {
    removeRemote(plan, a.name);
    return { removed: a.name };
  },
  'sync.run': (plan, a) =>
    runSync(plan, { remote: a.remote, dryRun: a.dry_run, replaceLocal: a.replace_local, merge: a.merge, expectPreview: a.expect_preview, token: a.token }),
  'sync.status': (plan, a) => status(plan, a.remote),
  'sync.conflicts': (plan, a) => ({ conflicts: listConflicts(plan, getRemote(plan, a.remote), a.all) }),
  'sync.resolve': (plan, a) => resolveConflict(plan, a.id, a.choice),
};



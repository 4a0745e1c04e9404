/**
 * Applying a cloned plan: the job worker's half of a clone (the engine's half downloads the tenant's
 * snapshot into an NDJSON file, sync.ts). One transaction, journaled as a remote batch: with `replace`
 * every row sync carries is deleted first (through the writers, so the journal keeps their history),
 * then the snapshot's rows are written in their creation order, and the remote is booked at the
 * snapshot's version. A cancel (checked between batches of rows) rolls it all back.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Change, SnapshotRow } from '../../shared/sync/protocol';
import { JobCancelled, type JobHooks } from '../jobs/counters';
import type { Plan } from '../plan';
import { applyChanges, changeBetween } from './apply';
import { Refs } from './rows';
import { keyedFromSnapshot, planRows, SnapshotLoader } from './snapshot';
import { clearShadow, reload, updateRemote } from './store';

export interface CloneArgs {
  /** The remote's row id. */
  remote: number;
  /** The snapshot's rows, one JSON object a line, already checked against the protocol. */
  file: string;
  replace: boolean;
  tenant: string;
  version: number;
  /**
   * The journal's last batch when the clone was decided, before the download: local work journaled
   * after it (while the snapshot came) is not the tenant's, so it stays pending for the next push.
   */
  floor: number;
}

export interface CloneResult {
  loaded: number;
  version: number;
}

/** Lines of a file in batches, read synchronously (the transaction cannot await). */
function* lineBatches(file: string, max: number): Generator<string[]> {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(4 * 1024 * 1024);
  let tail = '';
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const parts = (tail + buf.toString('utf8', 0, n)).split('\n');
      tail = parts.pop()!;
      for (let i = 0; i < parts.length; i += max) yield parts.slice(i, i + max).filter(Boolean);
    }
    if (tail) yield [tail];
  } finally {
    closeSync(fd);
  }
}

/** Deletes every row sync carries (the global space stays), through the writers. */
function wipe(plan: Plan): void {
  const refs = new Refs(plan);
  const changes: Change[] = [];
  for (const row of planRows(plan, refs)) {
    if (row.entity === 'space' && row.key.name === 'global') continue;
    changes.push(changeBetween(row.entity, row.key, row.state, null)!);
  }
  applyChanges(plan, changes, { verify: false, check: false });
}

export function applyClone(plan: Plan, a: CloneArgs, hooks: JobHooks): CloneResult {
  const remote = reload(plan, a.remote);
  let loaded = 0;
  // A clone writes every page of the plan once: a larger page cache for its one transaction keeps
  // SQLite from spilling half-written index pages to the WAL as it goes.
  plan.sqlite.pragma('cache_size = -524288');
  hooks.phase('cloning');
  plan.mutate(
    `sync ${remote.name}: ${a.replace ? 'replace the local plan with' : 'clone'} the tenant's plan`,
    () => {
      if (a.replace) wipe(plan);
      const bulk = !plan.q('SELECT 1 FROM subnets LIMIT 1').get() && !plan.q('SELECT 1 FROM ip_addresses LIMIT 1').get();
      const loader = new SnapshotLoader(plan, bulk);
      for (const lines of lineBatches(a.file, 4000)) {
        if (hooks.cancelled()) throw new JobCancelled('The sync was cancelled; nothing was sent and the plan is as it was');
        for (const line of lines) loader.add(keyedFromSnapshot(JSON.parse(line) as SnapshotRow));
        hooks.read(loader.count);
      }
      loader.finish();
      loaded = loader.count;
      plan.relabel(`sync ${remote.name}: ${a.replace ? 'replaced the local plan with' : 'cloned'} the tenant's plan at version ${a.version} (${loaded} rows)`);
      const now = new Date().toISOString();
      plan.q("UPDATE sync_conflicts SET status = 'merged', updated_at = ? WHERE remote_id = ? AND status = 'open'").run(now, remote.id);
      clearShadow(plan, remote);
      plan.q("UPDATE sync_sent SET state = 'refused' WHERE remote_id = ? AND state = 'sending'").run(remote.id);
      // The clone's own batch is a remote one, never pushed whatever the floor.
      updateRemote(plan, remote.id, { tenant: a.tenant, version: a.version, tenant_version: a.version, floor_batch: a.floor });
    },
    { origin: 'remote' },
  );
  return { loaded, version: a.version };
}

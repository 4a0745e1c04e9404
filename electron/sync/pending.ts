/**
 * Local work not yet pushed, read from the journal: every row the pending batches touched, with its
 * state before the first of them touched it. That state is what the tenant last saw of the row
 * (after a sync every row is the tenant's, and only sync writes remote batches), unless the shadow
 * says otherwise.
 */
import { keyString, SYNC_ENTITIES, type RowKey, type RowState, type SyncEntity } from '../../shared/sync/rows';
import type { Plan } from '../plan';
import { decodeImage } from '../journal/entities';
import { keyOf, Refs, stateOf } from './rows';
import { pendingBatches, type BatchRef, type RemoteRow } from './store';

export interface Touched {
  entity: SyncEntity;
  key: RowKey;
  /** The row before the pending batches touched it (null: it did not exist). */
  base: RowState | null;
}

export interface PendingWork {
  batches: BatchRef[];
  /** Batches that touched rows sync carries (the others only touched local-only data such as rDNS providers). */
  syncedBatches: number;
  records: number;
  touched: Map<string, Touched>;
  maxBatch: number;
}

const SYNCED = new Set<string>(SYNC_ENTITIES);

export function readPending(plan: Plan, remote: RemoteRow, refs = new Refs(plan, remote.floor_batch)): PendingWork {
  const batches = pendingBatches(plan, remote);
  const touched = new Map<string, Touched>();
  let records = 0;
  let syncedBatches = 0;
  if (batches.length) {
    const wanted = new Set(batches.map((b) => b.id));
    const rows = plan
      .q('SELECT batch_id, entity, before, after FROM journal_records WHERE batch_id >= ? ORDER BY batch_id, seq')
      .iterate(batches[0]!.id) as IterableIterator<{ batch_id: number; entity: string; before: string | null; after: string | null }>;
    let last = -1;
    for (const r of rows) {
      if (!wanted.has(r.batch_id) || !SYNCED.has(r.entity)) continue;
      records++;
      if (r.batch_id !== last) {
        syncedBatches++;
        last = r.batch_id;
      }
      const entity = r.entity as SyncEntity;
      const image = decodeImage(entity, (r.after ?? r.before)!);
      const key = keyOf(entity, image, refs);
      const k = keyString(entity, key);
      if (touched.has(k)) continue;
      touched.set(k, { entity, key, base: r.before ? stateOf(entity, decodeImage(entity, r.before), refs) : null });
    }
  }
  return { batches, syncedBatches, records, touched, maxBatch: batches.length ? batches[batches.length - 1]!.id : 0 };
}

/** How many local actions wait to be pushed (counting only those that touched synced rows). */
export function countPending(plan: Plan, remote: RemoteRow | null): { batches: number; records: number } {
  if (!remote) {
    // No tenant yet: every local action is pending; counted from the batches alone (the journal may be big).
    const r = plan.q("SELECT COUNT(*) AS batches FROM journal_batches WHERE origin = 'local'").get() as { batches: number };
    return { batches: r.batches, records: (plan.q('SELECT COUNT(*) AS n FROM journal_records').get() as { n: number }).n };
  }
  const floor = remote.floor_batch;
  const entities = SYNC_ENTITIES.map((e) => `'${e}'`).join(', ');
  const row = plan
    .q(
      `SELECT COUNT(DISTINCT r.batch_id) AS batches, COUNT(*) AS records FROM journal_records r JOIN journal_batches b ON b.id = r.batch_id
        WHERE r.batch_id > ? AND b.origin = 'local' AND r.entity IN (${entities})
          AND NOT EXISTS (SELECT 1 FROM sync_pushed p WHERE p.remote_id = ? AND p.batch_id = r.batch_id)`,
    )
    .get(floor, remote.id) as { batches: number; records: number };
  return row;
}

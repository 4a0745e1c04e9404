import type { Plan } from '../plan';
import { FluxError } from '../../shared/errors';
import { encodeImage, type EntityName, type RowImage } from './entities';

/** The current batch's id, creating its row on the batch's first record. */
export function openBatch(plan: Plan, entity: EntityName): number {
  const batch = plan.batch;
  if (!batch) throw new FluxError('INTERNAL', `a ${entity} change was written outside a transaction`);
  if (batch.id === null) {
    const info = plan
      .q('INSERT INTO journal_batches (label, kind, origin, target_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(batch.label, batch.kind, batch.origin, batch.targetId, plan.now);
    batch.id = Number(info.lastInsertRowid);
    // A new action ends the chance to redo what was undone before it.
    if (batch.kind === 'do' && batch.origin === 'local' && plan.redoMayExist) {
      plan.q('UPDATE journal_batches SET redoable = 0 WHERE redoable = 1').run();
      plan.redoMayExist = false;
    }
  }
  return batch.id;
}

/** Appends one change record to the current batch. */
export function journal(plan: Plan, entity: EntityName, key: string, op: 'insert' | 'update' | 'delete', before: RowImage | null, after: RowImage | null): void {
  const batchId = openBatch(plan, entity);
  const id = (after ?? before)!.id;
  plan
    .q('INSERT INTO journal_records (batch_id, seq, entity, entity_id, key, op, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(batchId, plan.batch!.seq++, entity, id, key, op, before && encodeImage(entity, before), after && encodeImage(entity, after));
}

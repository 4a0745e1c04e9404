/**
 * Undo and redo never rewrite history: each appends a batch that replays (or reverts) an earlier
 * one, so the journal stays a complete, ordered account that sync can push as it stands.
 */
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { applyRecord, invert, type JournalRecord } from './replay';
import { decodeImage } from './entities';

interface BatchRow {
  id: number;
  label: string;
  kind: 'do' | 'undo' | 'redo';
}

export interface StepResult {
  batch: number;
  label: string;
  changes: number;
}

function recordsOf(plan: Plan, batchId: number): JournalRecord[] {
  const rows = plan.q('SELECT entity, entity_id, key, op, before, after FROM journal_records WHERE batch_id = ? ORDER BY seq').all(batchId) as Array<
    Omit<JournalRecord, 'before' | 'after'> & { before: string | null; after: string | null }
  >;
  return rows.map((r) => ({ ...r, before: r.before ? decodeImage(r.entity, r.before) : null, after: r.after ? decodeImage(r.entity, r.after) : null }));
}

export function undo(plan: Plan): StepResult {
  return plan.mutate('undo', () => {
    const target = plan
      .q(`SELECT id, label, kind FROM journal_batches WHERE origin = 'local' AND kind IN ('do', 'redo') AND undone_by IS NULL ORDER BY id DESC LIMIT 1`)
      .get() as BatchRow | undefined;
    if (!target) throw new FluxError('NOTHING_TO_UNDO', 'There is nothing to undo');
    const label = `undo ${target.label}`;
    retarget(plan, label, 'undo', target.id);
    const records = recordsOf(plan, target.id).reverse().map(invert);
    for (const r of records) applyRecord(plan, r, label);
    plan.q('UPDATE journal_batches SET undone_by = ?, redoable = 1 WHERE id = ?').run(plan.batch!.id, target.id);
    plan.redoMayExist = true;
    return { batch: plan.batch!.id!, label: target.label, changes: records.length };
  });
}

export function redo(plan: Plan): StepResult {
  return plan.mutate('redo', () => {
    const target = plan.q('SELECT id, label, kind FROM journal_batches WHERE redoable = 1 ORDER BY undone_by DESC LIMIT 1').get() as BatchRow | undefined;
    if (!target) throw new FluxError('NOTHING_TO_REDO', 'There is nothing to redo');
    const label = `redo ${target.label}`;
    retarget(plan, label, 'redo', target.id);
    const records = recordsOf(plan, target.id);
    for (const r of records) applyRecord(plan, r, label);
    plan.q('UPDATE journal_batches SET redoable = 0 WHERE id = ?').run(target.id);
    return { batch: plan.batch!.id!, label: target.label, changes: records.length };
  });
}

function retarget(plan: Plan, label: string, kind: 'undo' | 'redo', targetId: number): void {
  const batch = plan.batch!;
  batch.label = label;
  batch.kind = kind;
  batch.targetId = targetId;
}

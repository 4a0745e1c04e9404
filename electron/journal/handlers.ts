import type { HandlerMap } from '../api/handler';
import { redo, undo } from './undo';

export const journalHandlers: HandlerMap<'log.list' | 'journal.list' | 'journal.undo' | 'journal.redo'> = {
  'log.list': (plan, a) => {
    const where: string[] = [];
    const args: unknown[] = [];
    if (a.service !== undefined) {
      where.push('service_ref = ?');
      args.push(a.service);
    }
    if (a.action !== undefined) {
      where.push('action = ?');
      args.push(a.action);
    }
    if (a.success !== undefined) {
      where.push('success = ?');
      args.push(a.success ? 1 : 0);
    }
    const rows = plan
      .q(`SELECT * FROM provisioning_logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, a.limit) as Array<{ id: number; action: string; success: number; service_ref: string | null; batch_id: number | null; details: string; created_at: string }>;
    return {
      entries: rows.map((r) => ({
        id: r.id,
        action: r.action,
        success: !!r.success,
        service: r.service_ref,
        batch: r.batch_id,
        details: JSON.parse(r.details) as Record<string, unknown>,
        created_at: r.created_at,
      })),
    };
  },
  'journal.list': (plan, a) => {
    const rows = plan
      .q(`SELECT b.*, (SELECT COUNT(*) FROM journal_records r WHERE r.batch_id = b.id) AS changes FROM journal_batches b ORDER BY b.id DESC LIMIT ?`)
      .all(a.limit) as Array<{ id: number; label: string; kind: 'do' | 'undo' | 'redo'; origin: 'local' | 'remote'; target_id: number | null; undone_by: number | null; changes: number; created_at: string }>;
    return {
      batches: rows.map((r) => ({
        id: r.id, label: r.label, kind: r.kind, origin: r.origin, target: r.target_id, undone: r.undone_by !== null, changes: r.changes, created_at: r.created_at,
      })),
    };
  },
  'journal.undo': (plan) => ({ undone: undo(plan) }),
  'journal.redo': (plan) => ({ redone: redo(plan) }),
};

/**
 * An error as the reply shape carries it. On its own so that threads which must not load every domain
 * (the job worker) share it with the handler table.
 */
import { isFluxError } from '../../shared/errors';
import { JobCancelled } from '../jobs/counters';

export function toErrorBody(e: unknown): { code: string; message: string } & Record<string, unknown> {
  if (isFluxError(e)) return e.toJSON();
  const message = e instanceof Error ? e.message : String(e);
  // Work that stopped because it was asked to, in its own words on what was left.
  if (e instanceof JobCancelled) return { code: 'CANCELLED', message };
  const sqliteCode = (e as { code?: unknown }).code;
  if (sqliteCode === 'SQLITE_BUSY') return { code: 'BUSY', message: 'The plan is busy in another FluxPlan window or command; try again' };
  if (sqliteCode === 'SQLITE_CORRUPT' || sqliteCode === 'SQLITE_NOTADB') {
    return { code: 'DB_DAMAGED', message: `The plan file is damaged (${message}). Restore it from a backup.` };
  }
  return { code: 'INTERNAL', message };
}

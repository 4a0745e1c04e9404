/** An error as the reply shape carries it (what api/handlers' toErrorBody does, without loading every domain into the worker). */
import { isFluxError } from '../../shared/errors';

export function errorBody(e: unknown): { code: string; message: string } & Record<string, unknown> {
  if (isFluxError(e)) return e.toJSON();
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY') return { code: 'BUSY', message: 'The plan is busy in another FluxPlan window or command; try again' };
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return { code: 'DB_DAMAGED', message: `The plan file is damaged (${message}). Restore it from a backup.` };
  return { code: 'INTERNAL', message };
}

import { toErrorBody } from '../api/error-body';
import type { WorkerOutcome } from './counters';

/** How a job's failure travels: a cancel is reported as one, in the job's own words on what was left. */
export function outcomeOfError(e: unknown): WorkerOutcome {
  const error = toErrorBody(e);
  return { ok: false, cancelled: error.code === 'CANCELLED', error };
}

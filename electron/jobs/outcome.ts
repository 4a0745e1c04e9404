import { toErrorBody } from '../api/error-body';
import { JobCancelled, type WorkerOutcome } from './counters';

/** How a job's failure travels: a cancel is reported as one, in the job's own words on what was left. */
export function outcomeOfError(e: unknown): WorkerOutcome {
  if (e instanceof JobCancelled) return { ok: false, cancelled: true, error: { code: 'CANCELLED', message: e.message } };
  const error = toErrorBody(e);
  return { ok: false, cancelled: error.code === 'CANCELLED', error };
}

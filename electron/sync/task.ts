/** A sync, or a probe of the tenant, as a job of the job worker (electron/jobs): off the thread that serves the UI. */
import type { JobHooks, JobTask } from '../jobs/counters';
import type { Plan } from '../plan';
import { probeTenant } from './probe';
import { runSync } from './sync';

export interface SyncJobArgs {
  remote?: string;
  dry_run?: boolean;
  replace_local?: boolean;
  merge?: boolean;
  expect_preview?: string;
  token?: string;
}

export function runSyncTask(plan: Plan, task: Extract<JobTask, 'sync' | 'sync-probe'>, args: Record<string, unknown>, hooks: JobHooks): unknown {
  const a = args as SyncJobArgs;
  if (task === 'sync-probe') {
    hooks.phase('connecting');
    return probeTenant(plan, { remote: a.remote, token: a.token });
  }
  return runSync(plan, { remote: a.remote, dryRun: a.dry_run, replaceLocal: a.replace_local, merge: a.merge, expectPreview: a.expect_preview, token: a.token, hooks });
}

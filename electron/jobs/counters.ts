/**
 * The shared counters a job reports through: written by the worker, read by job.ts without a message
 * round trip. state: 1 once the result is posted; closed: 1 once the worker has checkpointed and closed
 * its connection. `read`, `checked` and `written` count rows for imports and exports; a sync counts the
 * changes it pulled (or rows it cloned) in `read` and the changes it pushed in `written`.
 */
export const COUNTER = { state: 0, phase: 1, read: 2, checked: 3, written: 4, cancel: 5, closed: 6 } as const;
export const COUNTERS = 7;
export const PHASES = ['starting', 'reading', 'checking', 'writing', 'exporting', 'connecting', 'pulling', 'merging', 'pushing', 'cloning', 'done'] as const;
export type JobPhase = (typeof PHASES)[number];
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';
export type JobTask = 'import' | 'export' | 'detect' | 'sync' | 'sync-probe';

/** What a job's code gets from the worker: progress setters and the cancel flag. */
export interface JobHooks {
  phase(p: JobPhase): void;
  read(n: number): void;
  checked(n: number): void;
  written(n: number): void;
  cancelled(): boolean;
}

/** Thrown by a job's code when it stops because it was asked to; the message tells what was left. */
export class JobCancelled extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobCancelled';
  }
}

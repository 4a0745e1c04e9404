/**
 * The shared counters a job reports through: written by the worker, read by job.ts without a message
 * round trip. `read`, `checked` and `written` count rows for imports and exports; a sync counts the
 * changes it pulled (or rows it cloned) in `read` and the changes it pushed in `written`. `cancel` is
 * set by job.ts and checked by the worker at its safe points.
 */
export const COUNTER = { phase: 0, read: 1, checked: 2, written: 3, cancel: 4 } as const;
export const COUNTERS = 5;
export const PHASES = ['starting', 'reading', 'checking', 'writing', 'exporting', 'connecting', 'pulling', 'merging', 'pushing', 'cloning', 'done'] as const;
export type JobPhase = (typeof PHASES)[number];
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';
/** Jobs of the job worker: CPU work on the plan file. */
export type WorkerTask = 'import' | 'export' | 'detect' | 'clone';
/** Jobs that are async work in the thread that started them. */
export type TaskKind = 'sync' | 'sync-probe';
export type JobTask = WorkerTask | TaskKind;

/** What the job worker is started with. */
export interface WorkerData {
  task: WorkerTask;
  planFile: string;
  args: Record<string, unknown>;
  shared: ArrayBufferLike;
}

export type JobError = { code: string; message: string } & Record<string, unknown>;

/** The one message a job's worker (or task) ends with. */
export type WorkerOutcome = { ok: true; result: unknown } | { ok: false; cancelled: boolean; error: JobError | null };

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

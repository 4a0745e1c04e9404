/** The shared counters an import job reports through: written by the worker, read by job.ts without a message round trip. */
/** state: 1 once the result is posted; closed: 1 once the worker has checkpointed and closed its connection. */
export const COUNTER = { state: 0, phase: 1, read: 2, checked: 3, written: 4, cancel: 5, closed: 6 } as const;
export const COUNTERS = 7;
export const PHASES = ['starting', 'reading', 'checking', 'writing', 'exporting', 'done'] as const;
export type JobTask = 'import' | 'export' | 'detect';

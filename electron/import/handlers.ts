/**
 * The import and export methods. Every one that reads a file or writes many rows runs in the import
 * worker (job.ts) on its own connection; these handlers start, poll, wait for or cancel it.
 */
import type { HandlerMap } from '../api/handler';
import { jobPhase, type ImportResult, type JobStatus } from '../../shared/import/schema';
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { cancelJob, jobState, startJob, waitJob } from '../jobs/job';
import { stderrProgress } from '../jobs/progress';
import { deleteProfile, getProfile, listProfiles, saveProfile } from './profiles';
import { toOverrides } from './mapping';

/** The argument object the worker gets (zod has filled in the defaults). */
function importArgs(a: Record<string, unknown>): Record<string, unknown> {
  const { progress: _progress, ...rest } = a;
  return rest;
}

/** A batch (CLI `batch`) holds its group transaction open; the worker's connection must not wait for it. */
function releaseGroup(plan: Plan): void {
  if (plan.sqlite.inTransaction) plan.commitGroup();
}

/** HEADER=FIELD strings as an object, headers as the planner wrote them. */
function asRecord(v: Record<string, unknown> | string[]): Record<string, unknown> {
  if (!Array.isArray(v)) return { ...v };
  return Object.fromEntries(v.map((s) => [s.slice(0, s.indexOf('=')).trim(), s.slice(s.indexOf('=') + 1).trim()]));
}

const fmt = (n: number) => n.toLocaleString('en');

/** An import job's progress as one line. */
function progressLine(s: ReturnType<typeof jobState>): string {
  if (s.phase === 'writing') return `import: ${fmt(s.read)} rows read, ${fmt(s.checked)} checked, ${fmt(s.written)} written`;
  if (s.phase === 'checking') return `import: ${fmt(s.read)} rows read, ${fmt(s.checked)} checked`;
  return `import: ${fmt(s.read)} rows read`;
}

function pageErrors(result: ImportResult, limit: number): ImportResult {
  return { ...result, errors: result.errors.slice(0, limit), errors_total: result.errors.length };
}

const IMPORT_PHASES: readonly string[] = jobPhase.options;

function status(id: string, errorsLimit: number): JobStatus {
  const s = jobState(id);
  if (s.kind === 'sync' || s.kind === 'sync-probe' || s.kind === 'clone') throw new FluxError('INVALID_ARGUMENT', `${id} is a sync job, not an import or export (ask sync.job)`);
  const isExport = s.kind === 'export';
  return {
    job: id,
    kind: s.kind,
    state: s.state,
    phase: IMPORT_PHASES.includes(s.phase) ? (s.phase as JobStatus['phase']) : 'starting',
    rows_read: s.read,
    rows_checked: s.checked,
    rows_written: s.written,
    error: s.error ? { code: s.error.code, message: s.error.message } : null,
    result: !isExport && s.kind === 'import' && s.result ? pageErrors(s.result as ImportResult, errorsLimit) : null,
    export: isExport && s.result ? (({ file, subnets, ips }) => ({ file, subnets, ips }))(s.result as { file: string; subnets: number; ips: number }) : null,
  };
}

export const importHandlers: HandlerMap<
  | 'import.detect' | 'import.run' | 'import.start' | 'import.status' | 'import.errors' | 'import.cancel'
  | 'import.profile.list' | 'import.profile.get' | 'import.profile.save' | 'import.profile.delete' | 'export.run' | 'export.start'
> = {
  'import.detect': async (plan, a, { signal }) => {
    toOverrides(a.mapping, a.statuses);
    return (await waitJob(startJob(plan.file, 'detect', { ...a }), { signal })) as never;
  },
  'import.run': async (plan, a, { signal }) => {
    toOverrides(a.mapping, a.statuses);
    if (a.profile) plan.read(() => getProfile(plan, a.profile!));
    releaseGroup(plan);
    const progress = a.progress ? stderrProgress() : null;
    try {
      const job = startJob(plan.file, 'import', importArgs(a));
      return (await waitJob(job, { signal, ...(progress ? { progress: (s) => progress.report(progressLine(s)) } : {}) })) as ImportResult;
    } finally {
      progress?.end();
    }
  },
  'import.start': (plan, a) => {
    toOverrides(a.mapping, a.statuses);
    if (a.profile) plan.read(() => getProfile(plan, a.profile!));
    releaseGroup(plan);
    return { job: startJob(plan.file, 'import', importArgs(a)) };
  },
  'import.status': (_plan, a) => status(a.job, a.errors_limit),
  'import.errors': (_plan, a) => {
    const s = jobState(a.job);
    if (s.kind !== 'import') throw new FluxError('INVALID_ARGUMENT', `${a.job} is an ${s.kind} job; only imports have row errors`);
    if (s.state === 'running') throw new FluxError('CONFLICT', `The import ${a.job} is still running; its errors are known once it is done (poll import.status)`);
    const all = ((s.result as ImportResult | null)?.errors ?? []).filter((e) => (a.code === undefined || e.code === a.code) && (a.sheet === undefined || e.sheet === a.sheet));
    return { total: all.length, offset: a.offset, errors: all.slice(a.offset, a.offset + a.limit) };
  },
  'import.cancel': (_plan, a) => ({ job: a.job, state: cancelJob(a.job) }),

  'import.profile.list': (plan) => plan.read(() => ({ profiles: listProfiles(plan) })),
  'import.profile.get': (plan, a) => plan.read(() => ({ profile: getProfile(plan, a.name) })),
  'import.profile.save': (plan, a) => {
    toOverrides(a.mapping, a.statuses);
    const mapping = asRecord(a.mapping) as Record<string, never>;
    for (const k of Object.keys(mapping)) if (mapping[k] === '' || mapping[k] === 'ignore') mapping[k] = null as never;
    return { profile: saveProfile(plan, a.name, { mapping, statuses: asRecord(a.statuses) as Record<string, never> }, a.merge) };
  },
  'import.profile.delete': (plan, a) => {
    deleteProfile(plan, a.name);
    return { deleted: a.name };
  },

  'export.run': async (plan, a, { signal }) => {
    releaseGroup(plan);
    return (await waitJob(startJob(plan.file, 'export', { ...a }), { signal })) as never;
  },
  'export.start': (plan, a) => ({ job: startJob(plan.file, 'export', { ...a }) }),
};

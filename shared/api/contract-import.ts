/**
 * Spreadsheet import and export methods of the API contract (implemented in electron/import).
 * Imports and exports run in a worker thread with their own connection to the plan: `import.run` and
 * `export.run` wait for the answer (the command line); a desktop wizard starts a job and polls it
 * (`import.start`, `import.status`, `import.errors`, `import.cancel`).
 */
import { z } from 'zod';
import {
  detection,
  exportResult,
  importError,
  importOptions,
  importResult,
  jobStatus,
  mappingOverrides,
  profileView,
  statusOverrides,
} from '../import/schema';
import { method } from './method';

const jobArg = z.string().min(1, 'a job id is required');
const treeLimit = z.number().int().min(0).max(10_000).default(200);
const exportArgs = z.object({
  file: z.string().min(1, 'a file (FILE.csv or FILE.xlsx) is required'),
  /** Only this space; default: every space. */
  space: z.string().min(1).optional(),
});

export const importContract = {
  /** Reads the header and first rows of every sheet: the detected layout and column mapping, for the wizard's mapping step. */
  'import.detect': method(
    z.object({ file: importOptions.file, sheet: importOptions.sheet, profile: importOptions.profile, mapping: importOptions.mapping, statuses: importOptions.statuses }),
    detection,
    false,
    { async: true },
  ),
  /**
   * Imports a file and waits for the result (the command line). With `progress`, rows read, checked
   * and written are reported on standard error while it runs.
   */
  'import.run': method(z.object({ ...importOptions, tree_limit: treeLimit, progress: z.boolean().default(false) }), importResult, true, { async: true }),
  /** Starts an import (or with dry_run a preview) in the background and returns its job id at once. */
  'import.start': method(z.object({ ...importOptions, tree_limit: treeLimit }), z.object({ job: z.string() }), true),
  /**
   * Progress (rows read, checked, written) and, once done, the result with its first `errors_limit`
   * errors; page through the rest with import.errors. Also answers for export jobs.
   */
  'import.status': method(
    z.object({ job: jobArg, errors_limit: z.number().int().min(0).max(10_000).default(100) }),
    jobStatus,
    false,
  ),
  /** One page of a finished import's errors, for a virtualized table; optionally only one code or one sheet. */
  'import.errors': method(
    z.object({
      job: jobArg,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10_000).default(200),
      code: z.string().optional(),
      sheet: z.string().optional(),
    }),
    z.object({ total: z.number().int(), offset: z.number().int(), errors: z.array(importError) }),
    false,
  ),
  /** Stops a running job; an import rolls back and leaves the plan untouched. */
  'import.cancel': method(z.object({ job: jobArg }), z.object({ job: z.string(), state: jobStatus.shape.state }), true),

  'import.profile.list': method(z.object({}).default({}), z.object({ profiles: z.array(profileView) }), false),
  'import.profile.get': method(z.object({ name: z.string().min(1) }), z.object({ profile: profileView }), false),
  /** Saves a named mapping (header overrides and status words); `merge` keeps the entries not given. */
  'import.profile.save': method(
    z.object({ name: z.string().min(1), mapping: mappingOverrides.default({}), statuses: statusOverrides.default({}), merge: z.boolean().default(false) }),
    z.object({ profile: profileView }),
    true,
  ),
  'import.profile.delete': method(z.object({ name: z.string().min(1) }), z.object({ deleted: z.string() }), true),

  /** Exports subnets and IP records to FILE.csv or FILE.xlsx and waits for it. */
  'export.run': method(exportArgs, exportResult, false, { async: true }),
  /** Starts an export in the background; poll it with import.status. */
  'export.start': method(exportArgs, z.object({ job: z.string() }), false),
} as const;

/**
 * Shapes of spreadsheet import and export that the engine, the command line and a desktop import
 * wizard share: options, the detected mapping, the result with its errors, job progress, profiles.
 */
import { z } from 'zod';
import { IMPORT_FIELDS, LAYOUTS, STATUS_TARGETS } from './fields';

export const importField = z.enum(IMPORT_FIELDS);
export const statusTarget = z.enum(STATUS_TARGETS);
export const layout = z.enum(LAYOUTS);

/**
 * Column overrides: header text (compared without case and punctuation) or "#N" (the Nth column) to a
 * field, or to null to ignore the column. The command line gives them as HEADER=FIELD strings.
 */
export const mappingOverrides = z.union([
  z.record(z.string(), importField.nullable()),
  z.array(z.string().regex(/^[^=]+=[a-z_]*$/, 'write a mapping as HEADER=FIELD (FIELD empty to ignore the column)')),
]);

/** Status words to what they mean here, e.g. {"in use": "allocated"}; VALUE=TARGET strings on the command line. */
export const statusOverrides = z.union([
  z.record(z.string(), statusTarget),
  z.array(z.string().regex(/^[^=]+=[a-z]+$/, 'write a status mapping as VALUE=TARGET')),
]);

export const importOptions = {
  /** The plan's default space for rows without a space (VRF) column or value. */
  space: z.string().min(1).default('global'),
  file: z.string().min(1, 'a file is required'),
  dry_run: z.boolean().default(false),
  /** Commit the rows without errors and report the rest (default: all or nothing). */
  valid_rows: z.boolean().default(false),
  /** XLSX: read only this sheet (default: every sheet). */
  sheet: z.string().min(1).optional(),
  /** A saved mapping profile. */
  profile: z.string().min(1).optional(),
  mapping: mappingOverrides.optional(),
  statuses: statusOverrides.optional(),
  /** Create the covering subnet of an address that lies outside every subnet instead of failing the row. */
  create_subnets: z.boolean().default(false),
};

export const importError = z.object({
  sheet: z.string().nullable(),
  row: z.number().int().nullable(),
  column: z.string().nullable(),
  code: z.string(),
  message: z.string(),
  /** HOST_BITS_SET: the canonical CIDR; IP_OUTSIDE: the covering subnet to create. */
  suggestion: z.string().optional(),
});
export type ImportError = z.infer<typeof importError>;

export const mappingEntry = z.object({
  /** 1-based column number. */
  column: z.number().int(),
  header: z.string(),
  field: importField.nullable(),
  /** Where the field came from: a header synonym, the detected layout, a saved profile, an override, or nothing. */
  source: z.enum(['synonym', 'layout', 'profile', 'override', 'ignored', 'unknown']),
});
export type MappingEntry = z.infer<typeof mappingEntry>;

export const sheetMapping = z.object({
  sheet: z.string(),
  header_row: z.number().int(),
  layout: layout,
  columns: z.array(mappingEntry),
});

export const catalogCreated = z.object({
  spaces: z.array(z.string()),
  locations: z.array(z.string()),
  vlans: z.array(z.object({ location: z.string(), vid: z.number().int(), name: z.string().nullable() })),
  customers: z.array(z.string()),
  devices: z.array(z.string()),
  services: z.array(z.string()),
});

export const importResult = z.object({
  file: z.string(),
  dry_run: z.boolean(),
  /** True when the plan was changed (false for a dry run, for an all-or-nothing import with errors, and when nothing changed). */
  committed: z.boolean(),
  /** Rows (subnets and addresses) that create, update, leave unchanged, or fail. With errors and no --valid-rows nothing is written and these count what would have been. */
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  errors: z.array(importError),
  /** Every error is listed unless the caller asked for a page (the desktop wizard pages through import.errors). */
  errors_total: z.number().int(),
  warnings: z.array(importError),
  rows_read: z.number().int(),
  /** Subnets the tree gains besides the file's own rows: the halves that carving makes. */
  carved: z.number().int(),
  catalog: catalogCreated,
  sheets: z.array(sheetMapping),
  /** Dry run: the affected part of the tree as it would stand (pre-order, at most `tree_limit` rows). */
  tree: z.array(z.record(z.string(), z.unknown())),
  tree_total: z.number().int(),
  /** The journal batch that one undo reverts. */
  batch: z.number().int().nullable(),
  seconds: z.number(),
});
export type ImportResult = z.infer<typeof importResult>;

export const jobState = z.enum(['running', 'done', 'failed', 'cancelled']);
export const jobPhase = z.enum(['starting', 'reading', 'checking', 'writing', 'exporting', 'done']);

export const jobStatus = z.object({
  job: z.string(),
  kind: z.enum(['import', 'export', 'detect']),
  state: jobState,
  phase: jobPhase,
  rows_read: z.number().int(),
  rows_checked: z.number().int(),
  rows_written: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  result: importResult.nullable(),
  export: z.object({ file: z.string(), subnets: z.number().int(), ips: z.number().int() }).nullable(),
});
export type JobStatus = z.infer<typeof jobStatus>;

/**
 * A distinct status word of the file's status column(s): as first written, the rows that carry it (every
 * spelling that compares the same), its built-in meaning, and what it means with the profile and the
 * overrides applied; target null means unknown, which the dry run reports as UNKNOWN_STATUS.
 */
export const statusWord = z.object({
  value: z.string(),
  rows: z.number().int(),
  builtin: statusTarget.nullable(),
  target: statusTarget.nullable(),
  source: z.enum(['vocabulary', 'profile', 'override', 'unknown']),
});
export type StatusWord = z.infer<typeof statusWord>;

export const detection = z.object({
  file: z.string(),
  format: z.enum(['csv', 'xlsx']),
  sheets: z.array(
    sheetMapping.extend({
      /** The first rows after the header, as text, for the wizard's preview. */
      sample: z.array(z.array(z.string())),
      problems: z.array(z.string()),
    }),
  ),
  fields: z.array(z.object({ field: importField, label: z.string() })),
  statuses: z.record(z.string(), statusTarget),
  /** The distinct status words found in the file (every row is read for them; at most 200 words), in order of first appearance. */
  status_words: z.array(statusWord),
});
export type Detection = z.infer<typeof detection>;

export const profileConfig = z.object({
  mapping: z.record(z.string(), importField.nullable()).default({}),
  statuses: z.record(z.string(), statusTarget).default({}),
});
export type ProfileConfig = z.infer<typeof profileConfig>;

export const profileView = z.object({ name: z.string(), mapping: z.record(z.string(), importField.nullable()), statuses: z.record(z.string(), statusTarget), updated_at: z.string() });

export const exportResult = z.object({ file: z.string(), format: z.enum(['csv', 'xlsx']), subnets: z.number().int(), ips: z.number().int() });

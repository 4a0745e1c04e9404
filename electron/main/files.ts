/**
 * The file dialogs of the import wizard and Export: two narrow shell channels, each wrapped like the
 * contract's (ipc.ts: sender check, then a strict zod schema). The renderer never names a path to be
 * opened here: main shows the system dialog and answers with the path the planner chose (or null), which
 * the renderer then hands to import.detect / import.start / export.start. No `electron` import: tests
 * drive it with a fake dialog.
 */
import { z } from 'zod';
import type { ShellChannel } from './ipc';

/** Main-only channels of the file dialogs; the preload names the same prefix. */
export const FILES_CHANNEL_PREFIX = 'fluxplan-files:';

/** The part of Electron's dialog (bound to the app window) the channels use. */
export interface FileDialogLike {
  showOpenDialog(options: { title: string; properties: Array<'openFile'>; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: { title: string; defaultPath?: string; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePath?: string | undefined }>;
}

export const filesArgs = {
  open: z.object({}).strict(),
  /** A suggested file name (no folder), e.g. fluxplan-export.csv. */
  save: z
    .object({ name: z.string().trim().min(1).max(200).regex(/^[^/\\\p{Cc}]+\.(csv|xlsx)$/u, 'a file name ending in .csv or .xlsx, without a folder') })
    .strict(),
} as const;

type Answer = { ok: true; result: { path: string | null } } | { ok: false; error: { code: string; message: string } };

async function answer(run: () => Promise<string | null>): Promise<Answer> {
  try {
    return { ok: true, result: { path: await run() } };
  } catch (e) {
    return { ok: false, error: { code: 'INTERNAL', message: `the file dialog failed: ${e instanceof Error ? e.message : String(e)}` } };
  }
}

/** Open a spreadsheet to import; save an export. Both answer { path } (null when the planner cancelled). */
export function fileChannels(dialog: () => FileDialogLike, defaultFolder: () => string): ShellChannel[] {
  return [
    {
      channel: `${FILES_CHANNEL_PREFIX}open`,
      args: filesArgs.open,
      handle: () =>
        answer(async () => {
          const r = await dialog().showOpenDialog({
            title: 'Import a spreadsheet',
            properties: ['openFile'],
            filters: [
              { name: 'Spreadsheets', extensions: ['csv', 'tsv', 'txt', 'xlsx', 'xls'] },
              { name: 'All files', extensions: ['*'] },
            ],
          });
          return r.canceled ? null : (r.filePaths[0] ?? null);
        }),
    },
    {
      channel: `${FILES_CHANNEL_PREFIX}save`,
      args: filesArgs.save,
      handle: (a) =>
        answer(async () => {
          const name = (a as z.output<typeof filesArgs.save>).name;
          const ext = name.endsWith('.xlsx') ? 'xlsx' : 'csv';
          const r = await dialog().showSaveDialog({
            title: 'Export the plan',
            defaultPath: `${defaultFolder()}/${name}`,
            filters: [{ name: ext === 'xlsx' ? 'Excel workbook' : 'CSV', extensions: [ext] }],
          });
          return r.canceled || !r.filePath ? null : r.filePath;
        }),
    },
  ];
}

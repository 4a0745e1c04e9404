/**
 * Where the file of an import or export comes from. Both are read and written by the engine, by path,
 * on the engine's machine. On the desktop main shows the system dialog (the shell's narrow file
 * channels); in the browser host the page cannot learn a chosen file's path (browsers hide it) and the
 * API takes no upload, so the planner types the path as the host machine sees it.
 */
import type { JobStatus } from '../../../../shared/import/schema';
import type { Api, FilesBridge, ShellReply } from '../../api';

export function filesBridge(): FilesBridge | null {
  return window.fluxplanShell?.files ?? null;
}

async function unwrap(p: Promise<ShellReply<{ path: string | null }>>): Promise<string | null> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.result.path;
}

export const pickOpen = () => unwrap(filesBridge()!.open());
export const pickSave = (name: string) => unwrap(filesBridge()!.save(name));

/** The folder part of a path, POSIX or Windows. */
export function folderOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : '';
}

export function joinPath(folder: string, name: string): string {
  if (!folder) return name;
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? folder + name : `${folder}${sep}${name}`;
}

/**
 * Polls a job until it ends, reporting each status; `cancelled()` is read between polls so a closed
 * wizard stops asking.
 */
export async function pollJob(api: Api, job: string, onStatus: (s: JobStatus) => void, stopped: () => boolean, errorsLimit = 0): Promise<JobStatus> {
  let delay = 60;
  for (;;) {
    const s = await api.call('import.status', { job, errors_limit: errorsLimit });
    if (stopped()) return s;
    onStatus(s);
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(400, delay * 1.5);
  }
}

export const fmt = (n: number) => n.toLocaleString('en');

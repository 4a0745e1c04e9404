/**
 * API keys and tokens come from a file only its owner can read (mode 0600 or 0400), never from the
 * plan. A file that group or others may read, or that belongs to someone else, is refused.
 */
import { readFileSync, statSync } from 'node:fs';
import { FluxError } from '../../shared/errors';

export function checkSecretFile(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FluxError('INVALID_ARGUMENT', `secret file ${path} cannot be read (${code === 'ENOENT' ? 'it does not exist' : code ?? 'error'})`, { file: path });
  }
  if (!st.isFile()) throw new FluxError('INVALID_ARGUMENT', `secret file ${path} is not a regular file`, { file: path });
  // Windows has no POSIX modes; there the file's ACL is the user's business.
  if (process.platform === 'win32') return;
  const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
  if (st.mode & 0o077) {
    throw new FluxError('INVALID_ARGUMENT', `secret file ${path} is readable by others (mode ${mode}); only its owner may read it: chmod 600 ${path}`, { file: path, mode });
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  if (uid !== null && st.uid !== uid) {
    throw new FluxError('INVALID_ARGUMENT', `secret file ${path} belongs to user ${st.uid}, not to you (${uid}); it must be your own file with mode 600`, { file: path });
  }
}

/** The secret: the file's first line, trimmed. */
export function readSecret(path: string): string {
  checkSecretFile(path);
  const secret = readFileSync(path, 'utf8').split(/\r?\n/)[0]!.trim();
  if (!secret) throw new FluxError('INVALID_ARGUMENT', `secret file ${path} is empty; put the API key or token on its first line`, { file: path });
  return secret;
}

/** Removes a secret from text that may be shown or logged (an error body that echoes a header, say). */
export function redact(text: string, secret: string | null): string {
  return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}

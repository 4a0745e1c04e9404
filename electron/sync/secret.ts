/**
 * Where a remote's bearer token comes from. The plan stores only a reference (a kind and, for files,
 * a path); the token itself is read when a sync needs it and never stored, logged, printed or exported.
 *
 * The CLI and the browser host read it from a file only its owner can read (mode 0600 or 0400). The
 * desktop app keeps it with Electron's safeStorage: it registers a source for its own kind with
 * registerSecretSource, and nothing else changes.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { FluxError } from '../../shared/errors';

export interface SecretSource {
  /** The token. Throws a FluxError that says what to fix, never containing the token. */
  read(): string;
  /** Where it comes from, for messages: "the file /home/me/.fluxbilling-token". */
  describe(): string;
}

export type SecretFactory = (ref: string) => SecretSource;

const sources = new Map<string, SecretFactory>([['file', (ref) => new FileSecret(ref)]]);

/** Plugs in another way of keeping tokens (e.g. 'safe-storage' on the desktop). */
export function registerSecretSource(kind: string, factory: SecretFactory): void {
  sources.set(kind, factory);
}

export function hasSecretSource(kind: string): boolean {
  return sources.has(kind);
}

export function secretSource(kind: string, ref: string): SecretSource {
  const factory = sources.get(kind);
  if (!factory) {
    throw new FluxError(
      'INVALID_ARGUMENT',
      `this remote's token is kept by the host that added it ("${kind}"), which is not here: sync from that host (the desktop app), or give the remote a token file with: sync remote set NAME --secret-file FILE`,
      { reason: 'SECRET' },
    );
  }
  return factory(ref);
}

/** A token file: the first line, trimmed. Refused unless it is a regular file that only its owner can read. */
export class FileSecret implements SecretSource {
  readonly path: string;

  constructor(path: string) {
    this.path = isAbsolute(path) ? path : resolve(path);
  }

  describe(): string {
    return `the file ${this.path}`;
  }

  check(): void {
    let st;
    try {
      st = statSync(this.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new FluxError('INVALID_ARGUMENT', `token file ${this.path} cannot be read (${code === 'ENOENT' ? 'it does not exist' : code ?? 'error'})`, { reason: 'SECRET', file: this.path });
    }
    if (!st.isFile()) throw new FluxError('INVALID_ARGUMENT', `token file ${this.path} is not a regular file`, { reason: 'SECRET', file: this.path });
    // Windows has no POSIX modes; there the file's ACL is the user's business.
    if (process.platform === 'win32') return;
    if (st.mode & 0o077) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      throw new FluxError('INVALID_ARGUMENT', `token file ${this.path} can be read by others (mode ${mode}); only its owner may read it: chmod 600 ${this.path}`, { reason: 'SECRET', file: this.path, mode });
    }
    const uid = typeof process.getuid === 'function' ? process.getuid() : null;
    if (uid !== null && st.uid !== uid) {
      throw new FluxError('INVALID_ARGUMENT', `token file ${this.path} belongs to user ${st.uid}, not to you (${uid}); it must be your own file with mode 600`, { reason: 'SECRET', file: this.path });
    }
  }

  read(): string {
    this.check();
    const token = readFileSync(this.path, 'utf8').split(/\r?\n/)[0]!.trim();
    if (!token) throw new FluxError('INVALID_ARGUMENT', `token file ${this.path} is empty; put the tenant's API token on its first line`, { reason: 'SECRET', file: this.path });
    if (/\s/.test(token)) throw new FluxError('INVALID_ARGUMENT', `token file ${this.path}: the token on its first line contains spaces`, { reason: 'SECRET', file: this.path });
    return token;
  }
}

/** Takes a token out of text that may be shown (an error body that echoes a header, say). */
export function redact(text: string, token: string | null): string {
  return token && token.length >= 4 ? text.split(token).join('***') : text;
}

/**
 * Secrets the desktop keeps for the planner (rDNS provider keys; sync tokens, see sync-tokens.ts):
 * encrypted with Electron's safeStorage (the OS keychain: Keychain, DPAPI, libsecret/kwallet) in a file
 * of their own in the user-data folder, never in the plan. The renderer reaches them through three narrow channels only (status, save, remove),
 * each wrapped like the contract's (ipc.ts: sender check, then a strict zod schema); nothing ever sends
 * a key back. Main hands the keys to the engine as rdns.push's `secrets` argument.
 * No `electron` import: tests drive it with a fake safeStorage and fake IPC events.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { MethodName } from '../../shared/api/contract';
import type { ShellChannel } from './ipc';

/** Main-only channels of the keychain; the preload names the same prefix. */
export const SECRETS_CHANNEL_PREFIX = 'fluxplan-secrets:';

/** The part of Electron's safeStorage the keeper uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which secret store safeStorage talks to ("basic_text" means none, a hard-coded key). */
  getSelectedStorageBackend?(): string;
}

export interface KeptKey {
  provider: string;
  saved_at: string;
}

export interface KeychainStatus {
  /** Whether keys can be kept here; when false, `reason` says why and the provider's secret file is the way. */
  available: boolean;
  reason: string | null;
  providers: KeptKey[];
}

export class KeychainError extends Error {
  constructor(
    readonly code: 'UNAVAILABLE' | 'INVALID_ARGUMENT' | 'INTERNAL',
    message: string,
  ) {
    super(message);
    this.name = 'KeychainError';
  }
}

interface Stored {
  version: 1;
  /** Plan file, then provider name: the ciphertext (base64) and when it was saved. */
  plans: Record<string, Record<string, { data: string; saved_at: string }>>;
}

const EMPTY: Stored = { version: 1, plans: {} };

/**
 * The keys of one plan's providers. The file holds only ciphertext and is written with mode 0600,
 * atomically (temporary file, then rename).
 */
export class SecretKeeper {
  constructor(
    private readonly safe: SafeStorageLike,
    private readonly file: string,
    /** The plan the keys belong to: two plans may name their providers alike. */
    private readonly plan: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Why keys cannot be kept on this machine, or null. */
  unavailable(): string | null {
    if (!this.safe.isEncryptionAvailable()) return 'the operating system offers no encryption for this user (safeStorage is unavailable)';
    const backend = this.safe.getSelectedStorageBackend?.();
    if (backend === 'basic_text') return 'no keyring (GNOME Keyring, KWallet) is running: safeStorage would fall back to a hard-coded key';
    return null;
  }

  status(): KeychainStatus {
    const reason = this.unavailable();
    const mine = this.read().plans[this.plan] ?? {};
    const providers = Object.entries(mine)
      .map(([provider, v]) => ({ provider, saved_at: v.saved_at }))
      .sort((a, b) => a.provider.localeCompare(b.provider));
    return { available: reason === null, reason, providers };
  }

  save(provider: string, secret: string): KeptKey {
    const reason = this.unavailable();
    if (reason) throw new KeychainError('UNAVAILABLE', `The key cannot be kept in the keychain: ${reason}. Give the provider a secret file instead (readable only by you).`);
    const stored = this.read();
    const saved_at = this.now().toISOString();
    const data = this.safe.encryptString(secret).toString('base64');
    stored.plans[this.plan] = { ...(stored.plans[this.plan] ?? {}), [provider]: { data, saved_at } };
    this.write(stored);
    return { provider, saved_at };
  }

  remove(provider: string): { provider: string; removed: boolean } {
    const stored = this.read();
    const mine = stored.plans[this.plan];
    if (!mine || !(provider in mine)) return { provider, removed: false };
    delete mine[provider];
    if (Object.keys(mine).length === 0) delete stored.plans[this.plan];
    this.write(stored);
    return { provider, removed: true };
  }

  /** Every kept key of this plan, decrypted: for rdns.push in main only, never for the renderer. */
  keys(): Record<string, string> {
    if (this.unavailable()) return {};
    const out: Record<string, string> = {};
    for (const [provider, v] of Object.entries(this.read().plans[this.plan] ?? {})) {
      try {
        out[provider] = this.safe.decryptString(Buffer.from(v.data, 'base64'));
      } catch {
        // A key another user or keyring encrypted cannot be read; the provider's secret file applies.
      }
    }
    return out;
  }

  private read(): Stored {
    if (!existsSync(this.file)) return structuredClone(EMPTY);
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Stored;
      return parsed && parsed.version === 1 && typeof parsed.plans === 'object' ? parsed : structuredClone(EMPTY);
    } catch {
      return structuredClone(EMPTY);
    }
  }

  private write(stored: Stored): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(stored, null, 1), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}

// ---------------------------------------------------------------- the channels

/** A provider name as the contract takes it; no control characters. */
const providerName = z
  .string()
  .trim()
  .min(1, 'a provider name is required')
  .max(200, 'a provider name is at most 200 characters')
  .regex(/^[^\p{Cc}]+$/u, 'a provider name has no control characters');

/** An API key or token: one line of printable text. */
const secretText = z
  .string()
  .trim()
  .min(1, 'the key is empty')
  .max(4096, 'the key is at most 4096 characters')
  .regex(/^[^\p{Cc}]+$/u, 'the key is one line without control characters');

export const secretsArgs = {
  status: z.object({}).strict(),
  save: z.object({ provider: providerName, secret: secretText }).strict(),
  remove: z.object({ provider: providerName }).strict(),
} as const;

function answer<T>(run: () => T): { ok: true; result: T } | { ok: false; error: { code: string; message: string } } {
  try {
    return { ok: true, result: run() };
  } catch (e) {
    if (e instanceof KeychainError) return { ok: false, error: { code: e.code, message: e.message } };
    // Never echo anything that could carry the key.
    return { ok: false, error: { code: 'INTERNAL', message: 'the keychain could not be read or written' } };
  }
}

/**
 * The three channels of a keeper under `prefix` (rDNS provider keys, or sync tokens where `provider`
 * names the remote); none of their answers carries a key.
 */
export function secretChannels(keeper: () => SecretKeeper, prefix = SECRETS_CHANNEL_PREFIX): ShellChannel[] {
  return [
    { channel: `${prefix}status`, args: secretsArgs.status, handle: () => answer(() => keeper().status()) },
    {
      channel: `${prefix}save`,
      args: secretsArgs.save,
      handle: (a) => answer(() => keeper().save((a as z.output<typeof secretsArgs.save>).provider, (a as z.output<typeof secretsArgs.save>).secret)),
    },
    { channel: `${prefix}remove`, args: secretsArgs.remove, handle: (a) => answer(() => keeper().remove((a as z.output<typeof secretsArgs.remove>).provider)) },
  ];
}

/**
 * What main passes to the engine: for rdns.push, the kept keys as `secrets` (whatever the renderer
 * sent there is dropped: keys reach the engine from the keychain only); every other call unchanged.
 * Providers without a kept key fall back to their secret file in the engine.
 */
export function withKeptSecrets(method: MethodName, args: unknown, keeper: () => SecretKeeper): unknown {
  if (method !== 'rdns.push') return args;
  const { secrets: _dropped, ...rest } = (args ?? {}) as Record<string, unknown>;
  const keys = keeper().keys();
  return Object.keys(keys).length ? { ...rest, secrets: keys } : rest;
}

/**
 * The renderer's one API interface. Two transports carry it: Electron IPC through the preload's
 * `window.fluxplan` (one function per contract method) and HTTP to the loopback browser host
 * (POST /api/<method>, token header). Both answer in the `reply` shape.
 */
import type { MethodArgs, MethodName, MethodResult, Reply } from '../../shared/api/contract';

export type Transport = <M extends MethodName>(method: M, args: MethodArgs<M> | undefined) => Promise<Reply<M>>;

/** What the preload exposes: one function per method of the contract, nothing generic. */
export type PreloadApi = { readonly [M in MethodName]: (args?: MethodArgs<M>) => Promise<Reply<M>> };

/** The shell's own answers (keychain channels), in the contract's reply shape. */
export type ShellReply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };

export interface KeychainStatus {
  available: boolean;
  reason: string | null;
  providers: Array<{ provider: string; saved_at: string }>;
}

/** rDNS provider keys kept in the OS keychain by the desktop's main process: nothing here reads a key back. */
export interface SecretsBridge {
  status(): Promise<ShellReply<KeychainStatus>>;
  save(provider: string, secret: string): Promise<ShellReply<{ provider: string; saved_at: string }>>;
  remove(provider: string): Promise<ShellReply<{ provider: string; removed: boolean }>>;
}

/** The system file dialogs of import and export, shown by the desktop's main process: the chosen path, or null when cancelled. */
export interface FilesBridge {
  open(): Promise<ShellReply<{ path: string | null }>>;
  save(name: string): Promise<ShellReply<{ path: string | null }>>;
}

export interface ShellBridge {
  readonly platform: string;
  onMenu(listener: (command: string) => void): () => void;
  setTitle?(title: string): void;
  /** Desktop only. */
  secrets?: SecretsBridge;
  /** Desktop only. */
  files?: FilesBridge;
  /** Desktop only: tenant tokens of sync remotes in the OS keychain (`provider` is the remote's name). */
  syncTokens?: SecretsBridge;
}

declare global {
  interface Window {
    fluxplan?: PreloadApi;
    fluxplanShell?: ShellBridge;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function ipcTransport(bridge: PreloadApi): Transport {
  return (method, args) => {
    const fn = bridge[method];
    if (typeof fn !== 'function') return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: `the desktop bridge has no ${method}` } });
    return fn(args as never) as Promise<Reply<typeof method>>;
  };
}

export const TOKEN_HEADER = 'X-FluxPlan-Token';

/** The browser host hands the token in the URL once; the page keeps it in memory and drops it from the address bar. */
export function takeToken(loc: Location, history: History): string | null {
  const url = new URL(loc.href);
  const token = url.searchParams.get('token');
  if (token) {
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return token;
}

export function httpTransport(base: string, token: string | null): Transport {
  return async (method, args) => {
    let res: Response;
    try {
      res = await fetch(`${base}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { [TOKEN_HEADER]: token } : {}) },
        body: JSON.stringify(args ?? {}),
        credentials: 'same-origin',
      });
    } catch (e) {
      return { ok: false, error: { code: 'OFFLINE', message: `The FluxPlan host does not answer (${e instanceof Error ? e.message : String(e)}); is npm run web still running?` } };
    }
    if (res.status === 403) return { ok: false, error: { code: 'FORBIDDEN', message: 'The FluxPlan host refused this page: open the URL it printed, with its token' } };
    try {
      return (await res.json()) as Reply<typeof method>;
    } catch {
      return { ok: false, error: { code: 'INTERNAL', message: `The FluxPlan host answered ${res.status} without a reply` } };
    }
  };
}

export interface Api {
  readonly transport: 'ipc' | 'http';
  call<M extends MethodName>(method: M, args?: MethodArgs<M>): Promise<MethodResult<M>>;
}

export function createApi(transport: Transport, kind: 'ipc' | 'http'): Api {
  return {
    transport: kind,
    async call(method, args) {
      const reply = await transport(method, args);
      if (reply.ok) return reply.result;
      const { code, message, ...details } = reply.error;
      throw new ApiError(code, message, details);
    },
  };
}

/** IPC inside the desktop app, HTTP in a browser. */
export function detectApi(): Api {
  if (window.fluxplan) return createApi(ipcTransport(window.fluxplan), 'ipc');
  const token = takeToken(window.location, window.history);
  return createApi(httpTransport('', token), 'http');
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

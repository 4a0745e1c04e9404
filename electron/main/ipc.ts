/**
 * The one security wrapper around every IPC handler, and the start-up guard that proves no handler
 * exists outside it. No `electron` import: tests drive it with fake events and a fake ipcMain.
 *
 * A call is answered only when it comes from the main frame of the app's own window, at the app's own
 * origin, names a method of the contract, and its payload passes the method's zod schema; all of that is
 * checked before the engine is asked. Refusals answer in the `reply` shape with code FORBIDDEN or INVALID_ARGUMENT.
 */
import type { z } from 'zod';
import { contract, METHOD_NAMES, type MethodName, type Reply } from '../../shared/api/contract';
import { describeIssues } from '../api/handlers';
import { isAppUrl } from './security';

export const CHANNEL_PREFIX = 'fluxplan:';
/** Main to renderer only: menu commands (undo, redo, find, views). Never handled in main. */
export const MENU_CHANNEL = 'fluxplan-menu';

export function channelOf(method: MethodName): string {
  return `${CHANNEL_PREFIX}${method}`;
}

export interface FrameLike {
  url: string;
  parent: FrameLike | null;
}

export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: FrameLike | null;
}

export type EngineCall = (method: MethodName, args: unknown) => Promise<Reply<MethodName>>;

export interface TrustPolicy {
  /** The webContents id of the app window, or null before it exists. */
  windowId(): number | null;
  isAppUrl?(url: string): boolean;
}

export function refuse(code: 'FORBIDDEN' | 'INVALID_ARGUMENT', message: string): Reply<MethodName> {
  return { ok: false, error: { code, message } };
}

/** Why the sender may not call, or null. */
export function senderProblem(event: InvokeEventLike, policy: TrustPolicy): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the calling frame is gone';
  if (frame.parent !== null) return 'calls from sub-frames are refused';
  if (!(policy.isAppUrl ?? isAppUrl)(frame.url)) return `calls from ${frame.url || 'an unknown page'} are refused`;
  const id = policy.windowId();
  if (id === null || event.sender.id !== id) return 'calls from other windows are refused';
  return null;
}

/** Wraps the engine for one method: sender check, then schema check, then the engine. */
export function secureHandler(method: MethodName, engine: EngineCall, policy: TrustPolicy) {
  return async (event: InvokeEventLike, raw: unknown): Promise<Reply<MethodName>> => {
    const problem = senderProblem(event, policy);
    if (problem) return refuse('FORBIDDEN', `${method}: ${problem}`);
    const parsed = contract[method].args.safeParse(raw ?? {});
    if (!parsed.success) return refuse('INVALID_ARGUMENT', `${method}: ${describeIssues(parsed.error)}`);
    // The engine validates again (same schema): the wrapper is the gate, not the only check.
    return engine(method, raw ?? {});
  };
}

/**
 * A channel of the desktop shell itself, outside the contract (the keychain of secrets.ts): same gate as a
 * contract method (sender check, then its strict zod schema), answered in the reply shape.
 */
export interface ShellChannel {
  channel: string;
  args: z.ZodType;
  handle(args: unknown): unknown;
}

/** Wraps one shell channel: sender check, then schema check, then the handler. */
export function secureShellHandler(def: ShellChannel, policy: TrustPolicy) {
  return async (event: InvokeEventLike, raw: unknown): Promise<unknown> => {
    const problem = senderProblem(event, policy);
    if (problem) return { ok: false, error: { code: 'FORBIDDEN', message: `${def.channel}: ${problem}` } };
    const parsed = def.args.safeParse(raw ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `${def.channel}: ${describeIssues(parsed.error)}` } };
    return def.handle(parsed.data);
  };
}

/** The part of Electron's ipcMain the registry touches. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: never, ...args: unknown[]) => unknown): void;
  handleOnce?(channel: string, listener: (event: never, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (...args: never[]) => void): unknown;
  once?(channel: string, listener: (...args: never[]) => void): unknown;
  addListener?(channel: string, listener: (...args: never[]) => void): unknown;
  prependListener?(channel: string, listener: (...args: never[]) => void): unknown;
  eventNames?(): Array<string | symbol>;
  removeHandler?(channel: string): void;
}

export class IpcGuardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcGuardError';
  }
}

/**
 * Locks ipcMain at start-up: after `lock`, registering any handler or listener directly throws, and
 * `registerAll` is the only way in (through secureHandler). `verify` fails if anything else got in
 * before the lock or a contract method lacks its wrapped handler.
 */
export class IpcRegistry {
  private readonly registered = new Set<string>();
  private original: ((channel: string, listener: (event: never, ...args: unknown[]) => unknown) => void) | null = null;

  constructor(private readonly ipc: IpcMainLike) {}

  lock(): void {
    if (this.original) return;
    this.original = this.ipc.handle.bind(this.ipc);
    const refuseDirect = (name: string) => (channel: string) => {
      throw new IpcGuardError(`ipcMain.${name}("${channel}") outside the FluxPlan security wrapper is not allowed; use IpcRegistry.registerAll`);
    };
    const target = this.ipc as unknown as Record<string, unknown>;
    for (const name of ['handle', 'handleOnce', 'on', 'once', 'addListener', 'prependListener', 'prependOnceListener']) {
      if (name in target || name === 'handle' || name === 'on') target[name] = refuseDirect(name);
    }
  }

  registerAll(engine: EngineCall, policy: TrustPolicy): void {
    if (!this.original) throw new IpcGuardError('lock() the registry before registering handlers');
    for (const method of METHOD_NAMES) {
      const channel = channelOf(method);
      const handler = secureHandler(method, engine, policy);
      this.original(channel, ((event: InvokeEventLike, raw: unknown) => handler(event, raw)) as never);
      this.registered.add(channel);
    }
  }

  /** The shell's own channels (never a contract channel, the menu channel or one already taken), each through secureShellHandler. */
  registerShell(channels: ShellChannel[], policy: TrustPolicy): void {
    if (!this.original) throw new IpcGuardError('lock() the registry before registering handlers');
    for (const def of channels) {
      const taken = def.channel.startsWith(CHANNEL_PREFIX) || def.channel === MENU_CHANNEL || this.registered.has(def.channel);
      if (taken) throw new IpcGuardError(`the shell channel ${def.channel} is taken or uses a reserved prefix`);
      const handler = secureShellHandler(def, policy);
      this.original(def.channel, ((event: InvokeEventLike, raw: unknown) => handler(event, raw)) as never);
      this.registered.add(def.channel);
    }
  }

  /** Throws unless exactly the contract's channels (and the shell's registered ones) are handled, all through the wrapper, and nothing listens with `on`. */
  verify(): void {
    const missing = METHOD_NAMES.map(channelOf).filter((c) => !this.registered.has(c));
    if (missing.length) throw new IpcGuardError(`IPC handlers missing for ${missing.join(', ')}`);
    const listeners = (this.ipc.eventNames?.() ?? []).map(String);
    if (listeners.length) throw new IpcGuardError(`ipcMain has listeners outside the security wrapper: ${listeners.join(', ')}`);
    // Electron keeps invoke handlers in a private map; when it is visible, it must hold our channels and no others.
    const internal = (this.ipc as unknown as { _invokeHandlers?: Map<string, unknown> })._invokeHandlers;
    if (internal instanceof Map) {
      const foreign = [...internal.keys()].filter((c) => !this.registered.has(c));
      if (foreign.length) throw new IpcGuardError(`IPC handlers registered outside the security wrapper: ${foreign.join(', ')}`);
    }
  }

  channels(): string[] {
    return [...this.registered];
  }
}

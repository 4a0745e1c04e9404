/**
 * The desktop shell's security, checked without an Electron binary: the window's options, navigation and
 * permission policy, and the IPC wrapper refusing foreign frames and malformed payloads before the engine runs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, type MethodName, type Reply } from '../../shared/api/contract';
import { CHANNEL_PREFIX, IpcGuardError, IpcRegistry, MENU_CHANNEL, channelOf, secureHandler, type InvokeEventLike, type IpcMainLike } from '../../electron/main/ipc';
import { menuTemplate } from '../../electron/main/menu';
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  navigationDecision,
  permissionGranted,
  windowOpenDecision,
  windowOptions,
} from '../../electron/main/security';

const WINDOW_ID = 7;
const policy = { windowId: () => WINDOW_ID, isAppUrl: (u: string) => isAppUrl(u, undefined) };

function event(over: Partial<{ url: string; parent: InvokeEventLike['senderFrame']; senderId: number; frame: null }> = {}): InvokeEventLike {
  if (over.frame === null) return { sender: { id: over.senderId ?? WINDOW_ID }, senderFrame: null };
  return {
    sender: { id: over.senderId ?? WINDOW_ID },
    senderFrame: { url: over.url ?? `${APP_ORIGIN}/index.html`, parent: over.parent ?? null },
  };
}

function spyEngine() {
  return vi.fn(async (_m: MethodName, _a: unknown): Promise<Reply<MethodName>> => ({ ok: true, result: { subnet: null } } as unknown as Reply<MethodName>));
}

describe('window options', () => {
  const o = windowOptions('/app/out/preload/index.cjs');
  it('isolate the renderer: context isolation, sandbox, no Node', () => {
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });
  it('ship devtools off outside development', () => {
    expect(o.webPreferences?.devTools).toBe(!!process.env.ELECTRON_RENDERER_URL || process.env.NODE_ENV === 'development');
  });
  it('use a strict content security policy (no inline or remote script, no eval)', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const html = readFileSync('renderer/index.html', 'utf8');
    expect(html).toContain("default-src 'none'; script-src 'self'");
  });
});

describe('navigation and permissions', () => {
  it('stay inside the app; web links leave for the system browser; everything else is refused', () => {
    expect(navigationDecision(`${APP_ORIGIN}/index.html`)).toBe('allow');
    expect(navigationDecision('https://example.com/docs')).toBe('external');
    expect(navigationDecision('http://example.com/')).toBe('external');
    expect(navigationDecision('file:///etc/passwd')).toBe('deny');
    expect(navigationDecision('javascript:alert(1)')).toBe('deny');
    expect(navigationDecision('app://evil/index.html')).toBe('deny');
    expect(navigationDecision('not a url')).toBe('deny');
  });
  it('never open new windows', () => {
    expect(windowOpenDecision('https://example.com')).toBe('external');
    expect(windowOpenDecision(`${APP_ORIGIN}/index.html`)).toBe('deny');
    expect(windowOpenDecision('file:///tmp/x')).toBe('deny');
  });
  it('deny every permission by default', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown']) expect(permissionGranted(p)).toBe(false);
  });
});

describe('the IPC security wrapper', () => {
  it('passes a well-formed call from the app window to the engine', async () => {
    const engine = spyEngine();
    const handler = secureHandler('subnet.add', engine, policy);
    const r = await handler(event(), { cidr: '203.0.113.0/24' });
    expect(r.ok).toBe(true);
    expect(engine).toHaveBeenCalledOnce();
    expect(engine).toHaveBeenCalledWith('subnet.add', { cidr: '203.0.113.0/24' });
  });

  it.each([
    ['a foreign page', event({ url: 'https://evil.example/' })],
    ['a file:// page', event({ url: 'file:///tmp/x.html' })],
    ['a sub-frame of the app', event({ parent: { url: `${APP_ORIGIN}/index.html`, parent: null } })],
    ['another window', event({ senderId: 99 })],
    ['a destroyed frame', event({ frame: null })],
  ])('refuses a call from %s before the engine runs', async (_name, e) => {
    const engine = spyEngine();
    const r = await secureHandler('subnet.delete', engine, policy)(e, { cidr: '203.0.113.0/24' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(engine).not.toHaveBeenCalled();
  });

  it.each([
    ['subnet.add', { cidr: 42 }],
    ['subnet.split', { cidr: '10.0.0.0/8', to: 'eight' }],
    ['vlan.add', { vid: 5000, location: 'EU-FRA' }],
    ['allocate.subnet', { family: 4 }],
    ['tree.children', { limit: 1e9 }],
    ['subnet.park', 'not an object'],
  ] as Array<[MethodName, unknown]>)('refuses a malformed %s payload before the engine runs', async (method, payload) => {
    const engine = spyEngine();
    const r = await secureHandler(method, engine, policy)(event(), payload);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((r as { error: { message: string } }).error.message).toContain(method);
    expect(engine).not.toHaveBeenCalled();
  });
});

class FakeIpcMain implements IpcMainLike {
  readonly _invokeHandlers = new Map<string, unknown>();
  readonly listeners = new Map<string, unknown[]>();
  handle(channel: string, listener: unknown) {
    if (this._invokeHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this._invokeHandlers.set(channel, listener);
  }
  on(channel: string, listener: unknown) {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  eventNames() {
    return [...this.listeners.keys()];
  }
}

describe('the start-up guard', () => {
  it('registers every contract method through the wrapper and nothing else', async () => {
    const ipc = new FakeIpcMain();
    const registry = new IpcRegistry(ipc);
    registry.lock();
    const engine = spyEngine();
    registry.registerAll(engine, policy);
    expect(() => registry.verify()).not.toThrow();
    expect([...ipc._invokeHandlers.keys()].sort()).toEqual(METHOD_NAMES.map(channelOf).sort());
    // The registered handler is the wrapper: a foreign frame is refused.
    const h = ipc._invokeHandlers.get(channelOf('journal.undo')) as (e: InvokeEventLike, a: unknown) => Promise<Reply<MethodName>>;
    expect(await h(event({ url: 'https://evil.example/' }), {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(engine).not.toHaveBeenCalled();
  });

  it('throws when code registers a handler or listener directly after the lock', () => {
    const ipc = new FakeIpcMain();
    const registry = new IpcRegistry(ipc);
    registry.lock();
    expect(() => ipc.handle('fluxplan:sneaky', () => 1)).toThrow(IpcGuardError);
    expect(() => ipc.on('fluxplan:sneaky', () => 1)).toThrow(IpcGuardError);
  });

  it('fails start-up when a handler was registered before the guard', () => {
    const ipc = new FakeIpcMain();
    ipc.handle('debug:eval', () => 1);
    const registry = new IpcRegistry(ipc);
    registry.lock();
    registry.registerAll(spyEngine(), policy);
    expect(() => registry.verify()).toThrow(/outside the security wrapper: debug:eval/);
  });

  it('fails start-up when a listener was added before the guard', () => {
    const ipc = new FakeIpcMain();
    ipc.on('fluxplan:raw', () => undefined);
    const registry = new IpcRegistry(ipc);
    registry.lock();
    registry.registerAll(spyEngine(), policy);
    expect(() => registry.verify()).toThrow(/listeners outside the security wrapper/);
  });

  it('fails start-up when a contract method has no handler', () => {
    const registry = new IpcRegistry(new FakeIpcMain());
    registry.lock();
    expect(() => registry.verify()).toThrow(/missing/);
  });
});

describe('preload and menu', () => {
  it('the preload exposes one function per contract method on the wrapper channels, and no generic invoke', () => {
    const src = readFileSync('electron/preload/index.ts', 'utf8');
    expect(src).toContain(`const CHANNEL_PREFIX = '${CHANNEL_PREFIX}'`);
    expect(src).toContain(`const MENU_CHANNEL = '${MENU_CHANNEL}'`);
    expect(src).toContain('METHOD_NAMES.map');
    expect(src).not.toMatch(/exposeInMainWorld\([^)]*invoke/);
    expect(src.match(/exposeInMainWorld\(/g)).toHaveLength(2);
  });

  it('wires Undo and Redo to the journal through the renderer', () => {
    const sent: string[] = [];
    const tpl = menuTemplate({ send: (c) => sent.push(c), openPlanFolder: () => undefined, about: () => undefined, isMac: false, dev: false });
    const edit = tpl.find((m) => m.label === 'Edit')!.submenu as Array<{ label?: string; accelerator?: string; click?: () => void }>;
    const undo = edit.find((i) => i.label === 'Undo')!;
    const redo = edit.find((i) => i.label === 'Redo')!;
    expect(undo.accelerator).toBe('CmdOrCtrl+Z');
    expect(redo.accelerator).toBe('Shift+Ctrl+Z');
    undo.click!();
    redo.click!();
    expect(sent).toEqual(['undo', 'redo']);
    const view = tpl.find((m) => m.label === 'View')!.submenu as Array<{ role?: string }>;
    expect(view.some((i) => i.role === 'toggleDevTools')).toBe(false);
  });
});

/**
 * The desktop app's main process: one window, the plan in the user-data folder (the CLI's default file),
 * the engine in a worker thread, IPC only through the security wrapper, and the app:// scheme serving
 * the built renderer with a strict CSP.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, safeStorage, session, shell, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultPlanPath } from '../db/paths';
import { workerEngine, type Engine } from './engine';
import { IpcRegistry, MENU_CHANNEL, type IpcMainLike } from './ipc';
import { menuTemplate, type MenuCommand } from './menu';
import { SecretKeeper, secretChannels, withKeptSecrets } from './secrets';
import { forgetRemovedRemote, SYNC_TOKENS_CHANNEL_PREFIX, withKeptToken } from './sync-tokens';
import { fileChannels } from './files';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, navigationDecision, permissionGranted, windowOpenDecision, windowOptions } from './security';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '../renderer');
const dev = !!process.env.ELECTRON_RENDERER_URL;

// Nothing may register IPC before the guard does.
const registry = new IpcRegistry(ipcMain as unknown as IpcMainLike);
registry.lock();

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
  process.exit(0);
}

let window: BrowserWindow | null = null;
let engine: Engine | null = null;

function send(command: MenuCommand): void {
  window?.webContents.send(MENU_CHANNEL, command);
}

function harden(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url) === 'external') void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    const decision = navigationDecision(url);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'external') void shell.openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (navigationDecision(url) !== 'allow') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

async function createWindow(): Promise<void> {
  window = new BrowserWindow(windowOptions(join(here, '../preload/index.cjs')));
  harden(window.webContents);
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => {
    window = null;
  });
  if (dev) await window.loadURL(process.env.ELECTRON_RENDERER_URL!);
  else await window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('second-instance', () => {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
});

app.on('web-contents-created', (_event, contents) => harden(contents));

app.whenReady().then(async () => {
  // Deny by default: no permission is ever granted.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionGranted(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionGranted(permission));

  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    const file = join(rendererDir, rel);
    if (!file.startsWith(rendererDir + sep) || !existsSync(file)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });

  // Open (and migrate) the plan before the window exists.
  const file = defaultPlanPath();
  try {
    // Packaged, out/main is unpacked from the asar archive (electron-builder.yml): run the worker from there.
    const script = join(here, 'engine-worker.js').replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
    engine = await workerEngine(file, existsSync(script) ? script : join(here, 'engine-worker.js'));
  } catch (e) {
    dialog.showErrorBox('FluxPlan cannot open the plan', e instanceof Error ? e.message : String(e));
    app.exit(1);
    return;
  }
  const open = engine;
  // rDNS keys the planner keeps in the OS keychain: saved through the shell's channels, handed to rdns.push here.
  let kept: SecretKeeper | null = null;
  const keeper = () => (kept ??= new SecretKeeper(safeStorage, join(app.getPath('userData'), 'rdns-keys.json'), file));
  // Tenant tokens of sync remotes, kept the same way: added to sync calls here, on their way to the engine.
  let keptTokens: SecretKeeper | null = null;
  const tokens = () => (keptTokens ??= new SecretKeeper(safeStorage, join(app.getPath('userData'), 'sync-tokens.json'), file));
  const defaultRemote = async () => {
    const s = await open.call('sync.status', {});
    return s.ok ? s.result.remote : null;
  };
  const policy = { windowId: () => window?.webContents.id ?? null };
  registry.registerAll(async (method, args) => {
    const reply = await open.call(method, await withKeptToken(method, withKeptSecrets(method, args, keeper), tokens, defaultRemote));
    forgetRemovedRemote(method, args, reply, tokens);
    return reply;
  }, policy);
  registry.registerShell(secretChannels(keeper), policy);
  registry.registerShell(secretChannels(tokens, SYNC_TOKENS_CHANNEL_PREFIX), policy);
  // The import wizard's and Export's file dialogs, shown by main over the app window.
  registry.registerShell(
    fileChannels(
      () => ({
        showOpenDialog: (o) => (window ? dialog.showOpenDialog(window, o) : dialog.showOpenDialog(o)),
        showSaveDialog: (o) => (window ? dialog.showSaveDialog(window, o) : dialog.showSaveDialog(o)),
      }),
      () => app.getPath('documents'),
    ),
    policy,
  );
  registry.verify();

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        send,
        isMac: process.platform === 'darwin',
        dev,
        openPlanFolder: () => shell.showItemInFolder(file),
        about: () =>
          void dialog.showMessageBox({ type: 'info', title: 'FluxPlan', message: `FluxPlan ${app.getVersion()}`, detail: `Offline-first IPAM planner.\nPlan: ${file}` }),
      }),
    ),
  );
  await createWindow();
});

app.on('window-all-closed', () => {
  void engine?.close().finally(() => app.quit());
  if (!engine) app.quit();
});

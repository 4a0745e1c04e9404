/**
 * The preload (sandboxed, context-isolated): exposes `window.fluxplan`, one function per method of the
 * contract, each on its own IPC channel; there is no generic invoke. `window.fluxplanShell` carries the
 * menu commands main sends (undo, redo, find, views) and the keychain for rDNS provider keys: status,
 * save and remove, never a way to read a key back; the same for sync remotes' tenant tokens; and the open
 * and save file dialogs of import and export.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { METHOD_NAMES, type MethodName } from '../../shared/api/contract';

const CHANNEL_PREFIX = 'fluxplan:';
const MENU_CHANNEL = 'fluxplan-menu';
const SECRETS_CHANNEL_PREFIX = 'fluxplan-secrets:';
const FILES_CHANNEL_PREFIX = 'fluxplan-files:';
const SYNC_TOKENS_CHANNEL_PREFIX = 'fluxplan-sync-tokens:';

const api = Object.freeze(
  Object.fromEntries(METHOD_NAMES.map((method: MethodName) => [method, (args?: unknown) => ipcRenderer.invoke(`${CHANNEL_PREFIX}${method}`, args ?? {})])),
);

contextBridge.exposeInMainWorld('fluxplan', api);
contextBridge.exposeInMainWorld(
  'fluxplanShell',
  Object.freeze({
    platform: process.platform,
    onMenu(listener: (command: string) => void): () => void {
      const handler = (_event: unknown, command: unknown) => {
        if (typeof command === 'string') listener(command);
      };
      ipcRenderer.on(MENU_CHANNEL, handler);
      return () => ipcRenderer.removeListener(MENU_CHANNEL, handler);
    },
    secrets: Object.freeze({
      status: () => ipcRenderer.invoke(`${SECRETS_CHANNEL_PREFIX}status`, {}),
      save: (provider: string, secret: string) => ipcRenderer.invoke(`${SECRETS_CHANNEL_PREFIX}save`, { provider, secret }),
      remove: (provider: string) => ipcRenderer.invoke(`${SECRETS_CHANNEL_PREFIX}remove`, { provider }),
    }),
    // Tenant tokens of sync remotes, kept the same way: `provider` is the remote's name.
    syncTokens: Object.freeze({
      status: () => ipcRenderer.invoke(`${SYNC_TOKENS_CHANNEL_PREFIX}status`, {}),
      save: (remote: string, token: string) => ipcRenderer.invoke(`${SYNC_TOKENS_CHANNEL_PREFIX}save`, { provider: remote, secret: token }),
      remove: (remote: string) => ipcRenderer.invoke(`${SYNC_TOKENS_CHANNEL_PREFIX}remove`, { provider: remote }),
    }),
    // The system file dialogs of import and export, shown by main: the answer is the chosen path or null.
    files: Object.freeze({
      open: () => ipcRenderer.invoke(`${FILES_CHANNEL_PREFIX}open`, {}),
      save: (name: string) => ipcRenderer.invoke(`${FILES_CHANNEL_PREFIX}save`, { name }),
    }),
  }),
);

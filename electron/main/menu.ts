/**
 * The application menu. Undo and Redo are the journal's (journal.undo / journal.redo, through the renderer,
 * which also refreshes the map); in a text field they edit the text as usual.
 */
import type { MenuItemConstructorOptions } from 'electron';

export type MenuCommand = 'undo' | 'redo' | 'find' | 'demo' | 'import' | 'export' | 'sync' | 'zoom-in' | 'zoom-out' | 'fit' | `view:${'map' | 'table' | 'services' | 'products' | 'log' | 'transit' | 'rdns' | 'locations' | 'vlans' | 'journal'}`;

export interface MenuHooks {
  send(command: MenuCommand): void;
  openPlanFolder(): void;
  about(): void;
  isMac: boolean;
  dev: boolean;
}

export function menuTemplate(h: MenuHooks): MenuItemConstructorOptions[] {
  const send = (command: MenuCommand) => () => h.send(command);
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Import…', accelerator: 'CmdOrCtrl+I', click: send('import') },
      { label: 'Export…', accelerator: 'Shift+CmdOrCtrl+E', click: send('export') },
      { type: 'separator' },
      { label: 'Sync with FluxBilling…', accelerator: 'Shift+CmdOrCtrl+Y', click: send('sync') },
      { type: 'separator' },
      { label: 'Load Demo Plan', click: send('demo') },
      { label: 'Show Plan File', click: () => h.openPlanFolder() },
      { type: 'separator' },
      h.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: send('undo') },
      { label: 'Redo', accelerator: h.isMac ? 'Shift+Cmd+Z' : 'Shift+Ctrl+Z', click: send('redo') },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
      { type: 'separator' },
      { label: 'Find…', accelerator: 'CmdOrCtrl+F', click: send('find') },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { label: 'Map', accelerator: 'CmdOrCtrl+1', click: send('view:map') },
      { label: 'Table', accelerator: 'CmdOrCtrl+2', click: send('view:table') },
      { type: 'separator' },
      { label: 'Services', accelerator: 'CmdOrCtrl+3', click: send('view:services') },
      { label: 'Products', accelerator: 'CmdOrCtrl+4', click: send('view:products') },
      { label: 'Provisioning Log', accelerator: 'CmdOrCtrl+5', click: send('view:log') },
      { type: 'separator' },
      { label: 'Transit', accelerator: 'CmdOrCtrl+6', click: send('view:transit') },
      { label: 'Reverse DNS', accelerator: 'CmdOrCtrl+7', click: send('view:rdns') },
      { type: 'separator' },
      { label: 'Locations', accelerator: 'CmdOrCtrl+8', click: send('view:locations') },
      { label: 'VLANs', accelerator: 'CmdOrCtrl+9', click: send('view:vlans') },
      { label: 'Journal', click: send('view:journal') },
      { type: 'separator' },
      { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', click: send('zoom-in') },
      { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', click: send('zoom-out') },
      { label: 'Fit', accelerator: 'CmdOrCtrl+0', click: send('fit') },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(h.dev ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
    ],
  };
  const help: MenuItemConstructorOptions = { role: 'help', submenu: [{ label: 'About FluxPlan', click: () => h.about() }] };
  const app: MenuItemConstructorOptions[] = h.isMac ? [{ role: 'appMenu' }] : [];
  return [...app, file, edit, view, { role: 'windowMenu' }, help];
}

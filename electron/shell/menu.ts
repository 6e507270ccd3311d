/** The application menu. Developer tools only in unpackaged (development) builds. */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  developer: boolean;
  importFrom: (kind: 'folder' | 'files') => void;
}

export function buildApplicationMenu(options: MenuOptions): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import Folder…', accelerator: 'CmdOrCtrl+O', click: () => options.importFrom('folder') },
        { label: 'Import Files…', accelerator: 'CmdOrCtrl+Shift+O', click: () => options.importFrom('files') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'togglefullscreen' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        ...(options.developer ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: `About ${app.getName()}`, click: () => app.showAboutPanel() }] },
  ];
  return Menu.buildFromTemplate(template);
}

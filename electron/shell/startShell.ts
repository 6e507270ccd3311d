/**
 * The Electron shell's start-up: security switches that must precede `ready`, the single
 * instance lock, then services, protocols, IPC, menu and the window.
 */
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import { describeError, log } from '../logging/log';
import { dataDirectoryFlag, resolveDataDirectory } from '../services/dataDirectory';
import { startWorkstationServices, type WorkstationServices } from '../services/workstationServices';
import { APP_ENTRY_URL } from './appOrigin';
import { chooseExportFolder } from './exportDialog';
import { chooseImportPaths } from './importDialogs';
import { keychainSecretStore } from './keychainSecrets';
import { registerIpc } from './ipc';
import { buildApplicationMenu } from './menu';
import { registerPrivilegedSchemes, registerProtocols } from './protocols';
import { hardenWebContents, installContentSecurityPolicy, installPermissionPolicy } from './security';

export interface ShellPaths {
  preload: string;
  rendererDir: string;
}

/** Beside the bundle: dist/node/main.mjs → dist/node/preload.cjs and dist/renderer/. */
export function defaultShellPaths(): ShellPaths {
  return {
    preload: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
    rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
  };
}

export function createMainWindow(preload: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 1024,
    minHeight: 700,
    // The theme's darkest surface, so the window never flashes white in a dark reading room.
    backgroundColor: '#050607',
    show: false,
    title: app.getName(),
    // Context isolation, sandbox, no Node in the page or its workers, no <webview>, no
    // middle-click windows: a page compromised by, say, a crafted DICOM string gets nothing
    // but the bridge.
    webPreferences: {
      preload,
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
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

export function startShell(paths: ShellPaths = defaultShellPaths(), argv: readonly string[] = process.argv): void {
  app.enableSandbox();
  registerPrivilegedSchemes();

  if (!app.requestSingleInstanceLock()) {
    // Another window already owns this library: it is focused (see 'second-instance') and we leave.
    app.quit();
    return;
  }

  let mainWindow: BrowserWindow | null = null;
  let services: WorkstationServices | null = null;
  let stopIpc: () => void = () => undefined;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app
    .whenReady()
    .then(async () => {
      const started = await startWorkstationServices({ dataDirectory: resolveDataDirectory(dataDirectoryFlag(argv)), mode: 'electron', chooseImportPaths, chooseExportFolder, secretStore: keychainSecretStore });
      services = started;
      installPermissionPolicy(session.defaultSession);
      installContentSecurityPolicy(session.defaultSession);
      registerProtocols(session.defaultSession, { rendererDir: paths.rendererDir, instancesDir: started.layout.instancesDir });
      stopIpc = registerIpc(started);
      Menu.setApplicationMenu(
        buildApplicationMenu({
          developer: !app.isPackaged,
          // The menu imports like the window's buttons do: main's dialog, main's importer.
          importFrom: (kind) => void started.router.handle('import.choose', { kind }),
        }),
      );
      mainWindow = createMainWindow(paths.preload);
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
    })
    .catch((error: unknown) => {
      log.error('shell.start-failed', describeError(error));
      dialog.showErrorBox('Lumen Workstation cannot start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });

  app.on('activate', () => {
    if (services && BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow(paths.preload);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (!services) return;
    // Close the store cleanly (WAL checkpoint, audit row) before the process goes.
    event.preventDefault();
    const closing = services;
    services = null;
    stopIpc();
    closing
      .close()
      .catch((error: unknown) => log.error('shell.stop-failed', describeError(error)))
      .finally(() => app.quit());
  });
}

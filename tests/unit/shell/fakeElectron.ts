/**
 * The one fake in this project: a stand-in for the `electron` module, because Electron's
 * runtime cannot be downloaded here. It records what the shell asks of Electron (window
 * options, handlers, protocol registrations) so tests can drive those handlers with real
 * inputs. Everything the handlers call beyond Electron — services, SQLite, files — is real.
 */
import { EventEmitter } from 'node:events';

type Handler = (...args: never[]) => unknown;

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  readonly mainFrame = { url: 'app://lumen/index.html' };
  url = 'app://lumen/index.html';
  destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = [];
  static getAllWindows() {
    return BrowserWindow.created;
  }
  static getFocusedWindow() {
    return BrowserWindow.created[0] ?? null;
  }
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  focused = false;
  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {}
  focus() {
    this.focused = true;
  }
  isMinimized() {
    return false;
  }
  restore() {}
}

class FakeApp extends EventEmitter {
  singleInstanceLock = true;
  sandboxEnabled = false;
  quitCalled = false;
  exitCode: number | null = null;
  isPackaged = false;
  private ready: () => void = () => undefined;
  private readonly readyPromise = new Promise<void>((resolve) => (this.ready = resolve));
  enableSandbox() {
    this.sandboxEnabled = true;
  }
  requestSingleInstanceLock() {
    return this.singleInstanceLock;
  }
  quit() {
    this.quitCalled = true;
  }
  exit(code: number) {
    this.exitCode = code;
  }
  whenReady() {
    return this.readyPromise;
  }
  /** Test control: Electron finished starting. */
  becomeReady() {
    this.ready();
  }
  getName() {
    return 'Lumen Workstation';
  }
  showAboutPanel() {}
}

class FakeSession {
  permissionRequestHandler: ((contents: FakeWebContents, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((contents: FakeWebContents | null, permission: string, origin: string) => boolean) | null = null;
  headersHandler: ((details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void) | null = null;
  /** A real Request, or just a URL where the handler reads nothing else (to pass URLs a Request would normalise). */
  readonly protocolHandlers = new Map<string, (request: Request | { url: string }) => Promise<Response>>();
  readonly webRequest = {
    onHeadersReceived: (handler: NonNullable<FakeSession['headersHandler']>) => {
      this.headersHandler = handler;
    },
  };
  readonly protocol = {
    handle: (scheme: string, handler: (request: Request | { url: string }) => Promise<Response>) => {
      this.protocolHandlers.set(scheme, handler);
    },
  };
  setPermissionRequestHandler(handler: NonNullable<FakeSession['permissionRequestHandler']>) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: NonNullable<FakeSession['permissionCheckHandler']>) {
    this.permissionCheckHandler = handler;
  }
}

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler) {
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

export const app = new FakeApp();
/** Stands in for the OS keychain: reversible, and visibly not the plain text. */
export const safeStorage = {
  available: true,
  isEncryptionAvailable(): boolean {
    return this.available;
  },
  encryptString(text: string): Buffer {
    return Buffer.from(`sealed:${Buffer.from(text).toString('hex')}`);
  },
  decryptString(sealed: Buffer): string {
    const text = sealed.toString();
    if (!text.startsWith('sealed:')) throw new Error('not sealed by this fake');
    return Buffer.from(text.slice('sealed:'.length), 'hex').toString();
  },
};
export const session = { defaultSession: new FakeSession() };
export const ipcMain = new FakeIpcMain();
export const privilegedSchemes: Array<{ scheme: string; privileges: Record<string, boolean> }> = [];
export const protocol = {
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>) {
    privilegedSchemes.push(...schemes);
  },
};
export const menus: { template: unknown[]; applied: unknown } = { template: [], applied: null };
export const Menu = {
  buildFromTemplate(template: unknown[]) {
    menus.template = template;
    return { template };
  },
  setApplicationMenu(menu: unknown) {
    menus.applied = menu;
  },
};
export const errorBoxes: Array<{ title: string; content: string }> = [];
export const openDialogs: Array<{ properties?: string[] }> = [];
/** What the next open dialog answers (a test sets the paths the person "chose"). */
export const nextOpenDialog: { canceled: boolean; filePaths: string[] } = { canceled: true, filePaths: [] };
export const dialog = {
  showErrorBox(title: string, content: string) {
    errorBoxes.push({ title, content });
  },
  showOpenDialog(...args: unknown[]) {
    openDialogs.push(args.at(-1) as { properties?: string[] });
    return Promise.resolve({ ...nextOpenDialog });
  },
};

// Preload side.
export const exposedInMainWorld = new Map<string, unknown>();
export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown) {
    exposedInMainWorld.set(key, api);
  },
};
export const ipcRendererCalls: Array<{ method: string; channel: string; args: unknown[] }> = [];
export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke(channel: string, ...args: unknown[]) {
    ipcRendererCalls.push({ method: 'invoke', channel, args });
    return Promise.resolve({ ok: true, value: null });
  },
  send(channel: string, ...args: unknown[]) {
    ipcRendererCalls.push({ method: 'send', channel, args });
  },
});

/** Electron gives a dropped File's path; the fake says where a test "dropped" it from. */
export const webUtils = {
  getPathForFile(file: { name: string }) {
    return `/media/cdrom/${file.name}`;
  },
};

export default { app, session, ipcMain, protocol, Menu, dialog, BrowserWindow, contextBridge, ipcRenderer, webUtils };

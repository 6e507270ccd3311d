/** A second launch while the workstation runs focuses the first window and quits itself. */
import { describe, expect, it, vi } from 'vitest';
import { startShell } from '../../../electron/shell/startShell';
import * as electron from './fakeElectron';

vi.mock('electron', async () => await import('./fakeElectron'));

describe('single instance', () => {
  it('quits without opening anything when another instance holds the lock', async () => {
    electron.app.singleInstanceLock = false;
    startShell({ preload: '/p.cjs', rendererDir: '/r' }, ['electron', '.']);
    electron.app.becomeReady();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(electron.app.quitCalled).toBe(true);
    expect(electron.BrowserWindow.created).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });
});

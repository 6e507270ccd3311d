/**
 * The preload exposes exactly `window.workstation = { request, subscribe, importFiles }` and nothing of
 * ipcRenderer or Node (this pins the surface recorded in
 * resources/security/electronegativity-reviews.json).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, type WorkstationBridge } from '../../../shared/bridge';
import * as electron from './fakeElectron';

vi.mock('electron', async () => await import('./fakeElectron'));

describe('the preload bridge', () => {
  let bridge: WorkstationBridge;
  beforeAll(async () => {
    await import('../../../electron/shell/preload');
    bridge = electron.exposedInMainWorld.get('workstation') as WorkstationBridge;
  });

  it('exposes one object with three functions, under one name', () => {
    expect([...electron.exposedInMainWorld.keys()]).toEqual(['workstation']);
    expect(Object.keys(bridge).sort()).toEqual(['importFiles', 'request', 'subscribe']);
  });

  it('imports dropped files by path without giving the page the paths', async () => {
    const answer = await bridge.importFiles([new File(['x'], 'D0000001'), new File(['y'], 'D0000002')]);
    expect(electron.ipcRendererCalls.at(-1)).toEqual({
      method: 'invoke',
      channel: IPC_CHANNELS.request,
      args: ['import.start', { paths: ['/media/cdrom/D0000001', '/media/cdrom/D0000002'] }],
    });
    // The page gets the API's answer (a job id), not the paths.
    expect(JSON.stringify(answer)).not.toContain('/media/cdrom');
  });

  it('sends every request on the one request channel', async () => {
    await bridge.request('app.info', {});
    expect(electron.ipcRendererCalls.at(-1)).toEqual({ method: 'invoke', channel: IPC_CHANNELS.request, args: ['app.info', {}] });
  });

  it('asks main for events once, delivers them, and stops when unsubscribed', () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    const stopFirst = bridge.subscribe((event) => first.push(event));
    bridge.subscribe((event) => second.push(event));
    expect(electron.ipcRendererCalls.filter((call) => call.channel === IPC_CHANNELS.subscribe)).toHaveLength(1);
    electron.ipcRenderer.emit(IPC_CHANNELS.event, {}, { name: 'library.changed' });
    stopFirst();
    electron.ipcRenderer.emit(IPC_CHANNELS.event, {}, { name: 'audit.appended' });
    expect(first).toEqual([{ name: 'library.changed' }]);
    expect(second).toEqual([{ name: 'library.changed' }, { name: 'audit.appended' }]);
  });
});

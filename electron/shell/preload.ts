/**
 * Preload (sandboxed, context-isolated): exposes `window.workstation`, the generic two-channel
 * bridge of shared/bridge.ts, and nothing else — no ipcRenderer, no Node. Main validates
 * everything that comes through it. Dropped files become paths here, in the isolated world, and
 * go straight to main: the page itself never sees a filesystem path.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_GLOBAL, IPC_CHANNELS, type WorkstationBridge } from '../../shared/bridge';

const listeners = new Set<(event: unknown) => void>();
ipcRenderer.on(IPC_CHANNELS.event, (_event, payload: unknown) => {
  for (const listener of listeners) listener(payload);
});

const bridge: WorkstationBridge = {
  request: (name, input) => ipcRenderer.invoke(IPC_CHANNELS.request, name, input),
  subscribe(listener) {
    listeners.add(listener);
    // Main starts sending (beginning with a snapshot) only once someone listens, so the first
    // events cannot be lost while the page is still loading.
    if (listeners.size === 1) ipcRenderer.send(IPC_CHANNELS.subscribe);
    return () => {
      listeners.delete(listener);
    };
  },
  importFiles: (files) =>
    ipcRenderer.invoke(IPC_CHANNELS.request, 'import.start', { paths: files.map((file) => webUtils.getPathForFile(file)).filter((path) => path !== '') }),
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);

/**
 * The main side of the bridge: requests go to the ApiRouter (which validates them), events go
 * to the windows that subscribed. Only frames showing our app:// origin are answered.
 */
import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import type { ApiResult } from '../../shared/api';
import { IPC_CHANNELS } from '../../shared/bridge';
import { log } from '../logging/log';
import type { WorkstationServices } from '../services/workstationServices';
import { isAppUrl } from './appOrigin';

export function isTrustedSender(event: IpcMainInvokeEvent | IpcMainEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame === event.sender.mainFrame && isAppUrl(frame.url);
}

const refused: ApiResult<never> = { ok: false, error: { code: 'forbidden', message: 'this frame may not use the workstation API' } };

export function registerIpc(services: WorkstationServices): () => void {
  const subscriptions = new Map<WebContents, () => void>();

  ipcMain.handle(IPC_CHANNELS.request, async (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event)) {
      log.warn('ipc.refused', { channel: IPC_CHANNELS.request });
      return refused;
    }
    return services.router.handle(name, input);
  });

  ipcMain.on(IPC_CHANNELS.subscribe, (event) => {
    if (!isTrustedSender(event)) {
      log.warn('ipc.refused', { channel: IPC_CHANNELS.subscribe });
      return;
    }
    const contents = event.sender;
    subscriptions.get(contents)?.();
    void services
      .subscribe((workstationEvent) => {
        if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, workstationEvent);
      })
      .then((unsubscribe) => {
        subscriptions.set(contents, unsubscribe);
        contents.once('destroyed', () => {
          unsubscribe();
          subscriptions.delete(contents);
        });
      });
  });

  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.request);
    ipcMain.removeAllListeners(IPC_CHANNELS.subscribe);
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
  };
}

/**
 * Main-thread handle on the store worker. Every call is asynchronous; the database itself is
 * only ever touched inside the worker.
 */
import { WorkerClient } from '../workers/workerRpc';
import { workerScriptUrl } from '../workers/workerScripts';
import type { StoreApi } from './storeApi';
import type { StoreWorkerData } from './storeWorker';

export type StoreClient = WorkerClient<StoreApi> & { close(): Promise<void> };

export async function startStore(layout: StoreWorkerData): Promise<StoreClient> {
  const client = await WorkerClient.start<StoreApi>(workerScriptUrl('storeWorker'), layout);
  return Object.assign(client, {
    async close(): Promise<void> {
      await client.call('close');
      await client.terminate();
    },
  });
}

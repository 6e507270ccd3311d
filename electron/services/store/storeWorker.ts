/**
 * Worker-thread entry: owns the library database connection (the one writer) and serves
 * StoreApi to the main thread. Runs in: Node worker_threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reportWorkerStartFailure, serveWorkerApi } from '../workers/workerRpc';
import { openLibraryDatabase } from './database';
import { createStoreApi } from './storeApi';

export interface StoreWorkerData {
  databaseFile: string;
  instancesDir: string;
}

if (!parentPort) throw new Error('storeWorker must run as a worker thread');
const port = parentPort;
try {
  const { databaseFile, instancesDir } = workerData as StoreWorkerData;
  const db = openLibraryDatabase(databaseFile);
  serveWorkerApi(port, createStoreApi(db, instancesDir));
} catch (error) {
  reportWorkerStartFailure(port, error);
}

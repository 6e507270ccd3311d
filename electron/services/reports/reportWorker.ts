/**
 * Worker-thread entry for writing and reading reports: dcmjs and the DICOM serialisation run here, started
 * on the first export, so the main process neither loads dcmjs at start-up nor blocks on it.
 * Runs in: Node worker_threads.
 */
import { parentPort } from 'node:worker_threads';
import { reportWorkerStartFailure, serveWorkerApi } from '../workers/workerRpc';
import { buildMeasurementReport } from './measurementReport';
import { readMeasurementReport } from './measurementReportReader';
import { buildReportSr } from './reportSr';

const reportWorkerApi = { buildMeasurementReport, readMeasurementReport, buildReportSr };
export type ReportWorkerApi = typeof reportWorkerApi;

if (!parentPort) throw new Error('reportWorker must run as a worker thread');
try {
  serveWorkerApi(parentPort, reportWorkerApi);
} catch (error) {
  reportWorkerStartFailure(parentPort, error);
}

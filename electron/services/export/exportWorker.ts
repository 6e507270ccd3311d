/**
 * Worker-thread entry for exports: copies a study's instance files out of the library into a
 * folder laid out as a DICOM disc (DICOM/ST…/SE…/IM…) and writes its DICOMDIR — the bulk reads,
 * writes and header parsing, off the main thread. Runs in: Node worker_threads.
 *
 * The DICOMDIR is written last, under a temporary name renamed into place once every file it
 * names is on the disk (fsynced): a folder cut off half-way (an unplugged stick, a full disk) has
 * no DICOMDIR, so no viewer takes it for a whole disc.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import dicomParser, { type DataSet } from 'dicom-parser';
import { mapConcurrently } from '../../../shared/concurrency';
import { Tag, TransferSyntax } from '../../../shared/dicom/tags';
import { instanceContent } from '../instanceContent';
import { syncDirectory, syncFileData } from '../syncDirectory';
import { reportWorkerStartFailure, serveWorkerApi } from '../workers/workerRpc';
import { type DescribedInstance, describeInstance, directoryRecords } from './directoryRecords';
import { writeDicomdir } from './dicomdirWriter';

/** Enough of a file for the header of almost any image; longer headers are read whole. */
const HEAD_BYTES = 64 * 1024;
/** Files copied at once. */
const COPIES_AT_ONCE = 8;

export interface ExportItem {
  sopInstanceUid: string;
  /** The instance's file in the library. */
  source: string;
  /** Referenced File ID components under the destination, e.g. ['DICOM', 'ST000001', 'SE000001', 'IM000001']. */
  fileId: string[];
}

interface ExportPlan {
  destination: string;
  items: ExportItem[];
  fileSetId: string;
  /** The DICOMDIR's own SOP Instance UID. */
  dicomdirUid: string;
}

interface ExportOutcome {
  exported: number;
  bytes: number;
  /** Instances not on the disc, each with why (no UIDs of patients: SOP Instance UIDs only). */
  leftOut: Array<{ sopInstanceUid: string; reason: string }>;
}

/** The header of an instance as it will be on the disc (its Part-10 form), up to the pixel data. */
async function readDiscHeader(source: string, prefix: Buffer | null, size: number): Promise<DataSet> {
  const handle = await open(source, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const partial = head.length < size;
  const bytes = prefix ? Buffer.concat([prefix, head]) : head;
  try {
    const header = dicomParser.parseDicom(bytes, { untilTag: Tag.PixelData });
    if (!partial || (header.elements[Tag.PixelData] && header.string(Tag.TransferSyntaxUID) !== TransferSyntax.DeflatedExplicitVRLittleEndian)) return header;
  } catch (error) {
    if (!partial) throw error;
  }
  // The header goes on past the head (large multi-frame headers, no pixel data, deflated).
  const whole = await readFile(source);
  return dicomParser.parseDicom(prefix ? Buffer.concat([prefix, whole]) : whole, { untilTag: Tag.PixelData });
}

/** Copies one instance to its place; the kernel copies a Part-10 file, a bare dataset gets its header first. */
async function copyInstance(item: ExportItem, target: string, prefix: Buffer | null): Promise<void> {
  if (prefix) await writeFile(target, Buffer.concat([prefix, await readFile(item.source)]), { flag: 'wx' });
  else await copyFile(item.source, target, constants.COPYFILE_EXCL);
  await syncFileData(target);
}

async function exportInstances(plan: ExportPlan): Promise<ExportOutcome> {
  const described: Array<DescribedInstance | null> = new Array<DescribedInstance | null>(plan.items.length).fill(null);
  const leftOut: ExportOutcome['leftOut'] = [];
  // Each folder made once; copies into it wait for that (another copier may be making it).
  const folders = new Map<string, Promise<unknown>>();
  let bytes = 0;
  await mapConcurrently(plan.items, COPIES_AT_ONCE, async (item, index) => {
    const content = await instanceContent(item.source);
    if (!content) {
      leftOut.push({ sopInstanceUid: item.sopInstanceUid, reason: 'its file is no longer in the library (was the study deleted meanwhile?)' });
      return;
    }
    let header: DataSet;
    try {
      header = await readDiscHeader(item.source, content.prefix, content.length - (content.prefix?.length ?? 0));
    } catch (error) {
      leftOut.push({ sopInstanceUid: item.sopInstanceUid, reason: `its file in the library could not be read (${error instanceof Error ? error.message : String(error)})` });
      return;
    }
    const description = describeInstance(header, item.fileId);
    if (!description) {
      leftOut.push({ sopInstanceUid: item.sopInstanceUid, reason: 'neither an image nor a structured report: a DICOMDIR written here does not list its kind' });
      return;
    }
    const target = path.join(plan.destination, ...item.fileId);
    const folder = path.dirname(target);
    if (!folders.has(folder)) folders.set(folder, mkdir(folder, { recursive: true }));
    await folders.get(folder);
    await copyInstance(item, target, content.prefix);
    bytes += content.length;
    described[index] = description;
  });
  // Every folder's entries made durable, deepest first, then the DICOMDIR that names them.
  const allFolders = new Set<string>();
  for (const folder of folders.keys()) for (let at = folder; at.startsWith(plan.destination) && at !== plan.destination; at = path.dirname(at)) allFolders.add(at);
  for (const folder of [...allFolders].sort((a, b) => b.length - a.length)) await syncDirectory(folder);
  const listed = described.filter((entry): entry is DescribedInstance => entry !== null);
  const dicomdir = writeDicomdir(directoryRecords(listed), plan.dicomdirUid, plan.fileSetId);
  const temporary = path.join(plan.destination, `DICOMDIR.${randomUUID()}.part`);
  try {
    await writeFile(temporary, dicomdir, { flag: 'wx' });
    await syncFileData(temporary);
    await rename(temporary, path.join(plan.destination, 'DICOMDIR'));
  } finally {
    await rm(temporary, { force: true });
  }
  await syncDirectory(plan.destination);
  return { exported: listed.length, bytes: bytes + dicomdir.length, leftOut };
}

const exportWorkerApi = { exportInstances };
export type ExportWorkerApi = typeof exportWorkerApi;

if (!parentPort) throw new Error('exportWorker must run as a worker thread');
try {
  serveWorkerApi(parentPort, exportWorkerApi);
} catch (error) {
  reportWorkerStartFailure(parentPort, error);
}

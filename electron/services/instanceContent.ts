/**
 * What is sent when the viewer asks for an instance: the stored file, preceded — only for files
 * stored without a Part-10 header — by the bytes that make it one (dicom/part10Prefix.ts).
 * Shared by the Electron shell's dicom:// scheme and the browser host's pixel route.
 */
import { open, readFile } from 'node:fs/promises';
import { part10PrefixFor } from './dicom/part10Prefix';

/** Enough of a bare dataset to reach its SOP Class and Instance UIDs. */
const HEAD_BYTES = 64 * 1024;

export interface InstanceContent {
  file: string;
  /** Bytes to send before the file's own, or null. */
  prefix: Buffer | null;
  /** Total bytes to send. */
  length: number;
}

/** The content for a stored instance file, or null when there is no such file. */
export async function instanceContent(file: string): Promise<InstanceContent | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const info = await handle.stat();
    if (!info.isFile()) return null;
    const probe = Buffer.alloc(Math.min(132, info.size));
    await handle.read(probe, 0, probe.length, 0);
    let prefix = part10PrefixFor(probe);
    if (prefix && info.size > probe.length) {
      const head = Buffer.alloc(Math.min(HEAD_BYTES, info.size));
      await handle.read(head, 0, head.length, 0);
      prefix = part10PrefixFor(head);
    }
    return { file, prefix, length: info.size + (prefix?.length ?? 0) };
  } finally {
    await handle.close();
  }
}

/** A stored instance as a complete Part-10 file in memory (small instances only: SRs). */
export async function readInstanceAsPart10(file: string): Promise<Buffer | null> {
  const content = await instanceContent(file);
  if (!content) return null;
  const bytes = await readFile(file);
  return content.prefix ? Buffer.concat([content.prefix, bytes]) : bytes;
}

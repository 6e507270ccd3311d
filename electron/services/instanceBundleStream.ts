/**
 * Writes an instance bundle (shared/instanceBundle.ts): the files of the UIDs asked for, framed,
 * one after another, as stored (with the Part-10 prefix instanceContent adds where one is
 * missing). Shared by the browser host's POST /dicom/bundle and the Electron shell's
 * dicom://bundle/. Only files in the library's instances folder, looked up by UID.
 * Runs in: the main process (Node).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { bundleFrameHeader } from '../../shared/instanceBundle';
import { instanceContent } from './instanceContent';
import { instanceFilePath } from './instanceFiles';

async function* bundleChunks(instancesDir: string, uids: readonly string[]): AsyncGenerator<Uint8Array> {
  for (const uid of uids) {
    const content = await instanceContent(instanceFilePath(instancesDir, uid));
    yield bundleFrameHeader(uid, content?.length ?? null);
    if (!content) continue;
    if (content.prefix) yield content.prefix;
    // Big chunks: the file moves in few writes (a CT slice in one).
    let sent = 0;
    for await (const chunk of createReadStream(content.file, { highWaterMark: 1024 * 1024 })) {
      const bytes = chunk as Buffer;
      sent += bytes.length;
      yield bytes;
    }
    // A file that shrank under us would break the framing: the answer stops here instead.
    if (sent + (content.prefix?.length ?? 0) !== content.length) throw new Error('an instance file changed while it was being sent');
  }
}

/** The bundle as a Node stream (UIDs already validated: BundleRequest). */
export function instanceBundleStream(instancesDir: string, uids: readonly string[]): Readable {
  return Readable.from(bundleChunks(instancesDir, uids), { objectMode: false });
}

/**
 * Where an instance's file lives inside the data directory, derived from its SOP Instance UID.
 *
 * The renderer never sees a path: it asks for pixels by UID (`dicom://instance/<uid>` in
 * Electron, `/dicom/instance/<uid>` in the browser host) and both resolve through here. Only a
 * UID that follows the DICOM grammar (digits and dots) becomes part of a file name; any other
 * identifier — real files carry hex hashes and worse — is hashed first, so no request can name a
 * file outside the instances folder. Files are spread over 256 folders by a hash of the UID so
 * that a million instances do not share one directory.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ACCEPTABLE_UID, CONFORMANT_UID } from '../../shared/dicom/uid';
import { decodeUrlPart } from './urlParts';

export function isDicomUid(value: string): boolean {
  return value.length <= 64 && CONFORMANT_UID.test(value);
}

export function isAcceptableUid(value: string): boolean {
  return ACCEPTABLE_UID.test(value);
}

/** The 256 folders instance files are spread over (00 … ff). */
export function shardFolders(instancesDir: string): string[] {
  return Array.from({ length: 256 }, (_, index) => path.join(instancesDir, index.toString(16).padStart(2, '0')));
}

export function instanceFilePath(instancesDir: string, sopInstanceUid: string): string {
  if (!isAcceptableUid(sopInstanceUid)) throw new Error('not an acceptable SOP Instance UID');
  const digest = createHash('sha256').update(sopInstanceUid).digest('hex');
  const name = isDicomUid(sopInstanceUid) ? sopInstanceUid : `h-${digest}`;
  return path.join(instancesDir, digest.slice(0, 2), `${name}.dcm`);
}

/**
 * The file for a pixel-data URL's last path segment, or null when the segment is not an
 * acceptable UID. Used by both the Electron dicom:// protocol and the host's pixel route.
 */
export function resolveInstanceRequest(instancesDir: string, segment: string): string | null {
  const uid = decodeUrlPart(segment);
  return uid !== null && isAcceptableUid(uid) ? instanceFilePath(instancesDir, uid) : null;
}

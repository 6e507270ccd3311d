/**
 * Where an instance's file lives inside the data directory, derived from its SOP Instance UID.
 *
 * The renderer never sees a path: it asks for pixels by UID (`dicom://instance/<uid>` in
 * Electron, `/dicom/instance/<uid>` in the browser host) and both resolve through here. The UID
 * is checked against the DICOM UID grammar before it becomes part of a path, so no request can
 * name a file outside the instances folder. Files are spread over 256 folders by a hash of the
 * UID so that a million instances do not share one directory.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

/** PS3.5 §9.1: digits and dots, components without leading zeros, at most 64 characters. */
const UID_PATTERN = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/;

export function isDicomUid(value: string): boolean {
  return value.length <= 64 && UID_PATTERN.test(value);
}

export function instanceFilePath(instancesDir: string, sopInstanceUid: string): string {
  if (!isDicomUid(sopInstanceUid)) throw new Error('not a valid SOP Instance UID');
  const fanout = createHash('sha1').update(sopInstanceUid).digest('hex').slice(0, 2);
  return path.join(instancesDir, fanout, `${sopInstanceUid}.dcm`);
}

/**
 * The file for a pixel-data URL's last path segment, or null when the segment is not a UID.
 * Used by both the Electron dicom:// protocol and the host's pixel route.
 */
export function resolveInstanceRequest(instancesDir: string, segment: string): string | null {
  let uid: string;
  try {
    uid = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return isDicomUid(uid) ? instanceFilePath(instancesDir, uid) : null;
}

/**
 * An annotation's id (a UUID) as a DICOM UID and back: PS3.5 B.2 "UUID derived UID", the
 * 128-bit UUID as one decimal number under the root 2.25. Our SRs use it as each measurement's
 * Tracking Unique Identifier, so reading a report back finds the annotation it came from
 * instead of adding a copy.
 * Runs in: every runtime (pure).
 */
export function trackingUidFromAnnotationId(id: string): string {
  return `2.25.${BigInt(`0x${id.replaceAll('-', '')}`).toString(10)}`;
}

/** The UUID a 2.25 UID was derived from, or null when it is not one. */
export function annotationIdFromTrackingUid(uid: string): string | null {
  const match = /^2\.25\.(\d{1,39})$/.exec(uid);
  if (!match?.[1]) return null;
  const value = BigInt(match[1]);
  if (value >= 1n << 128n) return null;
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

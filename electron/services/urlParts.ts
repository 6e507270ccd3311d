/** A percent-encoded URL part, decoded; null when it is malformed (a stray `%`), never a throw. */
export function decodeUrlPart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

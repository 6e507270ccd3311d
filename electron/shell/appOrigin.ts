/**
 * The renderer is served from `app://lumen/` rather than file://, so it has a real origin of its
 * own: the CSP's 'self' means exactly our files, navigation can be checked against one origin,
 * and IPC can tell our page from anything else.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lumen';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Pixel data: `dicom://instance/<SOP Instance UID>`. */
export const DICOM_SCHEME = 'dicom';

export function isAppUrl(url: string): boolean {
  try {
    // Not `origin === APP_ORIGIN`: Node's URL reports the origin of any non-special scheme
    // (app:, dicom:) as "null", which would refuse our own page.
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

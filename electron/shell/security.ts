/**
 * Hardening of every window and session. The rules, and why (the window's own webPreferences
 * are in startShell.ts, written out literally so that electronegativity can read them):
 * - Navigation and new windows are refused: the window only ever shows our own app:// origin.
 * - Permissions (camera, geolocation, notifications, …) are denied except the few the app uses.
 * - The CSP is sent as a header on every response of our origin (and is in index.html too).
 */
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY_HEADER, policyForRendererPath } from '../../shared/security/contentSecurityPolicy';
import { isAppUrl } from './appOrigin';

/** Copying the list of skipped files, and full-screen reading; nothing else. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'fullscreen']);

export function installPermissionPolicy(session: Session): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(contents.getURL()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin);
  });
}

export function installContentSecurityPolicy(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    // Our own files get the policy for their path (the decode worker has its own); anything else the page.
    const policy = isAppUrl(details.url) ? policyForRendererPath(new URL(details.url).pathname) : CONTENT_SECURITY_POLICY_HEADER;
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] },
    });
  });
}

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

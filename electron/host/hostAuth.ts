/**
 * Who may talk to the browser host: only a page or script that holds this launch's random token,
 * and only through 127.0.0.1/localhost on our own port.
 *
 * - The token arrives once in the URL printed at start-up; the host swaps it for an HttpOnly,
 *   SameSite=Strict cookie and redirects to the same page without it, so it leaves the address
 *   bar and the history. Scripts may send it as `Authorization: Bearer <token>` instead.
 * - The Host header must name our loopback address and port (defeats DNS rebinding), and an
 *   Origin header, when present, must be our own origin (defeats cross-site requests).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newLaunchToken(): string {
  return randomBytes(32).toString('base64url');
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

/** Cookies are not separated by port, so two hosts on one machine need different names. */
export function sessionCookieName(port: number): string {
  return `lumen_session_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${sessionCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

function sameToken(candidate: string, token: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export type RequestVerdict =
  | { allowed: true; tokenFromQuery: boolean }
  | { allowed: false; status: 401 | 403; reason: string };

export function checkRequest(request: IncomingMessage, url: URL, port: number, token: string): RequestVerdict {
  const host = request.headers.host;
  if (!host || !allowedHosts(port).has(host.toLowerCase())) {
    return { allowed: false, status: 403, reason: 'this host only answers requests addressed to 127.0.0.1 or localhost' };
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).has(origin.toLowerCase())) {
    return { allowed: false, status: 403, reason: 'requests from other origins are refused' };
  }
  const bearer = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
  const fromCookie = cookieValue(request.headers.cookie, sessionCookieName(port));
  const fromQuery = url.searchParams.get('token') ?? undefined;
  for (const candidate of [bearer, fromCookie]) {
    if (candidate !== undefined && sameToken(candidate, token)) return { allowed: true, tokenFromQuery: false };
  }
  if (fromQuery !== undefined && sameToken(fromQuery, token)) return { allowed: true, tokenFromQuery: true };
  return { allowed: false, status: 401, reason: 'this workstation host needs the token from the URL it printed at start-up' };
}

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest, newLaunchToken, sessionCookie, sessionCookieName } from '../../electron/host/hostAuth';

const port = 43210;
const token = newLaunchToken();
const request = (headers: Record<string, string>) => ({ headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) }) as unknown as IncomingMessage;
const url = (query = '') => new URL(`http://127.0.0.1:${port}/${query}`);
const host = { Host: `127.0.0.1:${port}` };

describe('host authentication', () => {
  it('makes a new 256-bit token every launch', () => {
    const tokens = new Set(Array.from({ length: 50 }, newLaunchToken));
    expect(tokens.size).toBe(50);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('accepts the token as bearer, cookie or (once) in the query', () => {
    expect(checkRequest(request({ ...host, Authorization: `Bearer ${token}` }), url(), port, token)).toEqual({ allowed: true, tokenFromQuery: false });
    expect(checkRequest(request({ ...host, Cookie: `other=1; ${sessionCookieName(port)}=${token}` }), url(), port, token)).toEqual({ allowed: true, tokenFromQuery: false });
    expect(checkRequest(request(host), url(`?token=${token}`), port, token)).toEqual({ allowed: true, tokenFromQuery: true });
    expect(checkRequest(request({ Host: `localhost:${port}`, Authorization: `Bearer ${token}` }), url(), port, token)).toMatchObject({ allowed: true });
  });

  it('answers 401 without the right token', () => {
    const wrongCredentials: Array<Record<string, string>> = [{}, { Authorization: 'Bearer nope' }, { Authorization: `Basic ${token}` }, { Cookie: `${sessionCookieName(port + 1)}=${token}` }, { Authorization: `Bearer ${token}x` }];
    for (const headers of wrongCredentials) {
      expect(checkRequest(request({ ...host, ...headers }), url(), port, token)).toMatchObject({ allowed: false, status: 401 });
    }
    expect(checkRequest(request(host), url(`?token=${token.slice(0, -1)}`), port, token)).toMatchObject({ allowed: false, status: 401 });
  });

  it('answers 403 to a foreign Host or Origin, token or not', () => {
    const withToken = { Authorization: `Bearer ${token}` };
    for (const hostHeader of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `0.0.0.0:${port}`]) {
      expect(checkRequest(request({ Host: hostHeader, ...withToken }), url(), port, token), hostHeader).toMatchObject({ allowed: false, status: 403 });
    }
    expect(checkRequest(request({}), url(), port, token)).toMatchObject({ allowed: false, status: 403 });
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`]) {
      expect(checkRequest(request({ ...host, ...withToken, Origin: origin }), url(), port, token), origin).toMatchObject({ allowed: false, status: 403 });
    }
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, named per port', () => {
    expect(sessionCookie(port, token)).toBe(`lumen_session_${port}=${token}; HttpOnly; SameSite=Strict; Path=/`);
  });
});

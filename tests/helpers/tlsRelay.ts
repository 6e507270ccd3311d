/**
 * A TLS front for a plain-http server on 127.0.0.1 (Orthanc), as a hospital puts its PACS behind
 * https with its own certificate: certificates made by `openssl` for the test, and a relay that
 * ends TLS and forwards the bytes. It counts what reached the server, so a test can show that
 * nothing (no request, no password) was sent over a connection whose certificate was refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

export interface TestCertificate {
  key: string;
  cert: string;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed certificate for `commonName`, valid from now for `days` (0 or less: one that expired in 2020). */
export function selfSignedCertificate(dir: string, name: string, commonName: string, days = 2): TestCertificate {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  if (days > 0) openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', String(days), '-subj', `/CN=${commonName}`]);
  else {
    // Expired (January 2020): OpenSSL 3.0's `x509` and `req` cannot date a certificate in the
    // past; its `ca` command can, with a minimal authority of its own.
    const ca = path.join(dir, `${name}-ca`);
    mkdirSync(path.join(ca, 'issued'), { recursive: true });
    writeFileSync(path.join(ca, 'index.txt'), '');
    writeFileSync(path.join(ca, 'serial'), '01\n');
    writeFileSync(
      path.join(ca, 'ca.conf'),
      ['[ca]', 'default_ca = test', '[test]', 'database = index.txt', 'new_certs_dir = issued', 'serial = serial', 'default_md = sha256', 'policy = any', '[any]', 'commonName = supplied', ''].join('\n'),
    );
    openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', `${cert}.csr`, '-subj', `/CN=${commonName}`]);
    openssl(ca, ['ca', '-batch', '-config', 'ca.conf', '-selfsign', '-keyfile', key, '-in', `${cert}.csr`, '-out', cert, '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-notext']);
  }
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** A certificate for `commonName` made out by a new authority (the hospital's own), and that authority's. */
export function certificateFromOwnAuthority(dir: string, name: string, commonName: string): TestCertificate & { authority: string } {
  const authorityKey = path.join(dir, `${name}-ca.key`);
  const authority = path.join(dir, `${name}-ca.crt`);
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', authorityKey, '-out', authority, '-days', '2', '-subj', '/CN=Lumen Test Hospital Authority']);
  const key = path.join(dir, `${name}.key`);
  const request = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', request, '-subj', `/CN=${commonName}`]);
  openssl(dir, ['x509', '-req', '-in', request, '-CA', authority, '-CAkey', authorityKey, '-CAcreateserial', '-out', cert, '-days', '2']);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), authority: readFileSync(authority, 'utf8') };
}

export interface TlsRelay {
  readonly port: number;
  /** Bytes that came through TLS and were passed on to the server. */
  bytesToServer(): number;
  /** Presents another certificate from now on, as a server restarted with it (open connections are dropped). */
  present(certificate: TestCertificate): void;
  close(): Promise<void>;
}

export async function startTlsRelay(targetPort: number, certificate: TestCertificate): Promise<TlsRelay> {
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(certificate, (client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  // Refused handshakes end in errors on the server side: expected here.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the TLS relay has no port');
  return {
    port: address.port,
    bytesToServer: () => bytes,
    present(next) {
      server.setSecureContext(next);
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

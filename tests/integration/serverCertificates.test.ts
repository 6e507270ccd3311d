/**
 * A DICOMweb server behind https with a certificate this workstation does not trust by itself
 * (real Orthanc behind a TLS relay; certificates made by openssl): the connection test shows the
 * certificate and why it is refused without sending anything to the server; trusting it accepts
 * exactly that certificate for that server; an expired one cannot be trusted; a transfer refused
 * for the certificate is parked, not retried forever, and goes once the certificate is trusted.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, ConnectionCheck, ServerSummary, SyncStatus, Transfer } from '../../shared/api';
import { cliImport } from '../helpers/cli';
import { corpusPath } from '../helpers/corpus';
import { callHost, callHostValue } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { type OrthancServer, startOrthanc } from '../helpers/orthanc';
import { makeTempDir } from '../helpers/tempDir';
import { until } from '../helpers/until';
import { certificateFromOwnAuthority, selfSignedCertificate, startTlsRelay, type TestCertificate, type TlsRelay } from '../helpers/tlsRelay';

const SCOUT_SERIES = corpusPath('mr-series/cptac-sar-ax-scout');
const USER = 'lumen';
const PASSWORD = 'reading-room-42';
const call = callHostValue;

const fingerprintOf = (certificate: TestCertificate) => new X509Certificate(certificate.cert).fingerprint256;

describe('servers behind https with a certificate of their own (real Orthanc behind TLS)', () => {
  let orthanc: OrthancServer;
  let temp: ReturnType<typeof makeTempDir>;
  let host: HostProcess;
  let scoutStudy: string;
  const relays: TlsRelay[] = [];

  /** Orthanc behind https presenting `certificate`, saved as a server of the host. */
  async function serverBehind(certificate: TestCertificate, name: string): Promise<{ relay: TlsRelay; server: ServerSummary }> {
    const relay = await startTlsRelay(orthanc.httpPort, certificate);
    relays.push(relay);
    const server = await call<ServerSummary>(host, 'servers.save', { name, baseUrl: `https://127.0.0.1:${relay.port}/dicom-web`, auth: 'basic', username: USER, secret: PASSWORD });
    return { relay, server };
  }

  beforeAll(async () => {
    orthanc = await startOrthanc({ users: { [USER]: PASSWORD } });
    temp = makeTempDir('certificates');
    for (const name of readdirSync(SCOUT_SERIES).filter((file) => file.endsWith('.dcm'))) {
      const stored = await fetch(`${orthanc.baseUrl}/instances`, { method: 'POST', headers: orthanc.authHeaders, body: readFileSync(path.join(SCOUT_SERIES, name)) });
      expect(stored.ok).toBe(true);
    }
    const dataDir = path.join(temp.dir, 'workstation');
    await cliImport(dataDir, [SCOUT_SERIES]);
    host = await startHostProcess(dataDir);
    scoutStudy = (await call<{ studies: Array<{ studyInstanceUid: string }> }>(host, 'library.searchStudies', {})).studies[0]!.studyInstanceUid;
  }, 120_000);
  afterAll(async () => {
    for (const relay of relays) await relay.close();
    await host?.stop();
    await orthanc?.stop();
    temp?.remove();
  });

  it('shows a self-signed certificate without sending anything, and then trusts exactly that one for that server', async () => {
    const first = selfSignedCertificate(temp.dir, 'pacs', 'pacs.hospital.test');
    const { relay, server } = await serverBehind(first, 'Self-signed PACS');

    const check = await call<ConnectionCheck>(host, 'servers.test', { id: server.id });
    expect(check).toMatchObject({ ok: false, stage: 'tls', certificate: { sha256: fingerprintOf(first), subject: 'CN=pacs.hospital.test', issuer: 'CN=pacs.hospital.test', trustable: true } });
    expect(check.message).toMatch(/not trusted: it is self-signed/);
    // Neither the test nor the look at the certificate sent a request (or the password) through.
    expect(relay.bytesToServer()).toBe(0);
    const search = await callHost(host, 'sync.searchServer', { serverId: server.id });
    expect(search).toMatchObject({ ok: false, error: { message: expect.stringMatching(/certificate is not trusted: it is self-signed/) as string } });
    expect(relay.bytesToServer()).toBe(0);

    // What is trusted is what the server presents, checked against the fingerprint the person saw.
    const wrong = await callHost(host, 'servers.trustCertificate', { id: server.id, sha256: Array.from({ length: 32 }, () => 'AB').join(':') });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/another certificate/) as string } });
    const trusted = await call<ServerSummary>(host, 'servers.trustCertificate', { id: server.id, sha256: fingerprintOf(first) });
    expect(trusted.trustedCertificate).toMatchObject({ sha256: fingerprintOf(first), subject: 'CN=pacs.hospital.test' });
    // Made out for pacs.hospital.test and reached by its IP address: trusted all the same.
    expect(await call<ConnectionCheck>(host, 'servers.test', { id: server.id })).toMatchObject({ ok: true, stage: 'ok' });
    const found = await call<{ studies: Array<{ studyInstanceUid: string; cached: boolean }> }>(host, 'sync.searchServer', { serverId: server.id });
    expect(found.studies).toEqual([expect.objectContaining({ studyInstanceUid: scoutStudy, cached: true })]);
    const listed = (await call<{ servers: ServerSummary[] }>(host, 'servers.list', {})).servers.find((item) => item.id === server.id);
    expect(listed?.trustedCertificate?.sha256).toBe(fingerprintOf(first));
    const audit = await call<{ entries: AuditEntry[] }>(host, 'audit.query', { limit: 20 });
    expect(audit.entries.find((entry) => entry.action === 'server.trust-certificate')?.detail).toMatchObject({ serverId: server.id, sha256: fingerprintOf(first), problem: 'DEPTH_ZERO_SELF_SIGNED_CERT' });

    // The server now presents another certificate (replaced, or someone in between): refused, and said so.
    const second = selfSignedCertificate(temp.dir, 'impostor', 'pacs.hospital.test');
    relay.present(second);
    const changed = await call<ConnectionCheck>(host, 'servers.test', { id: server.id });
    expect(changed).toMatchObject({ ok: false, stage: 'tls', certificate: { sha256: fingerprintOf(second) } });
    expect(changed.message).toMatch(/not the certificate trusted for this server/);

    const forgotten = await call<ServerSummary>(host, 'servers.trustCertificate', { id: server.id, sha256: null });
    expect(forgotten.trustedCertificate).toBeNull();
    relay.present(first);
    expect(await call<ConnectionCheck>(host, 'servers.test', { id: server.id })).toMatchObject({ ok: false, stage: 'tls' });
    await call(host, 'servers.delete', { id: server.id });
  });

  it('trusts a certificate made out by the hospital’s own authority, which the server does not send', async () => {
    const certificate = certificateFromOwnAuthority(temp.dir, 'hospital', 'pacs.hospital.test');
    const { server } = await serverBehind(certificate, 'Hospital PACS');
    const check = await call<ConnectionCheck>(host, 'servers.test', { id: server.id });
    expect(check).toMatchObject({ ok: false, stage: 'tls', certificate: { issuer: 'CN=Lumen Test Hospital Authority', trustable: true } });
    expect(check.message).toMatch(/made out by an authority this workstation does not know \(CN=Lumen Test Hospital Authority\)/);
    await call(host, 'servers.trustCertificate', { id: server.id, sha256: fingerprintOf(certificate) });
    expect(await call<ConnectionCheck>(host, 'servers.test', { id: server.id })).toMatchObject({ ok: true, stage: 'ok' });
    await call(host, 'servers.delete', { id: server.id });
  });

  it('does not offer to trust an expired certificate, and refuses to', async () => {
    const expired = selfSignedCertificate(temp.dir, 'old', 'pacs.hospital.test', 0);
    const { server } = await serverBehind(expired, 'Expired PACS');
    const check = await call<ConnectionCheck>(host, 'servers.test', { id: server.id });
    expect(check).toMatchObject({ ok: false, stage: 'tls', certificate: { trustable: false } });
    expect(check.message).toMatch(/expired on 2020-02-01.*has to be renewed/);
    const refused = await callHost(host, 'servers.trustCertificate', { id: server.id, sha256: fingerprintOf(expired) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/cannot be trusted: it expired/) as string } });
    await call(host, 'servers.delete', { id: server.id });
  });

  it('parks an upload refused for the certificate instead of retrying it, and sends it once the certificate is trusted', async () => {
    await fetch(`${orthanc.baseUrl}/patients`, { headers: orthanc.authHeaders })
      .then(async (response) => (await response.json()) as string[])
      .then((patients) => Promise.all(patients.map((id) => fetch(`${orthanc.baseUrl}/patients/${id}`, { method: 'DELETE', headers: orthanc.authHeaders }))));
    const certificate = selfSignedCertificate(temp.dir, 'upload', 'pacs.hospital.test');
    const { relay, server } = await serverBehind(certificate, 'Upload PACS');
    await call(host, 'sync.upload', { studyInstanceUid: scoutStudy, serverId: server.id });
    const parked = await until('the upload being parked', () => call<SyncStatus>(host, 'sync.status', {}), (status) => status.parked === 3 && status.pending === 0 && status.running === 0);
    expect(parked.parked).toBe(3);
    const transfers = (await call<{ transfers: Transfer[] }>(host, 'sync.transfers', { state: 'parked', limit: 10 })).transfers;
    expect(transfers.map((transfer) => transfer.attempts)).toEqual([1, 1, 1]);
    expect(transfers[0]?.lastError).toMatch(/certificate is not trusted: it is self-signed/);
    expect(relay.bytesToServer()).toBe(0);

    await call(host, 'servers.trustCertificate', { id: server.id, sha256: fingerprintOf(certificate) });
    await until('the upload going out', () => call<SyncStatus>(host, 'sync.status', {}), (status) => status.parked === 0 && status.pending === 0 && status.running === 0);
    const stats = (await (await fetch(`${orthanc.baseUrl}/statistics`, { headers: orthanc.authHeaders })).json()) as { CountInstances: number };
    expect(stats.CountInstances).toBe(3);
    await call(host, 'servers.delete', { id: server.id });
  });
});

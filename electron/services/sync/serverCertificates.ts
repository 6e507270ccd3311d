/**
 * TLS certificates of DICOMweb servers that this workstation does not trust by itself: a
 * hospital's PACS with a self-signed certificate, or one made out by the hospital's own
 * authority. The connection test shows the certificate the server presents (subject, issuer,
 * validity, SHA-256 fingerprint) so a person can compare it with what IT gives them; once they
 * trust it, that certificate — and no other — is accepted for that server.
 *
 * Node's TLS does the verifying: a trusted certificate is added as a trust anchor (beside the
 * usual authorities) for that server's connections, so a refused certificate still ends the
 * handshake before a request — and its password — is sent. Only the name check is waived for
 * the trusted certificate itself (an archive reached by its IP address is common).
 * Runs in: the main process (Node).
 */
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { CertificateInfo } from '../../../shared/api';

/** "C=NL\nO=Hospital\nCN=pacs" → "CN=pacs, O=Hospital, C=NL" (most specific first, as browsers show it). */
function distinguishedName(lines: string): string {
  return lines.split('\n').filter(Boolean).reverse().join(', ');
}

export function certificateInfo(certificate: X509Certificate): CertificateInfo {
  return {
    sha256: certificate.fingerprint256,
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    validFrom: new Date(certificate.validFrom).toISOString(),
    validTo: new Date(certificate.validTo).toISOString(),
  };
}

/** The stored certificate's details, or null when nothing (or nothing readable) is stored. */
export function trustedCertificateInfo(pem: string | null): CertificateInfo | null {
  if (!pem) return null;
  try {
    return certificateInfo(new X509Certificate(pem));
  } catch {
    return null;
  }
}

/** Whether a TLS failure's code is a verdict on the server's certificate (not a broken handshake). */
export function isCertificateRefusal(code: string): boolean {
  return code.startsWith('CERT_') || code.startsWith('UNABLE_TO_') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'ERR_TLS_CERT_ALTNAME_INVALID';
}

/** OpenSSL's verdicts that trusting the certificate cannot cure. */
const UNTRUSTABLE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_SIGNATURE_FAILURE', 'CERT_REJECTED']);

/** Why the certificate was refused, in words, from OpenSSL's or Node's code. */
export function certificateProblem(code: string, info: CertificateInfo | null): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'it is self-signed';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `it was made out by an authority this workstation does not know${info ? ` (${info.issuer})` : ''}`;
    case 'CERT_HAS_EXPIRED':
      return `it expired${info ? ` on ${info.validTo.slice(0, 10)}` : ''}`;
    case 'CERT_NOT_YET_VALID':
      return `it is not valid yet${info ? ` (from ${info.validFrom.slice(0, 10)})` : ''}`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `it was made out for another name${info ? ` (${info.subject})` : ''}`;
    default:
      return `it was refused (${code})`;
  }
}

export interface PresentedCertificate {
  info: CertificateInfo;
  pem: string;
  /** OpenSSL's or Node's code when this workstation does not trust it as it is, else null. */
  problemCode: string | null;
  trustable: boolean;
}

/**
 * The certificate a server presents, read from a TLS handshake that sends nothing after it
 * (no request, no credentials). Rejects when there is no TLS server there or it sends none.
 */
export function presentedCertificate(url: URL, timeoutMs: number, trustedPem: string | null = null): Promise<PresentedCertificate> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...trustOptions(trustedPem), rejectUnauthorized: false });
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error(`no TLS answer from ${url.host}`), { name: 'TimeoutError' })));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerX509Certificate();
      const authorizationError = socket.authorizationError as Error | string | null | undefined;
      socket.destroy();
      if (!certificate) return reject(new Error(`${url.host} presented no certificate`));
      const info = certificateInfo(certificate);
      const problemCode = socket.authorized ? null : typeof authorizationError === 'string' ? authorizationError : ((authorizationError as { code?: string } | null | undefined)?.code ?? 'UNKNOWN');
      resolve({ info, pem: certificate.toString(), problemCode, trustable: problemCode !== null && !UNTRUSTABLE.has(problemCode) });
    });
  });
}

export interface TlsTrust {
  ca?: string[];
  allowPartialTrustChain?: boolean;
  checkServerIdentity?: typeof tls.checkServerIdentity;
}

/** TLS options for a server's connections: the usual authorities, plus the certificate trusted for it. */
export function trustOptions(trustedPem: string | null): TlsTrust {
  if (!trustedPem) return {};
  const trusted = trustedCertificateInfo(trustedPem);
  return {
    ca: [...tls.rootCertificates, trustedPem],
    // The trusted certificate is an anchor by itself even when it is not self-signed (made out
    // by a hospital authority whose own certificate the server does not send).
    allowPartialTrustChain: true,
    checkServerIdentity: (hostname, certificate) => (trusted && certificate.fingerprint256 === trusted.sha256 ? undefined : tls.checkServerIdentity(hostname, certificate)),
  };
}

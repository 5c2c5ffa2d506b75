// X.509 certificates: parsing what is uploaded (PEM, several, or DER, as zot's
// parseAndValidateCertificateContent), the subject as Go prints it (zot shows it as the signer), and the
// chain check: each certificate signed by the next, and the chain anchored in a trusted certificate.
import { X509Certificate } from 'node:crypto';

export class CertificateError extends Error {}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g;

export function parseCertificates(content: Uint8Array): X509Certificate[] {
  const text = Buffer.from(content).toString('latin1');
  const blocks = [...text.matchAll(PEM_BLOCK)];
  try {
    if (blocks.length > 0)
      return blocks.map(
        (block) => new X509Certificate(Buffer.from((block[1] ?? '').replace(/\s+/g, ''), 'base64')),
      );
    if (text.includes('-----BEGIN')) throw new CertificateError('no certificate in the PEM content');
    return [new X509Certificate(Buffer.from(content))];
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw new CertificateError(`invalid certificate content: ${(error as Error).message}`);
  }
}

/**
 * Go's pkix.Name.String(): the RDNs in reverse order of the certificate, comma-separated
 * ("CN=signer,O=Acme,C=US"); Node lists them in certificate order, one per line.
 */
export function subjectOf(certificate: X509Certificate): string {
  return certificate.subject.split('\n').filter(Boolean).reverse().join(',');
}

export function validityProblem(certificate: X509Certificate, now: Date): string | undefined {
  const from = new Date(certificate.validFrom);
  const to = new Date(certificate.validTo);
  if (now < from) return `certificate "${subjectOf(certificate)}" is not valid before ${from.toISOString()}`;
  if (now > to) return `certificate "${subjectOf(certificate)}" expired at ${to.toISOString()}`;
  return undefined;
}

function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Why the chain does not hold together (leaf first, each signed by the next, issuers are CAs); undefined if it does. */
export function chainProblem(chain: readonly X509Certificate[]): string | undefined {
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i] as X509Certificate;
    const issuer = chain[i + 1] as X509Certificate;
    if (!issuer.ca) return `certificate "${subjectOf(issuer)}" issues another but is not a CA`;
    if (!signedBy(child, issuer))
      return `certificate "${subjectOf(child)}" is not signed by the next in the chain`;
  }
  return undefined;
}

/**
 * The trusted certificate the chain ends in: one of its certificates is in the trust store (notation trusts
 * a chain whose root, or any certificate on the way, the store holds), or its last one is signed by one.
 */
export function anchorOf(
  chain: readonly X509Certificate[],
  trusted: readonly X509Certificate[],
): X509Certificate | undefined {
  for (const certificate of chain) {
    const same = trusted.find((candidate) => candidate.fingerprint256 === certificate.fingerprint256);
    if (same) return same;
  }
  const last = chain[chain.length - 1];
  if (last === undefined) return undefined;
  return trusted.find((candidate) => candidate.ca && signedBy(last, candidate));
}

// Identity from a verified TLS client certificate (`http.tls.cacert` set). Which attribute names the
// user is `http.auth.mtls.identityAttributes`, tried in order (zot's fallback chain; CommonName by
// default): CommonName|CN, Subject|DN (RFC 2253 string, as Go's pkix.Name.String()), Email|rfc822name,
// URI|URL (optionally through `uriSanPattern`: the first capture group is the identity), DNSName|DNS.
// Unverified certificates never make an identity.
import { X509Certificate } from 'node:crypto';
import type { ClientCertificateInfo } from './types.js';

export interface MtlsOptions {
  identityAttributes?: string[];
  uriSanPattern?: string;
  uriSanIndex?: number;
  dnsSanIndex?: number;
  emailSanIndex?: number;
}

export type MtlsIdentityResolver = (certificate: ClientCertificateInfo) => string | undefined;

type Attribute = 'commonname' | 'subject' | 'email' | 'uri' | 'dnsname';
const ALIASES: Record<string, Attribute> = {
  commonname: 'commonname',
  cn: 'commonname',
  subject: 'subject',
  dn: 'subject',
  email: 'email',
  rfc822name: 'email',
  uri: 'uri',
  url: 'uri',
  dnsname: 'dnsname',
  dns: 'dnsname',
};

export class MtlsConfigError extends Error {
  readonly code = 'MTLS_CONFIG_INVALID';
}

interface CertificateView {
  commonName?: string;
  subject: string;
  sans: { dns: string[]; uri: string[]; email: string[] };
}

function splitSans(entries: string[]): CertificateView['sans'] {
  const sans: CertificateView['sans'] = { dns: [], uri: [], email: [] };
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const kind = entry.slice(0, colon).trim().toLowerCase();
    const value = entry.slice(colon + 1).trim();
    if (kind === 'dns') sans.dns.push(value);
    else if (kind === 'uri') sans.uri.push(value);
    else if (kind === 'email') sans.email.push(value);
  }
  return sans;
}

function viewOf(certificate: ClientCertificateInfo): CertificateView {
  if (certificate.raw) {
    const x509 = new X509Certificate(certificate.raw);
    // Node lists RDNs one per line in certificate order; RFC 2253 writes them most specific first.
    const rdns = x509.subject.split('\n').filter((line) => line !== '');
    const commonName = rdns.find((rdn) => rdn.startsWith('CN='))?.slice(3);
    return {
      ...(commonName !== undefined ? { commonName } : {}),
      subject: [...rdns].reverse().join(','),
      sans: splitSans((x509.subjectAltName ?? '').split(', ').filter((s) => s !== '')),
    };
  }
  const order = ['CN', 'OU', 'O', 'L', 'ST', 'C'];
  const subject = [
    ...order.filter((k) => certificate.subject[k] !== undefined),
    ...Object.keys(certificate.subject).filter((k) => !order.includes(k)),
  ].map((k) => `${k}=${certificate.subject[k]}`);
  const commonName = certificate.subject.CN;
  return {
    ...(commonName !== undefined ? { commonName } : {}),
    subject: subject.join(','),
    sans: splitSans(certificate.san ?? []),
  };
}

export function createMtlsIdentityResolver(options: MtlsOptions = {}): MtlsIdentityResolver {
  const attributes = (options.identityAttributes ?? ['CommonName']).map((name) => {
    const attribute = ALIASES[name.toLowerCase()];
    if (!attribute) throw new MtlsConfigError(`unsupported identity attribute ${name}`);
    return attribute;
  });
  let uriPattern: RegExp | undefined;
  try {
    uriPattern = options.uriSanPattern ? new RegExp(options.uriSanPattern) : undefined;
  } catch {
    throw new MtlsConfigError(`invalid uriSanPattern ${options.uriSanPattern}`);
  }

  const fromAttribute = (view: CertificateView, attribute: Attribute): string | undefined => {
    switch (attribute) {
      case 'commonname':
        return view.commonName;
      case 'subject':
        return view.subject;
      case 'email':
        return view.sans.email[options.emailSanIndex ?? 0];
      case 'dnsname':
        return view.sans.dns[options.dnsSanIndex ?? 0];
      case 'uri': {
        const uri = view.sans.uri[options.uriSanIndex ?? 0];
        if (uri === undefined || !uriPattern) return uri;
        const match = uriPattern.exec(uri);
        return match ? (match[1] ?? match[0]) : undefined;
      }
    }
  };

  return (certificate) => {
    if (!certificate.authorized) return undefined;
    const view = viewOf(certificate);
    for (const attribute of attributes) {
      const identity = fromAttribute(view, attribute);
      if (identity) return identity;
    }
    return undefined;
  };
}

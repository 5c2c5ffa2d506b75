// TLS towards a registry. `certDir` follows the Docker certs.d convention that zot's sync certDir uses:
// every `*.crt` is a CA to trust, `client.cert` + `client.key` (or any `<name>.cert` with `<name>.key`)
// a client certificate for mutual TLS.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';

export interface ClientTlsOptions {
  /** false accepts any server certificate (zot's tlsVerify: false). Default true. */
  verify?: boolean;
  /** A certs.d-style directory: `*.crt` CAs, `client.cert`/`client.key`. */
  certDir?: string;
  /** Extra CA certificates (PEM). */
  ca?: string[];
  /** Client certificate and key (PEM). */
  cert?: string;
  key?: string;
}

export interface ResolvedTls {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
}

/** Reads the certDir once, when the client is made; a missing directory is an error that names it. */
export function resolveTls(options: ClientTlsOptions = {}): ResolvedTls {
  const resolved: ResolvedTls = { rejectUnauthorized: options.verify !== false };
  const extraCas = [...(options.ca ?? [])];
  let cert = options.cert;
  let key = options.key;
  if (options.certDir !== undefined && options.certDir !== '') {
    const names = readdirSync(options.certDir).sort();
    for (const name of names) {
      if (name.endsWith('.crt')) extraCas.push(readFileSync(join(options.certDir, name), 'utf8'));
    }
    const certName = names.includes('client.cert') ? 'client.cert' : names.find((n) => n.endsWith('.cert'));
    if (certName !== undefined && cert === undefined) {
      const keyName = `${certName.slice(0, -'.cert'.length)}.key`;
      if (!names.includes(keyName))
        throw new Error(`${options.certDir}: ${certName} has no ${keyName} beside it`);
      cert = readFileSync(join(options.certDir, certName), 'utf8');
      key = readFileSync(join(options.certDir, keyName), 'utf8');
    }
  }
  // Node's `ca` replaces the system roots: keep them, so a certDir adds trust and takes none away
  if (extraCas.length > 0) resolved.ca = [...rootCertificates, ...extraCas];
  if (cert !== undefined) resolved.cert = cert;
  if (key !== undefined) resolved.key = key;
  return resolved;
}

// TLS material of the HTTPS server (`http.tls.cert`, `key`, `cacert`) and its reload when the files change.
//
// mTLS (issue 5): with `cacert` the server asks for a client certificate but does not require one
// (`requestCert: true`, `rejectUnauthorized: false`), as zot does with tls.VerifyClientCertIfGiven: a caller
// without a certificate may still use a password or a token, and an unknown certificate is no identity
// (the authenticator reads `socket.authorized` and answers 401). The oci-api reads the peer certificate
// (subject, SANs, authorized) from the request's socket, so nothing else needs wiring.
//
// Reload: new connections get the new certificate through `server.setSecureContext`; connections already
// open keep the one they were made with. New material is checked first (`createSecureContext` fails on
// a key that does not match its certificate, which is what a half-written swap looks like), and a failure
// keeps the previous certificate in force.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer } from 'node:tls';
import { type FileWatch, watchFiles } from './reload-watch.js';

export interface TlsFiles {
  cert: string;
  key: string;
  /** CA bundle that client certificates are verified against; turns on mTLS. */
  cacert?: string;
}

export type TlsReloadEvent =
  | { kind: 'reloaded'; fingerprint256: string }
  | { kind: 'failed'; error: unknown };

export interface TlsReloadOptions {
  onReload?: (event: TlsReloadEvent) => void;
  /** Fallback poll period of the file watch. Default 1000 ms. */
  pollMs?: number;
}

/** Reads the files into secure-context options; throws when the key does not fit the certificate. */
export async function secureContextOf(files: TlsFiles): Promise<SecureContextOptions> {
  const [cert, key, ca] = await Promise.all([
    readFile(files.cert),
    readFile(files.key),
    files.cacert === undefined ? undefined : readFile(files.cacert),
  ]);
  const context: SecureContextOptions = ca === undefined ? { cert, key } : { cert, key, ca };
  createSecureContext(context); // throws "key values mismatch" and the like before anything is served
  return context;
}

/** Options for https.createServer: the secure context plus the mTLS switches when a CA is configured. */
export async function httpsServerOptionsOf(files: TlsFiles) {
  const context = await secureContextOf(files);
  return files.cacert === undefined
    ? context
    : { ...context, requestCert: true as const, rejectUnauthorized: false as const };
}

function fingerprintOf(cert: SecureContextOptions['cert']): string {
  const first = Array.isArray(cert) ? cert[0] : cert;
  try {
    return first === undefined ? '' : new X509Certificate(first as string | Buffer).fingerprint256;
  } catch {
    return '';
  }
}

/** Watches the TLS files and swaps the server's secure context when they change. */
export function watchTlsFiles(
  server: TlsServer,
  files: TlsFiles,
  options: TlsReloadOptions = {},
): Promise<FileWatch> {
  const paths = [files.cert, files.key, ...(files.cacert === undefined ? [] : [files.cacert])];
  return watchFiles({
    paths,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    onChange: async () => {
      let context: SecureContextOptions;
      try {
        context = await secureContextOf(files);
      } catch (error) {
        options.onReload?.({ kind: 'failed', error });
        return;
      }
      server.setSecureContext(context);
      options.onReload?.({ kind: 'reloaded', fingerprint256: fingerprintOf(context.cert) });
    },
  });
}

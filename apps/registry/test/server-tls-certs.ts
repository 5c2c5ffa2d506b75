// Certificates for the TLS tests, made with the real openssl (P-256 keys: fast), and a TLS client that
// reports what the server presented and what it answered.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';

function openssl(directory: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: directory, stdio: 'ignore' });
}

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** `<name>.crt` and `<name>.key`, self-signed: a CA, or a server certificate nobody vouches for. */
export function makeSelfSigned(directory: string, name: string, subject = `/CN=${name}`): void {
  openssl(
    directory,
    'req',
    '-x509',
    ...P256,
    '-days',
    '2',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    subject,
  );
}

/** `<name>.crt` and `<name>.key` signed by `<ca>`; `extensions` are x509v3 lines such as `subjectAltName=email:a@b`. */
export function makeSigned(
  directory: string,
  name: string,
  ca: string,
  subject: string,
  extensions?: string,
): void {
  openssl(directory, 'req', ...P256, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
  const extensionArgs: string[] = [];
  if (extensions !== undefined) {
    writeFileSync(join(directory, `${name}.ext`), `${extensions}\n`);
    extensionArgs.push('-extfile', `${name}.ext`);
  }
  openssl(
    directory,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    ...extensionArgs,
  );
}

export function fingerprintOfFile(path: string): string {
  return new X509Certificate(readFileSync(path)).fingerprint256;
}

/** SHA-256 fingerprint of the certificate that a new TLS connection to `port` is shown. */
export function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

export interface TlsAnswer {
  status: number;
  body: string;
}

/** One HTTPS request on a new connection, with the client certificate `<client>.crt` when given. */
export function httpsCall(
  port: number,
  method: string,
  path: string,
  options: { directory?: string; client?: string; body?: string } = {},
): Promise<TlsAnswer> {
  const { directory, client, body } = options;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: false,
        rejectUnauthorized: false,
        ...(client === undefined || directory === undefined
          ? {}
          : {
              cert: readFileSync(join(directory, `${client}.crt`)),
              key: readFileSync(join(directory, `${client}.key`)),
            }),
        headers: body === undefined ? {} : { 'Content-Type': 'application/octet-stream' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls `probe` every 50 ms until it returns true or `timeoutMs` passes; resolves to the time it took. */
export async function waitFor(probe: () => Promise<boolean> | boolean, timeoutMs = 3000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

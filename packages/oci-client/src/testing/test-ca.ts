// A CA and a server certificate for 127.0.0.1 made with the real openssl (P-256: fast), and a client
// certificate signed by the same CA, laid out as zot's sync certDir wants them (ca.crt, client.cert, client.key).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export interface TestCa {
  directory: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** A certs.d directory: ca.crt, client.cert, client.key. */
  certDir: string;
}

export function makeTestCa(directory: string): TestCa {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: directory, stdio: 'ignore' });
  run(
    'req',
    '-x509',
    ...P256,
    '-days',
    '2',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=zot-ts test CA',
  );
  const sign = (name: string, subject: string, extensions: string) => {
    run('req', ...P256, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(directory, `${name}.ext`), `${extensions}\n`);
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    );
  };
  sign('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
  sign('client', '/CN=sync-client', 'extendedKeyUsage=clientAuth');
  const certDir = join(directory, 'certs.d');
  mkdirSync(certDir, { recursive: true });
  copyFileSync(join(directory, 'ca.crt'), join(certDir, 'ca.crt'));
  copyFileSync(join(directory, 'client.crt'), join(certDir, 'client.cert'));
  copyFileSync(join(directory, 'client.key'), join(certDir, 'client.key'));
  return {
    directory,
    caCert: join(directory, 'ca.crt'),
    serverCert: join(directory, 'server.crt'),
    serverKey: join(directory, 'server.key'),
    certDir,
  };
}

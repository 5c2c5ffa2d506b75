import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientCertificateInfo, createAuthenticator, createMtlsIdentityResolver } from '../src/index.js';
import { basicHeader, requestInfo, temporaryDirectory } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
let raw: Uint8Array;
beforeAll(async () => {
  dir = await temporaryDirectory();
  const der = join(dir.path, 'client.der');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir.path, 'client.key'),
      '-outform',
      'DER',
      '-out',
      der,
      '-days',
      '1',
      '-subj',
      '/C=US/O=Acme/CN=client1',
      '-addext',
      'subjectAltName=DNS:client.example,URI:spiffe://example.org/workload/builder,email:ci@example.org',
    ],
    { stdio: 'ignore' },
  );
  raw = readFileSync(der);
});
afterAll(async () => {
  await dir.remove();
});

const fromRaw = (authorized = true): ClientCertificateInfo => ({ subject: {}, raw, authorized });

describe('mTLS identity', () => {
  it('uses the CommonName by default', () => {
    expect(createMtlsIdentityResolver()(fromRaw())).toBe('client1');
  });

  it('reads Subject as an RFC 2253 string, and the SANs, from the certificate itself', () => {
    const resolve = (attribute: string) =>
      createMtlsIdentityResolver({ identityAttributes: [attribute] })(fromRaw());
    expect(resolve('Subject')).toBe('CN=client1,O=Acme,C=US');
    expect(resolve('DNSName')).toBe('client.example');
    expect(resolve('rfc822name')).toBe('ci@example.org');
    expect(resolve('URI')).toBe('spiffe://example.org/workload/builder');
  });

  it('extracts the URI identity through uriSanPattern, and falls back along the chain', () => {
    const withPattern = createMtlsIdentityResolver({
      identityAttributes: ['URI', 'CN'],
      uriSanPattern: 'spiffe://example.org/workload/(.*)',
    });
    expect(withPattern(fromRaw())).toBe('builder');
    const noMatch = createMtlsIdentityResolver({
      identityAttributes: ['URI', 'CN'],
      uriSanPattern: 'spiffe://other/(.*)',
    });
    expect(noMatch(fromRaw())).toBe('client1');
  });

  it('works from the subject record and SAN strings when the DER is not given', () => {
    const cert: ClientCertificateInfo = {
      subject: { CN: 'svc', O: 'Acme' },
      san: ['DNS:svc.local'],
      authorized: true,
    };
    expect(createMtlsIdentityResolver({ identityAttributes: ['DN'] })(cert)).toBe('CN=svc,O=Acme');
    expect(createMtlsIdentityResolver({ identityAttributes: ['DNS'] })(cert)).toBe('svc.local');
  });

  it('refuses an unknown attribute name at configuration time', () => {
    expect(() => createMtlsIdentityResolver({ identityAttributes: ['Serial'] })).toThrow(/unsupported/);
  });

  it('an unverified (unknown) client certificate is never an identity and is rejected', async () => {
    const authenticator = createAuthenticator({ mtls: createMtlsIdentityResolver() });
    expect(createMtlsIdentityResolver()(fromRaw(false))).toBeUndefined();
    const result = await authenticator.authenticate(
      requestInfo({}, { tls: true, clientCertificate: fromRaw(false) }),
    );
    expect(result).toEqual({ kind: 'rejected', reason: 'client certificate not trusted' });
    const trusted = await authenticator.authenticate(
      requestInfo({}, { tls: true, clientCertificate: fromRaw() }),
    );
    expect(trusted).toMatchObject({ kind: 'identity', identity: { username: 'client1', method: 'mtls' } });
  });

  it('a verified certificate takes precedence over an Authorization header', async () => {
    const authenticator = createAuthenticator({ mtls: createMtlsIdentityResolver() });
    const result = await authenticator.authenticate(
      requestInfo({ authorization: basicHeader('bob', 'x') }, { tls: true, clientCertificate: fromRaw() }),
    );
    expect(result).toMatchObject({ kind: 'identity', identity: { username: 'client1' } });
  });
});

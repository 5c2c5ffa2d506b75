import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor, verifyNotationSignature } from '../src/index.js';
import { payloadOf, type SignOptions, signCose, signJws } from '../src/testing/notation-signer.js';
import { DAY, makeCertificate } from '../src/testing/x509-builder.js';

const root = makeCertificate({ subject: { C: 'US', O: 'Acme', CN: 'Acme Root' }, ca: true });
const leaf = makeCertificate({ subject: { C: 'US', O: 'Acme', CN: 'release signer' }, issuer: root });
const stranger = makeCertificate({ subject: { CN: 'Other Root' }, ca: true });
const strangerLeaf = makeCertificate({ subject: { CN: 'mallory' }, issuer: stranger });
const trusted = [new X509Certificate(root.der)];
const target = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'c'.repeat(64)}`,
  size: 512,
};

const formats = [
  { name: 'JWS', mediaType: 'application/jose+json', sign: signJws },
  { name: 'COSE', mediaType: 'application/cose', sign: signCose },
] as const;

describe.each(formats)('verifyNotationSignature ($name)', ({ mediaType, sign }) => {
  const check = (options: Partial<SignOptions> & { payload?: Buffer }, subject = target, now?: Date) =>
    verifyNotationSignature({
      envelope: options.payload
        ? sign({ target, chain: [leaf, root], ...options }, options.payload)
        : sign({ target, chain: [leaf, root], ...options }),
      envelopeMediaType: mediaType,
      subject,
      trusted,
      ...(now ? { now } : {}),
    });

  it('trusts a signature whose chain ends in the trust store, naming the signer as zot does', () => {
    const verdict = check({});
    expect(verdict).toMatchObject({ status: 'trusted', signer: 'CN=release signer,O=Acme,C=US' });
    expect(Date.parse(verdict.expiresAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('trusts a chain given without its root when the leaf is signed by a trusted CA', () => {
    expect(check({ chain: [leaf] }).status).toBe('trusted');
  });

  it('calls a tampered payload invalid', () => {
    const forged = payloadOf({ ...target, digest: `sha256:${'d'.repeat(64)}` });
    const verdict = check({ payload: forged }, { ...target, digest: `sha256:${'d'.repeat(64)}` });
    expect(verdict).toMatchObject({ status: 'invalid' });
    expect(verdict.reason).toMatch(/does not verify/);
  });

  it('calls a signature of another manifest invalid', () => {
    const verdict = check({}, { ...target, digest: `sha256:${'e'.repeat(64)}` });
    expect(verdict.status).toBe('invalid');
    expect(verdict.reason).toContain(target.digest);
  });

  it('leaves a chain outside the trust store untrusted', () => {
    const verdict = check({ chain: [strangerLeaf, stranger] });
    expect(verdict).toMatchObject({ status: 'untrusted', signer: 'CN=mallory' });
    expect(verdict.reason).toMatch(/not anchored/);
  });

  it('leaves an expired signature untrusted, with its expiry as the end of trust', () => {
    const expiry = new Date(Math.floor((Date.now() + DAY) / 1000) * 1000); // COSE times are whole seconds
    expect(check({ expiry }).status).toBe('trusted');
    const later = check({ expiry }, target, new Date(Date.now() + 2 * DAY));
    expect(later.status).toBe('untrusted');
    expect(later.reason).toMatch(/signature expired/);
    expect(later.expiresAt).toBe(expiry.toISOString());
  });

  it('leaves a signature by an expired certificate untrusted', () => {
    const old = makeCertificate({
      subject: { CN: 'retired signer' },
      issuer: root,
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const verdict = check({ chain: [old, root] });
    expect(verdict.status).toBe('untrusted');
    expect(verdict.reason).toMatch(/retired signer.*expired/);
  });

  it('calls garbage invalid', () => {
    const verdict = verifyNotationSignature({
      envelope: Buffer.from('not an envelope'),
      envelopeMediaType: mediaType,
      subject: target,
      trusted,
    });
    expect(verdict.status).toBe('invalid');
  });
});

describe('CBOR', () => {
  it('round-trips what COSE uses and refuses trailing or truncated input', () => {
    const value = [
      1,
      -7,
      'x',
      new Uint8Array([1, 2, 3]),
      new Map<number | string, number>([[33, 500000]]),
      true,
      null,
    ];
    const encoded = encodeCbor(value as never);
    expect(decodeCbor(encoded)).toEqual(value);
    expect(() => decodeCbor(Buffer.concat([encoded, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => decodeCbor(encoded.subarray(0, encoded.byteLength - 2))).toThrow(/truncated/);
    // a length far beyond the input is refused before any allocation
    expect(() => decodeCbor(Buffer.from([0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow();
  });
});

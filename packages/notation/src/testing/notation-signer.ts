// Notation signatures made in the tests, in both envelope formats, as notation writes them
// (specs/signature-envelope-jws.md and signature-envelope-cose.md), signed ES256 with the leaf's key.
import { sign } from 'node:crypto';
import { CborTag, encodeCbor } from '../index.js';
import type { TestCertificate } from './x509-builder.js';

export interface SignOptions {
  /** The descriptor of the signed manifest, as it goes in the payload's targetArtifact. */
  target: { mediaType: string; digest: string; size: number };
  /** Leaf first. */
  chain: TestCertificate[];
  expiry?: Date;
  signingTime?: Date;
}

export const PAYLOAD_TYPE = 'application/vnd.cncf.notary.payload.v1+json';

export function payloadOf(target: SignOptions['target']): Buffer {
  return Buffer.from(JSON.stringify({ targetArtifact: target }));
}

const es256 = (data: Uint8Array, leaf: TestCertificate) =>
  sign('sha256', data, { key: leaf.privateKey, dsaEncoding: 'ieee-p1363' });

export function signJws(options: SignOptions, payload = payloadOf(options.target)): Buffer {
  const leaf = options.chain[0] as TestCertificate;
  const headers: Record<string, unknown> = {
    alg: 'ES256',
    crit: ['io.cncf.notary.signingScheme', ...(options.expiry ? ['io.cncf.notary.expiry'] : [])],
    cty: PAYLOAD_TYPE,
    'io.cncf.notary.signingScheme': 'notary.x509',
    'io.cncf.notary.signingTime': (options.signingTime ?? new Date()).toISOString(),
    ...(options.expiry ? { 'io.cncf.notary.expiry': options.expiry.toISOString() } : {}),
  };
  const protectedText = Buffer.from(JSON.stringify(headers)).toString('base64url');
  const payloadText = payloadOf(options.target).toString('base64url');
  const signature = es256(Buffer.from(`${protectedText}.${payloadText}`), leaf);
  return Buffer.from(
    JSON.stringify({
      payload: payload.toString('base64url'),
      protected: protectedText,
      header: {
        x5c: options.chain.map((c) => c.der.toString('base64')),
        'io.cncf.notary.signingAgent': 'zot-ts tests',
      },
      signature: signature.toString('base64url'),
    }),
  );
}

export function signCose(options: SignOptions, payload = payloadOf(options.target)): Buffer {
  const leaf = options.chain[0] as TestCertificate;
  const epoch = (date: Date) => new CborTag(1, Math.floor(date.getTime() / 1000));
  const headers = new Map<number | string, unknown>([
    [1, -7],
    [2, ['io.cncf.notary.signingScheme', ...(options.expiry ? ['io.cncf.notary.expiry'] : [])]],
    [3, PAYLOAD_TYPE],
    ['io.cncf.notary.signingScheme', 'notary.x509'],
    ['io.cncf.notary.signingTime', epoch(options.signingTime ?? new Date())],
    ...(options.expiry ? [['io.cncf.notary.expiry', epoch(options.expiry)] as [string, unknown]] : []),
  ]);
  const protectedBytes = encodeCbor(headers as never);
  const signedPayload = payloadOf(options.target);
  const toBeSigned = encodeCbor(['Signature1', protectedBytes, new Uint8Array(), signedPayload]);
  const signature = es256(toBeSigned, leaf);
  const unprotected = new Map<number | string, unknown>([
    [33, options.chain.map((c) => new Uint8Array(c.der))],
    ['io.cncf.notary.signingAgent', 'zot-ts tests'],
  ]);
  return Buffer.from(encodeCbor(new CborTag(18, [protectedBytes, unprotected as never, payload, signature])));
}

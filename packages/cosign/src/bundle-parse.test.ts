import { describe, expect, it } from 'vitest';
import { dsseBundle, inTotoStatement, messageSignatureBundle, p256KeyPair } from '../test/cosign-fixtures.js';
import { parseBundle } from './bundle-parse.js';

const key = p256KeyPair();
const IMAGE = `sha256:${'ab'.repeat(32)}`;

describe('parseBundle', () => {
  it('accepts a v0.3 bundle with a message signature and a public key', () => {
    const result = parseBundle(
      Buffer.from(JSON.stringify(messageSignatureBundle(key, Buffer.from('artifact')))),
    );
    expect(result).toMatchObject({
      valid: true,
      content: 'message-signature',
      verificationMaterial: 'public-key',
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    });
  });

  it('accepts a v0.3 bundle with a DSSE envelope', () => {
    expect(parseBundle(dsseBundle(key, inTotoStatement(IMAGE)))).toMatchObject({
      valid: true,
      content: 'dsse-envelope',
    });
  });

  it.each([
    ['not JSON', '{oops'],
    ['a JSON array', '[]'],
    ['an empty object', '{}'],
    ['a wrong media type', JSON.stringify({ mediaType: 'text/plain' })],
    [
      'no content',
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: { publicKey: { hint: 'x' } },
      }),
    ],
  ])('reports %s as invalid without throwing', (_name, text) => {
    const result = parseBundle(text);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.reason).toMatch(/bundle/);
  });

  it('reports a bundle whose signature field is not base64 as invalid', () => {
    const bundle = messageSignatureBundle(key, Buffer.from('artifact')) as {
      messageSignature: { signature: unknown };
    };
    const broken = {
      ...bundle,
      messageSignature: { ...bundle.messageSignature, signature: { nested: true } },
    };
    expect(parseBundle(broken).valid).toBe(false);
  });
});

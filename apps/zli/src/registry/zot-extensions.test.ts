import { describe, expect, it } from 'vitest';
import { parseDiscovery, parseSignatureVerification } from './zot-extensions.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('parseDiscovery', () => {
  it('reads extension names and endpoints as zot announces them', () => {
    expect(
      parseDiscovery({
        extensions: [
          { name: '_zot', url: 'https://x', endpoints: ['/v2/_zot/ext/cosign', '/v2/_zot/ext/signatures'] },
        ],
      }),
    ).toEqual([{ name: '_zot', endpoints: ['/v2/_zot/ext/cosign', '/v2/_zot/ext/signatures'] }]);
  });

  it('answers no extensions for bodies of the wrong shape instead of throwing', () => {
    expect(parseDiscovery(null)).toEqual([]);
    expect(parseDiscovery({ extensions: 'nope' })).toEqual([]);
    expect(parseDiscovery({ extensions: [42, { name: 7, endpoints: [1, '/a'] }] })).toEqual([
      { name: '', endpoints: ['/a'] },
    ]);
  });
});

describe('parseSignatureVerification', () => {
  it('keeps the verdict of each signature and drops fields zli does not show', () => {
    const parsed = parseSignatureVerification(
      {
        digest,
        signed: true,
        trusted: false,
        signatures: [
          {
            tool: 'cosign',
            kind: 'cosign-signature',
            status: 'untrusted',
            trusted: false,
            manifestDigest: 'sha256:b',
            layerDigest: 'sha256:c',
            reason: 'no trusted key verifies the signature',
            future: 'field',
          },
        ],
      },
      digest,
    );
    expect(parsed).toEqual({
      digest,
      signed: true,
      trusted: false,
      signatures: [
        {
          tool: 'cosign',
          kind: 'cosign-signature',
          status: 'untrusted',
          trusted: false,
          manifestDigest: 'sha256:b',
          reason: 'no trusted key verifies the signature',
        },
      ],
    });
  });

  it('derives signed and trusted from the signatures when the flags are missing', () => {
    const parsed = parseSignatureVerification(
      { signatures: [{ trusted: true, manifestDigest: 'sha256:b', identity: { issuer: 'https://idp' } }] },
      digest,
    );
    expect(parsed).toMatchObject({ digest, signed: true, trusted: true });
    expect(parsed.signatures[0]).toMatchObject({ status: 'trusted', identity: { issuer: 'https://idp' } });
    expect(parseSignatureVerification('garbage', digest)).toEqual({
      digest,
      signed: false,
      trusted: false,
      signatures: [],
    });
  });
});

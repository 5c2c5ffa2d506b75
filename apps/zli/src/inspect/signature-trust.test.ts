import { RegistryClientError } from '@zot-ts/oci-client';
import { describe, expect, it } from 'vitest';
import type { RegistryExtension, SignatureVerification } from '../registry/zot-extensions.js';
import { parseSignatureVerification } from '../registry/zot-extensions.js';
import type { ZotRegistry } from '../registry/zot-registry.js';
import { createTrustLookup, signatureTrustOf } from './signature-trust.js';

const digest = `sha256:${'b'.repeat(64)}`;
const verified: SignatureVerification = { digest, signed: true, trusted: true, signatures: [] };
const announcing: RegistryExtension[] = [{ name: '_zot', endpoints: ['/v2/_zot/ext/signatures'] }];

/** A client whose two extension calls are scripted; counts the verification requests. */
function clientWith(
  extensions: () => Promise<RegistryExtension[]>,
  verification: () => Promise<SignatureVerification>,
): { client: ZotRegistry; calls: { discovery: number; verification: number } } {
  const calls = { discovery: 0, verification: 0 };
  const client = {
    extensions: () => {
      calls.discovery += 1;
      return extensions();
    },
    signatureVerification: () => {
      calls.verification += 1;
      return verification();
    },
  } as unknown as ZotRegistry;
  return { client, calls };
}

describe('createTrustLookup', () => {
  it('asks discovery once and the verification endpoint for each image when it is announced', async () => {
    const { client, calls } = clientWith(
      async () => announcing,
      async () => verified,
    );
    const lookup = createTrustLookup(client);
    expect(await Promise.all([lookup('a', digest), lookup('b', digest)])).toEqual([verified, verified]);
    expect(calls).toEqual({ discovery: 1, verification: 2 });
  });

  it('never asks for verification when discovery is absent or does not announce it', async () => {
    for (const extensions of [
      async () => [],
      async () => [{ name: '_zot', endpoints: ['/v2/_zot/ext/cosign'] }],
      async () => {
        throw new RegistryClientError('UNEXPECTED_STATUS', 'HTTP 405');
      },
    ]) {
      const { client, calls } = clientWith(extensions, async () => verified);
      expect(await createTrustLookup(client)('a', digest)).toBeUndefined();
      expect(calls.verification).toBe(0);
    }
  });

  it('falls back for one image on a 404 or 403, but lets an unreachable registry fail the command', async () => {
    const notFound = clientWith(
      async () => announcing,
      async () => {
        throw new RegistryClientError('NOT_FOUND', 'not found');
      },
    );
    expect(await createTrustLookup(notFound.client)('a', digest)).toBeUndefined();
    const down = clientWith(
      async () => announcing,
      async () => {
        throw new RegistryClientError('UNREACHABLE', 'cannot reach');
      },
    );
    await expect(createTrustLookup(down.client)('a', digest)).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});

describe('signatureTrustOf', () => {
  it("shows a notation signature's certificate subject as its signer", () => {
    const verification = parseSignatureVerification(
      {
        digest,
        signed: true,
        trusted: true,
        signatures: [
          {
            tool: 'notation',
            kind: 'notation-signature',
            status: 'trusted',
            trusted: true,
            manifestDigest: `sha256:${'c'.repeat(64)}`,
            signer: 'CN=release signer,O=Acme,C=US',
            expiresAt: '2030-01-01T00:00:00.000Z',
          },
        ],
      },
      digest,
    );
    expect(signatureTrustOf(verification)).toEqual([
      {
        manifestDigest: `sha256:${'c'.repeat(64)}`,
        kind: 'notation-signature',
        status: 'trusted',
        signer: 'CN=release signer,O=Acme,C=US',
      },
    ]);
  });
});

// Signatures made the way cosign makes them, found through an in-memory SignatureSource and verified offline.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSignatureVerifier,
  NOTATION_SIGNATURE_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
  signatureTagFor,
  TrustedRootError,
} from '../src/index.js';
import {
  type KeyPair,
  p256KeyPair,
  pushLegacyAttestation,
  pushLegacySignature,
  pushReferrerSignature,
  simpleSigningPayload,
} from './cosign-fixtures.js';
import { OCI_MANIFEST } from './memory-source.js';
import { useVerifierHarness } from './verifier-harness.js';

const REPO = 'team/app';
const signer = p256KeyPair();
const stranger = p256KeyPair();

describe('SignatureVerifier', () => {
  const h = useVerifierHarness();

  it('reports an image without signatures as unsigned', async () => {
    const image = h.source.pushImage(REPO);
    expect(await h.verifier.status(REPO, image.digest)).toEqual({
      digest: image.digest,
      signed: false,
      trusted: false,
      signatures: [],
    });
  });

  describe('legacy .sig images (cosign 2)', () => {
    it('are signed but untrusted until the key is added, then trusted by that key', async () => {
      const image = h.source.pushImage(REPO);
      const sig = pushLegacySignature(h.source, REPO, image, signer);
      const before = await h.verifier.status(REPO, image.digest);
      expect(before).toMatchObject({ signed: true, trusted: false });
      expect(before.signatures).toEqual([
        expect.objectContaining({
          tool: 'cosign',
          kind: 'cosign-signature',
          status: 'untrusted',
          manifestDigest: sig.digest,
          reason: 'no trusted keys configured',
        }),
      ]);
      await h.trust(signer);
      const after = await h.verifier.status(REPO, image.digest);
      const [fingerprint] = (await h.trustStore.list()).map((key) => key.fingerprint);
      expect(after).toMatchObject({ signed: true, trusted: true });
      expect(after.signatures[0]).toMatchObject({
        status: 'trusted',
        trusted: true,
        keyFingerprint: fingerprint,
      });
    });

    it('are untrusted when only another key is trusted', async () => {
      const image = h.source.pushImage(REPO);
      pushLegacySignature(h.source, REPO, image, signer);
      await h.trust(stranger);
      const result = await h.verifier.status(REPO, image.digest);
      expect(result.signatures[0]).toMatchObject({
        status: 'untrusted',
        trusted: false,
        reason: 'no trusted key verifies the signature',
      });
    });

    it('are invalid when the payload was altered to name another image', async () => {
      const image = h.source.pushImage(REPO);
      const other = h.source.pushImage(REPO, 'other');
      pushLegacySignature(h.source, REPO, image, signer, {
        payload: simpleSigningPayload(`registry.test/${REPO}`, other.digest),
      });
      await h.trust(signer);
      const [report] = (await h.verifier.status(REPO, image.digest)).signatures;
      expect(report).toMatchObject({ status: 'invalid', trusted: false });
      expect(report?.reason).toContain(`payload signs ${other.digest}`);
    });

    it('are untrusted when the payload was altered elsewhere, since the signature no longer verifies', async () => {
      const image = h.source.pushImage(REPO);
      const altered = JSON.parse(simpleSigningPayload(`registry.test/${REPO}`, image.digest).toString());
      altered.optional = { creator: 'mallory' };
      pushLegacySignature(h.source, REPO, image, signer, { payload: Buffer.from(JSON.stringify(altered)) });
      await h.trust(signer);
      expect((await h.verifier.status(REPO, image.digest)).signatures[0]).toMatchObject({
        status: 'untrusted',
        reason: 'no trusted key verifies the signature',
      });
    });

    it.each([
      ['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 })],
      ['Ed25519', generateKeyPairSync('ed25519')],
    ])('verify %s keys too', async (_name, pair) => {
      const key: KeyPair = {
        privateKey: pair.privateKey,
        publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
      const image = h.source.pushImage(REPO);
      pushLegacySignature(h.source, REPO, image, key);
      await h.trust(key);
      expect((await h.verifier.status(REPO, image.digest)).trusted).toBe(true);
    });

    it('report a .sig image without simple-signing layers as invalid', async () => {
      const image = h.source.pushImage(REPO);
      const config = h.source.pushBlob(REPO, '{}', 'application/vnd.oci.image.config.v1+json');
      h.source.pushManifest(
        REPO,
        { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] },
        signatureTagFor(image.digest),
      );
      expect((await h.verifier.status(REPO, image.digest)).signatures[0]).toMatchObject({
        status: 'invalid',
        reason: expect.stringContaining(SIMPLE_SIGNING_MEDIA_TYPE),
      });
    });
  });

  it('verifies cosign 2 OCI 1.1 referrer signatures and legacy .att attestations', async () => {
    const image = h.source.pushImage(REPO);
    pushReferrerSignature(h.source, REPO, image, signer);
    pushLegacyAttestation(h.source, REPO, image, signer);
    await h.trust(signer);
    const result = await h.verifier.status(REPO, image.digest);
    const byKind = Object.fromEntries(result.signatures.map((report) => [report.kind, report]));
    expect(byKind['cosign-artifact-sig']).toMatchObject({ status: 'trusted' });
    expect(byKind['cosign-attestation']).toMatchObject({
      status: 'trusted',
      predicateType: 'https://slsa.dev/provenance/v1',
    });
  });

  it('recognises notation signatures as signed but not trusted', async () => {
    const image = h.source.pushImage(REPO);
    const envelope = h.source.pushBlob(REPO, '{}', 'application/jose+json');
    const config = h.source.pushBlob(REPO, '{}', 'application/vnd.oci.empty.v1+json');
    h.source.pushManifest(REPO, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: NOTATION_SIGNATURE_TYPE,
      config,
      layers: [envelope],
      subject: { mediaType: OCI_MANIFEST, digest: image.digest, size: image.size },
    });
    const result = await h.verifier.status(REPO, image.digest);
    expect(result).toMatchObject({
      signed: true,
      trusted: false,
      signatures: [
        expect.objectContaining({ tool: 'notation', kind: 'notation-signature', status: 'untrusted' }),
      ],
    });
  });

  it('refuses a trusted root that is not one, with INVALID_TRUSTED_ROOT', () => {
    expect(() =>
      createSignatureVerifier({
        source: h.source,
        trustStore: h.trustStore,
        trustedRoot: '{"certificateAuthorities":[]}',
      }),
    ).toThrow(TrustedRootError);
  });
});

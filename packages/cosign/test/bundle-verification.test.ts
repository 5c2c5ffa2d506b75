// cosign 3's sigstore bundles, pushed as OCI 1.1 referrers and verified offline.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { bundleToJSON, toMessageSignatureBundle } from '@sigstore/bundle';
import { describe, expect, it } from 'vitest';
import { createSignatureVerifier, SIMPLE_SIGNING_MEDIA_TYPE } from '../src/index.js';
import {
  dsseBundle,
  inTotoStatement,
  messageSignatureBundle,
  p256KeyPair,
  pushBundleReferrer,
  signBytes,
  simpleSigningPayload,
} from './cosign-fixtures.js';
import { TEST_CA_PEM, TEST_LEAF_KEY_PEM, TEST_LEAF_PEM } from './keyless-certificates.js';
import { useVerifierHarness } from './verifier-harness.js';

const REPO = 'team/app';
const signer = p256KeyPair();
const stranger = p256KeyPair();

describe('SignatureVerifier', () => {
  const h = useVerifierHarness();

  describe('sigstore bundles (cosign 3)', () => {
    it('trust a message signature over the image manifest', async () => {
      const image = h.source.pushImage(REPO);
      pushBundleReferrer(h.source, REPO, image, messageSignatureBundle(signer, Buffer.from(image.content)));
      await h.trust(signer);
      const result = await h.verifier.status(REPO, image.digest);
      expect(result.signatures).toEqual([
        expect.objectContaining({ kind: 'sigstore-bundle', tool: 'cosign', status: 'trusted' }),
      ]);
    });

    it('trust a message signature over a simple-signing payload attached beside the bundle', async () => {
      const image = h.source.pushImage(REPO);
      const payload = simpleSigningPayload(`registry.test/${REPO}`, image.digest);
      const payloadLayer = h.source.pushBlob(REPO, payload, SIMPLE_SIGNING_MEDIA_TYPE);
      pushBundleReferrer(h.source, REPO, image, messageSignatureBundle(signer, payload), [payloadLayer]);
      await h.trust(signer);
      expect((await h.verifier.status(REPO, image.digest)).trusted).toBe(true);
    });

    it('find a message signature over an unknown artifact invalid', async () => {
      const image = h.source.pushImage(REPO);
      pushBundleReferrer(
        h.source,
        REPO,
        image,
        messageSignatureBundle(signer, Buffer.from('some other artifact')),
      );
      await h.trust(signer);
      expect((await h.verifier.status(REPO, image.digest)).signatures[0]).toMatchObject({
        status: 'invalid',
        reason: expect.stringContaining('neither the manifest'),
      });
    });

    it('trust a DSSE in-toto statement naming the image, and report its predicate type', async () => {
      const image = h.source.pushImage(REPO);
      pushBundleReferrer(h.source, REPO, image, dsseBundle(signer, inTotoStatement(image.digest)));
      await h.trust(signer);
      expect((await h.verifier.status(REPO, image.digest)).signatures[0]).toMatchObject({
        status: 'trusted',
        predicateType: 'https://sigstore.dev/cosign/sign/v1',
      });
    });

    it('trust a key-signed bundle that also carries a Rekor entry, which offline verification sets aside', async () => {
      const image = h.source.pushImage(REPO);
      const bundle = dsseBundle(signer, inTotoStatement(image.digest)) as {
        verificationMaterial: Record<string, unknown>;
      };
      const b64 = (text: string) => Buffer.from(text).toString('base64');
      bundle.verificationMaterial.tlogEntries = [
        {
          logIndex: '42',
          logId: { keyId: b64('rekor-log-id') },
          kindVersion: { kind: 'dsse', version: '0.0.1' },
          integratedTime: '1700000000',
          inclusionPromise: { signedEntryTimestamp: b64('set') },
          inclusionProof: {
            logIndex: '42',
            rootHash: b64('root'),
            treeSize: '43',
            hashes: [],
            checkpoint: { envelope: 'rekor.sigstore.dev - 1\n43\nroot\n' },
          },
          canonicalizedBody: b64('{}'),
        },
      ];
      pushBundleReferrer(h.source, REPO, image, bundle);
      await h.trust(signer);
      expect((await h.verifier.status(REPO, image.digest)).signatures[0]).toMatchObject({
        status: 'trusted',
      });
    });

    it('find a DSSE statement about another image invalid, and one by another key untrusted', async () => {
      const image = h.source.pushImage(REPO);
      const other = h.source.pushImage(REPO, 'other');
      pushBundleReferrer(h.source, REPO, image, dsseBundle(signer, inTotoStatement(other.digest)));
      pushBundleReferrer(h.source, REPO, image, dsseBundle(stranger, inTotoStatement(image.digest)));
      await h.trust(signer);
      const statuses = (await h.verifier.status(REPO, image.digest)).signatures
        .map((report) => report.status)
        .sort();
      expect(statuses).toEqual(['invalid', 'untrusted']);
    });

    it('report a malformed bundle as invalid without throwing, and keep the image signed', async () => {
      const image = h.source.pushImage(REPO);
      pushBundleReferrer(
        h.source,
        REPO,
        image,
        '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"',
      );
      pushBundleReferrer(h.source, REPO, image, {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: {},
      });
      const result = await h.verifier.status(REPO, image.digest);
      expect(result).toMatchObject({ signed: true, trusted: false });
      expect(result.signatures.map((report) => report.status)).toEqual(['invalid', 'invalid']);
    });

    it('leave keyless bundles untrusted without a trusted root, and check them against one when configured', async () => {
      const image = h.source.pushImage(REPO);
      const leafKey = createPrivateKey(TEST_LEAF_KEY_PEM);
      const certificate = new X509Certificate(TEST_LEAF_PEM).raw;
      const bundle = bundleToJSON(
        toMessageSignatureBundle({
          digest: Buffer.from(image.digest.slice(7), 'hex'),
          signature: signBytes({ privateKey: leafKey, publicKeyPem: '' }, image.content),
          certificate,
        }),
      );
      pushBundleReferrer(h.source, REPO, image, bundle as object);
      expect((await h.verifier.status(REPO, image.digest)).signatures[0]).toMatchObject({
        status: 'untrusted',
        reason: 'no trusted root configured',
      });

      const trustedRoot = {
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        certificateAuthorities: [
          {
            subject: { organization: 'zot-ts test', commonName: 'test fulcio' },
            certChain: {
              certificates: [{ rawBytes: new X509Certificate(TEST_CA_PEM).raw.toString('base64') }],
            },
            validFor: { start: '2020-01-01T00:00:00Z' },
          },
        ],
        tlogs: [],
        ctlogs: [],
        timestampAuthorities: [],
      };
      const rooted = createSignatureVerifier({ source: h.source, trustStore: h.trustStore, trustedRoot });
      // The root is used: sigstore requires a verified timestamp (Rekor or TSA), which this bundle lacks.
      expect((await rooted.status(REPO, image.digest)).signatures[0]).toMatchObject({
        status: 'untrusted',
        reason: expect.stringContaining('keyless verification failed'),
      });
    });
  });
});

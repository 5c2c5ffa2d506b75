// Results are computed once per manifest and recomputed only when a key or a signature changes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSignatureVerifier,
  createTrustStore,
  type SignatureVerifier,
  signatureTagFor,
  type TrustStore,
} from '../src/index.js';
import {
  dsseBundle,
  inTotoStatement,
  p256KeyPair,
  pushBundleReferrer,
  pushLegacySignature,
} from './cosign-fixtures.js';
import { MemorySource } from './memory-source.js';

const REPO = 'app';
const signer = p256KeyPair();

describe('SignatureVerifier cache', () => {
  let directory: string;
  let source: MemorySource;
  let trustStore: TrustStore;
  let verifier: SignatureVerifier;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'cosign-cache-'));
    source = new MemorySource();
    trustStore = createTrustStore({ directory, onKeyAdded: () => verifier.onKeyAdded() });
    verifier = createSignatureVerifier({ source, trustStore });
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('answers a second read from the cache without touching the source', async () => {
    const image = source.pushImage(REPO);
    pushLegacySignature(source, REPO, image, signer);
    const first = await verifier.status(REPO, image.digest);
    const readsAfterFirst = source.reads;
    expect(await verifier.status(REPO, image.digest)).toBe(first);
    expect(source.reads).toBe(readsAfterFirst);
  });

  it('shares one computation between concurrent reads', async () => {
    const image = source.pushImage(REPO);
    const [a, b] = await Promise.all([
      verifier.status(REPO, image.digest),
      verifier.status(REPO, image.digest),
    ]);
    expect(a).toBe(b);
  });

  it('recomputes after a key is added through the trust store', async () => {
    const image = source.pushImage(REPO);
    pushLegacySignature(source, REPO, image, signer);
    expect((await verifier.status(REPO, image.digest)).trusted).toBe(false);
    await trustStore.addCosignKey(signer.publicKeyPem);
    expect((await verifier.status(REPO, image.digest)).trusted).toBe(true);
  });

  it('keeps a stale answer until told, then sees a new referrer after its manifestPut event', async () => {
    const image = source.pushImage(REPO);
    await trustStore.addCosignKey(signer.publicKeyPem);
    expect((await verifier.status(REPO, image.digest)).signed).toBe(false);
    const referrer = pushBundleReferrer(
      source,
      REPO,
      image,
      dsseBundle(signer, inTotoStatement(image.digest)),
    );
    expect((await verifier.status(REPO, image.digest)).signed).toBe(false);
    verifier.onStoreEvent({
      type: 'manifestPut',
      repository: REPO,
      digest: referrer.digest,
      subject: image.digest,
    });
    expect((await verifier.status(REPO, image.digest)).trusted).toBe(true);
  });

  it('sees a legacy .sig tag push and its removal through store events', async () => {
    const image = source.pushImage(REPO);
    await trustStore.addCosignKey(signer.publicKeyPem);
    await verifier.status(REPO, image.digest);
    const tag = signatureTagFor(image.digest);
    const sig = pushLegacySignature(source, REPO, image, signer);
    verifier.onStoreEvent({ type: 'manifestPut', repository: REPO, digest: sig.digest, tag });
    expect((await verifier.status(REPO, image.digest)).trusted).toBe(true);
    source.deleteTag(REPO, tag);
    verifier.onStoreEvent({ type: 'tagDeleted', repository: REPO, tag, digest: sig.digest });
    expect((await verifier.status(REPO, image.digest)).signed).toBe(false);
  });

  it('invalidate(digest) forgets that manifest only', async () => {
    const image = source.pushImage(REPO);
    const other = source.pushImage(REPO, 'other');
    const otherResult = await verifier.status(REPO, other.digest);
    await verifier.status(REPO, image.digest);
    pushLegacySignature(source, REPO, image, signer);
    verifier.invalidate(image.digest);
    expect((await verifier.status(REPO, image.digest)).signed).toBe(true);
    expect(await verifier.status(REPO, other.digest)).toBe(otherResult);
  });

  it('does not remember a failed computation', async () => {
    const image = source.pushImage(REPO);
    const referrers = source.referrers.bind(source);
    source.referrers = async () => {
      throw new Error('store unavailable');
    };
    await expect(verifier.status(REPO, image.digest)).rejects.toThrow('store unavailable');
    source.referrers = referrers;
    expect((await verifier.status(REPO, image.digest)).signed).toBe(false);
  });
});

// Results kept in a persisted store: a new verifier (a restarted registry) answers from it without reading a
// signature blob again, as long as the signatures found and the trusted keys are the ones it was computed from.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSignatureVerifier,
  createTrustStore,
  type PersistedSignatureEntry,
  type PersistedSignatureResults,
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

/** A persisted store in a Map, counting writes. */
function mapStore(): PersistedSignatureResults & {
  entries: Map<string, PersistedSignatureEntry>;
  puts: number;
} {
  const entries = new Map<string, PersistedSignatureEntry>();
  const store = {
    entries,
    puts: 0,
    async get(repository: string, digest: string) {
      return entries.get(`${repository}@${digest}`);
    },
    async put(repository: string, digest: string, entry: PersistedSignatureEntry) {
      store.puts++;
      entries.set(`${repository}@${digest}`, entry);
    },
  };
  return store;
}

describe('SignatureVerifier with persisted results', () => {
  let directory: string;
  let source: MemorySource;
  let trustStore: TrustStore;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'cosign-persisted-'));
    source = new MemorySource();
    trustStore = createTrustStore({ directory });
    await trustStore.addCosignKey(signer.publicKeyPem);
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });
  const verifierWith = (persisted: PersistedSignatureResults) =>
    createSignatureVerifier({ source, trustStore, persisted });

  it('a restarted verifier answers from the store without reading any signature blob', async () => {
    const persisted = mapStore();
    const image = source.pushImage(REPO);
    pushLegacySignature(source, REPO, image, signer);
    const first = await verifierWith(persisted).status(REPO, image.digest);
    expect(first.trusted).toBe(true);
    expect(persisted.puts).toBe(1);
    const readsBefore = source.blobReads;
    const again = await verifierWith(persisted).status(REPO, image.digest);
    expect(again).toEqual(first);
    expect(source.blobReads).toBe(readsBefore);
    expect(persisted.puts).toBe(1);
  });

  it('verifies again when a signature was added or a key changed since', async () => {
    const persisted = mapStore();
    const image = source.pushImage(REPO);
    pushLegacySignature(source, REPO, image, signer);
    await verifierWith(persisted).status(REPO, image.digest);
    pushBundleReferrer(source, REPO, image, dsseBundle(signer, inTotoStatement(image.digest)));
    const withReferrer = await verifierWith(persisted).status(REPO, image.digest);
    expect(withReferrer.signatures).toHaveLength(2);
    expect(persisted.puts).toBe(2);
    await trustStore.addCosignKey(p256KeyPair().publicKeyPem);
    const readsBefore = source.blobReads;
    await verifierWith(persisted).status(REPO, image.digest);
    expect(source.blobReads).toBeGreaterThan(readsBefore);
    expect(persisted.puts).toBe(3);
  });

  it('stores nothing for an unsigned image and survives a failing store', async () => {
    const persisted = mapStore();
    const image = source.pushImage(REPO);
    expect((await verifierWith(persisted).status(REPO, image.digest)).signed).toBe(false);
    expect(persisted.puts).toBe(0);
    pushLegacySignature(source, REPO, image, signer);
    const errors: unknown[] = [];
    const broken = createSignatureVerifier({
      source,
      trustStore,
      persisted: {
        get: () => Promise.reject(new Error('store down')),
        put: () => Promise.reject(new Error('store down')),
      },
      onPersistError: (error) => errors.push(error),
    });
    expect((await broken.status(REPO, image.digest)).trusted).toBe(true);
    expect(errors).toHaveLength(2);
  });
});

// Per-test wiring shared by the verification tests: an in-memory registry, a trust store in a temp
// directory, and a verifier told about new keys the way the registry will wire it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import {
  createSignatureVerifier,
  createTrustStore,
  type SignatureVerifier,
  type TrustStore,
} from '../src/index.js';
import type { KeyPair } from './cosign-fixtures.js';
import { MemorySource } from './memory-source.js';

export interface VerifierHarness {
  directory: string;
  source: MemorySource;
  trustStore: TrustStore;
  verifier: SignatureVerifier;
  trust(key: KeyPair): Promise<void>;
}

/** Registers beforeEach/afterEach hooks; the returned object is refilled before every test. */
export function useVerifierHarness(): VerifierHarness {
  const harness = {} as VerifierHarness;
  beforeEach(async () => {
    harness.directory = await mkdtemp(join(tmpdir(), 'cosign-verify-'));
    harness.source = new MemorySource();
    harness.trustStore = createTrustStore({
      directory: harness.directory,
      onKeyAdded: () => harness.verifier.onKeyAdded(),
    });
    harness.verifier = createSignatureVerifier({ source: harness.source, trustStore: harness.trustStore });
    harness.trust = async (key) => {
      await harness.trustStore.addCosignKey(key.publicKeyPem);
    };
  });
  afterEach(async () => {
    await rm(harness.directory, { recursive: true, force: true });
  });
  return harness;
}

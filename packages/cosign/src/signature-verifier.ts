// Verification results per manifest, cached by manifest digest: computed on first read, recomputed only
// after a key is added or a signature arrives or goes (the registry forwards store events), never on
// every read. Concurrent reads of the same manifest share one computation. With `persisted`, results outlive
// the process: a stored result whose basis still holds is used without verifying again (persisted-results.ts).
import { parseSignatureTag } from './classify.js';
import { collectSignatures } from './collect.js';
import type { KeylessIdentity } from './keyless-policy.js';
import { createKeylessTrust, type KeylessTrust } from './keyless-verify.js';
import { basisOf, keylessTrustBasis, type PersistedSignatureResults } from './persisted-results.js';
import { type ParsedPublicKey, parsePublicKeyPem } from './public-keys.js';
import type { ManifestSignatures, NotationCheck, SignatureReport } from './results.js';
import type { SignatureSource } from './signature-source.js';
import type { TrustedKey } from './trust-store.js';
import { verifyFoundSignature } from './verify-signature.js';

export interface SignatureVerifierOptions {
  source: SignatureSource;
  /** Where trusted keys come from: the trust store, or anything with the same `list`. */
  trustStore: { list(): Promise<TrustedKey[]> };
  /** A sigstore trusted_root.json (object or text) for keyless bundles; throws INVALID_TRUSTED_ROOT if bad. */
  trustedRoot?: unknown;
  /**
   * Who may sign keylessly (used with `trustedRoot`). Empty or absent: anyone the root certifies.
   * A bad entry throws INVALID_KEYLESS_IDENTITY.
   */
  keylessIdentities?: readonly KeylessIdentity[];
  /** Most manifests kept in the cache; the oldest computed go first. */
  maxEntries?: number;
  /** Where results outlive the process (the registry's metadata store). */
  persisted?: PersistedSignatureResults;
  /** Told when the persisted store fails; the result is then computed (or not kept) as without one. */
  onPersistError?: (error: unknown) => void;
  /** The clock for `checkedAt`. */
  now?: () => Date;
  /** Verifies notation envelopes; absent, notation signatures are recognised and reported untrusted. */
  notation?: NotationCheck;
  /** What the notation trust currently is (e.g. a hash of its certificates): part of a stored result's basis, so a
   * certificate upload makes persisted results recompute. */
  notationTrustBasis?: () => Promise<string>;
}

/** The store events that change results; structurally a subset of oci-store's StoreEvent. */
export type SignatureRelevantEvent =
  | { type: 'manifestPut'; repository: string; digest: string; tag?: string; subject?: string }
  | { type: 'manifestDeleted'; repository: string; digest: string }
  | { type: 'tagDeleted'; repository: string; tag: string; digest: string }
  | { type: string; repository?: string };

export interface SignatureVerifier {
  /** Signatures of `digest` in `repository`, with trust; from the cache when nothing changed. */
  status(repository: string, digest: string): Promise<ManifestSignatures>;
  /** Forget the results of `digest` (in every repository): a signature of it arrived or went. */
  invalidate(digest: string): void;
  /** Forget every result: the set of trusted keys changed. */
  onKeyAdded(): void;
  /** Invalidates what a store event may have changed; wire it to the store's observer. */
  onStoreEvent(event: SignatureRelevantEvent): void;
}

const DEFAULT_MAX_ENTRIES = 10_000;

function summary(digest: string, signatures: SignatureReport[]): ManifestSignatures {
  return {
    digest,
    signed: signatures.length > 0,
    trusted: signatures.some((report) => report.trusted),
    signatures,
  };
}

export function createSignatureVerifier(options: SignatureVerifierOptions): SignatureVerifier {
  const keyless: KeylessTrust | undefined =
    options.trustedRoot === undefined
      ? undefined
      : createKeylessTrust(options.trustedRoot, options.keylessIdentities);
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const cache = new Map<string, Promise<ManifestSignatures>>();
  const keyOf = (repository: string, digest: string): string => `${digest} ${repository}`;

  const keylessBasis = keylessTrustBasis(options.trustedRoot, options.keylessIdentities);
  const now = options.now ?? (() => new Date());
  const { persisted } = options;
  const tolerate = (error: unknown): undefined => {
    options.onPersistError?.(error);
    return undefined;
  };

  async function loadKeys(): Promise<{ keys: ParsedPublicKey[]; pems: string[] }> {
    const keys: ParsedPublicKey[] = [];
    const pems: string[] = [];
    for (const trusted of await options.trustStore.list()) {
      try {
        keys.push(parsePublicKeyPem(trusted.pem));
        pems.push(trusted.pem);
      } catch {
        // The trust store validates on add; a key that no longer parses is skipped.
      }
    }
    return { keys, pems };
  }

  async function compute(repository: string, digest: string): Promise<ManifestSignatures> {
    const found = await collectSignatures(options.source, repository, digest);
    const signatures: SignatureReport[] = [];
    if (found.length > 0) {
      const { keys, pems } = await loadKeys();
      const notationBasis = options.notationTrustBasis ? await options.notationTrustBasis() : '';
      const basis = basisOf(
        found,
        pems,
        notationBasis === '' ? keylessBasis : `${keylessBasis}|${notationBasis}`,
      );
      const stored = persisted && (await persisted.get(repository, digest).catch(tolerate));
      if (stored !== undefined && stored.basis === basis) return stored.result;
      const context = {
        source: options.source,
        repository,
        subjectDigest: digest,
        keys,
        ...(keyless ? { keyless } : {}),
        ...(options.notation ? { notation: options.notation } : {}),
      };
      for (const signature of found) signatures.push(...(await verifyFoundSignature(signature, context)));
      const result = summary(digest, signatures);
      await persisted?.put(repository, digest, { basis, checkedAt: now(), result }).catch(tolerate);
      return result;
    }
    return summary(digest, signatures);
  }

  function status(repository: string, digest: string): Promise<ManifestSignatures> {
    const key = keyOf(repository, digest);
    const cached = cache.get(key);
    if (cached) return cached;
    const pending = compute(repository, digest);
    cache.set(key, pending);
    // A failed computation (store unavailable) is not remembered; the next read tries again.
    pending.catch(() => {
      if (cache.get(key) === pending) cache.delete(key);
    });
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return pending;
  }

  function invalidate(digest: string): void {
    const prefix = `${digest} `;
    for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
  }

  function invalidateRepository(repository: string): void {
    const suffix = ` ${repository}`;
    for (const key of [...cache.keys()]) if (key.endsWith(suffix)) cache.delete(key);
  }

  function onStoreEvent(event: SignatureRelevantEvent): void {
    if (event.type === 'manifestPut' && 'digest' in event) {
      const put = event as Extract<SignatureRelevantEvent, { type: 'manifestPut' }>;
      if (put.subject) invalidate(put.subject);
      const legacy = put.tag === undefined ? undefined : parseSignatureTag(put.tag);
      if (legacy) invalidate(legacy.digest);
      // A re-pushed image manifest is unchanged content (same digest), so its results stay valid.
    } else if (event.type === 'tagDeleted' && 'tag' in event) {
      const legacy = parseSignatureTag(event.tag);
      if (legacy) invalidate(legacy.digest);
    } else if (event.type === 'manifestDeleted' && event.repository !== undefined) {
      // The deleted manifest may have been a signature of any manifest in the repository, and the
      // event does not say of which: drop the repository's results (they are cheap to recompute).
      invalidateRepository(event.repository);
    }
  }

  return { status, invalidate, onKeyAdded: () => cache.clear(), onStoreEvent };
}

// Trusted cosign public keys, persisted as files under one directory (zot keeps them under the storage
// root, in `_cosign`; the registry passes that path). One file per key, named by its fingerprint, so
// adding the same key twice is idempotent and every instance sharing the directory sees the same set.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KeyAlgorithm, parsePublicKeyPem } from './public-keys.js';

/** zot: `POST /v2/_zot/ext/cosign` accepts bodies up to 8 MiB. */
export const MAX_KEY_BYTES = 8 * 1024 * 1024;

export type TrustStoreErrorCode = 'INVALID_KEY' | 'KEY_TOO_LARGE';

export class TrustStoreError extends Error {
  readonly code: TrustStoreErrorCode;
  constructor(code: TrustStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrustStoreError';
    this.code = code;
  }
}

export interface TrustedKey {
  /** `sha256:<hex>` of the DER SubjectPublicKeyInfo. */
  fingerprint: string;
  algorithm: KeyAlgorithm;
  /** SPKI PEM. */
  pem: string;
}

export interface TrustStoreOptions {
  directory: string;
  /** Called after a key is stored (the registry wires it to the verifier's `onKeyAdded`). */
  onKeyAdded?: (key: TrustedKey) => void;
}

export interface TrustStore {
  /** Validates and stores a PEM public key; throws TrustStoreError INVALID_KEY or KEY_TOO_LARGE. */
  addCosignKey(pem: string | Uint8Array): Promise<TrustedKey>;
  /** Every trusted key, sorted by fingerprint. Unreadable files are skipped, not fatal. */
  list(): Promise<TrustedKey[]>;
}

const KEY_FILE_SUFFIX = '.pub';

export function createTrustStore(options: TrustStoreOptions): TrustStore {
  const { directory } = options;

  async function addCosignKey(input: string | Uint8Array): Promise<TrustedKey> {
    const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
    if (size > MAX_KEY_BYTES)
      throw new TrustStoreError('KEY_TOO_LARGE', `key is ${size} bytes, the limit is ${MAX_KEY_BYTES}`);
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    let parsed: ReturnType<typeof parsePublicKeyPem>;
    try {
      parsed = parsePublicKeyPem(text);
    } catch (error) {
      throw new TrustStoreError('INVALID_KEY', `invalid public key: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const trusted: TrustedKey = {
      fingerprint: parsed.fingerprint,
      algorithm: parsed.algorithm,
      pem: parsed.pem,
    };
    await mkdir(directory, { recursive: true });
    const finalPath = join(directory, `${fileNameOf(trusted.fingerprint)}${KEY_FILE_SUFFIX}`);
    // Temp file + rename: a reader (or another instance) never sees half a key.
    const tempPath = join(directory, `.tmp-${randomBytes(8).toString('hex')}`);
    try {
      await writeFile(tempPath, trusted.pem, { mode: 0o644 });
      await rename(tempPath, finalPath);
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
    options.onKeyAdded?.(trusted);
    return trusted;
  }

  async function list(): Promise<TrustedKey[]> {
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const keys: TrustedKey[] = [];
    for (const name of names.filter((entry) => entry.endsWith(KEY_FILE_SUFFIX)).sort()) {
      try {
        const parsed = parsePublicKeyPem(await readFile(join(directory, name), 'utf8'));
        keys.push({ fingerprint: parsed.fingerprint, algorithm: parsed.algorithm, pem: parsed.pem });
      } catch {
        // A file someone edited by hand: ignored rather than breaking every verification.
      }
    }
    return keys;
  }

  return { addCosignKey, list };
}

/** `sha256:<hex>` -> `sha256-<hex>`: a colon is not portable in file names. */
function fileNameOf(fingerprint: string): string {
  return fingerprint.replace(':', '-');
}

// The notation trust store, laid out on disk as zot lays it out (pkg/extensions/imagetrust/notation.go):
//   <directory>/trustpolicy.json                                 zot's default policy (written if absent)
//   <directory>/truststore/x509/<type>/default/sha256:<hex>      one uploaded file, named by its digest
// Types are notation's: ca, signingAuthority, tsa. zot's policy trusts ca:default and signingAuthority:default.
import { createHash, type X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertificateError, parseCertificates, subjectOf } from './certificates.js';

export const TRUSTSTORE_TYPES = ['ca', 'signingAuthority', 'tsa'] as const;
export type TruststoreType = (typeof TRUSTSTORE_TYPES)[number];
/** The types zot's trust policy lists (tsa is for timestamps, not signers). */
const VERIFYING_TYPES: readonly TruststoreType[] = ['ca', 'signingAuthority'];
const TRUSTSTORE_NAME = 'default';
/** zot: constants.MaxImageTrustBodySize. */
export const MAX_CERTIFICATE_BYTES = 8 * 1024 * 1024;

/** zot's InitTrustpolicyFile content, as JSON. */
export const DEFAULT_TRUST_POLICY = {
  version: '1.0',
  trustPolicies: [
    {
      name: 'default-config',
      registryScopes: ['*'],
      signatureVerification: { level: 'strict' },
      trustStores: ['ca:default', 'signingAuthority:default'],
      trustedIdentities: ['*'],
    },
  ],
};

export class NotationTrustStoreError extends Error {
  constructor(
    readonly code: 'INVALID_TRUSTSTORE_TYPE' | 'INVALID_CERTIFICATE' | 'CERTIFICATE_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'NotationTrustStoreError';
  }
}

export interface AddedCertificates {
  type: TruststoreType;
  /** The file's name: the digest of the uploaded content. */
  digest: string;
  subjects: string[];
}

export interface NotationTrustStore {
  /** Validates and stores PEM (one or more) or DER content under `type` (default `ca`, as zot). */
  add(content: Uint8Array, type?: string): Promise<AddedCertificates>;
  /** The certificates zot's policy trusts for verification, read from disk (cached until the next add). */
  trusted(): Promise<X509Certificate[]>;
}

export function isTruststoreType(type: string): type is TruststoreType {
  return (TRUSTSTORE_TYPES as readonly string[]).includes(type);
}

export function createNotationTrustStore(options: { directory: string }): NotationTrustStore {
  const { directory } = options;
  const typeDirectory = (type: TruststoreType) =>
    join(directory, 'truststore', 'x509', type, TRUSTSTORE_NAME);
  let cached: Promise<X509Certificate[]> | undefined;
  let initialised: Promise<void> | undefined;

  async function initialise(): Promise<void> {
    for (const type of VERIFYING_TYPES) await mkdir(typeDirectory(type), { recursive: true });
    const policyPath = join(directory, 'trustpolicy.json');
    if (!(await stat(policyPath).catch(() => undefined)))
      await writeFile(policyPath, `${JSON.stringify(DEFAULT_TRUST_POLICY, null, 2)}\n`, { mode: 0o644 });
  }

  async function load(): Promise<X509Certificate[]> {
    const certificates: X509Certificate[] = [];
    for (const type of VERIFYING_TYPES) {
      const names = await readdir(typeDirectory(type)).catch(() => [] as string[]);
      for (const name of names.sort()) {
        if (name.startsWith('.')) continue;
        try {
          certificates.push(...parseCertificates(await readFile(join(typeDirectory(type), name))));
        } catch {
          // validated on upload; a file that no longer parses is skipped
        }
      }
    }
    return certificates;
  }

  return {
    async add(content, type = 'ca') {
      if (!isTruststoreType(type))
        throw new NotationTrustStoreError('INVALID_TRUSTSTORE_TYPE', `invalid truststore type: ${type}`);
      if (content.byteLength > MAX_CERTIFICATE_BYTES)
        throw new NotationTrustStoreError(
          'CERTIFICATE_TOO_LARGE',
          `certificate exceeds ${MAX_CERTIFICATE_BYTES} bytes`,
        );
      let parsed: X509Certificate[];
      try {
        parsed = parseCertificates(content);
      } catch (error) {
        const message = error instanceof CertificateError ? error.message : 'invalid certificate content';
        throw new NotationTrustStoreError('INVALID_CERTIFICATE', message);
      }
      initialised ??= initialise();
      await initialised;
      const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      const target = join(typeDirectory(type), digest);
      await mkdir(typeDirectory(type), { recursive: true });
      // temp file and rename: a reader never sees half a certificate
      const temporary = `${target}.${process.pid}.tmp`;
      await writeFile(temporary, content, { mode: 0o644 });
      await rename(temporary, target);
      cached = undefined;
      return { type, digest, subjects: parsed.map(subjectOf) };
    },
    trusted() {
      cached ??= load();
      return cached;
    },
  };
}

// Keyless trust from config (our keys, not zot's): `extensions.trust.trustedRoot` names a sigstore
// trusted_root.json, read once at start, and `extensions.trust.keylessIdentities` says who may sign.
// Every failure names the config key and the file, so a server that will not start says why.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TrustConfig } from '@zot-ts/config';
import {
  createSignatureVerifier,
  type KeylessIdentity,
  type SignatureVerifier,
  type SignatureVerifierOptions,
  TrustedRootError,
} from '@zot-ts/cosign';

export interface KeylessTrustOptions {
  /** The trusted_root.json text; absent when the key is not set. */
  trustedRoot?: string;
  /** The resolved file it came from, for error messages. */
  trustedRootPath?: string;
  keylessIdentities?: readonly KeylessIdentity[];
}

/** Reads the trusted root named by the config; throws TrustedRootError naming the key and the path. */
export async function loadKeylessTrustOptions(trust: TrustConfig): Promise<KeylessTrustOptions> {
  const identities = trust.keylessIdentities ?? [];
  const options: KeylessTrustOptions = identities.length > 0 ? { keylessIdentities: identities } : {};
  if (trust.trustedRoot === undefined) {
    // Identities without a root would be silently ignored: every keyless bundle stays untrusted.
    if (identities.length > 0)
      throw new TrustedRootError(
        'extensions.trust.keylessIdentities: needs extensions.trust.trustedRoot to verify keyless signatures',
        { code: 'INVALID_KEYLESS_IDENTITY' },
      );
    return options;
  }
  const path = resolve(trust.trustedRoot);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TrustedRootError(
      `extensions.trust.trustedRoot: cannot read ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { ...options, trustedRoot: text, trustedRootPath: path };
}

/**
 * createSignatureVerifier with the keyless options, turning its TrustedRootError into one that names the
 * config key (and the file for a bad trusted root).
 */
export function createVerifierWithKeylessTrust(
  options: Omit<SignatureVerifierOptions, 'trustedRoot' | 'keylessIdentities'>,
  keyless: KeylessTrustOptions,
): SignatureVerifier {
  try {
    return createSignatureVerifier({
      ...options,
      ...(keyless.trustedRoot === undefined ? {} : { trustedRoot: keyless.trustedRoot }),
      ...(keyless.keylessIdentities === undefined ? {} : { keylessIdentities: keyless.keylessIdentities }),
    });
  } catch (error) {
    if (!(error instanceof TrustedRootError)) throw error;
    const message =
      error.code === 'INVALID_KEYLESS_IDENTITY'
        ? `extensions.trust.${error.message}`
        : `extensions.trust.trustedRoot: ${keyless.trustedRootPath ?? 'the trusted root'} is not a sigstore trusted_root.json (${error.message})`;
    throw new TrustedRootError(message, { code: error.code, cause: error });
  }
}

// Trust material for @sigstore/verify, built offline. Keys: an empty trusted root plus one public key,
// so only that key can vouch (STACK.md: thresholds for tlog, ctlog and timestamps at 0). Keyless: a
// configured sigstore trusted root (trusted_root.json, as `cosign trusted-root create` writes it).

import type { KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { type TrustMaterial, toTrustMaterial } from '@sigstore/verify';
import { parseJsonWithinDepth } from '@zot-ts/oci-store';

/** INVALID_TRUSTED_ROOT: not a trusted_root.json; INVALID_KEYLESS_IDENTITY: a bad keyless identity. */
export type TrustedRootErrorCode = 'INVALID_TRUSTED_ROOT' | 'INVALID_KEYLESS_IDENTITY';

export class TrustedRootError extends Error {
  readonly code: TrustedRootErrorCode;
  constructor(message: string, options: { cause?: unknown; code?: TrustedRootErrorCode } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'TrustedRootError';
    this.code = options.code ?? 'INVALID_TRUSTED_ROOT';
  }
}

const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

const EMPTY_ROOT: TrustedRoot = TrustedRoot.fromJSON({
  mediaType: TRUSTED_ROOT_MEDIA_TYPE,
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
});

/** Trust material in which `key` is the only trusted signer, valid at any time. */
export function keyTrustMaterial(key: KeyObject): TrustMaterial {
  return toTrustMaterial(EMPTY_ROOT, () => ({ publicKey: key, validFor: () => true }));
}

/** Parses a trusted_root.json document (object or text); throws TrustedRootError when it is not one. */
export function loadTrustedRoot(input: unknown): TrustMaterial {
  let json: unknown = input;
  try {
    if (typeof input === 'string') json = parseJsonWithinDepth(input);
    const root = TrustedRoot.fromJSON(json);
    if (root.certificateAuthorities.length === 0) throw new Error('it lists no certificate authorities');
    return toTrustMaterial(root);
  } catch (error) {
    throw new TrustedRootError(`invalid trusted root: ${(error as Error).message}`, { cause: error });
  }
}

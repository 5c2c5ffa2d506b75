// The HTTP side of signatures and trust:
//   POST /v2/_zot/ext/cosign                      add a trusted cosign public key (zot's route; admins only)
//   GET  /v2/_zot/ext/signatures/<name>/<digest>  verification results of one manifest (ours; zot shows the
//                                                 same facts through GraphQL)
// Errors use the distribution-spec body `{"errors":[{code,message,detail}]}`.
import { MAX_KEY_BYTES, type SignatureVerifier, type TrustStore, TrustStoreError } from '@zot-ts/cosign';
import { describeError, type OciApiEnv, OciHttpError } from '@zot-ts/oci-api';
import { BodyTooLargeError, isDigest, readBodyWithin, type Store } from '@zot-ts/oci-store';
import type { Context, Hono } from 'hono';
import type { Logger } from '../log-sink.js';
import type { SignatureAccess } from './signatures-access.js';

export const COSIGN_KEY_PATH = '/v2/_zot/ext/cosign';
export const SIGNATURES_PATH = '/v2/_zot/ext/signatures';

export interface SignatureRoutesOptions {
  store: Store;
  trustStore: TrustStore;
  verifier: SignatureVerifier;
  access: SignatureAccess;
  logger: Logger;
  /** Whether POST /v2/_zot/ext/cosign exists (extensions.trust.cosign). */
  cosignKeys: boolean;
  /** Largest key body accepted; default cosign's MAX_KEY_BYTES (8 MiB, as zot). */
  maxKeyBytes?: number;
}

/** The status of each trust-store refusal: an unparseable key is the client's fault, a huge one too large. */
const trustStoreErrorStatus = { INVALID_KEY: 400, KEY_TOO_LARGE: 413 } as const;

export function errorResponse(c: Context<OciApiEnv>, error: unknown, logger: Logger): Response {
  if (error instanceof TrustStoreError) {
    const status = trustStoreErrorStatus[error.code];
    return c.json({ errors: [{ code: error.code, message: error.message, detail: {} }] }, status);
  }
  const described = describeError(error);
  if (described.unexpected)
    logger.error('signature endpoint failed', { path: c.req.path, error: String(error) });
  for (const [name, value] of Object.entries(described.headers)) c.header(name, value);
  return c.json(described.body, described.status as 400);
}

/** `<name>/<digest>` after the prefix; the name may hold slashes, the digest never does. */
function splitNameAndDigest(rest: string): { name: string; digest: string } {
  const slash = rest.lastIndexOf('/');
  const name = slash < 0 ? '' : rest.slice(0, slash);
  const digest = slash < 0 ? rest : rest.slice(slash + 1);
  if (name === '') throw new OciHttpError('NAME_INVALID', { detail: { path: rest } });
  if (!isDigest(digest)) throw new OciHttpError('DIGEST_INVALID', { detail: { digest } });
  return { name, digest };
}

export function signatureRoutes(app: Hono<OciApiEnv>, options: SignatureRoutesOptions): void {
  const { store, trustStore, verifier, access, logger } = options;
  const maxKeyBytes = options.maxKeyBytes ?? MAX_KEY_BYTES;

  if (options.cosignKeys)
    app.post(COSIGN_KEY_PATH, async function uploadCosignKey(c) {
      try {
        // Authorization first: a body is never read for a caller who may not send one.
        await access.requireAdmin(c);
        let body: Uint8Array;
        try {
          body = await readBodyWithin(c.req.raw, maxKeyBytes);
        } catch (error) {
          if (!(error instanceof BodyTooLargeError)) throw error;
          // The rest of the body is not read; close the connection rather than drain it.
          c.header('Connection', 'close');
          throw new TrustStoreError('KEY_TOO_LARGE', `the key body exceeds ${maxKeyBytes} bytes`);
        }
        const key = await trustStore.addCosignKey(body);
        logger.info('trusted cosign key added', { fingerprint: key.fingerprint, algorithm: key.algorithm });
        return c.json({ fingerprint: key.fingerprint, algorithm: key.algorithm }, 200);
      } catch (error) {
        return errorResponse(c, error, logger);
      }
    });

  app.get(`${SIGNATURES_PATH}/*`, async function manifestSignatures(c) {
    try {
      const { name, digest } = splitNameAndDigest(c.req.path.slice(SIGNATURES_PATH.length + 1));
      // Access before existence: a caller who may not read the repository learns nothing about it.
      const repository = store.repository(name); // NAME_INVALID for a name outside the grammar
      await access.requireRead(c, name, digest);
      await repository.manifests.stat(digest); // MANIFEST_UNKNOWN / NAME_UNKNOWN
      return c.json(await verifier.status(name, digest), 200);
    } catch (error) {
      return errorResponse(c, error, logger);
    }
  });
}

// Notation from extensions.trust.notation (zot pkg/extensions/imagetrust/notation.go): a trust store of X.509
// certificates under `<rootDirectory>/_notation`, filled through POST /v2/_zot/ext/notation (admins only,
// `?truststoreType=ca|signingAuthority|tsa`, default ca, as zot), and the check cosign's verifier calls for
// each notation envelope.
import type { NotationCheck } from '@zot-ts/cosign';
import {
  createNotationTrustStore,
  MAX_CERTIFICATE_BYTES,
  type NotationTrustStore,
  NotationTrustStoreError,
  verifyNotationSignature,
} from '@zot-ts/notation';
import type { OciApiEnv } from '@zot-ts/oci-api';
import { BodyTooLargeError, readBodyWithin } from '@zot-ts/oci-store';
import type { Context, Hono } from 'hono';
import type { Logger } from '../log-sink.js';
import type { SignatureAccess } from './signatures-access.js';
import { errorResponse } from './signatures-routes.js';

export const NOTATION_CERTIFICATE_PATH = '/v2/_zot/ext/notation';
/** zot: notationDirRelativePath. */
export const NOTATION_DIRECTORY_NAME = '_notation';

/** zot answers a bad type or certificate 400 and a body over its limit 413. */
const STATUS_OF = {
  INVALID_TRUSTSTORE_TYPE: 400,
  INVALID_CERTIFICATE: 400,
  CERTIFICATE_TOO_LARGE: 413,
} as const;

export function notationStoreAt(directory: string): NotationTrustStore {
  return createNotationTrustStore({ directory });
}

export function notationCheckOf(store: NotationTrustStore): NotationCheck {
  return async (input) => verifyNotationSignature({ ...input, trusted: await store.trusted() });
}

function refusal(c: Context<OciApiEnv>, error: NotationTrustStoreError): Response {
  return c.json(
    { errors: [{ code: error.code, message: error.message, detail: {} }] },
    STATUS_OF[error.code],
  );
}

export function notationRoutes(
  app: Hono<OciApiEnv>,
  options: { store: NotationTrustStore; access: SignatureAccess; logger: Logger; onAdded: () => void },
): void {
  const { store, access, logger } = options;
  app.post(NOTATION_CERTIFICATE_PATH, async function uploadNotationCertificate(c) {
    try {
      // Authorization first: a body is never read for a caller who may not send one.
      await access.requireAdmin(c);
      const type = c.req.query('truststoreType') ?? 'ca';
      let body: Uint8Array;
      try {
        body = await readBodyWithin(c.req.raw, MAX_CERTIFICATE_BYTES);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        c.header('Connection', 'close');
        throw new NotationTrustStoreError(
          'CERTIFICATE_TOO_LARGE',
          `the body exceeds ${MAX_CERTIFICATE_BYTES} bytes`,
        );
      }
      const added = await store.add(body, type);
      options.onAdded();
      logger.info('notation certificate added', {
        type: added.type,
        digest: added.digest,
        subjects: added.subjects,
      });
      return c.json(added, 200);
    } catch (error) {
      if (error instanceof NotationTrustStoreError) return refusal(c, error);
      return errorResponse(c, error, logger);
    }
  });
}

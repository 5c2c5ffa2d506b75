// Public API of @zot-ts/notation: what is not exported here is internal.
export { CborTag, type CborValue, decodeCbor, encodeCbor } from './cbor.js';
export { CertificateError, parseCertificates, subjectOf } from './certificates.js';
export { COSE_ENVELOPE_TYPE, JWS_ENVELOPE_TYPE, NOTATION_PAYLOAD_TYPE } from './envelope.js';
export {
  type AddedCertificates,
  createNotationTrustStore,
  DEFAULT_TRUST_POLICY,
  isTruststoreType,
  MAX_CERTIFICATE_BYTES,
  type NotationTrustStore,
  NotationTrustStoreError,
  TRUSTSTORE_TYPES,
  type TruststoreType,
} from './trust-store.js';
export {
  type NotationSubject,
  type NotationVerdict,
  type NotationVerifyInput,
  verifyNotationSignature,
} from './verify.js';

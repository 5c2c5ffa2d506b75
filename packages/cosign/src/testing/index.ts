// @zot-ts/cosign/testing: what other packages' tests need to make keyless signatures offline (a private
// Fulcio-like CA, a Rekor-like log, their trusted_root.json, cosign 3 bundles). Not part of the runtime API:
// tests import it as `@zot-ts/cosign/testing`, never by a path into this package.
export type { Authority, KeylessIdentity, Leaf, LeafOptions, Validity } from './fulcio-certificates.js';
export type { RekorLog } from './rekor-log.js';
export {
  createSigstoreDeployment,
  type KeylessBundleOptions,
  keylessDsseBundle,
  keylessMessageBundle,
  OIDC_ISSUER,
  SIGNER_EMAIL,
  type SigstoreDeployment,
} from './sigstore-deployment.js';

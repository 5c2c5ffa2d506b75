// Test helpers other packages' tests share: X.509 chains made in the test and notation JWS/COSE signers.
// Exported as `@zot-ts/notation/testing` so no test reaches into this package's test/ directory.
export * from './notation-signer.js';
export * from './x509-builder.js';

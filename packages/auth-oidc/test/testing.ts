// Test fixtures for other workspace packages (the registry's end-to-end OIDC tests): a real OpenID provider,
// a cookie-jar browser that fills in its forms, and a JWKS issuer for workload tokens. Exported as
// `@zot-ts/auth-oidc/testing` inside the workspace only (publishConfig.exports leaves it out); it needs the
// oidc-provider devDependency of this package.
/// <reference path="./oidc-provider.d.ts" />
export { Browser } from './browser.js';
export type { ProviderFixture, TestAccount } from './oidc-provider-fixture.js';
export { startOidcProvider } from './oidc-provider-fixture.js';
export type { TestIssuer } from './test-issuer.js';
export { freshPrivateKey, startTestIssuer } from './test-issuer.js';

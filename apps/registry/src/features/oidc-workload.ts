// Workload tokens (http.auth.bearer.oidc[]): OIDC ID tokens from CI systems and Kubernetes service accounts
// as `Authorization: Bearer` credentials. The verifier from @zot-ts/auth-oidc checks signature (issuer JWKS),
// iss, aud and times, then runs the issuer's CEL claim mapping; its identity keeps the claims, which reach
// access policies as `req.claims`. A refusal's reason (a failed validation's message) becomes the 401 detail.
import type { TokenVerifier } from '@zot-ts/auth';
import { createWorkloadTokenVerifier, type WorkloadIssuerConfig } from '@zot-ts/auth-oidc';
import type { BearerOidcConfig } from '@zot-ts/config';
import type { Logger } from '../log-sink.js';

/** Throws OidcConfigError (with the config path) for a CEL expression that does not compile. */
export function workloadTokenVerifierOf(
  issuers: readonly BearerOidcConfig[],
  input: { now: () => Date; logger: Logger; realm: string; service?: string | undefined },
): TokenVerifier {
  // An http:// issuer is the operator's explicit choice (a local Dex, tests); oauth4webapi refuses it unless told.
  const allowInsecureRequests = issuers.some((issuer) => issuer.issuer.startsWith('http:'));
  if (allowInsecureRequests) {
    input.logger.warn('http.auth.bearer.oidc: an issuer uses plain http; its keys travel unprotected');
  }
  const verifier = createWorkloadTokenVerifier({
    issuers: issuers.map(issuerOf),
    allowInsecureRequests,
    now: input.now,
  });
  // RFC 6750 3: a Bearer challenge, so token clients (skopeo --registry-token) send their token after /v2/'s 401
  const service = input.service ? `,service=${JSON.stringify(input.service)}` : '';
  const challenge = `Bearer realm=${JSON.stringify(input.realm)}${service}`;
  return { verify: (token) => verifier.verify(token), challenge: () => challenge };
}

function issuerOf(config: BearerOidcConfig): WorkloadIssuerConfig {
  const mapping = config.claimMapping;
  if (mapping === undefined) return { issuer: config.issuer, audiences: [...config.audiences] };
  return {
    issuer: config.issuer,
    audiences: [...config.audiences],
    claimMapping: {
      ...(mapping.variables === undefined
        ? {}
        : { variables: mapping.variables.map(({ name, expression }) => ({ name, expression })) }),
      // A validation without a message still needs a useful 401 detail: name the expression that failed.
      ...(mapping.validations === undefined
        ? {}
        : {
            validations: mapping.validations.map(({ expression, message }) => ({
              expression,
              message: message ?? `claim validation failed: ${expression}`,
            })),
          }),
      ...(mapping.username === undefined ? {} : { username: mapping.username }),
      ...(mapping.groups === undefined ? {} : { groups: mapping.groups }),
    },
  };
}

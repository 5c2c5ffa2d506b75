// Workload tokens (zot's `http.auth.bearer.oidc[]`): OIDC ID tokens from CI systems and
// Kubernetes service accounts used as bearer tokens. Checks the signature against the issuer's
// JWKS, then iss, aud, exp, nbf and iat, then runs the issuer's CEL claim mapping.
import { OidcConfigError } from '../errors.js';
import type { Now, OidcIdentity } from '../ports.js';
import {
  type CelClaimMappingConfig,
  type CompiledClaimMapping,
  compileClaimMapping,
} from './cel-claim-mapping.js';
import { createIssuerKeys, type IssuerKeys } from './issuer-keys.js';
import { decodeJws, isSupportedAlgorithm, verifySignature } from './jws.js';

export interface WorkloadIssuerConfig {
  issuer: string;
  /** The token's `aud` must contain at least one of these. */
  audiences: string[];
  claimMapping?: CelClaimMappingConfig;
}

export interface WorkloadTokenVerifierOptions {
  issuers: WorkloadIssuerConfig[];
  allowInsecureRequests?: boolean;
  /** Leeway for exp/nbf/iat against clock drift. Default 30 s. */
  clockToleranceSeconds?: number;
  /** JWKS reuse before a refetch. Default 10 minutes. */
  jwksCacheTtlMs?: number;
  /** Least time between refetches caused by an unknown kid. Default 60 s (zot refreshes once a minute). */
  jwksMinRefetchIntervalMs?: number;
  now?: Now;
  fetch?: typeof globalThis.fetch;
  /** Config path for error messages. Default `http.auth.bearer.oidc`. */
  configPath?: string;
}

export type WorkloadVerification = { ok: true; identity: OidcIdentity } | { ok: false; reason: string };

export interface WorkloadTokenVerifier {
  /** The raw JWT (without `Bearer `). */
  verify(token: string): Promise<WorkloadVerification>;
}

interface PreparedIssuer {
  issuer: string;
  audiences: Set<string>;
  keys: IssuerKeys;
  mapping: CompiledClaimMapping;
}

export function createWorkloadTokenVerifier(options: WorkloadTokenVerifierOptions): WorkloadTokenVerifier {
  const now = options.now ?? (() => new Date());
  const tolerance = options.clockToleranceSeconds ?? 30;
  const basePath = options.configPath ?? 'http.auth.bearer.oidc';
  const byIssuer = new Map<string, PreparedIssuer>();

  options.issuers.forEach((config, index) => {
    const path = `${basePath}[${index}]`;
    if (typeof config.issuer !== 'string' || config.issuer === '') {
      throw new OidcConfigError('MISSING_ISSUER', `${path}.issuer`, 'a workload token issuer is required');
    }
    const audiences = (config.audiences ?? [])
      .map((audience) => audience.trim())
      .filter((audience) => audience !== '');
    if (audiences.length === 0) {
      throw new OidcConfigError(
        'MISSING_AUDIENCES',
        `${path}.audiences`,
        'at least one audience is required',
      );
    }
    byIssuer.set(config.issuer, {
      issuer: config.issuer,
      audiences: new Set(audiences),
      mapping: compileClaimMapping(config.claimMapping, `${path}.claimMapping`),
      keys: createIssuerKeys({
        issuer: config.issuer,
        allowInsecureRequests: options.allowInsecureRequests ?? false,
        cacheTtlMs: options.jwksCacheTtlMs ?? 600_000,
        minRefetchIntervalMs: options.jwksMinRefetchIntervalMs ?? 60_000,
        now,
        fetch: options.fetch ?? globalThis.fetch,
      }),
    });
  });

  return {
    async verify(token) {
      const jws = decodeJws(token.trim());
      if (jws === undefined) return refuse('not a JWT');
      const { header, payload: claims } = jws;
      if (!isSupportedAlgorithm(header.alg))
        return refuse(`unsupported signing algorithm ${String(header.alg)}`);
      if (header.crit !== undefined) return refuse('critical JWS extensions are not supported');
      const issuer = typeof claims.iss === 'string' ? byIssuer.get(claims.iss) : undefined;
      if (issuer === undefined) return refuse('token from an unknown issuer');

      let keys: Awaited<ReturnType<IssuerKeys['candidates']>>;
      try {
        keys = await issuer.keys.candidates(
          header.alg,
          typeof header.kid === 'string' ? header.kid : undefined,
        );
      } catch (error) {
        return refuse(`issuer keys unavailable: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (keys.length === 0) return refuse('no issuer key matches the token');
      const alg = header.alg;
      if (!keys.some((key) => verifySignature(alg, key, jws.signingInput, jws.signature))) {
        return refuse('signature does not verify');
      }

      const timeProblem = checkTimes(claims, now().getTime() / 1000, tolerance);
      if (timeProblem !== undefined) return refuse(timeProblem);
      const audiences =
        typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
      if (!audiences.some((audience) => typeof audience === 'string' && issuer.audiences.has(audience))) {
        return refuse('audience not accepted');
      }

      const mapped = issuer.mapping.apply(claims);
      if (!mapped.ok) return mapped;
      return {
        ok: true,
        identity: { username: mapped.username, groups: mapped.groups, method: 'oidc', claims },
      };
    },
  };
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** RFC 7519 4.1.4 to 4.1.6; `exp` is required, since a workload token must not live forever. */
function checkTimes(
  claims: Record<string, unknown>,
  nowSeconds: number,
  tolerance: number,
): string | undefined {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== 'number') return 'token has no expiry';
  if (exp <= nowSeconds - tolerance) return 'token expired';
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSeconds + tolerance))
    return 'token not yet valid';
  if (iat !== undefined && (typeof iat !== 'number' || iat > nowSeconds + tolerance))
    return 'token issued in the future';
  return undefined;
}

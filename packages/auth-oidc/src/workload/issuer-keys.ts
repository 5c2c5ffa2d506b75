// One workload-token issuer's signing keys: OIDC discovery for `jwks_uri`, then the JWKS, cached.
// Keys rotate: a token whose `kid` is unknown triggers a refetch, at most once per
// `minRefetchIntervalMs`, so a flood of forged kids cannot turn us into a load generator.
import type { KeyObject } from 'node:crypto';
import { importJwk, keyFitsAlgorithm } from './jws.js';

export interface IssuerKeysOptions {
  issuer: string;
  allowInsecureRequests: boolean;
  /** Keys are refetched after this long even when all kids are known. */
  cacheTtlMs: number;
  minRefetchIntervalMs: number;
  now: () => Date;
  fetch: typeof globalThis.fetch;
}

interface CachedKey {
  kid: string | undefined;
  jwk: Record<string, unknown>;
  key: KeyObject;
}

export interface IssuerKeys {
  /** Keys that may verify a token with this header, refetching once when none matches. */
  candidates(alg: string, kid: string | undefined): Promise<KeyObject[]>;
}

export function createIssuerKeys(options: IssuerKeysOptions): IssuerKeys {
  let keys: CachedKey[] | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  async function getJson(url: string): Promise<Record<string, unknown>> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && options.allowInsecureRequests)) {
      throw new Error(`refusing to fetch ${url} over ${parsed.protocol}`);
    }
    const response = await options.fetch(parsed, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null) throw new Error(`${url} did not return a JSON object`);
    return body as Record<string, unknown>;
  }

  async function refresh(): Promise<void> {
    const discoveryUrl = `${options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const metadata = await getJson(discoveryUrl);
    // OIDC Discovery 4.3: the metadata must name exactly the issuer we asked about.
    if (metadata.issuer !== options.issuer)
      throw new Error(`discovery names issuer ${String(metadata.issuer)}`);
    if (typeof metadata.jwks_uri !== 'string') throw new Error('discovery has no jwks_uri');
    const jwks = await getJson(metadata.jwks_uri);
    const entries = Array.isArray(jwks.keys) ? jwks.keys : [];
    keys = [];
    for (const entry of entries) {
      if (typeof entry !== 'object' || entry === null) continue;
      const jwk = entry as Record<string, unknown>;
      const key = importJwk(jwk);
      if (key !== undefined) keys.push({ kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, jwk, key });
    }
    fetchedAt = options.now().getTime();
  }

  function refreshOnce(): Promise<void> {
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function matching(alg: string, kid: string | undefined): KeyObject[] {
    return (keys ?? [])
      .filter((entry) => (kid === undefined || entry.kid === kid) && keyFitsAlgorithm(entry.jwk, alg))
      .map((entry) => entry.key);
  }

  return {
    async candidates(alg, kid) {
      const age = options.now().getTime() - fetchedAt;
      if (keys === undefined || age >= options.cacheTtlMs) {
        await refreshOnce();
        return matching(alg, kid);
      }
      const found = matching(alg, kid);
      if (found.length > 0 || age < options.minRefetchIntervalMs) return found;
      await refreshOnce();
      return matching(alg, kid);
    },
  };
}

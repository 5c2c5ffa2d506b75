// Cached OpenID Provider metadata (OIDC Discovery 1.0), one fetch in flight per issuer.
import * as oauth from 'oauth4webapi';
import { OidcFlowError } from './errors.js';
import { describeFetchFailure } from './fetch-failure.js';

export interface DiscoveryCacheOptions {
  /** Plain-http issuers (tests, local Dex): oauth4webapi refuses them unless told. */
  allowInsecureRequests: boolean;
  /** How long metadata is reused before it is fetched again. */
  ttlMs: number;
  now: () => Date;
}

export interface DiscoveryCache {
  get(issuer: URL): Promise<oauth.AuthorizationServer>;
}

export function createDiscoveryCache(options: DiscoveryCacheOptions): DiscoveryCache {
  const entries = new Map<string, { metadata: oauth.AuthorizationServer; fetchedAt: number }>();
  const inFlight = new Map<string, Promise<oauth.AuthorizationServer>>();

  async function fetchMetadata(issuer: URL): Promise<oauth.AuthorizationServer> {
    try {
      const response = await oauth.discoveryRequest(issuer, {
        algorithm: 'oidc',
        [oauth.allowInsecureRequests]: options.allowInsecureRequests,
      });
      // processDiscoveryResponse checks that the metadata names the same issuer (OIDC Discovery 4.3).
      return await oauth.processDiscoveryResponse(issuer, response);
    } catch (cause) {
      // the cause (DNS, connect, TLS, status) is in the message: the login error and the start-up warning say it
      throw new OidcFlowError(
        'PROVIDER_UNAVAILABLE',
        `discovery failed for ${issuer.href}: ${describeFetchFailure(cause)}`,
        {
          cause,
        },
      );
    }
  }

  return {
    async get(issuer) {
      const key = issuer.href;
      const cached = entries.get(key);
      if (cached && options.now().getTime() - cached.fetchedAt < options.ttlMs) return cached.metadata;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const request = fetchMetadata(issuer)
        .then((metadata) => {
          entries.set(key, { metadata, fetchedAt: options.now().getTime() });
          return metadata;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, request);
      return request;
    },
  };
}

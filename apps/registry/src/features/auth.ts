// Authentication and authorization from http.auth and http.accessControl (issues 5, 6, 7).
// Placeholder: everything anonymous and allowed until the auth wiring lands.
import type { Identity } from '@zot-ts/oci-api';
import type { Feature, FeatureContext } from './feature.js';

export interface AuthFeature {
  /** The identity of a request (undefined when anonymous or when credentials are wrong). */
  identify(request: Request, tlsInfo?: { enabled: boolean }): Promise<Identity | undefined>;
  /** Whether this identity is an admin (adminPolicy), for admin-only endpoints such as key upload. */
  isAdmin(identity: Identity | undefined): boolean;
  /** Whether this user may read /metrics (accessControl.metrics.users); true when access control is off. */
  canReadMetrics(identity: Identity | undefined): boolean;
}

export async function composeAuth(
  _context: FeatureContext,
): Promise<{ feature: Feature; auth: AuthFeature }> {
  return {
    feature: {},
    auth: {
      identify: async () => undefined,
      isAdmin: () => true,
      canReadMetrics: () => true,
    },
  };
}

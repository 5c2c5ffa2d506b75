// authz-cel must plug into oci-api without importing it. These are verbatim copies of the shapes in
// packages/oci-api/src/ports.ts (Identity, AccessRequest, Decision, Authorize): if `tsc` accepts the
// assignment below, the registry can pass `authorizer.authorize` where oci-api wants `Authorize`.
// Keep in step with ports.ts when it changes.
import { describe, expect, it } from 'vitest';
import { compilePolicies } from '../src/index.js';

type Action = 'read' | 'create' | 'update' | 'delete';
interface Identity {
  username: string;
  groups: string[];
  method: 'basic' | 'apikey' | 'session' | 'bearer' | 'mtls' | 'oidc';
  claims?: Record<string, unknown>;
  credentialScopes?: Array<{ repositories: string[]; actions: Action[] }>;
}
interface AccessRequest {
  action: Action;
  repository: string;
  reference: string;
  referenceType: 'tag' | 'digest' | '';
  identity: Identity | undefined;
  method: string;
  userAgent: string;
  clientIp: string;
  forwardedFor: string[];
  tls: { enabled: boolean; version: string };
  time: Date;
}
type Decision = { allowed: true } | { allowed: false; reason?: string };
type Authorize = (request: AccessRequest) => Decision | Promise<Decision>;

describe('structural compatibility with oci-api ports', () => {
  it('authorizer.authorize is an oci-api Authorize', async () => {
    const authorize: Authorize = compilePolicies({
      repositories: { '**': { defaultPolicy: ['read'] } },
    }).authorize;
    const decision = await authorize({
      action: 'read',
      repository: 'a',
      reference: 'v1',
      referenceType: 'tag',
      identity: { username: 'alice', groups: [], method: 'basic' },
      method: 'GET',
      userAgent: 'test',
      clientIp: '127.0.0.1',
      forwardedFor: [],
      tls: { enabled: false, version: '' },
      time: new Date(),
    });
    expect(decision).toEqual({ allowed: true });
  });
});

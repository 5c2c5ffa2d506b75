// Extra bearer verifiers (the OIDC workload-token hook): tried after the static bearer key, first accept wins.
import { describe, expect, it } from 'vitest';
import { createAuthenticator, type TokenVerifier } from '../src/index.js';
import { requestInfo } from './helpers.js';

const workload: TokenVerifier = {
  verify: async (token) =>
    token === 'good-workload-token'
      ? { ok: true, identity: { username: 'ci', groups: ['ci'], method: 'oidc', claims: { sub: 'ci' } } }
      : { ok: false, reason: 'workload token: unknown issuer' },
};

describe('createAuthenticator with tokenVerifiers', () => {
  it('accepts a bearer token that an extra verifier accepts, without a static bearer key', async () => {
    const authenticator = createAuthenticator({ tokenVerifiers: [workload] });
    expect(
      await authenticator.authenticate(requestInfo({ authorization: 'Bearer good-workload-token' })),
    ).toEqual({
      kind: 'identity',
      identity: { username: 'ci', groups: ['ci'], method: 'oidc', claims: { sub: 'ci' } },
    });
  });

  it('rejects a token no verifier accepts, with every reason', async () => {
    const authenticator = createAuthenticator({ tokenVerifiers: [workload] });
    const result = await authenticator.authenticate(requestInfo({ authorization: 'Bearer forged' }));
    expect(result).toEqual({ kind: 'rejected', reason: 'workload token: unknown issuer' });
  });

  it('still rejects bearer tokens when no verifier of any kind is configured', async () => {
    const authenticator = createAuthenticator({});
    const result = await authenticator.authenticate(requestInfo({ authorization: 'Bearer x' }));
    expect(result.kind).toBe('rejected');
  });

  it("adds the verifiers' Bearer challenge after Basic, so Basic clients keep answering Basic", async () => {
    const challenging: TokenVerifier = { ...workload, challenge: () => 'Bearer realm="zot"' };
    const request = { repository: 'lib/app', action: 'read' } as const;
    expect(createAuthenticator({ tokenVerifiers: [challenging] }).challenge(request)).toEqual([
      'Bearer realm="zot"',
    ]);
    const withKeys = createAuthenticator({
      tokenVerifiers: [challenging, challenging],
      apiKeys: {} as never,
      realm: 'Registry',
    });
    expect(withKeys.challenge(request)).toEqual(['Basic realm="Registry"', 'Bearer realm="zot"']);
    expect(createAuthenticator({ tokenVerifiers: [workload] }).challenge(request)).toEqual([]);
  });
});

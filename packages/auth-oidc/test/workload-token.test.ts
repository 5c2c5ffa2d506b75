import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcConfigError } from '../src/errors.js';
import {
  createWorkloadTokenVerifier,
  type WorkloadTokenVerifierOptions,
} from '../src/workload/token-verifier.js';
import { freshPrivateKey, startTestIssuer, type TestIssuer } from './test-issuer.js';

let issuer: TestIssuer;
let otherIssuer: TestIssuer;
beforeAll(async () => {
  [issuer, otherIssuer] = await Promise.all([startTestIssuer(), startTestIssuer()]);
});
afterAll(async () => {
  await Promise.all([issuer.close(), otherIssuer.close()]);
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

function claimsFor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: issuer.issuer,
    sub: 'repo:acme/app:ref:refs/heads/main',
    aud: 'zot',
    iat: nowSeconds(),
    exp: nowSeconds() + 300,
    repository: 'acme/app',
    repository_owner: 'acme',
    ref: 'refs/heads/main',
    ...overrides,
  };
}

function verifierWith(extra: Partial<WorkloadTokenVerifierOptions> = {}, claimMapping?: object) {
  return createWorkloadTokenVerifier({
    issuers: [
      {
        issuer: issuer.issuer,
        audiences: ['zot', 'https://zot.example.com'],
        ...(claimMapping ? { claimMapping } : {}),
      },
    ],
    allowInsecureRequests: true,
    ...extra,
  });
}

const ciMapping = {
  variables: [
    { name: 'owner', expression: 'claims.repository_owner' },
    { name: 'isMain', expression: 'claims.ref == "refs/heads/" + "main"' },
    { name: 'team', expression: 'vars.owner + "-ci"' },
  ],
  validations: [
    { expression: 'vars.owner == "acme"', message: 'only acme repositories may push' },
    { expression: 'vars.isMain', message: 'only the main branch may push' },
  ],
  username: '"ci:" + claims.repository',
  groups: '[vars.team, "ci", "ci"]',
};

describe('WorkloadTokenVerifier > verify', () => {
  it('accepts a token signed by the issuer and names the user iss/sub by default', async () => {
    const result = await verifierWith().verify(issuer.sign(claimsFor()));
    expect(result).toEqual({
      ok: true,
      identity: {
        username: `${issuer.issuer}/repo:acme/app:ref:refs/heads/main`,
        groups: [],
        method: 'oidc',
        claims: expect.objectContaining({ repository: 'acme/app', aud: 'zot' }),
      },
    });
  });

  it('maps username and groups with CEL, later variables seeing earlier ones', async () => {
    const result = await verifierWith({}, ciMapping).verify(issuer.sign(claimsFor()));
    expect(result.ok && result.identity.username).toBe('ci:acme/app');
    expect(result.ok && result.identity.groups).toEqual(['acme-ci', 'ci']);
  });

  it('refuses a token failing a validation with that validation message', async () => {
    const verifier = verifierWith({}, ciMapping);
    expect(await verifier.verify(issuer.sign(claimsFor({ ref: 'refs/heads/dev' })))).toEqual({
      ok: false,
      reason: 'only the main branch may push',
    });
    expect(await verifier.verify(issuer.sign(claimsFor({ repository_owner: 'evil' })))).toEqual({
      ok: false,
      reason: 'only acme repositories may push',
    });
  });

  it('refuses a token lacking a claim the mapping reads', async () => {
    const result = await verifierWith({}, ciMapping).verify(
      issuer.sign(claimsFor({ repository_owner: undefined })),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^claim mapping failed: .*repository_owner/);
  });

  it('accepts any one of the configured audiences, in a string or a list', async () => {
    const verifier = verifierWith();
    expect(
      (await verifier.verify(issuer.sign(claimsFor({ aud: ['other', 'https://zot.example.com'] })))).ok,
    ).toBe(true);
  });

  it('refuses a wrong audience', async () => {
    expect(await verifierWith().verify(issuer.sign(claimsFor({ aud: ['other'] })))).toEqual({
      ok: false,
      reason: 'audience not accepted',
    });
  });

  it('refuses a token from an issuer that is not configured', async () => {
    const token = otherIssuer.sign({ ...claimsFor(), iss: otherIssuer.issuer });
    expect(await verifierWith().verify(token)).toEqual({ ok: false, reason: 'token from an unknown issuer' });
  });

  it('refuses a token naming the configured issuer but signed by another key', async () => {
    const token = issuer.sign(claimsFor(), { key: freshPrivateKey() });
    expect(await verifierWith().verify(token)).toEqual({ ok: false, reason: 'signature does not verify' });
  });

  it('refuses an expired token, one not yet valid, and one without exp', async () => {
    const verifier = verifierWith({ clockToleranceSeconds: 5 });
    expect(await verifier.verify(issuer.sign(claimsFor({ exp: nowSeconds() - 10 })))).toEqual({
      ok: false,
      reason: 'token expired',
    });
    expect(await verifier.verify(issuer.sign(claimsFor({ nbf: nowSeconds() + 60 })))).toEqual({
      ok: false,
      reason: 'token not yet valid',
    });
    expect(await verifier.verify(issuer.sign(claimsFor({ exp: undefined })))).toEqual({
      ok: false,
      reason: 'token has no expiry',
    });
  });

  it('refuses unsigned and HMAC tokens and garbage', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const verifier = verifierWith();
    const none = `${encode({ alg: 'none' })}.${encode(claimsFor())}.`;
    const hmac = `${encode({ alg: 'HS256' })}.${encode(claimsFor())}.c2ln`;
    expect(await verifier.verify(none)).toEqual({ ok: false, reason: 'unsupported signing algorithm none' });
    expect(await verifier.verify(hmac)).toEqual({ ok: false, reason: 'unsupported signing algorithm HS256' });
    expect(await verifier.verify('not-a.jwt')).toEqual({ ok: false, reason: 'not a JWT' });
  });

  it('follows key rotation, refetching the JWKS on an unknown kid at most once a minute', async () => {
    let clock = Date.now();
    const verifier = verifierWith({ now: () => new Date(clock) });
    const fetchesBefore = issuer.jwksFetches();
    expect((await verifier.verify(issuer.sign(claimsFor()))).ok).toBe(true);
    expect(issuer.jwksFetches()).toBe(fetchesBefore + 1);

    const forged = issuer.sign(claimsFor(), { kid: 'unknown-kid', key: freshPrivateKey() });
    expect(await verifier.verify(forged)).toEqual({ ok: false, reason: 'no issuer key matches the token' });
    expect(await verifier.verify(forged)).toEqual({ ok: false, reason: 'no issuer key matches the token' });
    expect(issuer.jwksFetches()).toBe(fetchesBefore + 1);

    const newKid = issuer.rotate({ retire: true });
    clock += 61_000;
    const rotated = issuer.sign(claimsFor({ exp: Math.floor(clock / 1000) + 300 }), { kid: newKid });
    expect((await verifier.verify(rotated)).ok).toBe(true);
    expect(issuer.jwksFetches()).toBe(fetchesBefore + 2);
  });

  it('refuses plain-http issuers unless insecure requests are allowed', async () => {
    const result = await verifierWith({ allowInsecureRequests: false }).verify(issuer.sign(claimsFor()));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^issuer keys unavailable: refusing to fetch/);
  });
});

describe('createWorkloadTokenVerifier > configuration', () => {
  function errorOf(claimMapping: object, audiences = ['zot']): OidcConfigError {
    try {
      createWorkloadTokenVerifier({ issuers: [{ issuer: 'https://ci.example', audiences, claimMapping }] });
    } catch (error) {
      if (error instanceof OidcConfigError) return error;
      throw error;
    }
    throw new Error('expected a configuration error');
  }

  it('names the path of an expression that does not parse', () => {
    const error = errorOf({
      validations: [
        { expression: 'true', message: 'a' },
        { expression: 'claims.sub ==', message: 'b' },
      ],
    });
    expect(error.code).toBe('INVALID_CEL');
    expect(error.path).toBe('http.auth.bearer.oidc[0].claimMapping.validations[1].expression');
  });

  it('refuses unknown variables and wrongly typed results at start-up', () => {
    expect(errorOf({ username: 'claim.sub' }).path).toBe('http.auth.bearer.oidc[0].claimMapping.username');
    expect(errorOf({ validations: [{ expression: '"yes"', message: 'm' }] }).message).toMatch(
      /returns string/,
    );
    expect(errorOf({ variables: [{ name: 'x', expression: '1 +' }] }).path).toBe(
      'http.auth.bearer.oidc[0].claimMapping.variables[0].expression',
    );
  });

  it('requires audiences, validation messages and unique variable names', () => {
    expect(errorOf({}, []).code).toBe('MISSING_AUDIENCES');
    expect(errorOf({ validations: [{ expression: 'true', message: '' }] }).code).toBe(
      'INVALID_CLAIM_MAPPING',
    );
    const duplicate = errorOf({
      variables: [
        { name: 'a', expression: '1' },
        { name: 'a', expression: '2' },
      ],
    });
    expect(duplicate.path).toBe('http.auth.bearer.oidc[0].claimMapping.variables[1].name');
  });
});

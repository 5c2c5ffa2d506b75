// Issue 7, workload tokens (http.auth.bearer.oidc[]) through the real registry: ID tokens signed by a test issuer
// (discovery + JWKS on loopback) are accepted, mapped by the CEL claim mapping (variables, validations, username,
// groups) and authorized by policies reading req.user and req.claims; a token failing a validation gets 401 with
// the validation's message, and wrong audience, expiry, unknown issuer or a foreign key are refused with theirs.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshPrivateKey, startTestIssuer, type TestIssuer } from '@zot-ts/auth-oidc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, pushImage } from './auth-fixtures.js';
import { startTestRegistry, type TestRegistry } from './helpers.js';

let issuer: TestIssuer;
let otherIssuer: TestIssuer;
let registry: TestRegistry;
const run = promisify(execFile);
const hasTools = existsSync('/usr/bin/skopeo') && existsSync('/usr/bin/umoci');

beforeAll(async () => {
  [issuer, otherIssuer] = await Promise.all([startTestIssuer(), startTestIssuer()]);
  registry = await startTestRegistry({
    http: {
      auth: {
        bearer: {
          oidc: [
            {
              issuer: issuer.issuer,
              audiences: ['zot.example.com'],
              claimMapping: {
                variables: [{ name: 'owner', expression: 'claims.repository_owner' }],
                validations: [
                  {
                    expression: 'vars.owner == "acme"',
                    message: 'only acme workflows may use this registry',
                  },
                ],
                username: '"gha:" + claims.repository',
                groups: '["ci", "ci-" + vars.owner]',
              },
            },
          ],
        },
      },
      accessControl: {
        repositories: {
          'ci/**': {
            policies: [
              {
                groups: ['ci-acme'],
                actions: ['read', 'create', 'update'],
                conditions: [
                  {
                    expression: 'req.claims.ref == "refs/heads/main"',
                    message: 'only main-branch builds push',
                  },
                ],
              },
            ],
          },
          'tools/**': { policies: [{ users: ['gha:acme/tool'], actions: ['read', 'create'] }] },
        },
      },
    },
  });
}, 30_000);

afterAll(async () => {
  await registry?.dispose();
  await Promise.all([issuer?.close(), otherIssuer?.close()]);
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const claimsOf = (extra: Record<string, unknown> = {}) => ({
  iss: issuer.issuer,
  sub: 'repo:acme/app:ref:refs/heads/main',
  aud: 'zot.example.com',
  iat: nowSeconds(),
  exp: nowSeconds() + 300,
  repository: 'acme/app',
  repository_owner: 'acme',
  ref: 'refs/heads/main',
  ...extra,
});
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const reasonOf = (answer: { json: { errors?: Array<{ detail?: { reason?: string } }> } }) =>
  answer.json.errors?.[0]?.detail?.reason;

describe('workload tokens through the registry', () => {
  it('accepts a token from the issuer, maps its groups with CEL and lets a policy on req.claims allow the push', async () => {
    const token = issuer.sign(claimsOf());
    expect((await pushImage(registry.url, 'ci/app', 'v1', bearer(token))).status).toBe(201);
    expect((await get(registry.url, '/v2/ci/app/manifests/v1', bearer(token))).status).toBe(200);
  });

  it.skipIf(!hasTools)(
    'lets skopeo push with the token as its registry bearer token',
    async () => {
      const directory = mkdtempSync(join(tmpdir(), 'zot-oidc-workload-'));
      try {
        const layout = join(directory, 'layout');
        await run('umoci', ['init', '--layout', layout]);
        await run('umoci', ['new', '--image', `${layout}:latest`]);
        const host = new URL(registry.url).host;
        const copy = (token: string, repository: string) =>
          run('skopeo', [
            'copy',
            '--dest-tls-verify=false',
            '--dest-registry-token',
            token,
            `oci:${layout}:latest`,
            `docker://${host}/${repository}:v1`,
          ]);
        await copy(issuer.sign(claimsOf()), 'ci/skopeo');
        expect(
          (await get(registry.url, '/v2/ci/skopeo/tags/list', bearer(issuer.sign(claimsOf())))).json,
        ).toEqual({
          name: 'ci/skopeo',
          tags: ['v1'],
        });
        await expect(copy(issuer.sign(claimsOf({ ref: 'refs/heads/dev' })), 'ci/denied')).rejects.toThrow();
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('refuses with 403 and the condition message when req.claims do not satisfy the policy', async () => {
    const token = issuer.sign(claimsOf({ ref: 'refs/heads/feature' }));
    const push = await pushImage(registry.url, 'ci/app', 'feature', bearer(token));
    expect(push.status).toBe(403);
    expect(push.body?.errors?.[0]?.detail?.reason).toBe('only main-branch builds push');
  });

  it('maps the username with CEL, so a users policy matches it', async () => {
    const tool = issuer.sign(claimsOf({ repository: 'acme/tool' }));
    expect((await pushImage(registry.url, 'tools/lint', 'v1', bearer(tool))).status).toBe(201);
    const other = issuer.sign(claimsOf({ repository: 'acme/other' }));
    expect((await pushImage(registry.url, 'tools/lint', 'v2', bearer(other))).status).toBe(403);
  });

  it("answers 401 with the validation's message for a token that fails a validation", async () => {
    const token = issuer.sign(claimsOf({ repository_owner: 'mallory' }));
    const answer = await get(registry.url, '/v2/ci/app/tags/list', bearer(token));
    expect(answer.status).toBe(401);
    expect(reasonOf(answer)).toBe('only acme workflows may use this registry');
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="/);
  });

  it.each([
    ['a wrong audience', () => issuer.sign(claimsOf({ aud: 'another-service' })), 'audience not accepted'],
    ['an expired token', () => issuer.sign(claimsOf({ exp: nowSeconds() - 3600 })), 'token expired'],
    [
      'a token from an issuer not configured',
      () => otherIssuer.sign(claimsOf({ iss: otherIssuer.issuer })),
      'token from an unknown issuer',
    ],
    [
      'a token signed with a key the issuer never published',
      () => issuer.sign(claimsOf(), { key: freshPrivateKey() }),
      'signature does not verify',
    ],
  ])('refuses %s with 401 and says why', async (_name, token, reason) => {
    const answer = await get(registry.url, '/v2/ci/app/tags/list', bearer(token()));
    expect(answer.status).toBe(401);
    expect(reasonOf(answer)).toBe(reason);
  });
});

describe('workload token configuration', () => {
  it('stops the start with the config path of a claim-mapping expression that does not compile', async () => {
    await expect(
      startTestRegistry({
        http: {
          auth: {
            bearer: {
              oidc: [
                {
                  issuer: 'https://token.actions.githubusercontent.com',
                  audiences: ['zot'],
                  claimMapping: { validations: [{ expression: 'claims.ref ==', message: 'broken' }] },
                },
              ],
            },
          },
        },
      }),
    ).rejects.toThrow(/http\.auth\.bearer\.oidc\[0\]\.claimMapping\.validations\[0\]\.expression/);
  });
});

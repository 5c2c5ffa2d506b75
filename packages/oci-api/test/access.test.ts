import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AccessRequest, Identity, OciApiEnv } from '../src/index.js';
import { errorCode, prepareImage, putManifest, testApi } from './helpers.js';

const alice: Identity = { username: 'alice', groups: ['dev'], method: 'basic' };

describe('access', () => {
  it('allows everything when no authenticate or authorize is given', async () => {
    const { app } = testApi();
    const image = await prepareImage(app, 'app');
    expect((await putManifest(app, 'app', 'v1', image.manifest)).status).toBe(201);
  });

  it('answers 401 UNAUTHORIZED with the challenge headers when credentials are rejected', async () => {
    const { app } = testApi({
      authenticate: async () => ({ kind: 'rejected', reason: 'bad password' }),
      challenge: ({ repository }) => [
        'Basic realm="zot"',
        `Bearer realm="https://auth",scope="repository:${repository}:pull"`,
      ],
    });
    const response = await app.request('/v2/app/tags/list');
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('UNAUTHORIZED');
    expect(response.headers.get('www-authenticate')).toContain('Basic realm="zot"');
    expect(response.headers.get('www-authenticate')).toContain('repository:app:pull');
  });

  it('answers 401 with a challenge when an anonymous caller is denied, 403 DENIED with the reason when a user is', async () => {
    const authorize = (request: AccessRequest) => ({
      allowed: false as const,
      reason: `no ${request.action} on ${request.repository}`,
    });
    const anonymous = testApi({ authenticate: async () => ({ kind: 'anonymous' }), authorize });
    const anonymousResponse = await anonymous.app.request('/v2/app/tags/list');
    expect(anonymousResponse.status).toBe(401);
    expect(anonymousResponse.headers.get('www-authenticate')).toBe('Basic realm="zot"');
    const user = testApi({ authenticate: async () => ({ kind: 'identity', identity: alice }), authorize });
    const userResponse = await user.app.request('/v2/app/tags/list');
    expect(userResponse.status).toBe(403);
    expect(await userResponse.json()).toEqual({
      errors: [
        {
          code: 'DENIED',
          // the reason in message too: skopeo and podman print only message (issue 20)
          message: 'requested access to the resource is denied: no read on app',
          detail: { reason: 'no read on app' },
        },
      ],
    });
  });

  it('asks for update, not create, when a push moves an existing tag', async () => {
    const seen: AccessRequest[] = [];
    const { app } = testApi({
      authorize: (request) => {
        seen.push(request);
        return { allowed: true };
      },
    });
    const image = await prepareImage(app, 'app');
    await putManifest(app, 'app', 'v1', image.manifest);
    await putManifest(app, 'app', 'v1', image.manifest);
    const manifestPuts = seen.filter((r) => r.method === 'PUT' && r.reference === 'v1');
    expect(manifestPuts.map((r) => r.action)).toEqual(['create', 'update']);
    expect(manifestPuts[0]).toMatchObject({ repository: 'app', referenceType: 'tag' });
  });

  it('declares read, create and delete for pulls, uploads and deletes', async () => {
    const seen: Array<[string, string]> = [];
    const { app } = testApi({
      authorize: (request) => {
        seen.push([request.method, request.action]);
        return { allowed: true };
      },
    });
    const image = await prepareImage(app, 'app');
    await app.request(`/v2/app/blobs/${image.layerDigest}`);
    await app.request(`/v2/app/blobs/${image.layerDigest}`, { method: 'DELETE' });
    expect(seen).toContainEqual(['POST', 'create']);
    expect(seen).toContainEqual(['GET', 'read']);
    expect(seen).toContainEqual(['DELETE', 'delete']);
  });

  it('authenticates once per request and exposes the identity on the context', async () => {
    let calls = 0;
    const { app } = testApi({
      authenticate: async () => {
        calls += 1;
        return { kind: 'identity', identity: alice };
      },
    });
    let seenIdentity: Identity | undefined;
    const outer = new Hono<OciApiEnv>();
    outer.use('*', async (c, next) => {
      await next();
      seenIdentity = c.get('identity');
    });
    outer.route('/', app);
    expect((await outer.request('/v2/')).status).toBe(200);
    expect(calls).toBe(1);
    expect(seenIdentity?.username).toBe('alice');
  });

  it('hides internals of unexpected errors behind a 500 and logs the cause', async () => {
    const api = testApi();
    const broken = {
      ...api.store,
      catalog: async () => {
        throw new Error('disk on fire at /secret/path');
      },
    };
    const { app, errors } = testApi({ store: broken });
    const response = await app.request('/v2/_catalog');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text).errors[0].code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(errors)).toContain('disk on fire');
  });
});

// The ports added for the registry's auth wiring: onAuthenticated headers, insufficient_scope challenges,
// the catalog filter with paging after filtering, and the injected clock.
import { describe, expect, it } from 'vitest';
import type { AccessRequest, Identity } from '../src/index.js';
import { prepareImage, putManifest, testApi } from './helpers.js';

const bot: Identity = { username: 'bot', groups: [], method: 'bearer' };

async function pushRepositories(app: ReturnType<typeof testApi>['app'], names: string[]) {
  for (const name of names) {
    const image = await prepareImage(app, name);
    expect((await putManifest(app, name, 'v1', image.manifest)).status).toBe(201);
  }
}

describe('auth hooks', () => {
  it('adds the headers onAuthenticated returns, also on a rejected request', async () => {
    const { app } = testApi({
      authenticate: async (request) =>
        request.headers.get('authorization') === null
          ? { kind: 'anonymous' }
          : { kind: 'rejected', reason: 'bad password' },
      onAuthenticated: (_request, result) => [['Set-Cookie', `seen=${result.kind}; Path=/`]],
    });
    const ok = await app.request('/v2/');
    expect(ok.headers.get('set-cookie')).toBe('seen=anonymous; Path=/');
    const rejected = await app.request('/v2/', { headers: { Authorization: 'Basic eDp5' } });
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('set-cookie')).toBe('seen=rejected; Path=/');
  });

  it('answers 401 with the error passed to the challenge when a decision asks for insufficient_scope', async () => {
    const { app } = testApi({
      authenticate: async () => ({ kind: 'identity', identity: bot }),
      authorize: () => ({ allowed: false, reason: 'scope', challenge: 'insufficient_scope' }),
      challenge: ({ repository, error }) => [
        `Bearer realm="r",scope="repository:${repository}:pull",error="${error}"`,
      ],
    });
    const response = await app.request('/v2/app/tags/list');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="r",scope="repository:app:pull",error="insufficient_scope"',
    );
  });

  it('pages the catalog after filtering, so each page holds n visible names', async () => {
    const { app } = testApi({
      filterRepositories: (_identity, names) => names.filter((name) => !name.startsWith('hidden')),
    });
    await pushRepositories(app, ['a1', 'a2', 'hidden1', 'hidden2', 'hidden3', 'z1', 'z2']);
    const first = await app.request('/v2/_catalog?n=2');
    expect(await first.json()).toEqual({ repositories: ['a1', 'a2'] });
    expect(first.headers.get('link')).toBe('</v2/_catalog?n=2&last=a2>; rel="next"');
    const second = await app.request('/v2/_catalog?n=2&last=a2');
    expect(await second.json()).toEqual({ repositories: ['z1', 'z2'] });
    const all = await app.request('/v2/_catalog');
    expect(await all.json()).toEqual({ repositories: ['a1', 'a2', 'z1', 'z2'] });
    expect(all.headers.get('link')).toBeNull();
  });

  it('stamps AccessRequest.time with the injected clock', async () => {
    const seen: AccessRequest[] = [];
    const fixed = new Date('2030-01-02T03:04:05Z');
    const { app } = testApi({
      now: () => fixed,
      authorize: (request) => {
        seen.push(request);
        return { allowed: true };
      },
    });
    await app.request('/v2/app/tags/list');
    expect(seen[0]?.time).toEqual(fixed);
  });
});

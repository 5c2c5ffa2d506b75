// The policy shape of the zot v2.1.17 release announcement is accepted beside zot's own; `pull` and `push`
// stay policy words (defaultPolicy and anonymousPolicy keep zot's actions only).
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/index.js';

const withRepositories = (repositories: Record<string, unknown>) => ({
  storage: { rootDirectory: '/tmp/zot-config-test' },
  http: { auth: { htpasswd: { path: '/tmp/htpasswd' } }, accessControl: { repositories } },
});

describe('accessControl.repositories.<glob>.policies[] in the release announcement shape', () => {
  it('accepts {name, condition, actions: ["push", "pull"]} as written, beside a zot policy', () => {
    const example = {
      name: 'team-push-access',
      condition: 'request.identity.groups.exists(g, g == request.repository.prefix)',
      actions: ['push', 'pull'],
    };
    const config = parseConfig(
      withRepositories({ 'team-a/**': { policies: [example, { users: ['ops'], actions: ['delete'] }] } }),
    );
    const [announced, zots] = config.http.accessControl?.repositories['team-a/**']?.policies ?? [];
    expect(announced).toMatchObject(example);
    expect(zots).toMatchObject({ users: ['ops'], actions: ['delete'] });
  });

  it('refuses an empty condition, a non-string name and unknown action words, with their paths', () => {
    try {
      parseConfig(withRepositories({ '**': { policies: [{ name: 1, condition: '', actions: ['fetch'] }] } }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const paths = (error as ConfigError).issues.map((issue) => issue.path);
      const at = 'http.accessControl.repositories["**"].policies[0]';
      expect(paths).toEqual(expect.arrayContaining([`${at}.name`, `${at}.condition`, `${at}.actions[0]`]));
    }
  });

  it('keeps pull and push out of defaultPolicy and anonymousPolicy', () => {
    expect(() => parseConfig(withRepositories({ '**': { anonymousPolicy: ['pull'] } }))).toThrow(ConfigError);
  });
});

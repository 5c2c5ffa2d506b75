import { describe, expect, it } from 'vitest';
import { buildMgmtInfo, isDockerClient } from '../src/index.js';

describe('buildMgmtInfo', () => {
  it("lists enabled methods in zot's shape, without paths or secrets", () => {
    const info = buildMgmtInfo({
      distSpecVersion: '1.1.1',
      binaryType: '-apikey-mgmt',
      auth: {
        htpasswd: true,
        bearer: { realm: 'https://auth/token', service: 'zot' },
        openid: { oidc: { name: 'Corporate SSO' }, github: {} },
        apikey: true,
      },
    });
    expect(info).toEqual({
      distSpecVersion: '1.1.1',
      commit: '',
      releaseTag: '',
      binaryType: '-apikey-mgmt',
      http: {
        auth: {
          htpasswd: {},
          bearer: { realm: 'https://auth/token', service: 'zot' },
          openid: { providers: { oidc: { name: 'Corporate SSO' }, github: {} } },
          apikey: true,
        },
      },
    });
  });

  it('reports htpasswd for LDAP too, and no auth section when nothing is enabled', () => {
    expect(buildMgmtInfo({ distSpecVersion: '1.1.1', auth: { ldap: true } }).http).toEqual({
      auth: { htpasswd: {} },
    });
    expect(buildMgmtInfo({ distSpecVersion: '1.1.1' }).http).toEqual({});
  });
});

describe('isDockerClient', () => {
  it.each([
    ['docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/6.8 os/linux arch/amd64', true],
    ['docker/20.10 UpstreamClient(Docker-Client/20.10.7 \\(linux\\))', true],
    ['compose/2.29 UpstreamClient(Docker-Client/27.0)', true],
    ['buildkit/v0.16 UpstreamClient(Docker-Client/27.0)', true],
    ['skopeo/1.13', false],
    ['containers/5.29 (github.com/containers/image)', false],
    ['', false],
  ])('%s -> %s', (userAgent, expected) => {
    expect(isDockerClient(userAgent)).toBe(expected);
  });
});

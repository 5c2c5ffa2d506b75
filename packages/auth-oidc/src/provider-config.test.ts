import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OidcConfigError } from './errors.js';
import { resolveGithubProviders, resolveProviders } from './provider-config.js';

function configError(run: () => unknown): OidcConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof OidcConfigError) return error;
    throw error;
  }
  throw new Error('expected an OidcConfigError');
}

describe('resolveProviders', () => {
  it('fills in defaults: email username, groups claim, openid scope first', () => {
    const provider = resolveProviders({
      dex: { clientid: 'zot', issuer: 'https://dex.example/dex', scopes: ['email', 'groups'] },
    }).get('dex');
    expect(provider).toMatchObject({
      clientId: 'zot',
      clientSecret: undefined,
      usernameClaim: 'email',
      groupsClaim: 'groups',
    });
    expect(provider?.scopes).toEqual(['openid', 'email', 'groups']);
    expect(provider?.issuer.href).toBe('https://dex.example/dex');
  });

  it('knows google and gitlab issuers by name', () => {
    const providers = resolveProviders({ google: { clientid: 'g' }, gitlab: { clientid: 'l' } });
    expect(providers.get('google')?.issuer.href).toBe('https://accounts.google.com/');
    expect(providers.get('gitlab')?.issuer.href).toBe('https://gitlab.com/');
  });

  it('leaves github, which is OAuth2 rather than OpenID Connect, to the GitHub flow', () => {
    expect(resolveProviders({ github: { clientid: 'gh' } }).size).toBe(0);
    const github = resolveGithubProviders({ github: { clientid: 'gh' } }).get('github');
    expect(github?.authUrl.href).toBe('https://github.com/login/oauth/authorize');
    expect(github?.apiBase).toBe('https://api.github.com');
    expect(github?.scopes).toEqual(['read:org', 'user:email']);
  });

  it('takes GitHub Enterprise endpoints from authurl and tokenurl, and its API from their origin', () => {
    const github = resolveGithubProviders({
      github: {
        clientid: 'gh',
        authurl: 'https://github.corp.example/login/oauth/authorize',
        tokenurl: 'https://github.corp.example/login/oauth/access_token',
        scopes: ['read:org', 'user'],
      },
    }).get('github');
    expect(github?.tokenUrl.href).toBe('https://github.corp.example/login/oauth/access_token');
    expect(github?.apiBase).toBe('https://github.corp.example/api/v3');
    expect(github?.scopes).toEqual(['read:org', 'user']);
  });

  it('reads client id and secret from credentialsFile', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oidc-')), 'credentials.json');
    writeFileSync(file, JSON.stringify({ clientid: 'from-file', clientsecret: 'secret-from-file' }));
    const provider = resolveProviders({ oidc: { issuer: 'https://idp.example', credentialsFile: file } }).get(
      'oidc',
    );
    expect(provider).toMatchObject({ clientId: 'from-file', clientSecret: 'secret-from-file' });
  });

  it('names the config path of each problem', () => {
    expect(configError(() => resolveProviders({ corp: { clientid: 'x' } }))).toMatchObject({
      code: 'MISSING_ISSUER',
      path: 'http.auth.openid.providers.corp.issuer',
    });
    expect(configError(() => resolveProviders({ corp: { issuer: 'https://idp.example' } })).code).toBe(
      'MISSING_CLIENT_ID',
    );
    expect(configError(() => resolveProviders({ corp: { clientid: 'x', issuer: 'ftp://idp' } })).code).toBe(
      'INVALID_URL',
    );
    const missingFile = configError(() =>
      resolveProviders({ corp: { issuer: 'https://idp.example', credentialsFile: '/nonexistent.json' } }),
    );
    expect(missingFile).toMatchObject({
      code: 'INVALID_CREDENTIALS_FILE',
      path: 'http.auth.openid.providers.corp.credentialsFile',
    });
  });
});

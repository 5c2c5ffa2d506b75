import { describe, expect, it } from 'vitest';
import { buildEndSessionUrl } from './end-session.js';

const base = { clientId: 'zot', postLogoutRedirectUri: 'https://registry.example.com/login' };

describe('buildEndSessionUrl', () => {
  it('adds client_id, post_logout_redirect_uri and id_token_hint, form-encoded', () => {
    expect(
      buildEndSessionUrl({ ...base, endSessionEndpoint: 'https://idp.example/logout', idTokenHint: 'a.b.c' }),
    ).toBe(
      'https://idp.example/logout?client_id=zot&post_logout_redirect_uri=https%3A%2F%2Fregistry.example.com%2Flogin&id_token_hint=a.b.c',
    );
  });

  it('keeps a query the endpoint already has and leaves the hint out when there is no ID token', () => {
    expect(
      buildEndSessionUrl({ ...base, endSessionEndpoint: 'https://idp.example/oidc/logout?tenant=t1' }),
    ).toBe(
      'https://idp.example/oidc/logout?tenant=t1&client_id=zot&post_logout_redirect_uri=https%3A%2F%2Fregistry.example.com%2Flogin',
    );
  });

  it.each([undefined, 42, '', '/relative/logout', 'javascript:alert(1)', 'ftp://idp.example/logout'])(
    'ignores an end_session_endpoint of %s',
    (endSessionEndpoint) => {
      expect(buildEndSessionUrl({ ...base, endSessionEndpoint })).toBeUndefined();
    },
  );
});

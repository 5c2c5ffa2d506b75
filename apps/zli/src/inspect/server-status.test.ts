import { describe, expect, it } from 'vitest';
import { formatServerStatus, statusFromMgmt } from './server-status.js';

describe('statusFromMgmt', () => {
  it('reads the mgmt answer of this registry: empty commit and build dropped, methods sorted', () => {
    const details = statusFromMgmt({
      distSpecVersion: '1.1.1',
      commit: '',
      releaseTag: '0.1.0',
      binaryType: '',
      http: { auth: { htpasswd: {}, apikey: true } },
    });
    expect(details).toEqual({
      distSpecVersion: '1.1.1',
      releaseTag: '0.1.0',
      authMethods: ['apikey', 'htpasswd'],
    });
    expect(formatServerStatus({ status: 'online', ...details })).toBe(
      'Server Status: online\nServer Version: 0.1.0\nDist Spec Version: 1.1.1\nAuthentication: apikey, htpasswd\n',
    );
  });

  it('names OpenID providers and says none without http.auth', () => {
    const details = statusFromMgmt({
      distSpecVersion: '1.1.1',
      http: { auth: { openid: { providers: { github: {}, dex: { name: 'Dex' } } }, bearer: { realm: 'r' } } },
    });
    expect(details).toMatchObject({ authMethods: ['bearer', 'openid'], openidProviders: ['dex', 'github'] });
    expect(formatServerStatus({ status: 'online', ...details })).toContain(
      'Authentication: bearer, openid (dex, github)',
    );
    expect(formatServerStatus({ status: 'online', ...statusFromMgmt({ http: {} }) })).toBe(
      'Server Status: online\nAuthentication: none\n',
    );
  });

  it('prints the error first and nothing it does not know when the registry is offline', () => {
    expect(formatServerStatus({ status: 'offline', error: 'cannot reach http://x' })).toBe(
      'Server Status: offline\nError: cannot reach http://x\n',
    );
  });
});

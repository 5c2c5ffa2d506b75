import { RegistryClientError } from '@zot-ts/oci-client';
import { describe, expect, it } from 'vitest';
import { ZliConfigError } from '../config/errors.js';
import { EXIT_AUTH, EXIT_FAILURE, EXIT_UNREACHABLE, EXIT_USAGE, planExit } from './error-exit.js';

const context = { configPath: '/home/u/.zot', hasCredentials: false };

describe('planExit', () => {
  it('maps registry failures to exit codes with a hint', () => {
    expect(planExit(new RegistryClientError('UNAUTHORIZED', 'x'), context)).toMatchObject({
      exit: EXIT_AUTH,
      suggestions: [expect.stringContaining('--user')],
    });
    expect(
      planExit(new RegistryClientError('UNAUTHORIZED', 'x'), { ...context, hasCredentials: true })
        .suggestions[0],
    ).toContain('invalid');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(
      planExit(
        new RegistryClientError('UNREACHABLE', 'x', { url: 'http://r:1/v2/', cause: refused }),
        context,
      ),
    ).toMatchObject({ message: 'cannot reach http://r:1: connect ECONNREFUSED', exit: EXIT_UNREACHABLE });
    const selfSigned = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    const tls = planExit(
      new RegistryClientError('UNREACHABLE', 'x', { url: 'https://r:5000/v2/', cause: selfSigned }),
      context,
    );
    expect(tls).toMatchObject({
      message: 'TLS handshake with r:5000 failed: self-signed certificate',
      exit: EXIT_UNREACHABLE,
    });
    expect(tls.suggestions[0]).toContain('verify-tls false');
    expect(planExit(new RegistryClientError('NOT_FOUND', 'x'), context).exit).toBe(EXIT_FAILURE);
    // oci-client says UNAUTHORIZED for a 403 too; zli tells the user it is a permission, not the credentials
    expect(
      planExit(
        new RegistryClientError('UNAUTHORIZED', 'x', { status: 403, url: 'http://r/v2/a/tags/list' }),
        context,
      ),
    ).toMatchObject({ message: 'access denied to http://r/v2/a/tags/list', exit: EXIT_AUTH });
    expect(planExit(new RegistryClientError('TOKEN_FAILED', 'x'), context).exit).toBe(EXIT_AUTH);
  });

  it('points a broken profile file at its path and a bad key at usage', () => {
    expect(planExit(new ZliConfigError('CONFIG_MALFORMED', 'x'), context).suggestions).toEqual([
      'fix or remove /home/u/.zot',
    ]);
    expect(planExit(new ZliConfigError('KEY_NOT_ALLOWED', 'x'), context).exit).toBe(EXIT_USAGE);
  });

  it('turns anything else into a plain failure that suggests --debug', () => {
    expect(planExit(new TypeError('boom'), context)).toEqual({
      message: 'boom',
      exit: EXIT_FAILURE,
      suggestions: ['run again with --debug for details'],
    });
  });
});

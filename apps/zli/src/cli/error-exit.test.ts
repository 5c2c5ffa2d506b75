import { describe, expect, it } from 'vitest';
import { RegistryClientError } from '../client/errors.js';
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
    expect(planExit(new RegistryClientError('UNREACHABLE', 'x'), context).exit).toBe(EXIT_UNREACHABLE);
    expect(planExit(new RegistryClientError('TLS', 'x'), context).suggestions[0]).toContain(
      'verify-tls false',
    );
    expect(planExit(new RegistryClientError('NOT_FOUND', 'x'), context).exit).toBe(EXIT_FAILURE);
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

// Every failure leaves zli as one line, an exit code and a suggestion: never a stack trace.
// Exit codes (documented in docs/zli.md): 1 a registry or config problem, 2 wrong arguments,
// 3 authentication or authorization refused, 4 the registry cannot be reached.

import { isRegistryClientError, type RegistryClientError } from '@zot-ts/oci-client';
import { ZliConfigError } from '../config/errors.js';
import { USER_FLAG_VALUE } from '../registry/credentials.js';
import { describeRegistryFailure, registryFailureOf } from '../registry/failure.js';

export interface ExitPlan {
  readonly message: string;
  readonly exit: number;
  readonly suggestions: readonly string[];
}

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_AUTH = 3;
export const EXIT_UNREACHABLE = 4;

function forConfigError(error: ZliConfigError, configPath: string): ExitPlan {
  switch (error.code) {
    case 'PROFILE_NOT_FOUND':
      return {
        message: error.message,
        exit: EXIT_FAILURE,
        suggestions: ['list the profiles with `zli config list`, add one with `zli config add <name> <url>`'],
      };
    case 'KEY_NOT_ALLOWED':
    case 'NAME_IMMUTABLE':
      return {
        message: error.message,
        exit: EXIT_USAGE,
        // said once: `config get/set` messages already list the allowed keys
        suggestions: error.message.includes('(allowed:')
          ? []
          : ['the keys of a profile are: url, showspinner, verify-tls'],
      };
    case 'KEY_NOT_RESETTABLE':
      return {
        message: error.message,
        exit: EXIT_USAGE,
        suggestions: ['change the URL with `zli config set <name> url <url>`'],
      };
    case 'NAME_RESERVED':
    case 'NAME_DUPLICATE':
    case 'URL_INVALID':
    case 'VALUE_INVALID':
      return { message: error.message, exit: EXIT_USAGE, suggestions: [] };
    default:
      return { message: error.message, exit: EXIT_FAILURE, suggestions: [`fix or remove ${configPath}`] };
  }
}

function forClientError(error: RegistryClientError, hasCredentials: boolean): ExitPlan {
  const message = describeRegistryFailure(error);
  switch (registryFailureOf(error)) {
    case 'UNAUTHORIZED':
      return {
        message,
        exit: EXIT_AUTH,
        suggestions: [
          hasCredentials
            ? 'the given credentials are invalid; check --user (an API key may have expired or been revoked)'
            : `the registry requires credentials: add --user ${USER_FLAG_VALUE} (an API key goes in place of the password)`,
        ],
      };
    case 'DENIED':
      return {
        message,
        exit: EXIT_AUTH,
        suggestions: ['the user lacks permission on this repository'],
      };
    case 'UNREACHABLE':
      return {
        message,
        exit: EXIT_UNREACHABLE,
        suggestions: [
          'check the URL (--url or `zli config get <name> url`) and that the registry is running',
        ],
      };
    case 'TLS':
      return {
        message,
        exit: EXIT_UNREACHABLE,
        suggestions: [
          'for a self-signed registry: `zli config set <name> verify-tls false`, or use http:// for a plain-HTTP registry',
        ],
      };
    case 'NOT_FOUND':
      return {
        message,
        exit: EXIT_FAILURE,
        suggestions: ['check the repository and tag with `zli repo list` and `zli image list`'],
      };
    default:
      return { message, exit: EXIT_FAILURE, suggestions: [] };
  }
}

export function planExit(error: unknown, context: { configPath: string; hasCredentials: boolean }): ExitPlan {
  if (error instanceof ZliConfigError) return forConfigError(error, context.configPath);
  if (isRegistryClientError(error)) return forClientError(error, context.hasCredentials);
  const message = error instanceof Error ? error.message : String(error);
  return { message, exit: EXIT_FAILURE, suggestions: ['run again with --debug for details'] };
}

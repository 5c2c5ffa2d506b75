// `zli status`: is the registry there, which version, which ways to log in. Mirrors zot v2.1.17's
// server_info_cmd.go: /v2/ decides online/offline, /v2/_zot/ext/mgmt adds build and auth details.

import { RegistryClientError } from '../client/errors.js';
import type { RegistryClient } from '../client/registry-client.js';

export interface ServerStatus {
  status: 'online' | 'offline' | 'unknown';
  error?: string;
  distSpecVersion?: string;
  releaseTag?: string;
  commit?: string;
  binaryType?: string;
  authMethods?: string[];
}

function credentialsHint(hasCredentials: boolean): string {
  return hasCredentials
    ? 'given credentials are invalid'
    : "endpoint requires valid user credentials (add the flag '--user [user]:[password]')";
}

/** zot's mgmt answer lists configured auth under http.auth: htpasswd, ldap, bearer, openid, apikey. */
function authMethodsOf(mgmt: Record<string, unknown>): string[] {
  const auth = (mgmt.http as { auth?: Record<string, unknown> } | undefined)?.auth;
  if (auth === undefined || auth === null) return [];
  return Object.entries(auth)
    .filter(([, value]) => value !== false && value !== null && value !== undefined)
    .map(([method]) => method)
    .sort();
}

export async function getServerStatus(
  client: RegistryClient,
  hasCredentials: boolean,
): Promise<ServerStatus> {
  try {
    const ping = await client.ping();
    if (ping.status === 401)
      return { status: 'unknown', error: `unauthorised access, ${credentialsHint(hasCredentials)}` };
  } catch (error) {
    if (error instanceof RegistryClientError && (error.code === 'UNREACHABLE' || error.code === 'TLS')) {
      return { status: 'offline', error: error.message };
    }
    if (error instanceof RegistryClientError) {
      return {
        status: 'offline',
        error: `registry at the given address doesn't implement the correct API: request at ${client.url}/v2/ failed`,
      };
    }
    throw error;
  }
  try {
    const mgmt = await client.mgmt();
    const pick = (key: string): Record<string, string> =>
      typeof mgmt[key] === 'string' ? { [key]: mgmt[key] as string } : {};
    return {
      status: 'online',
      ...pick('distSpecVersion'),
      ...pick('releaseTag'),
      ...pick('commit'),
      ...pick('binaryType'),
      authMethods: authMethodsOf(mgmt),
    };
  } catch (error) {
    if (!(error instanceof RegistryClientError)) throw error;
    if (error.code === 'NOT_FOUND')
      return { status: 'online', error: '/v2/_zot/ext/mgmt endpoint is not available' };
    if (error.code === 'UNAUTHORIZED')
      return { status: 'online', error: `unauthorised access, ${credentialsHint(hasCredentials)}` };
    return { status: 'online', error: error.message };
  }
}

export function formatServerStatus(status: ServerStatus): string {
  if (status.error !== undefined) return `Server Status: ${status.status}\nError: ${status.error}\n`;
  const builtWith = (status.binaryType ?? '')
    .split('-')
    .filter((flag) => flag !== '')
    .join(', ');
  return [
    `Server Status: ${status.status}`,
    `Server Version: ${status.releaseTag ?? 'unknown'}`,
    `Dist Spec Version: ${status.distSpecVersion ?? 'unknown'}`,
    `Built with: ${builtWith}`,
    `Authentication: ${(status.authMethods ?? []).length > 0 ? (status.authMethods ?? []).join(', ') : 'none'}`,
  ]
    .join('\n')
    .concat('\n');
}

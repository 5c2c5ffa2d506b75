// `zli status`: is the registry there, which version, which ways to log in. Mirrors zot v2.1.17's
// server_info_cmd.go: /v2/ decides online/offline, /v2/_zot/ext/mgmt adds build and auth details.

import { isRegistryClientError } from '@zot-ts/oci-client';
import { USER_FLAG_VALUE } from '../registry/credentials.js';
import { describeRegistryFailure, registryFailureOf } from '../registry/failure.js';
import type { ZotRegistry } from '../registry/zot-registry.js';

export interface ServerStatus {
  status: 'online' | 'offline' | 'unknown';
  error?: string;
  distSpecVersion?: string;
  releaseTag?: string;
  commit?: string;
  binaryType?: string;
  /** Keys of the mgmt answer's `http.auth`: htpasswd (which zot also reports for LDAP), bearer, openid, apikey. */
  authMethods?: string[];
  /** Names of the OpenID providers a user can log in with (`http.auth.openid.providers`). */
  openidProviders?: string[];
}

function credentialsHint(hasCredentials: boolean): string {
  return hasCredentials
    ? 'given credentials are invalid'
    : `endpoint requires valid user credentials (add the flag '--user ${USER_FLAG_VALUE}')`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The mgmt answer (zot's StrippedConfig, extension_mgmt.go) as status fields:
 * `{"distSpecVersion","commit","releaseTag","binaryType","http":{"auth":{"htpasswd":{},"apikey":true,...}}}`.
 * An absent method is left out of `http.auth` (or is false); empty strings (no commit recorded) are dropped.
 */
export function statusFromMgmt(mgmt: Record<string, unknown>): Omit<ServerStatus, 'status' | 'error'> {
  const pick = (key: 'distSpecVersion' | 'releaseTag' | 'commit' | 'binaryType') =>
    typeof mgmt[key] === 'string' && mgmt[key] !== '' ? { [key]: mgmt[key] as string } : {};
  const auth = isRecord(mgmt.http) && isRecord(mgmt.http.auth) ? mgmt.http.auth : {};
  const authMethods = Object.entries(auth)
    .filter(([, value]) => value !== false && value !== null && value !== undefined)
    .map(([method]) => method)
    .sort();
  const providers = isRecord(auth.openid) && isRecord(auth.openid.providers) ? auth.openid.providers : {};
  const openidProviders = Object.keys(providers).sort();
  return {
    ...pick('distSpecVersion'),
    ...pick('releaseTag'),
    ...pick('commit'),
    ...pick('binaryType'),
    authMethods,
    ...(openidProviders.length === 0 ? {} : { openidProviders }),
  };
}

/** mgmt details, or why they are missing; zot serves mgmt without credentials, so this works before login. */
async function mgmtDetails(
  client: ZotRegistry,
  hasCredentials: boolean,
): Promise<Omit<ServerStatus, 'status'>> {
  try {
    return statusFromMgmt(await client.mgmt());
  } catch (error) {
    if (!isRegistryClientError(error)) throw error;
    const failure = registryFailureOf(error);
    if (failure === 'NOT_FOUND') return { error: '/v2/_zot/ext/mgmt endpoint is not available' };
    if (failure === 'UNAUTHORIZED')
      return { error: `unauthorised access, ${credentialsHint(hasCredentials)}` };
    return { error: describeRegistryFailure(error) };
  }
}

export async function getServerStatus(client: ZotRegistry, hasCredentials: boolean): Promise<ServerStatus> {
  try {
    const ping = await client.ping();
    if (ping.status === 401) {
      // like zot: the registry is there but will not say more to these credentials; the open mgmt
      // answer still tells which login methods it takes
      const details = await mgmtDetails(client, hasCredentials);
      return {
        status: 'unknown',
        ...details,
        error: `unauthorised access, ${credentialsHint(hasCredentials)}`,
      };
    }
  } catch (error) {
    const failure = registryFailureOf(error);
    if (isRegistryClientError(error) && (failure === 'UNREACHABLE' || failure === 'TLS')) {
      return { status: 'offline', error: describeRegistryFailure(error) };
    }
    if (isRegistryClientError(error)) {
      return {
        status: 'offline',
        error: `registry at the given address doesn't implement the correct API: request at ${client.url}/v2/ failed`,
      };
    }
    throw error;
  }
  return { status: 'online', ...(await mgmtDetails(client, hasCredentials)) };
}

function authenticationText(status: ServerStatus): string {
  const methods = (status.authMethods ?? []).map((method) =>
    method === 'openid' && status.openidProviders !== undefined
      ? `openid (${status.openidProviders.join(', ')})`
      : method,
  );
  return methods.length > 0 ? methods.join(', ') : 'none';
}

/** zot's lines (Server Status, Error, Server Version, Dist Spec Version, Built with) plus Authentication; the commit is in json/yaml. */
export function formatServerStatus(status: ServerStatus): string {
  const lines = [`Server Status: ${status.status}`];
  if (status.error !== undefined) lines.push(`Error: ${status.error}`);
  if (status.releaseTag !== undefined) lines.push(`Server Version: ${status.releaseTag}`);
  if (status.distSpecVersion !== undefined) lines.push(`Dist Spec Version: ${status.distSpecVersion}`);
  const builtWith = (status.binaryType ?? '').split('-').filter((flag) => flag !== '');
  if (builtWith.length > 0) lines.push(`Built with: ${builtWith.join(', ')}`);
  if (status.authMethods !== undefined) lines.push(`Authentication: ${authenticationText(status)}`);
  return `${lines.join('\n')}\n`;
}

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientCertificateInfo, RequestInfo } from '../src/index.js';

export function requestInfo(
  headers: Record<string, string> | Array<[string, string]> = {},
  extra: { tls?: boolean; clientCertificate?: ClientCertificateInfo; path?: string } = {},
): RequestInfo {
  const tls: RequestInfo['tls'] = { enabled: extra.tls ?? false };
  if (extra.clientCertificate) tls.clientCertificate = extra.clientCertificate;
  return {
    method: 'GET',
    path: extra.path ?? '/v2/',
    headers: new Headers(headers),
    clientIp: '127.0.0.1',
    tls,
  };
}

export const basicHeader = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** Writes a real htpasswd file with `htpasswd -B` (apache2-utils). */
export function htpasswdFile(path: string, users: Record<string, string>, cost = 5): void {
  let first = true;
  for (const [user, password] of Object.entries(users)) {
    execFileSync(
      'htpasswd',
      [...(first ? ['-c'] : []), '-B', '-C', String(cost), '-b', path, user, password],
      {
        stdio: 'ignore',
      },
    );
    first = false;
  }
}

export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'auth-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

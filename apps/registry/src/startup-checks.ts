// Files the config names, checked at start before anything else runs, so a missing one fails naming its
// config key and path ("http.tls.key: /etc/zot/key.pem: no such file") instead of a bare ENOENT from deep
// inside a feature. `zot verify` does not look at them (the file may be checked on another machine).
// Also: htpasswd entries in a hash zot does not accept (it takes bcrypt only) are reported by user name, so
// "alice cannot log in" has a cause in the log.
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { parseHtpasswd } from '@zot-ts/auth';
import type { ZotConfig } from '@zot-ts/config';

export class ConfiguredFileError extends Error {
  override readonly name = 'ConfiguredFileError';
  constructor(
    readonly key: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${key}: ${path}: ${reason}`);
  }
}

/** key -> path of every file the running server reads at start. */
export function configuredFiles(config: ZotConfig): Array<{ key: string; path: string }> {
  const files: Array<{ key: string; path: string | undefined }> = [];
  const { http } = config;
  files.push(
    { key: 'http.tls.cert', path: http.tls?.cert },
    { key: 'http.tls.key', path: http.tls?.key },
    { key: 'http.tls.cacert', path: http.tls?.cacert },
    { key: 'http.auth.htpasswd.path', path: http.auth?.htpasswd?.path },
    { key: 'http.auth.bearer.cert', path: http.auth?.bearer?.cert },
    { key: 'http.auth.sessionKeysFile', path: http.auth?.sessionKeysFile },
    { key: 'http.auth.ldap.credentialsFile', path: http.auth?.ldap?.credentialsFile },
    { key: 'http.auth.ldap.caCert', path: http.auth?.ldap?.caCert },
    { key: 'extensions.trust.trustedRoot', path: config.extensions?.trust?.trustedRoot },
  );
  for (const [name, provider] of Object.entries(http.auth?.openid?.providers ?? {})) {
    files.push({
      key: `http.auth.openid.providers[${JSON.stringify(name)}].credentialsFile`,
      path: provider.credentialsFile,
    });
  }
  return files.filter(
    (file): file is { key: string; path: string } => file.path !== undefined && file.path !== '',
  );
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return code ?? String(error);
}

/** Throws ConfiguredFileError for the first configured file that cannot be read. */
export async function checkConfiguredFiles(config: ZotConfig): Promise<void> {
  for (const { key, path } of configuredFiles(config)) {
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      throw new ConfiguredFileError(key, path, reasonOf(error));
    }
  }
}

/** What a non-bcrypt htpasswd hash is, for the warning. */
function hashKind(hash: string): string {
  if (hash.startsWith('$apr1$')) return 'apr1 (MD5)';
  if (hash.startsWith('{SHA}')) return 'SHA1';
  if (hash.startsWith('$1$')) return 'MD5-crypt';
  if (hash.startsWith('$5$') || hash.startsWith('$6$')) return 'SHA-crypt';
  return hash.length === 13 ? 'crypt' : 'plain text or unknown';
}

/** Users of the htpasswd file whose entry zot ignores (not bcrypt), with the kind of hash found. */
export async function htpasswdEntriesIgnored(path: string): Promise<Array<{ user: string; hash: string }>> {
  const content = await readFile(path, 'utf8');
  const accepted = parseHtpasswd(content);
  const ignored: Array<{ user: string; hash: string }> = [];
  for (const rawLine of content.split(/\r?\n/)) {
    const line = rawLine.trim();
    const colon = line.indexOf(':');
    if (line === '' || line.startsWith('#') || colon <= 0) continue;
    const user = line.slice(0, colon);
    if (!accepted.has(user)) ignored.push({ user, hash: hashKind(line.slice(colon + 1).trim()) });
  }
  return ignored;
}

// zot's LDAP credentials file (`http.auth.ldap.credentialsFile`): `{"bindDN": "...", "bindPassword": "..."}`.
// zot reads it with viper (readSecretFile): keys match case-insensitively, both must be present, and any other
// key refuses the file. JSON only here (zot's examples and docs use JSON; YAML would need the extension rule).
import { readFile } from 'node:fs/promises';

export interface LdapCredentials {
  bindDN: string;
  bindPassword: string;
}

export class LdapCredentialsError extends Error {
  override readonly name = 'LdapCredentialsError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Reads and checks the file; the error never quotes the file's values (it holds a password). */
export async function readLdapCredentials(path: string): Promise<LdapCredentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LdapCredentialsError(
      path,
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? error),
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LdapCredentialsError(
      path,
      'not valid JSON (expected {"bindDN": "...", "bindPassword": "..."})',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new LdapCredentialsError(path, 'must hold a JSON object {"bindDN": "...", "bindPassword": "..."}');
  const found: Partial<Record<'binddn' | 'bindpassword', string>> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    const canonical = key.toLowerCase();
    if (canonical !== 'binddn' && canonical !== 'bindpassword') {
      unknown.push(key);
      continue;
    }
    if (typeof value !== 'string') throw new LdapCredentialsError(path, `"${key}" must be a string`);
    found[canonical] = value;
  }
  if (unknown.length > 0) throw new LdapCredentialsError(path, `unknown keys: ${unknown.join(', ')}`);
  const missing = [
    ...(found.binddn === undefined ? ['bindDN'] : []),
    ...(found.bindpassword === undefined ? ['bindPassword'] : []),
  ];
  if (missing.length > 0) throw new LdapCredentialsError(path, `missing keys: ${missing.join(', ')}`);
  return { bindDN: found.binddn as string, bindPassword: found.bindpassword as string };
}

// `zot verify <config>`: judges the file itself, and refuses settings we do not provide yet (not-built.ts). Files it names (htpasswd, TLS certificates, credentials)
// need not exist here; `serve` checks those. One exception, as in zot (LoadConfiguration reads it): the LDAP
// credentials file must be readable and hold exactly {bindDN, bindPassword}. Exit 0 when valid, 1 with every problem, 2 on usage errors.
import { LdapCredentialsError, readLdapCredentials } from '@zot-ts/auth';
import { compilePolicies, PolicyCompileError } from '@zot-ts/authz-cel';
import { ConfigError, loadConfig, refuseNotBuiltSettings } from '@zot-ts/config';

const usage = 'usage: zot verify <config.json|config.yaml>\n';

export async function runVerify(args: string[]): Promise<number> {
  const [path, ...extra] = args;
  if (path === undefined || path === '--help' || path === '-h' || extra.length > 0) {
    process.stderr.write(usage);
    return path === '--help' || path === '-h' ? 0 : 2;
  }
  let notBuilt: ReturnType<typeof refuseNotBuiltSettings>;
  try {
    const config = await loadConfig(path, {
      onWarning: (warning) => process.stderr.write(`warning: ${warning.path}: ${warning.message}\n`),
    });
    // settings zot accepts that we do not provide yet: storage ones are refused, the rest warned about
    notBuilt = refuseNotBuiltSettings(config, path);
    // CEL conditions are compiled here as the server compiles them at start: a broken expression is reported
    // with its exact path (http.accessControl.repositories["prod/**"].policies[0].conditions[1].expression)
    if (config.http.accessControl !== undefined) compilePolicies(config.http.accessControl);
    const ldapCredentials = config.http.auth?.ldap?.credentialsFile;
    if (ldapCredentials !== undefined && ldapCredentials !== '') await readLdapCredentials(ldapCredentials);
  } catch (error) {
    if (error instanceof LdapCredentialsError) {
      process.stderr.write(`http.auth.ldap.credentialsFile: ${error.message}\n`);
      return 1;
    }
    if (!(error instanceof ConfigError) && !(error instanceof PolicyCompileError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  for (const finding of notBuilt) process.stderr.write(`warning: ${finding.path}: ${finding.message}\n`);
  process.stdout.write('config is valid\n');
  return 0;
}

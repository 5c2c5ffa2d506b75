// `zot verify <config>`: judges the file itself. Files it names (htpasswd, TLS certificates, credentials)
// need not exist here; `serve` checks those. Exit 0 when valid, 1 with every problem, 2 on usage errors.
import { compilePolicies, PolicyCompileError } from '@zot-ts/authz-cel';
import { ConfigError, loadConfig } from '@zot-ts/config';

const usage = 'usage: zot verify <config.json|config.yaml>\n';

export async function runVerify(args: string[]): Promise<number> {
  const [path, ...extra] = args;
  if (path === undefined || path === '--help' || path === '-h' || extra.length > 0) {
    process.stderr.write(usage);
    return path === '--help' || path === '-h' ? 0 : 2;
  }
  try {
    const config = await loadConfig(path, {
      onWarning: (warning) => process.stderr.write(`warning: ${warning.path}: ${warning.message}\n`),
    });
    // CEL conditions are compiled here as the server compiles them at start: a broken expression is reported
    // with its exact path (http.accessControl.repositories["prod/**"].policies[0].conditions[1].expression)
    if (config.http.accessControl !== undefined) compilePolicies(config.http.accessControl);
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof PolicyCompileError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  process.stdout.write('config is valid\n');
  return 0;
}

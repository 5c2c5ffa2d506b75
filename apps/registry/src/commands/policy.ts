// `zot policy explain`: a dry run of the access policies of a config file for one imagined request.
// Prints which rule decided and why, with every condition's value. Exit status: 0 allowed, 1 denied,
// 2 usage or config error. The decision and the report come from @zot-ts/authz-cel; this file only
// turns flags into a request.

import { parseArgs } from 'node:util';
import {
  type AccessRequest,
  compilePolicies,
  formatExplanation,
  type PolicyAction,
  PolicyCompileError,
} from '@zot-ts/authz-cel';
import { ConfigError, loadConfig } from '@zot-ts/config';

const USAGE = `usage: zot policy explain --config <file> --action <action> --repo <name> (--user <name> | --anonymous)
                         [--groups g1,g2] [--tag <tag> | --digest <digest>] [--time <RFC 3339>]
                         [--method <HTTP method>] [--client-ip <ip>] [--tls [--tls-version TLSv1.3]]
                         [--user-agent <ua>] [--claims '<JSON object>']
actions: read, create, update, delete, detectManifestCollision
exit status: 0 allowed, 1 denied, 2 usage or config error`;

const ACTIONS: readonly PolicyAction[] = ['read', 'create', 'update', 'delete', 'detectManifestCollision'];
const DEFAULT_METHOD: Record<PolicyAction, string> = {
  read: 'GET',
  create: 'PUT',
  update: 'PUT',
  delete: 'DELETE',
  detectManifestCollision: 'PUT',
};

class UsageError extends Error {}

function buildRequest(args: string[]): { configPath: string; request: AccessRequest } {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      config: { type: 'string' },
      user: { type: 'string' },
      groups: { type: 'string' },
      action: { type: 'string' },
      repo: { type: 'string' },
      tag: { type: 'string' },
      digest: { type: 'string' },
      anonymous: { type: 'boolean' },
      time: { type: 'string' },
      method: { type: 'string' },
      'client-ip': { type: 'string' },
      tls: { type: 'boolean' },
      'tls-version': { type: 'string' },
      'user-agent': { type: 'string' },
      claims: { type: 'string' },
    },
  });
  if (values.config === undefined) throw new UsageError('--config is required');
  if (values.repo === undefined || values.repo === '') throw new UsageError('--repo is required');
  const action = values.action as PolicyAction | undefined;
  if (action === undefined || !ACTIONS.includes(action))
    throw new UsageError(`--action must be one of ${ACTIONS.join(', ')}`);
  if ((values.user === undefined) === (values.anonymous !== true))
    throw new UsageError('give either --user or --anonymous');
  if (values.tag !== undefined && values.digest !== undefined)
    throw new UsageError('give --tag or --digest, not both');
  const time = values.time === undefined ? new Date() : new Date(values.time);
  if (Number.isNaN(time.getTime())) throw new UsageError(`--time is not a date: ${values.time}`);
  let claims: Record<string, unknown> | undefined;
  if (values.claims !== undefined) {
    try {
      claims = JSON.parse(values.claims) as Record<string, unknown>;
    } catch {
      throw new UsageError('--claims must be a JSON object');
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
      throw new UsageError('--claims must be a JSON object');
  }
  const groups = (values.groups ?? '')
    .split(',')
    .map((group) => group.trim())
    .filter((group) => group !== '');
  const identity =
    values.user === undefined
      ? undefined
      : claims === undefined
        ? { username: values.user, groups }
        : { username: values.user, groups, claims };
  const reference = values.digest ?? values.tag ?? '';
  const referenceType = values.digest !== undefined ? 'digest' : values.tag !== undefined ? 'tag' : '';
  return {
    configPath: values.config,
    request: {
      action,
      repository: values.repo,
      identity,
      reference,
      referenceType,
      method: values.method ?? DEFAULT_METHOD[action],
      userAgent: values['user-agent'] ?? 'zot-policy-explain',
      clientIp: values['client-ip'] ?? '127.0.0.1',
      forwardedFor: [],
      tls: {
        enabled: values.tls === true,
        version: values.tls === true ? (values['tls-version'] ?? 'TLSv1.3') : '',
      },
      time,
    },
  };
}

export async function runPolicy(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === '--help' || subcommand === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (subcommand !== 'explain') {
    process.stderr.write(
      `zot policy: unknown subcommand ${subcommand === undefined ? '(none)' : `"${subcommand}"`}\n${USAGE}\n`,
    );
    return 2;
  }
  let parsed: ReturnType<typeof buildRequest>;
  try {
    parsed = buildRequest(rest);
  } catch (error) {
    process.stderr.write(`zot policy explain: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const config = await loadConfig(parsed.configPath);
    const accessControl = config.http.accessControl;
    if (accessControl === undefined) {
      process.stdout.write('ALLOWED: the config has no http.accessControl, so no access policy applies\n');
      return 0;
    }
    const authorizer = compilePolicies(accessControl);
    const explanation = authorizer.explain(parsed.request);
    process.stdout.write(formatExplanation(explanation, parsed.request));
    return explanation.decision.allowed ? 0 : 1;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PolicyCompileError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

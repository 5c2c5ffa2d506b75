// zot's `claimMapping` for workload tokens, in CEL: `variables` (evaluated in order, each visible to
// the later ones as `vars.<name>`), `validations` (all must be true, else the token is refused with
// the validation's message), then `username` (default `claims.iss + "/" + claims.sub`) and `groups`.
// Every expression is parsed and type-checked once, at start-up.
import { Environment } from '@marcbachmann/cel-js';
import { OidcConfigError } from '../errors.js';

export interface CelClaimMappingConfig {
  variables?: Array<{ name: string; expression: string }>;
  validations?: Array<{ expression: string; message: string }>;
  /** CEL returning a string. */
  username?: string;
  /** CEL returning a list of strings (or one string). */
  groups?: string;
}

export type ClaimMappingResult =
  | { ok: true; username: string; groups: string[] }
  | { ok: false; reason: string };

export interface CompiledClaimMapping {
  apply(claims: Record<string, unknown>): ClaimMappingResult;
}

type Program = (context: Record<string, unknown>) => unknown;

export const defaultUsernameExpression = 'claims.iss + "/" + claims.sub';

// One environment for every mapping: `claims` and `vars` are the only names an expression may use.
// Claim values are `dyn`, so `[vars.team, "ci"]` mixes dyn and string: cel-go accepts that, and so
// must we (cel-js insists on homogeneous literals by default).
const environment = new Environment({ homogeneousAggregateLiterals: false })
  .registerVariable('claims', 'map')
  .registerVariable('vars', 'map');

function compile(source: string, path: string, allowedTypes: RegExp): Program {
  let program: ReturnType<typeof environment.parse>;
  try {
    program = environment.parse(source);
  } catch (cause) {
    throw new OidcConfigError('INVALID_CEL', path, `does not parse: ${firstLine(cause)}`, { cause });
  }
  const checked = program.check();
  if (!checked.valid) {
    throw new OidcConfigError('INVALID_CEL', path, `does not type-check: ${firstLine(checked.error)}`, {
      cause: checked.error,
    });
  }
  if (!allowedTypes.test(checked.type ?? 'dyn')) {
    throw new OidcConfigError('INVALID_CEL', path, `returns ${checked.type}, which does not fit here`);
  }
  return program as Program;
}

export function compileClaimMapping(
  config: CelClaimMappingConfig | undefined,
  path: string,
): CompiledClaimMapping {
  const seen = new Set<string>();
  const variables = (config?.variables ?? []).map((variable, index) => {
    const variablePath = `${path}.variables[${index}]`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable.name ?? '') || seen.has(variable.name)) {
      throw new OidcConfigError(
        'INVALID_CLAIM_MAPPING',
        `${variablePath}.name`,
        'must be a unique identifier',
      );
    }
    seen.add(variable.name);
    return { name: variable.name, program: compile(variable.expression, `${variablePath}.expression`, /./) };
  });
  const validations = (config?.validations ?? []).map((validation, index) => {
    const validationPath = `${path}.validations[${index}]`;
    if (typeof validation.message !== 'string' || validation.message.trim() === '') {
      throw new OidcConfigError(
        'INVALID_CLAIM_MAPPING',
        `${validationPath}.message`,
        'a validation needs a message',
      );
    }
    const program = compile(validation.expression, `${validationPath}.expression`, /^(bool|dyn)$/);
    return { message: validation.message, program };
  });
  const username = compile(
    config?.username || defaultUsernameExpression,
    `${path}.username`,
    /^(string|dyn)$/,
  );
  const groups =
    config?.groups === undefined || config.groups === ''
      ? undefined
      : compile(config.groups, `${path}.groups`, /^(list(<(string|dyn)>)?|string|dyn)$/);

  return {
    apply(claims) {
      const vars: Record<string, unknown> = {};
      const context = { claims, vars };
      try {
        for (const variable of variables) vars[variable.name] = variable.program(context);
        for (const validation of validations) {
          if (validation.program(context) !== true) return { ok: false, reason: validation.message };
        }
        const mappedUsername = username(context);
        if (typeof mappedUsername !== 'string' || mappedUsername === '') {
          return { ok: false, reason: 'the username expression gave no username' };
        }
        const mappedGroups = groups === undefined ? [] : toGroups(groups(context));
        if (mappedGroups === undefined)
          return { ok: false, reason: 'the groups expression gave no list of strings' };
        return { ok: true, username: mappedUsername, groups: [...new Set(mappedGroups)].sort() };
      } catch (error) {
        // A missing claim (`No such key`) lands here: the token does not carry what the mapping needs.
        return { ok: false, reason: `claim mapping failed: ${firstLine(error)}` };
      }
    },
  };
}

function toGroups(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
  return value.filter((item) => item !== '');
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

// The compiled schema validator: ajv in strict mode, filling defaults, reporting every error.
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { issuesFromAjv } from './ajv-issues.js';
import type { ConfigIssue } from './errors.js';
import { configSchema } from './schema/root.js';

let compiled: ValidateFunction | undefined;

/** Compiles the schema the way tests and `zot schema` users should: strict, with union types for `port`. */
export function compileConfigSchema(options: { useDefaults: boolean }): ValidateFunction {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    verbose: true,
    allowUnionTypes: true,
    useDefaults: options.useDefaults,
  });
  return ajv.compile(configSchema);
}

/** Validates in place (defaults are written into `value`) and returns every problem found. */
export function validateAgainstSchema(value: unknown): ConfigIssue[] {
  compiled ??= compileConfigSchema({ useDefaults: true });
  return compiled(value) ? [] : issuesFromAjv(compiled.errors ?? []);
}

// Turns ajv's errors into ConfigIssues: a path in config notation and one plain sentence each.
import type { ErrorObject } from 'ajv';
import { DURATION_PATTERN } from './duration.js';
import type { ConfigIssue } from './errors.js';
import { formatPath } from './schema-walk.js';

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Shows a value the way the user wrote it: strings quoted, objects as "an object". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

const typeNames: Record<string, string> = {
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  object: 'an object',
  array: 'a list',
};

function typeMessage(error: ErrorObject, segments: string[]): string {
  const expected = ([] as string[]).concat(error.params.type as string | string[]);
  const parent = segments.at(-2);
  if ((parent === 'defaultPolicy' || parent === 'anonymousPolicy') && typeof error.data === 'object') {
    return `${parent} is a plain list of actions; conditions are allowed only in policies[] entries and adminPolicy`;
  }
  const wanted = expected.map((name) => typeNames[name] ?? name).join(' or ');
  return `expected ${wanted}, got ${describeValue(error.data)}`;
}

function rangeMessage(error: ErrorObject): string {
  const schema = (error.parentSchema ?? {}) as { minimum?: number; maximum?: number };
  if (schema.minimum !== undefined && schema.maximum !== undefined) {
    return `${describeValue(error.data)} is out of range ${schema.minimum}..${schema.maximum}`;
  }
  return error.keyword === 'minimum'
    ? `${describeValue(error.data)} is below the minimum ${schema.minimum}`
    : `${describeValue(error.data)} is above the maximum ${schema.maximum}`;
}

function messageFor(error: ErrorObject, segments: string[]): { segments: string[]; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema?.properties ?? {}) as object);
      return {
        segments: [...segments, String(params.additionalProperty)],
        message: `unknown key (known keys here: ${known.join(', ')})`,
      };
    }
    case 'required':
      return { segments: [...segments, String(params.missingProperty)], message: 'is required' };
    case 'type':
      return { segments, message: typeMessage(error, segments) };
    case 'enum':
      return {
        segments,
        message: `${describeValue(error.data)} is not one of ${(params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'pattern':
      if (params.pattern === DURATION_PATTERN) {
        return {
          segments,
          message: `${describeValue(error.data)} is not a Go duration (for example "90s", "1h30m", "168h")`,
        };
      }
      return { segments, message: `${describeValue(error.data)} does not match ${String(params.pattern)}` };
    case 'minimum':
    case 'maximum':
      return { segments, message: rangeMessage(error) };
    case 'minLength':
      return params.limit === 1
        ? { segments, message: 'must not be empty' }
        : { segments, message: `must be at least ${String(params.limit)} characters long` };
    case 'maxLength':
      return { segments, message: `must be at most ${String(params.limit)} characters long` };
    case 'minItems':
      return {
        segments,
        message: `needs at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`,
      };
    default:
      return { segments, message: error.message ?? `fails ${error.keyword}` };
  }
}

export function issuesFromAjv(errors: ReadonlyArray<ErrorObject>): ConfigIssue[] {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  // a value of the wrong type also fails its enum; the type sentence alone says what is wrong
  const wrongType = new Set(
    errors.filter((error) => error.keyword === 'type').map((error) => error.instancePath),
  );
  for (const error of errors) {
    if (error.keyword === 'enum' && wrongType.has(error.instancePath)) continue;
    const { segments, message } = messageFor(error, pointerSegments(error.instancePath));
    const issue = { path: formatPath(segments), message };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

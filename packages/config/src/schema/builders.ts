// Small constructors for JSON Schema nodes, so the schema files read like the config they describe.
// Every node carries a `description`: docs/configuration.md and `zot schema` users read them.
import { DURATION_PATTERN } from '../duration.js';

export type SchemaNode = { [keyword: string]: unknown };

interface Extra {
  default?: unknown;
  [keyword: string]: unknown;
}

/** A closed object: unknown keys are an error, as zot's UnmarshalExact makes them. */
export function object(
  description: string,
  properties: Record<string, SchemaNode>,
  extra: Extra & { required?: string[] } = {},
): SchemaNode {
  return { type: 'object', description, properties, additionalProperties: false, ...extra };
}

/** An open map whose keys are data (repository globs, group names, provider names): never renamed. */
export function mapOf(description: string, values: SchemaNode, extra: Extra = {}): SchemaNode {
  return { type: 'object', description, additionalProperties: values, ...extra };
}

/** A free-form parameter block handed to a driver as it is (storageDriver, cacheDriver, ...). */
export function driverBlock(description: string, names: string[]): SchemaNode {
  return {
    type: 'object',
    description,
    properties: { name: { type: 'string', description: 'driver name', enum: names } },
    required: ['name'],
  };
}

export function arrayOf(description: string, items: SchemaNode, extra: Extra = {}): SchemaNode {
  return { type: 'array', description, items, ...extra };
}

export function str(description: string, extra: Extra = {}): SchemaNode {
  return { type: 'string', description, ...extra };
}

/** A string that must not be empty (CEL expressions, required names). */
export function nonEmpty(description: string, extra: Extra = {}): SchemaNode {
  return { type: 'string', description, minLength: 1, ...extra };
}

export function strings(description: string, extra: Extra = {}): SchemaNode {
  return arrayOf(description, { type: 'string' }, extra);
}

export function bool(description: string, defaultValue?: boolean): SchemaNode {
  return defaultValue === undefined
    ? { type: 'boolean', description }
    : { type: 'boolean', description, default: defaultValue };
}

export function int(description: string, extra: Extra = {}): SchemaNode {
  return { type: 'integer', description, ...extra };
}

/** A Go duration string ("90s", "1h30m"); see duration.ts. */
export function duration(description: string, defaultValue?: string): SchemaNode {
  const node: SchemaNode = { type: 'string', description, pattern: DURATION_PATTERN };
  if (defaultValue !== undefined) node.default = defaultValue;
  return node;
}

export function ref(name: string, description?: string): SchemaNode {
  return description === undefined ? { $ref: `#/$defs/${name}` } : { $ref: `#/$defs/${name}`, description };
}

// Walks the config schema alongside a config value, so that key normalisation and error paths know
// which keys are fixed names (canonical spelling, dot notation) and which are data (map keys: kept
// exactly as written, shown in brackets).
import type { SchemaNode } from './schema/builders.js';
import { configSchema } from './schema/root.js';

const definitions = configSchema.$defs as Record<string, SchemaNode>;

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `$ref` ("#/$defs/name") to its definition. */
export function resolve(node: SchemaNode): SchemaNode {
  const target = node.$ref;
  if (typeof target === 'string' && target.startsWith('#/$defs/')) {
    const resolved = definitions[target.slice('#/$defs/'.length)];
    if (resolved !== undefined) return resolve(resolved);
  }
  return node;
}

export function propertiesOf(node: SchemaNode): Record<string, SchemaNode> {
  const properties = resolve(node).properties;
  return isNode(properties) ? (properties as Record<string, SchemaNode>) : {};
}

/** An open map: every key is data (repository globs, group names, provider names). */
export function isMap(node: SchemaNode): boolean {
  const resolved = resolve(node);
  return isNode(resolved.additionalProperties) && !isNode(resolved.properties);
}

/** A driver block: a `name` plus free parameters, which zot (through viper) sees lower-cased. */
export function isDriverBlock(node: SchemaNode): boolean {
  const resolved = resolve(node);
  return (
    resolved.type === 'object' && isNode(resolved.properties) && resolved.additionalProperties === undefined
  );
}

export type ChildKind = 'property' | 'mapKey' | 'index' | 'unknown';

/** The schema of a child value and what kind of segment leads to it. */
export function childOf(
  node: SchemaNode | undefined,
  segment: string,
): { node?: SchemaNode; kind: ChildKind } {
  if (node === undefined) return { kind: 'unknown' };
  const resolved = resolve(node);
  if (resolved.type === 'array' && isNode(resolved.items)) return { node: resolved.items, kind: 'index' };
  const property = propertiesOf(resolved)[segment];
  if (property !== undefined) return { node: property, kind: 'property' };
  if (isNode(resolved.additionalProperties)) return { node: resolved.additionalProperties, kind: 'mapKey' };
  return { kind: /^[0-9]+$/.test(segment) ? 'index' : 'unknown' };
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Renders a list of segments as `http.accessControl.repositories["prod/**"].policies[0].actions[2]`:
 * fixed keys with dots, map keys always in brackets (they are data), array indexes in brackets.
 */
export function formatPath(segments: ReadonlyArray<string>): string {
  let node: SchemaNode | undefined = configSchema;
  let text = '';
  for (const segment of segments) {
    const child = childOf(node, segment);
    if (child.kind === 'index') text += `[${segment}]`;
    else if (child.kind === 'mapKey' || !identifier.test(segment)) text += `[${JSON.stringify(segment)}]`;
    else text += text === '' ? segment : `.${segment}`;
    node = child.node;
  }
  return text === '' ? '(root)' : text;
}

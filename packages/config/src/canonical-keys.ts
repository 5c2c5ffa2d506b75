// zot reads its file through viper, which matches keys case-insensitively ("rootdirectory",
// "RootDirectory" and "rootDirectory" are one key). We rewrite every fixed key to the spelling the
// schema uses before validation, and never touch map keys: repository globs, group names and provider
// names are data. Driver parameters are lower-cased, which is how zot's drivers receive them.
import type { ConfigIssue } from './errors.js';
import type { SchemaNode } from './schema/builders.js';
import { configSchema } from './schema/root.js';
import { childOf, formatPath, isDriverBlock, isMap, propertiesOf, resolve } from './schema-walk.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function canonicalise(
  value: unknown,
  node: SchemaNode | undefined,
  path: string[],
  issues: ConfigIssue[],
): unknown {
  if (node === undefined) return value;
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      canonicalise(item, childOf(node, String(index)).node, [...path, String(index)], issues),
    );
  }
  if (!isPlainObject(value)) return value;

  const resolved = resolve(node);
  const byLowerCase = new Map(Object.keys(propertiesOf(resolved)).map((key) => [key.toLowerCase(), key]));
  const keepKeys = isMap(resolved);
  const lowerParameters = isDriverBlock(resolved);
  const result: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();

  for (const [key, child] of Object.entries(value)) {
    const canonical = keepKeys
      ? key
      : (byLowerCase.get(key.toLowerCase()) ?? (lowerParameters ? key.toLowerCase() : key));
    const earlier = writtenAs.get(canonical);
    if (earlier !== undefined) {
      issues.push({
        path: formatPath([...path, canonical]),
        message: `given twice, as "${earlier}" and "${key}" (keys match case-insensitively)`,
      });
      continue;
    }
    writtenAs.set(canonical, key);
    result[canonical] = canonicalise(child, childOf(resolved, canonical).node, [...path, canonical], issues);
  }
  return result;
}

/** Returns a copy of `raw` with every fixed key in its canonical spelling, and any duplicate keys found. */
export function canonicaliseKeys(raw: unknown): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const value = canonicalise(raw, configSchema, [], issues);
  return { value, issues };
}

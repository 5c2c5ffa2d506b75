// zot reads its file through viper, which matches keys case-insensitively ("rootdirectory",
// "RootDirectory" and "rootDirectory" are one key). We rewrite every fixed key to the spelling the
// schema uses before validation, and never touch map keys: repository globs, group names and provider
// names are data. Driver parameters are lower-cased, which is how zot's drivers receive them.
// viper also decodes weakly (mapstructure WeaklyTypedInput): a boolean written as a string ("true",
// "false", and the rest of Go's strconv.ParseBool spellings) is a boolean to zot, so it is one here too,
// with a warning that says so.
import type { ConfigIssue } from './errors.js';
import type { SchemaNode } from './schema/builders.js';
import { configSchema } from './schema/root.js';
import { childOf, formatPath, isDriverBlock, isMap, propertiesOf, resolve } from './schema-walk.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Go's strconv.ParseBool, which mapstructure's weak decoding uses for string -> bool
const GO_BOOLEANS = new Map<string, boolean>([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((text) => [text, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((text) => [text, false] as const),
]);

interface Findings {
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
}

function canonicalise(
  value: unknown,
  node: SchemaNode | undefined,
  path: string[],
  found: Findings,
): unknown {
  if (node === undefined) return value;
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      canonicalise(item, childOf(node, String(index)).node, [...path, String(index)], found),
    );
  }
  if (typeof value === 'string' && resolve(node).type === 'boolean') {
    const asBoolean = GO_BOOLEANS.get(value);
    if (asBoolean === undefined) return value;
    found.warnings.push({
      path: formatPath(path),
      message: `${JSON.stringify(value)} is a string; read as ${asBoolean} (as zot reads it), write ${asBoolean} without quotes`,
    });
    return asBoolean;
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
      found.issues.push({
        path: formatPath([...path, canonical]),
        message: `given twice, as "${earlier}" and "${key}" (keys match case-insensitively)`,
      });
      continue;
    }
    writtenAs.set(canonical, key);
    result[canonical] = canonicalise(child, childOf(resolved, canonical).node, [...path, canonical], found);
  }
  return result;
}

/**
 * Returns a copy of `raw` with every fixed key in its canonical spelling and string booleans made booleans,
 * with any duplicate keys found (issues) and every string boolean read (warnings).
 */
export function canonicaliseKeys(raw: unknown): {
  value: unknown;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
} {
  const found: Findings = { issues: [], warnings: [] };
  const value = canonicalise(raw, configSchema, [], found);
  return { value, ...found };
}

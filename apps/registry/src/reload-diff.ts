// Which settings differ between the running config and a newly loaded one, as config paths
// (`http.port`, `storage.subPaths["/a"].rootDirectory`), so a reload can say exactly what it applied and
// what needs a restart.

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of parsed config values (objects compared key by key, whatever their order). */
export function sameSetting(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameSetting(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!sameSetting(a[key], b[key])) return false;
    return true;
  }
  return false;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `http` + `port` -> `http.port`; keys that are not identifiers are quoted as the config errors quote them. */
export function childPath(parent: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * Paths whose values differ, sorted, as deep as both sides are objects; an array or a scalar that differs is reported
 * whole. Paths listed in `stopAt` are compared whole too (their inner changes are applied as one unit).
 */
export function changedSettings(
  before: Json,
  after: Json,
  stopAt: ReadonlySet<string> = new Set(),
  path = '',
): string[] {
  if (sameSetting(before, after)) return [];
  if (!isPlainObject(before) || !isPlainObject(after) || stopAt.has(path))
    return [path === '' ? '(root)' : path];
  const changed: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys)
    changed.push(...changedSettings(before[key], after[key], stopAt, childPath(path, key)));
  return changed.sort(); // stable log lines, whatever the key order of either file
}

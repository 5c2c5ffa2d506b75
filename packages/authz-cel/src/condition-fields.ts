// Which fields of `req` a condition reads, found by walking its syntax tree once at compile time.
// The catalog filter (`canRead`) evaluates a condition only when everything it reads is known without
// a concrete pull: the repository, the caller and the time. Anything else (method, reference, client,
// tls, ...) makes the condition "unknown" there, and the filter stays conservative.

import type { ASTNode } from '@marcbachmann/cel-js';
import { REQ_FIELD_OF_VIEW } from './request-view.js';

/** The fields read, or 'any' when `req` is used whole or indexed dynamically (`req[x]`, `f(req)`). */
export type FieldDependencies = ReadonlySet<string> | 'any';

function isNode(value: unknown): value is ASTNode {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

export function fieldsReadBy(root: ASTNode): FieldDependencies {
  const fields = new Set<string>();
  let whole = false;

  const visit = (value: unknown): void => {
    if (whole) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!isNode(value)) return;
    const { op, args } = value;
    if ((op === '.' || op === '.?') && isNode(args[0]) && args[0].op === 'id' && args[0].args === 'req') {
      fields.add(args[1]);
      return;
    }
    if ((op === '[]' || op === '[?]') && isNode(args[0]) && args[0].op === 'id' && args[0].args === 'req') {
      const key = args[1];
      if (isNode(key) && key.op === 'value' && typeof key.args === 'string') {
        fields.add(key.args);
        return;
      }
      whole = true;
      return;
    }
    // `request.<field>` (request-view.ts) reads the same facts as a `req` field
    if ((op === '.' || op === '.?') && isNode(args[0]) && args[0].op === 'id' && args[0].args === 'request') {
      const field = REQ_FIELD_OF_VIEW[args[1] as string];
      if (field === undefined) whole = true;
      else fields.add(field);
      return;
    }
    if (op === 'id') {
      if (args === 'req' || args === 'request') whole = true;
      return;
    }
    if (op === 'value') return;
    visit(args);
  };

  visit(root);
  return whole ? 'any' : fields;
}

/** True when every field the condition reads is one of `known`. */
export function dependsOnlyOn(dependencies: FieldDependencies, known: ReadonlySet<string>): boolean {
  if (dependencies === 'any') return false;
  for (const field of dependencies) if (!known.has(field)) return false;
  return true;
}

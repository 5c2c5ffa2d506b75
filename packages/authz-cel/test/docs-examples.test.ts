// Every CEL expression in docs/access-control.md must compile: documentation that fails at start-up
// is worse than none.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { compilePolicies } from '../src/index.js';

const docs = readFileSync(new URL('../../../docs/access-control.md', import.meta.url), 'utf8');

function expressionsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) expressionsIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if ((key === 'expression' || key === 'condition') && typeof inner === 'string') found.push(inner);
      else expressionsIn(inner, found);
    }
  }
  return found;
}

it('every expression in the worked examples compiles', () => {
  const blocks = [...docs.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  const expressions = blocks.flatMap((block) => {
    const text = block.trim();
    return expressionsIn(JSON.parse(text.startsWith('{') ? text : `{${text}}`));
  });
  expect(expressions.length).toBeGreaterThanOrEqual(6);
  expect(() =>
    compilePolicies({ adminPolicy: { conditions: expressions.map((expression) => ({ expression })) } }),
  ).not.toThrow();
});

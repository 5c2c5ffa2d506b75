// Prints the key reference of docs/configuration.md from the schema, so the docs list every key with
// the type, default and meaning the schema holds: `node --import tsx packages/config/scripts/reference-table.ts`.

import { NOT_BUILT_SETTINGS } from '../src/not-built.js';
import type { SchemaNode } from '../src/schema/builders.js';
import { configSchema } from '../src/schema/root.js';
import { propertiesOf, resolve } from '../src/schema-walk.js';

function typeOf(node: SchemaNode): string {
  const resolved = resolve(node);
  if (Array.isArray(resolved.enum)) return resolved.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (
    resolved.pattern !== undefined &&
    resolved.type === 'string' &&
    String(resolved.pattern).includes('ns|us')
  )
    return 'duration';
  if (resolved.type === 'array') {
    const items = resolve(resolved.items as SchemaNode);
    return items.type === 'object' ? 'list of objects' : `list of ${typeOf(items)}`;
  }
  if (
    resolved.type === 'object' &&
    resolved.additionalProperties !== undefined &&
    resolved.properties === undefined
  )
    return 'map';
  return ([] as string[]).concat(resolved.type as string).join(' or ');
}

export function referenceRows(): string[] {
  const rows: string[] = [];
  const visit = (node: SchemaNode, path: string) => {
    for (const [key, child] of Object.entries(propertiesOf(node))) {
      const resolved = resolve(child);
      const keyPath = path === '' ? key : `${path}.${key}`;
      const fallback = resolved.default === undefined ? '' : `\`${JSON.stringify(resolved.default)}\``;
      const meaning = String(child.description ?? resolved.description ?? '').replaceAll('|', '\\|');
      rows.push(`| \`${keyPath}\` | ${typeOf(child)} | ${fallback} | ${meaning} |`);
      visit(child, keyPath);
      if (resolved.type === 'array') visit(resolved.items as SchemaNode, `${keyPath}[]`);
      if (resolved.additionalProperties !== undefined && typeof resolved.additionalProperties === 'object') {
        visit(resolved.additionalProperties as SchemaNode, `${keyPath}.<name>`);
      }
    }
  };
  visit(configSchema, '');
  return rows;
}

/** The rows of the "Accepted, not built yet" table: one per entry of NOT_BUILT_SETTINGS. */
export function notBuiltRows(): string[] {
  return NOT_BUILT_SETTINGS.map(
    (setting) =>
      `| \`${setting.key}\` | ${setting.action === 'refuse' ? '**refused**' : 'warned'} | ${setting.effect.replaceAll('|', '\\|')} |`,
  );
}

if (process.argv[1]?.endsWith('reference-table.ts')) {
  process.stdout.write(
    `| key | verify and serve | what happens |\n|---|---|---|\n${notBuiltRows().join('\n')}\n\n`,
  );
  process.stdout.write(
    `| key | type | default | meaning |\n|---|---|---|---|\n${referenceRows().join('\n')}\n`,
  );
}

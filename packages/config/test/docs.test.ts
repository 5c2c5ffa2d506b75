// docs/configuration.md must list every key the schema knows, with the type, default and meaning it holds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceRows } from '../scripts/reference-table.js';

const docs = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

describe('docs/configuration.md', () => {
  it('has an up-to-date row for every schema key', () => {
    const missing = referenceRows().filter((row) => !docs.includes(row));
    expect(missing).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { humanSize, renderStructured, renderTable, shortDigest } from './output.js';

describe('output', () => {
  it('aligns table columns to the widest cell without trailing spaces', () => {
    expect(
      renderTable(
        ['A', 'LONG HEADER'],
        [
          ['wide cell', 'x'],
          ['y', ''],
        ],
      ),
    ).toBe('A          LONG HEADER\nwide cell  x\ny\n');
  });

  it('prints sizes in decimal units like zot', () => {
    expect(humanSize(999)).toBe('999B');
    expect(humanSize(3167)).toBe('3.167kB');
    expect(humanSize(15_000_000)).toBe('15MB');
  });

  it('shortens digests to 8 hex characters', () => {
    expect(shortDigest(`sha256:${'ab12cd34'}${'0'.repeat(56)}`)).toBe('ab12cd34');
  });

  it('renders json and yaml', () => {
    expect(renderStructured({ a: [1] }, 'json')).toBe('{\n  "a": [\n    1\n  ]\n}\n');
    expect(renderStructured({ a: [1] }, 'yaml')).toBe('a:\n  - 1\n');
  });
});

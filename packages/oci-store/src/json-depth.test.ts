import { describe, expect, it } from 'vitest';
import { JsonTooDeepError, jsonNestsDeeperThan, MAX_JSON_DEPTH, parseJsonWithinDepth } from './json-depth.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('JSON depth guard', () => {
  it('accepts nesting up to the bound and refuses one level more, in text and in bytes', () => {
    expect(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestsDeeperThan(Buffer.from(nested(MAX_JSON_DEPTH + 1)))).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[{{{{', b: 'quote \\" [[[[', c: '\\\\' });
    expect(jsonNestsDeeperThan(text, 1)).toBe(false);
    expect(jsonNestsDeeperThan(Buffer.from(JSON.stringify({ 'ü[': '€{{{{' })), 1)).toBe(false);
  });

  it('scans 4 MiB of `[` in a few milliseconds and parses nothing', () => {
    const attack = Buffer.from('['.repeat(4 * 1024 * 1024));
    const started = performance.now();
    expect(() => parseJsonWithinDepth(attack)).toThrow(JsonTooDeepError);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('parses what passes like JSON.parse, and throws SyntaxError for what is not JSON', () => {
    expect(parseJsonWithinDepth(Buffer.from('{"schemaVersion":2}'))).toEqual({ schemaVersion: 2 });
    expect(() => parseJsonWithinDepth('{')).toThrow(SyntaxError);
  });
});

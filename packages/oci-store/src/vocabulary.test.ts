import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestOf, isDigest, parseDigest, tryParseDigest } from './digest.js';
import { isOciError } from './errors.js';
import { assertRepositoryName, isRepositoryName } from './name.js';
import { parseContentRange, parseRangeHeader } from './range.js';
import { parseReference, tryParseReference } from './reference.js';
import { isTag } from './tag.js';

const hex = (length: number) => fc.stringMatching(new RegExp(`^[a-f0-9]{${length}}$`));
const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:(?:\.|_|__|-{1,2})[a-z0-9]{1,8}){0,2}$/);

describe('digest', () => {
  it('accepts every lowercase sha256 and sha512 digest of the right length', () => {
    fc.assert(fc.property(hex(64), (h) => parseDigest(`sha256:${h}`).hex === h));
    fc.assert(fc.property(hex(128), (h) => parseDigest(`sha512:${h}`).algorithm === 'sha512'));
  });

  it('refuses wrong lengths, upper case, unknown algorithms with DIGEST_INVALID', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const ok = /^sha256:[a-f0-9]{64}$/.test(s) || /^sha512:[a-f0-9]{128}$/.test(s);
        expect(isDigest(s)).toBe(ok);
      }),
    );
    for (const bad of [
      `sha256:${'A'.repeat(64)}`,
      `sha256:${'a'.repeat(63)}`,
      `md5:${'a'.repeat(32)}`,
      'sha256:',
      '',
    ]) {
      expect(() => parseDigest(bad)).toThrowError(expect.objectContaining({ code: 'DIGEST_INVALID' }));
    }
  });

  it('round-trips digestOf through the parser', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => tryParseDigest(digestOf(bytes)) !== undefined),
    );
    expect(digestOf('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('repository name', () => {
  it('accepts names built from the distribution-spec grammar', () => {
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 4 }), (parts) => {
        const name = parts.join('/');
        // a later component equal to a layout file is reserved
        const reserved =
          ['cache.db', 'meta.db', 'cache'].includes(parts[0] ?? '') ||
          parts.slice(1).some((part) => ['blobs', 'index.json', 'oci-layout'].includes(part));
        return isRepositoryName(name) === (!reserved && name.length <= 255);
      }),
    );
  });

  it('refuses traversal in every spelling with NAME_INVALID', () => {
    for (const bad of [
      '..',
      'a/..',
      '../a',
      '/a',
      'a/',
      'a//b',
      'a\\b',
      'a\0b',
      'a%2fb',
      '%2e%2e/a',
      'A',
      'a/./b',
      '.uploads',
      'a/.uploads',
      'a/blobs',
      'a/index.json',
      'cache.db',
      'a'.repeat(256),
    ]) {
      expect(isRepositoryName(bad), bad).toBe(false);
      expect(() => assertRepositoryName(bad)).toThrowError(expect.objectContaining({ code: 'NAME_INVALID' }));
    }
  });

  it('never accepts a name whose path could leave its directory', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        if (!isRepositoryName(s)) return true;
        return (
          !s.split('/').some((part) => part === '..' || part === '.' || part === '') && !/[\\%\0A-Z:]/.test(s)
        );
      }),
    );
  });
});

describe('tag and reference', () => {
  it('matches the tag grammar exactly', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 140 }),
        (s) => isTag(s) === /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/.test(s),
      ),
    );
    expect(isTag('a'.repeat(128))).toBe(true);
    expect(isTag('a'.repeat(129))).toBe(false);
    expect(isTag('.hidden')).toBe(false);
  });

  it('tells tags from digests and never both', () => {
    fc.assert(fc.property(hex(64), (h) => tryParseReference(`sha256:${h}`)?.kind === 'digest'));
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,20}$/),
        (t) => tryParseReference(t)?.kind === 'tag',
      ),
    );
  });

  it('names the right error for each bad reference', () => {
    expect(() => parseReference('sha256:zz')).toThrowError(
      expect.objectContaining({ code: 'DIGEST_INVALID' }),
    );
    expect(() => parseReference('-bad', 'MANIFEST_UNKNOWN')).toThrowError(
      expect.objectContaining({ code: 'MANIFEST_UNKNOWN' }),
    );
  });
});

describe('ranges', () => {
  it('resolves every satisfiable Range header inside the blob', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(12_000), fc.nat(12_000), (size, a, b) => {
        try {
          const range = parseRangeHeader(`bytes=${a}-${b}`, size);
          return range.start === a && range.end === Math.min(b, size - 1) && range.start <= range.end;
        } catch (error) {
          return isOciError(error, 'RANGE_INVALID') && (a >= size || b < a);
        }
      }),
    );
  });

  it('handles open and suffix ranges', () => {
    expect(parseRangeHeader('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRangeHeader('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRangeHeader('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(() => parseRangeHeader('bytes=1-2,4-5', 10)).toThrowError(
      expect.objectContaining({ code: 'RANGE_INVALID' }),
    );
  });

  it('parses upload Content-Range and refuses end < start', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        try {
          const range = parseContentRange(`${a}-${b}`);
          return range.start === a && range.end === b && a <= b;
        } catch (error) {
          return isOciError(error, 'RANGE_INVALID') && b < a;
        }
      }),
    );
  });
});

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText, readConfigFile, resolveConfigPath, writeConfigFile } from './config-file.js';
import { ZliConfigError } from './errors.js';

function codeOf(text: string): string {
  try {
    parseConfigText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ZliConfigError);
    return `${(error as ZliConfigError).code}: ${(error as ZliConfigError).message}`;
  }
  return 'accepted';
}

describe('parseConfigText', () => {
  it('reads profiles with their optional booleans', () => {
    const file = parseConfigText(
      '{"configs":[{"_name":"main","url":"https://zot.example:8080","showspinner":false,"verify-tls":true},{"_name":"b","url":"http://x"}]}',
    );
    expect(file.profiles).toEqual([
      { name: 'main', url: 'https://zot.example:8080', showSpinner: false, verifyTls: true },
      { name: 'b', url: 'http://x' },
    ]);
  });

  it('treats an empty or blank file as no profiles', () => {
    expect(parseConfigText('').profiles).toEqual([]);
    expect(parseConfigText(' \n\t').profiles).toEqual([]);
  });

  it.each([
    ['malformed JSON', '{"configs": [', /^CONFIG_MALFORMED: invalid cli config: .* is not valid JSON/],
    ['a JSON array at the top', '[]', /^CONFIG_MALFORMED: .*must hold a JSON object, got array/],
    ['a missing configs field', '{}', /^CONFIGS_MISSING: invalid cli config: missing field "configs"/],
    ['a null configs field', '{"configs":null}', /^CONFIGS_MISSING:/],
    [
      'configs that is an object',
      '{"configs":{}}',
      /^CONFIGS_NOT_ARRAY: invalid cli config: field "configs" must be a JSON array, got object/,
    ],
    [
      'a profile that is a string',
      '{"configs":["main"]}',
      /^PROFILE_NOT_OBJECT: invalid cli config: configs\[0\] must be a JSON object, got string/,
    ],
    [
      'a profile without _name',
      '{"configs":[{"url":"http://a"}]}',
      /^PROFILE_NAME_MISSING: .*configs\[0\]: "_name" must be a non-empty string/,
    ],
    [
      'a profile with an empty _name',
      '{"configs":[{"_name":" ","url":"http://a"}]}',
      /^PROFILE_NAME_MISSING:/,
    ],
    [
      'a profile without url',
      '{"configs":[{"_name":"a"}]}',
      /^PROFILE_URL_MISSING: .*configs\[0\] \("a"\): "url" must be a non-empty string/,
    ],
    [
      'an invalid URL',
      '{"configs":[{"_name":"a","url":"not a url"}]}',
      /^URL_INVALID: .*invalid URL format: "not a url"/,
    ],
    ['a URL with another scheme', '{"configs":[{"_name":"a","url":"ftp://x"}]}', /^URL_INVALID:/],
    [
      'an unknown profile key',
      '{"configs":[{"_name":"a","url":"http://a","colour":"red"}]}',
      /^KEY_NOT_ALLOWED: .*given config key is not allowed: "colour"/,
    ],
    [
      'an unknown top-level key',
      '{"configs":[],"extra":1}',
      /^KEY_NOT_ALLOWED: invalid cli config: given config key is not allowed: "extra"/,
    ],
    [
      'a non-boolean showspinner',
      '{"configs":[{"_name":"a","url":"http://a","showspinner":"yes"}]}',
      /^VALUE_INVALID: .*"showspinner" must be true or false/,
    ],
    [
      'a profile name used twice',
      '{"configs":[{"_name":"a","url":"http://a"},{"_name":"a","url":"http://b"}]}',
      /^NAME_DUPLICATE:/,
    ],
  ])('refuses %s with a clear message', (_what, text, expected) => {
    expect(codeOf(text)).toMatch(expected);
  });
});

describe('config file on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zli-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a missing file as no profiles and does not create it', async () => {
    const path = join(dir, 'absent');
    expect((await readConfigFile(path)).profiles).toEqual([]);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names the file in a malformed-JSON message', async () => {
    const path = join(dir, 'zot');
    await writeFile(path, 'nope');
    await expect(readConfigFile(path)).rejects.toThrow(path);
  });

  it('writes with mode 0600 in zot key order and leaves no temporary file behind', async () => {
    const path = join(dir, 'zot');
    await writeFile(path, '{"configs":[]}', { mode: 0o644 });
    await writeConfigFile(path, {
      profiles: [
        { name: 'main', url: 'http://a', showSpinner: true, verifyTls: false },
        { name: 'b', url: 'http://b' },
      ],
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe(
      '{\n  "configs": [\n    {\n      "_name": "main",\n      "url": "http://a",\n      "showspinner": true,\n      "verify-tls": false\n    },\n    {\n      "_name": "b",\n      "url": "http://b"\n    }\n  ]\n}\n',
    );
    expect(await readdir(dir)).toEqual(['zot']);
  });
});

describe('resolveConfigPath', () => {
  it('prefers $ZLI_CONFIG and falls back to ~/.zot', () => {
    expect(resolveConfigPath({ ZLI_CONFIG: '/tmp/x' })).toBe('/tmp/x');
    expect(resolveConfigPath({ ZLI_CONFIG: '' })).toMatch(/\/\.zot$/);
    expect(resolveConfigPath({})).toMatch(/\/\.zot$/);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProfileStore, type ProfileStore } from './profile-store.js';

describe('ProfileStore', () => {
  let dir: string;
  let store: ProfileStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zli-store-'));
    store = createProfileStore(join(dir, 'zot'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds a profile with the defaults written out, as zot does', async () => {
    await store.add('main', 'https://zot.example:8080');
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({
      configs: [{ _name: 'main', url: 'https://zot.example:8080', showspinner: true, 'verify-tls': true }],
    });
  });

  it('refuses a duplicate name, a reserved name and an invalid URL on add', async () => {
    await store.add('main', 'http://a');
    await expect(store.add('main', 'http://b')).rejects.toMatchObject({ code: 'NAME_DUPLICATE' });
    await expect(store.add('list', 'http://b')).rejects.toMatchObject({
      code: 'NAME_RESERVED',
      message: expect.stringContaining('"list"'),
    });
    await expect(store.add('other', 'zot.example')).rejects.toMatchObject({ code: 'URL_INVALID' });
  });

  it('lists names with URLs aligned in one column', async () => {
    await store.add('main', 'http://a');
    await store.add('staging-eu', 'https://b:8443');
    expect(await store.formatList()).toBe('main        http://a\nstaging-eu  https://b:8443\n');
  });

  it('lists nothing when the file is missing', async () => {
    expect(await store.formatList()).toBe('');
  });

  it('shows, gets, sets and resets values', async () => {
    await store.add('main', 'http://a');
    await store.set('main', 'showspinner', 'false');
    await store.set('main', 'url', 'https://c');
    expect(await store.get('main', 'showspinner')).toBe('false');
    expect(await store.formatShow('main')).toBe('url = https://c\nshowspinner = false\nverify-tls = true\n');
    await store.reset('main', 'showspinner');
    expect(await store.get('main', 'showspinner')).toBe('true');
    expect(JSON.parse(await readFile(store.path, 'utf8')).configs[0]).toEqual({
      _name: 'main',
      url: 'https://c',
      'verify-tls': true,
    });
  });

  it('refuses unknown keys, resetting url, renaming and non-boolean values', async () => {
    await store.add('main', 'http://a');
    await expect(store.get('main', 'colour')).rejects.toThrow('given config key is not allowed: "colour"');
    await expect(store.set('main', 'colour', 'red')).rejects.toMatchObject({ code: 'KEY_NOT_ALLOWED' });
    await expect(store.reset('main', 'url')).rejects.toMatchObject({
      code: 'KEY_NOT_RESETTABLE',
      message: 'cannot reset given config key: "url"',
    });
    await expect(store.reset('main', '_name')).rejects.toMatchObject({ code: 'KEY_NOT_RESETTABLE' });
    await expect(store.set('main', '_name', 'other')).rejects.toMatchObject({ code: 'NAME_IMMUTABLE' });
    await expect(store.set('main', 'verify-tls', 'maybe')).rejects.toMatchObject({ code: 'VALUE_INVALID' });
    await expect(store.set('main', 'url', 'nope')).rejects.toMatchObject({ code: 'URL_INVALID' });
  });

  it('reports a missing profile by name', async () => {
    await expect(store.get('ghost', 'url')).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
      message: 'config with the given name does not exist: "ghost"',
    });
    await expect(store.remove('ghost')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
  });

  it('removes a profile and keeps the others', async () => {
    await store.add('a', 'http://a');
    await store.add('b', 'http://b');
    await store.remove('a');
    expect((await store.profiles()).map((profile) => profile.name)).toEqual(['b']);
  });
});

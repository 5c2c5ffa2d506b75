// The operations behind `zli config ...`, bound once to a file path. Each mutation reads, changes and
// writes the whole file (it holds a handful of profiles); each returns the text the command prints.

import { readConfigFile, writeConfigFile, type ZliConfigFile } from './config-file.js';
import { ZliConfigError } from './errors.js';
import {
  assertNameAllowed,
  formatProfile,
  getProfileValue,
  resetProfileValue,
  setProfileValue,
  validateUrl,
  type ZliProfile,
} from './profile.js';

export interface ProfileStore {
  readonly path: string;
  profiles(): Promise<readonly ZliProfile[]>;
  find(name: string): Promise<ZliProfile>;
  add(name: string, url: string): Promise<void>;
  remove(name: string): Promise<void>;
  get(name: string, key: string): Promise<string>;
  set(name: string, key: string, value: string): Promise<void>;
  reset(name: string, key: string): Promise<void>;
  /** `zli config list`: one profile a line, URLs aligned in a column. */
  formatList(): Promise<string>;
  /** `zli config show <name>`. */
  formatShow(name: string): Promise<string>;
}

function notFound(name: string): ZliConfigError {
  return new ZliConfigError('PROFILE_NOT_FOUND', `config with the given name does not exist: "${name}"`);
}

export function formatProfileList(profiles: readonly ZliProfile[]): string {
  const width = Math.max(0, ...profiles.map((profile) => profile.name.length));
  return profiles.map((profile) => `${profile.name.padEnd(width)}  ${profile.url}\n`).join('');
}

export function createProfileStore(path: string): ProfileStore {
  const load = (): Promise<ZliConfigFile> => readConfigFile(path);

  async function update(name: string, change: (profile: ZliProfile) => ZliProfile): Promise<void> {
    const file = await load();
    const index = file.profiles.findIndex((profile) => profile.name === name);
    const current = file.profiles[index];
    if (current === undefined) throw notFound(name);
    const profiles = [...file.profiles];
    profiles[index] = change(current);
    await writeConfigFile(path, { profiles });
  }

  async function find(name: string): Promise<ZliProfile> {
    const profile = (await load()).profiles.find((candidate) => candidate.name === name);
    if (profile === undefined) throw notFound(name);
    return profile;
  }

  return {
    path,
    profiles: async () => (await load()).profiles,
    find,
    async add(name, url) {
      assertNameAllowed(name);
      if (name.trim() === '')
        throw new ZliConfigError('PROFILE_NAME_MISSING', 'config name must be a non-empty string');
      validateUrl(url);
      const file = await load();
      if (file.profiles.some((profile) => profile.name === name)) {
        throw new ZliConfigError('NAME_DUPLICATE', `cli config name already added: "${name}"`);
      }
      // zot writes the defaults explicitly on add (ApplyDefaults), so a fresh profile shows them in the file.
      await writeConfigFile(path, {
        profiles: [...file.profiles, { name, url, showSpinner: true, verifyTls: true }],
      });
    },
    async remove(name) {
      const file = await load();
      if (!file.profiles.some((profile) => profile.name === name)) throw notFound(name);
      await writeConfigFile(path, { profiles: file.profiles.filter((profile) => profile.name !== name) });
    },
    async get(name, key) {
      return getProfileValue(await find(name), key);
    },
    set: (name, key, value) => update(name, (profile) => setProfileValue(profile, key, value)),
    reset: (name, key) => update(name, (profile) => resetProfileValue(profile, key)),
    formatList: async () => formatProfileList((await load()).profiles),
    formatShow: async (name) => formatProfile(await find(name)),
  };
}

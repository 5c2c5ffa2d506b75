// Reading, validating and writing the zli profile file: `$ZLI_CONFIG` or `~/.zot`.
// Shape (zot v2.1.17): {"configs":[{"_name":"main","url":"https://zot.example:8080","showspinner":true,"verify-tls":true}]}
// An empty or missing file means "no profiles"; anything else that is not exactly that shape is refused
// with a message naming the offending entry, so a hand-edited file never half-works.

import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BAD_CONFIG_PREFIX, ZliConfigError } from './errors.js';
import { isProfileKey, validateUrl, type ZliProfile } from './profile.js';

export interface ZliConfigFile {
  readonly profiles: readonly ZliProfile[];
}

/** Where the profiles live; the environment is read here and only here. */
export function resolveConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ZLI_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return join(homedir(), '.zot');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function profileFromJson(entry: unknown, index: number): ZliProfile {
  const where = `${BAD_CONFIG_PREFIX}: configs[${index}]`;
  if (!isPlainObject(entry)) {
    throw new ZliConfigError('PROFILE_NOT_OBJECT', `${where} must be a JSON object, got ${typeName(entry)}`);
  }
  for (const key of Object.keys(entry)) {
    if (!isProfileKey(key))
      throw new ZliConfigError('KEY_NOT_ALLOWED', `${where}: given config key is not allowed: "${key}"`);
  }
  const name = entry._name;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ZliConfigError('PROFILE_NAME_MISSING', `${where}: "_name" must be a non-empty string`);
  }
  const url = entry.url;
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ZliConfigError('PROFILE_URL_MISSING', `${where} ("${name}"): "url" must be a non-empty string`);
  }
  try {
    validateUrl(url);
  } catch (error) {
    throw new ZliConfigError('URL_INVALID', `${where} ("${name}"): ${(error as Error).message}`);
  }
  let profile: ZliProfile = { name, url };
  for (const [key, field] of [
    ['showspinner', 'showSpinner'],
    ['verify-tls', 'verifyTls'],
  ] as const) {
    const value = entry[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new ZliConfigError(
        'VALUE_INVALID',
        `${where} ("${name}"): "${key}" must be true or false, got ${JSON.stringify(value)}`,
      );
    }
    profile = { ...profile, [field]: value };
  }
  return profile;
}

/** Parses the text of a profile file; `source` names it in messages. */
export function parseConfigText(text: string, source = 'config'): ZliConfigFile {
  if (text.trim() === '') return { profiles: [] };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ZliConfigError(
      'CONFIG_MALFORMED',
      `${BAD_CONFIG_PREFIX}: ${source} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!isPlainObject(document)) {
    throw new ZliConfigError(
      'CONFIG_MALFORMED',
      `${BAD_CONFIG_PREFIX}: ${source} must hold a JSON object, got ${typeName(document)}`,
    );
  }
  for (const key of Object.keys(document)) {
    if (key !== 'configs')
      throw new ZliConfigError(
        'KEY_NOT_ALLOWED',
        `${BAD_CONFIG_PREFIX}: given config key is not allowed: "${key}"`,
      );
  }
  const configs = document.configs;
  if (configs === undefined || configs === null) {
    throw new ZliConfigError('CONFIGS_MISSING', `${BAD_CONFIG_PREFIX}: missing field "configs" in ${source}`);
  }
  if (!Array.isArray(configs)) {
    throw new ZliConfigError(
      'CONFIGS_NOT_ARRAY',
      `${BAD_CONFIG_PREFIX}: field "configs" must be a JSON array, got ${typeName(configs)}`,
    );
  }
  const profiles = configs.map(profileFromJson);
  const seen = new Set<string>();
  for (const profile of profiles) {
    if (seen.has(profile.name)) {
      throw new ZliConfigError(
        'NAME_DUPLICATE',
        `${BAD_CONFIG_PREFIX}: cli config name already added: "${profile.name}" appears twice`,
      );
    }
    seen.add(profile.name);
  }
  return { profiles };
}

export async function readConfigFile(path: string): Promise<ZliConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: [] };
    throw error;
  }
  return parseConfigText(text, path);
}

/** zot's on-disk order and spelling; optional booleans are omitted when unset (zot's `omitempty`). */
export function serializeConfig(file: ZliConfigFile): string {
  const configs = file.profiles.map((profile) => ({
    _name: profile.name,
    url: profile.url,
    ...(profile.showSpinner === undefined ? {} : { showspinner: profile.showSpinner }),
    ...(profile.verifyTls === undefined ? {} : { 'verify-tls': profile.verifyTls }),
  }));
  return `${JSON.stringify({ configs }, null, 2)}\n`;
}

/**
 * Writes next to the target and renames over it, so a crash or a concurrent reader never sees a torn
 * file; mode 0600 because the file says where the user's registries are (zot writes 0600 too).
 */
export async function writeConfigFile(path: string, file: ZliConfigFile): Promise<void> {
  const temporaryPath = join(dirname(path), `.${randomBytes(6).toString('hex')}.zli-config.tmp`);
  const handle = await open(temporaryPath, 'wx', 0o600);
  try {
    await handle.writeFile(serializeConfig(file), 'utf8');
    await handle.sync();
    await handle.close();
    await rename(temporaryPath, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporaryPath, { force: true });
    throw error;
  }
}

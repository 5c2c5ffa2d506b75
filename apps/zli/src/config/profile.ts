// One registry profile of ~/.zot and the rules for its keys. zot v2.1.17 (pkg/cli/client/config.go)
// knows exactly four keys: `_name`, `url`, `showspinner`, `verify-tls`; anything else is refused with
// "given config key is not allowed".

import { ZliConfigError } from './errors.js';

export interface ZliProfile {
  readonly name: string;
  readonly url: string;
  /** Absent means the default (true); kept absent so `reset` round-trips to zot's on-disk shape. */
  readonly showSpinner?: boolean;
  readonly verifyTls?: boolean;
}

export const PROFILE_KEYS = ['_name', 'url', 'showspinner', 'verify-tls'] as const;
export type ProfileKey = (typeof PROFILE_KEYS)[number];

/** The subcommands of `zli config`: a profile with one of these names would be unreachable by the old positional syntax. */
export const RESERVED_PROFILE_NAMES = ['add', 'get', 'list', 'remove', 'reset', 'set', 'show'] as const;

export function isProfileKey(key: string): key is ProfileKey {
  return (PROFILE_KEYS as readonly string[]).includes(key);
}

export function assertProfileKey(key: string): ProfileKey {
  if (!isProfileKey(key)) {
    throw new ZliConfigError(
      'KEY_NOT_ALLOWED',
      `given config key is not allowed: "${key}" (allowed: ${PROFILE_KEYS.join(', ')})`,
    );
  }
  return key;
}

/** zot accepts http and https URLs with a host (url.ParseRequestURI plus a scheme check). */
export function validateUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ZliConfigError(
      'URL_INVALID',
      `invalid URL format: "${url}" (expected http://host[:port] or https://host[:port])`,
    );
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.host === '') {
    throw new ZliConfigError(
      'URL_INVALID',
      `invalid URL format: "${url}" (expected http://host[:port] or https://host[:port])`,
    );
  }
  return url;
}

export function assertNameAllowed(name: string): void {
  if ((RESERVED_PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new ZliConfigError(
      'NAME_RESERVED',
      `config name is reserved for a subcommand: "${name}" (reserved: ${RESERVED_PROFILE_NAMES.join(', ')})`,
    );
  }
}

/** Same spellings as Go's strconv.ParseBool, which zot uses for `zli config set`. */
export function parseBoolean(key: string, value: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new ZliConfigError(
    'VALUE_INVALID',
    `invalid value for "${key}": "${value}" (expected true or false)`,
  );
}

export function getProfileValue(profile: ZliProfile, key: string): string {
  switch (assertProfileKey(key)) {
    case '_name':
      return profile.name;
    case 'url':
      return profile.url;
    case 'showspinner':
      return String(profile.showSpinner ?? true);
    case 'verify-tls':
      return String(profile.verifyTls ?? true);
  }
}

export function setProfileValue(profile: ZliProfile, key: string, value: string): ZliProfile {
  switch (assertProfileKey(key)) {
    case '_name':
      throw new ZliConfigError(
        'NAME_IMMUTABLE',
        'given config key is not allowed: "_name" cannot be changed (remove and add the profile instead)',
      );
    case 'url':
      return { ...profile, url: validateUrl(value) };
    case 'showspinner':
      return { ...profile, showSpinner: parseBoolean(key, value) };
    case 'verify-tls':
      return { ...profile, verifyTls: parseBoolean(key, value) };
  }
}

export function resetProfileValue(profile: ZliProfile, key: string): ZliProfile {
  const checked = assertProfileKey(key);
  if (checked === 'url' || checked === '_name') {
    throw new ZliConfigError('KEY_NOT_RESETTABLE', `cannot reset given config key: "${checked}"`);
  }
  const { showSpinner, verifyTls, ...rest } = profile;
  if (checked === 'showspinner') return verifyTls === undefined ? rest : { ...rest, verifyTls };
  return showSpinner === undefined ? rest : { ...rest, showSpinner };
}

/** Lines of `zli config show <name>`: zot prints `key = value`, defaults filled in. */
export function formatProfile(profile: ZliProfile): string {
  return `url = ${profile.url}\nshowspinner = ${profile.showSpinner ?? true}\nverify-tls = ${profile.verifyTls ?? true}\n`;
}

// zot's examples/ and deployments hold JSON files beside the server config that a server config names
// (credentials, session keys) or that belong to other programs (the metrics exporter, zli). Given to
// `zot verify`, such a file would fail with a list of unknown keys; this says what the file looks like.
import { objectAt } from './check-helpers.js';

interface FileKind {
  /** What the file is, in a few words. */
  name: string;
  /** Where it belongs instead. */
  usedBy: string;
  matches(keys: ReadonlySet<string>, value: Record<string, unknown>): boolean;
}

const hasAll = (keys: ReadonlySet<string>, wanted: string[]) => wanted.every((key) => keys.has(key));
const onlyFrom = (keys: ReadonlySet<string>, allowed: string[]) =>
  [...keys].every((key) => allowed.includes(key));

/** A sync credentials file: registry hosts as keys, each {username, password}. */
function isSyncCredentials(value: Record<string, unknown>): boolean {
  const entries = Object.values(value);
  return (
    entries.length > 0 &&
    entries.every((entry) => {
      const keys = Object.keys(objectAt(entry) ?? { x: 1 }).map((key) => key.toLowerCase());
      return keys.length > 0 && onlyFrom(new Set(keys), ['username', 'password']);
    })
  );
}

const kinds: FileKind[] = [
  {
    name: 'an LDAP credentials file',
    usedBy: 'http.auth.ldap.credentialsFile',
    matches: (keys) => hasAll(keys, ['binddn']) && onlyFrom(keys, ['binddn', 'bindpassword']),
  },
  {
    name: 'an OpenID provider credentials file',
    usedBy: 'http.auth.openid.providers.<name>.credentialsFile',
    matches: (keys) => hasAll(keys, ['clientid']) && onlyFrom(keys, ['clientid', 'clientsecret']),
  },
  {
    name: 'a session keys file',
    usedBy: 'http.auth.sessionKeysFile',
    matches: (keys) => hasAll(keys, ['hashkey']) && onlyFrom(keys, ['hashkey', 'encryptkey']),
  },
  {
    name: "a config of zot's metrics exporter (zxp)",
    usedBy: 'the zxp program, which scrapes a minimal zot build',
    matches: (keys) => hasAll(keys, ['exporter']) && onlyFrom(keys, ['server', 'exporter', 'log']),
  },
  {
    name: 'a zli config file',
    usedBy: 'zli, from ~/.zot (see `zli config add`)',
    matches: (keys) => onlyFrom(keys, ['configs']) && keys.size === 1,
  },
  {
    name: 'a sync credentials file',
    usedBy: 'extensions.sync.credentialsFile',
    matches: (_keys, value) => isSyncCredentials(value),
  },
];

const SERVER_KEYS = ['distspecversion', 'storage', 'http', 'log', 'extensions', 'scheduler', 'cluster'];

/**
 * A sentence naming what `raw` looks like when it has no key of a server config at all and matches a known
 * companion file; undefined otherwise (then the ordinary issues are the right answer).
 */
export function describeOtherFile(raw: unknown): string | undefined {
  const value = objectAt(raw);
  if (value === undefined) return undefined;
  const keys = new Set(Object.keys(value).map((key) => key.toLowerCase()));
  if ([...keys].some((key) => SERVER_KEYS.includes(key))) return undefined;
  const kind = kinds.find((candidate) => candidate.matches(keys, value));
  if (kind === undefined) return undefined;
  return `this looks like ${kind.name}, not a server config (it is read by ${kind.usedBy})`;
}

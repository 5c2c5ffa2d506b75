// parseConfig: text or an already-parsed object in, a validated, defaulted, deeply frozen ZotConfig out.
// Order matters: keys are normalised first (zot matches them case-insensitively), then defaults that
// depend on what was written, then the schema (which adds plain defaults), then cross-field rules.
import { parse as parseYaml } from 'yaml';
import { canonicaliseKeys } from './canonical-keys.js';
import { IssueList, objectAt } from './check-helpers.js';
import { checkHttp } from './checks-auth.js';
import { checkLdap, ldapWarnings } from './checks-ldap.js';
import { checkStorageAndExtensions } from './checks-storage.js';
import { applyDependentDefaults } from './dependent-defaults.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { deepFreeze } from './freeze.js';
import { describeOtherFile } from './other-files.js';
import type { ZotConfig } from './types/index.js';
import { validateAgainstSchema } from './validator.js';

export interface ParseOptions {
  /** Shown in error messages; its extension also picks the format (.json, .yaml, .yml). */
  sourceName?: string;
  format?: 'json' | 'yaml';
  /** Told of what loads but deserves a word (a boolean written as a string); `zot verify` prints them. */
  onWarning?: (warning: ConfigIssue) => void;
}

function formatOf(text: string, options: ParseOptions): 'json' | 'yaml' {
  if (options.format !== undefined) return options.format;
  const name = options.sourceName?.toLowerCase() ?? '';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  // no telling extension: JSON starts with a brace, anything else is tried as YAML (as zot tries every type)
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function parseText(text: string, options: ParseOptions): unknown {
  const format = formatOf(text, options);
  try {
    return format === 'json' ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(
      'CONFIG_SYNTAX',
      [{ path: '(file)', message: `not valid ${format.toUpperCase()}: ${reason}` }],
      options.sourceName,
    );
  }
}

export function parseConfig(input: string | unknown, options: ParseOptions = {}): ZotConfig {
  const raw = typeof input === 'string' ? parseText(input, options) : input;
  const rawObject = objectAt(raw);
  if (rawObject === undefined || Object.keys(rawObject).length === 0) {
    // zot refuses a file without any key:value pair
    throw new ConfigError(
      'CONFIG_INVALID',
      [{ path: '(root)', message: 'the configuration holds no settings' }],
      options.sourceName,
    );
  }

  const otherFile = describeOtherFile(raw);
  if (otherFile !== undefined) {
    throw new ConfigError('CONFIG_INVALID', [{ path: '(file)', message: otherFile }], options.sourceName);
  }

  const { value, issues: keyIssues, warnings } = canonicaliseKeys(raw);
  applyDependentDefaults(value);
  const schemaIssues = validateAgainstSchema(value);
  const crossIssues = new IssueList();
  const config = objectAt(value) ?? {};
  checkHttp(config, crossIssues);
  checkLdap(config, crossIssues);
  checkStorageAndExtensions(config, crossIssues);

  const issues = [...keyIssues, ...schemaIssues, ...crossIssues.issues];
  if (issues.length > 0) throw new ConfigError('CONFIG_INVALID', issues, options.sourceName);
  for (const warning of [...warnings, ...unusedSettings(config), ...ldapWarnings(config)])
    options.onWarning?.(warning);

  // zot's Go zero value: a remote-only store has an empty rootDirectory, which serve refuses (compose.ts)
  const storage = objectAt(config.storage);
  if (storage !== undefined) storage.rootDirectory ??= '';
  const http = objectAt(config.http);
  if (http !== undefined && typeof http.port === 'string') http.port = Number(http.port);
  return deepFreeze(config) as unknown as ZotConfig;
}

/** Settings that load but do nothing as written: worth a word, not a refusal (zot accepts them too). */
function unusedSettings(config: Record<string, unknown>): ConfigIssue[] {
  const found: ConfigIssue[] = [];
  const metricsUsers = objectAt(objectAt(objectAt(config.http)?.accessControl)?.metrics);
  const metrics = objectAt(objectAt(config.extensions)?.metrics);
  if (metricsUsers !== undefined && (metrics === undefined || metrics.enable === false)) {
    found.push({
      path: 'http.accessControl.metrics',
      message:
        "has no effect: the metrics endpoint exists only with extensions.metrics enabled (as in zot's full build)",
    });
  }
  for (const [name, value] of Object.entries(
    objectAt(objectAt(objectAt(config.http)?.auth)?.openid)?.providers ?? {},
  )) {
    const provider = objectAt(value) ?? {};
    const given = ['authurl', 'tokenurl'].filter(
      (key) => typeof provider[key] === 'string' && provider[key] !== '',
    );
    const at = `http.auth.openid.providers[${JSON.stringify(name)}]`;
    if (name !== 'github' && given.length > 0)
      found.push({
        path: `${at}.${given[0]}`,
        message: 'has no effect: only the github provider uses authurl and tokenurl',
      });
    else if (given.length === 1)
      found.push({
        path: `${at}.${given[0]}`,
        message: 'has no effect without the other of authurl and tokenurl (public GitHub is used)',
      });
  }
  return found;
}

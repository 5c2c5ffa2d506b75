// ConfigError: every problem found in a config file, each with the path of the key it concerns.

export interface ConfigIssue {
  /** e.g. `http.accessControl.repositories["prod/**"].policies[0].actions[2]` */
  path: string;
  /** A plain sentence: `"wrtie" is not one of read, create, update, delete, detectManifestCollision` */
  message: string;
}

/** CONFIG_NOT_BUILT: valid for zot, but asks for something zot-ts does not do yet (not-built.ts). */
export type ConfigErrorCode = 'CONFIG_UNREADABLE' | 'CONFIG_SYNTAX' | 'CONFIG_INVALID' | 'CONFIG_NOT_BUILT';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly issues: ReadonlyArray<ConfigIssue>;
  readonly sourceName: string | undefined;

  constructor(code: ConfigErrorCode, issues: ReadonlyArray<ConfigIssue>, sourceName?: string) {
    const what = code === 'CONFIG_NOT_BUILT' ? 'not supported yet' : 'invalid configuration';
    const heading = sourceName === undefined ? what : `${what} in ${sourceName}`;
    super([`${heading}:`, ...issues.map(formatIssue)].join('\n'));
    this.code = code;
    this.issues = issues;
    this.sourceName = sourceName;
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`;
}

// The base of commands that talk to a registry: the common flags (--config or --url, --user,
// --format, --verbose, --debug), the client bound from them, and output in the chosen format.

import { Errors, Flags } from '@oclif/core';
import { validateUrl } from '../config/profile.js';
import { createProfileStore } from '../config/profile-store.js';
import { parseCredentials, USER_FLAG_VALUE } from '../registry/credentials.js';
import { createZotRegistry, type ZotRegistry } from '../registry/zot-registry.js';
import { EXIT_USAGE } from './error-exit.js';
import { OUTPUT_FORMATS, type OutputFormat, renderStructured } from './output.js';
import { withSpinner } from './spinner.js';
import { ZliCommand } from './zli-command.js';

export abstract class RegistryCommand extends ZliCommand {
  static override baseFlags = {
    config: Flags.string({
      char: 'c',
      description: 'profile of ~/.zot to connect with (see `zli config`)',
      helpGroup: 'CONNECTION',
    }),
    url: Flags.string({
      description: 'registry URL, when no profile is given (overrides the profile URL)',
      helpGroup: 'CONNECTION',
    }),
    user: Flags.string({
      char: 'u',
      description: `credentials as ${USER_FLAG_VALUE} (an API key goes in place of the password)`,
      helpGroup: 'CONNECTION',
    }),
    format: Flags.string({
      char: 'f',
      description: 'output format',
      options: [...OUTPUT_FORMATS],
      default: 'text',
      helpGroup: 'OUTPUT',
    }),
    verbose: Flags.boolean({
      description: 'show full digests and more detail',
      default: false,
      helpGroup: 'OUTPUT',
    }),
    debug: Flags.boolean({
      description: 'print each HTTP request and answer on stderr',
      default: false,
      helpGroup: 'OUTPUT',
    }),
  };

  protected client!: ZotRegistry;
  protected format: OutputFormat = 'text';
  protected verbose = false;
  private spinnerWanted = false;

  /** Resolves the profile and flags into a client; every registry command calls this first. */
  protected async connect(flags: {
    config?: string | undefined;
    url?: string | undefined;
    user?: string | undefined;
    format: string;
    verbose: boolean;
    debug: boolean;
  }): Promise<ZotRegistry> {
    this.format = flags.format as OutputFormat;
    this.verbose = flags.verbose;
    const profile =
      flags.config === undefined ? undefined : await createProfileStore(this.configPath()).find(flags.config);
    const url = flags.url ?? profile?.url;
    if (url === undefined) {
      throw new Errors.CLIError('no URL provided', {
        exit: EXIT_USAGE,
        suggestions: ['pass --config <profile> (see `zli config add`) or --url <registry URL>'],
      });
    }
    if (flags.url !== undefined) {
      // the same check and message as `zli config set <name> url`: `--url 127.0.0.1:5000` lacks its scheme
      try {
        validateUrl(flags.url);
      } catch (error) {
        throw new Errors.CLIError(`--url: ${(error as Error).message}`, { exit: EXIT_USAGE });
      }
    }
    const credentials = flags.user === undefined ? undefined : parseCredentials(flags.user);
    if (flags.user !== undefined && credentials === undefined) {
      throw new Errors.CLIError(`--user must be ${USER_FLAG_VALUE}`, { exit: EXIT_USAGE });
    }
    this.hasCredentials = credentials !== undefined;
    this.spinnerWanted =
      (profile?.showSpinner ?? false) && this.format === 'text' && process.stdout.isTTY === true;
    this.client = createZotRegistry({
      url,
      verifyTls: profile?.verifyTls ?? true,
      ...(credentials === undefined ? {} : { credentials }),
      ...(flags.debug ? { log: (line: string) => process.stderr.write(`[debug] ${line}\n`) } : {}),
    });
    return this.client;
  }

  protected slow<T>(label: string, work: () => Promise<T>): Promise<T> {
    return withSpinner(label, { enabled: this.spinnerWanted }, work);
  }

  /** Prints `data` as json/yaml, or the text `renderText` makes of it. */
  protected output<T>(data: T, renderText: (data: T) => string): void {
    this.write(this.format === 'text' ? renderText(data) : renderStructured(data, this.format));
  }
}

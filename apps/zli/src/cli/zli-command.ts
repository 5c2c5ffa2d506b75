// The base of every zli command: turns any thrown error into an oclif error with an exit code and a
// suggestion (no stack trace), and prints usage when arguments are missing, as zot's zli does.

import { Command, Errors, loadHelpClass } from '@oclif/core';
import { resolveConfigPath } from '../config/config-file.js';
import { EXIT_USAGE, planExit } from './error-exit.js';

export abstract class ZliCommand extends Command {
  /** Set by subclasses that send credentials, so a 401 can say whether they were wrong or missing. */
  protected hasCredentials = false;

  protected configPath(): string {
    return resolveConfigPath();
  }

  /** Prints this command's help on stderr and leaves with the usage exit code. */
  protected async usageError(reason = 'invalid cli arguments'): Promise<never> {
    const Help = await loadHelpClass(this.config);
    const command = this.id === undefined ? undefined : this.config.findCommand(this.id);
    if (command !== undefined)
      await new Help(this.config, { sendToStderr: true }).showCommandHelp(command, this.config.topics);
    throw new Errors.CLIError(reason, { exit: EXIT_USAGE });
  }

  /** Writes text exactly as given (oclif's log adds a newline and formats with util.format). */
  protected write(text: string): void {
    if (text !== '') process.stdout.write(text);
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    // oclif's own errors (parse errors, this.error, this.exit) already carry their exit code and hints.
    if (error instanceof Errors.CLIError || error instanceof Errors.ExitError || 'oclif' in error)
      return super.catch(error);
    const plan = planExit(error, { configPath: this.configPath(), hasCredentials: this.hasCredentials });
    return super.catch(
      new Errors.CLIError(plan.message, { exit: plan.exit, suggestions: [...plan.suggestions] }),
    );
  }
}

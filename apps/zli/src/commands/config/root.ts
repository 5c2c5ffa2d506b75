// `zli config`: with no arguments, its help; with the positional forms zot v2.1.17 deprecated
// (`zli config <name> <key> [value]`, `--list`, `--reset`), a warning on stderr and the old behaviour.

import { Args, Flags, loadHelpClass } from '@oclif/core';
import { ZliCommand } from '../../cli/zli-command.js';
import { planLegacyConfig } from '../../config/legacy-config.js';
import { RESERVED_PROFILE_NAMES } from '../../config/profile.js';
import { createProfileStore } from '../../config/profile-store.js';

export default class ConfigRoot extends ZliCommand {
  static override summary = 'Manage registry profiles in ~/.zot (or $ZLI_CONFIG)';
  static override description =
    `A profile names a registry URL and how to talk to it (showspinner, verify-tls).
Use the add, remove, list, show, get, set and reset subcommands.
Profile names must not collide with subcommand names (${RESERVED_PROFILE_NAMES.join(', ')}).

The older positional syntax (zli config <name> <key> [value], --list, --reset) still works but is deprecated.`;
  static override examples = [
    'zli config add main https://zot.example:8080',
    'zli config list',
    'zli config show main',
    'zli config get main url',
    'zli config set main showspinner false',
    'zli config reset main showspinner',
    'zli config remove main',
  ];
  static override args = {
    name: Args.string({ description: '[deprecated] profile name' }),
    key: Args.string({ description: '[deprecated] key: url, showspinner or verify-tls' }),
    value: Args.string({ description: '[deprecated] new value' }),
  };
  static override flags = {
    list: Flags.boolean({
      char: 'l',
      description: '[deprecated: use "config list" or "config show <name>"] list profiles',
    }),
    reset: Flags.boolean({ description: '[deprecated: use "config reset"] reset a value to its default' }),
  };

  async run(): Promise<void> {
    const { args: named, flags } = await this.parse(ConfigRoot);
    // zot's positional forms take 0 to 3 words; oclif refuses a fourth (exit 2).
    const args = [named.name, named.key, named.value].filter((word): word is string => word !== undefined);
    if (args.length === 0 && !flags.list && !flags.reset) {
      const Help = await loadHelpClass(this.config);
      await new Help(this.config).showHelp(['config']);
      return;
    }
    const plan = planLegacyConfig({ args, list: flags.list, reset: flags.reset });
    if (plan === undefined) return this.usageError();
    process.stderr.write(plan.warning);
    this.write(await plan.run(createProfileStore(this.configPath())));
  }
}

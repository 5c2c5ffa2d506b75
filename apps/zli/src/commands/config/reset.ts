import { Args } from '@oclif/core';
import { ZliCommand } from '../../cli/zli-command.js';
import { createProfileStore } from '../../config/profile-store.js';

export default class ConfigReset extends ZliCommand {
  static override summary = 'Reset one value of a profile to its default';
  static override description = 'showspinner and verify-tls go back to true; url and _name cannot be reset.';
  static override examples = ['zli config reset main showspinner'];
  static override args = {
    name: Args.string({ description: 'profile name' }),
    key: Args.string({ description: 'showspinner or verify-tls' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigReset);
    if (args.name === undefined || args.key === undefined) return this.usageError();
    await createProfileStore(this.configPath()).reset(args.name, args.key);
  }
}

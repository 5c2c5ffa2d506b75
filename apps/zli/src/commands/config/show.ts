import { Args } from '@oclif/core';
import { ZliCommand } from '../../cli/zli-command.js';
import { createProfileStore } from '../../config/profile-store.js';

export default class ConfigShow extends ZliCommand {
  static override summary = 'Show every value of one profile';
  static override description = 'Prints url, showspinner and verify-tls, with defaults filled in.';
  static override examples = ['zli config show main'];
  static override args = { name: Args.string({ description: 'profile name' }) };

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigShow);
    if (args.name === undefined) return this.usageError();
    this.write(await createProfileStore(this.configPath()).formatShow(args.name));
  }
}

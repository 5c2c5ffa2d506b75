import { Args } from '@oclif/core';
import { ZliCommand } from '../../cli/zli-command.js';
import { createProfileStore } from '../../config/profile-store.js';

export default class ConfigRemove extends ZliCommand {
  static override summary = 'Remove a profile';
  static override examples = ['zli config remove main'];
  static override args = { name: Args.string({ description: 'profile name' }) };

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigRemove);
    if (args.name === undefined) return this.usageError();
    await createProfileStore(this.configPath()).remove(args.name);
  }
}

import { Args } from '@oclif/core';
import { ZliCommand } from '../../cli/zli-command.js';
import { createProfileStore } from '../../config/profile-store.js';

export default class ConfigGet extends ZliCommand {
  static override summary = 'Print one value of a profile';
  static override examples = ['zli config get main url', 'zli config get main verify-tls'];
  static override args = {
    name: Args.string({ description: 'profile name' }),
    key: Args.string({ description: 'url, showspinner, verify-tls or _name' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigGet);
    if (args.name === undefined || args.key === undefined) return this.usageError();
    this.write(`${await createProfileStore(this.configPath()).get(args.name, args.key)}\n`);
  }
}

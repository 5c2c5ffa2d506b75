import { Args } from '@oclif/core';
import { ZliCommand } from '../../cli/zli-command.js';
import { createProfileStore } from '../../config/profile-store.js';

export default class ConfigAdd extends ZliCommand {
  static override summary = 'Add a profile for a zot registry';
  static override description =
    'Adds a named profile with showspinner and verify-tls on. The name must be new and not a subcommand name.';
  static override examples = [
    'zli config add main https://zot.example:8080',
    'zli config add local http://127.0.0.1:5000',
  ];
  static override args = {
    name: Args.string({ description: 'profile name' }),
    url: Args.string({ description: 'registry URL (http or https)' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigAdd);
    if (args.name === undefined || args.url === undefined) return this.usageError();
    await createProfileStore(this.configPath()).add(args.name, args.url);
  }
}

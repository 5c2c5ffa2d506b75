import { Args } from '@oclif/core';
import { ZliCommand } from '../../cli/zli-command.js';
import { createProfileStore } from '../../config/profile-store.js';

export default class ConfigSet extends ZliCommand {
  static override summary = 'Set one value of a profile';
  static override description =
    'Keys: url (an http or https URL), showspinner and verify-tls (true or false). The profile name cannot change.';
  static override examples = [
    'zli config set main showspinner false',
    'zli config set main url https://zot2.example',
  ];
  static override args = {
    name: Args.string({ description: 'profile name' }),
    key: Args.string({ description: 'url, showspinner or verify-tls' }),
    value: Args.string({ description: 'new value' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(ConfigSet);
    if (args.name === undefined || args.key === undefined || args.value === undefined)
      return this.usageError();
    await createProfileStore(this.configPath()).set(args.name, args.key, args.value);
  }
}

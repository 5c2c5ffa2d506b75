import { ZliCommand } from '../../cli/zli-command.js';
import { createProfileStore } from '../../config/profile-store.js';

export default class ConfigList extends ZliCommand {
  static override summary = 'List profiles: name and URL';
  static override examples = ['zli config list'];

  async run(): Promise<void> {
    await this.parse(ConfigList);
    this.write(await createProfileStore(this.configPath()).formatList());
  }
}

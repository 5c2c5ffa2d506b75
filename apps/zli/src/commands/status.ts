import { RegistryCommand } from '../cli/registry-command.js';
import { formatServerStatus, getServerStatus } from '../inspect/server-status.js';

export default class Status extends RegistryCommand {
  static override summary = 'Show whether the registry is online, its version and its authentication methods';
  static override description =
    'Asks /v2/ (online, offline or unknown when credentials are refused) and /v2/_zot/ext/mgmt (version, build, auth).';
  static override examples = [
    'zli status --config main',
    'zli status --url http://127.0.0.1:5000 --format json',
  ];

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    const client = await this.connect(flags);
    const status = await this.slow('asking the registry', () => getServerStatus(client, this.hasCredentials));
    this.output(status, formatServerStatus);
  }
}

import { renderTable } from '../../cli/output.js';
import { RegistryCommand } from '../../cli/registry-command.js';

export default class RepoList extends RegistryCommand {
  static override summary = 'List the repositories of a registry';
  static override description = 'Follows the pagination of /v2/_catalog to the last page.';
  static override examples = [
    'zli repo list --config main',
    'zli repo list --url http://127.0.0.1:5000 --format yaml',
  ];

  async run(): Promise<void> {
    const { flags } = await this.parse(RepoList);
    const client = await this.connect(flags);
    const repositories = (await this.slow('listing repositories', () => client.listRepositories())).sort();
    this.output({ repositories }, (data) =>
      data.repositories.length === 0
        ? 'no repositories found\n'
        : renderTable(
            ['REPOSITORY NAME'],
            data.repositories.map((name) => [name]),
          ),
    );
  }
}

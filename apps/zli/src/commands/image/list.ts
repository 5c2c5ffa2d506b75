import { Flags } from '@oclif/core';
import { RegistryCommand } from '../../cli/registry-command.js';
import { listImages } from '../../inspect/image-listing.js';
import { formatImageTable } from '../../inspect/image-table.js';
import { canSearch, searchImages } from '../../inspect/search-listing.js';
import { GQL_QUERIES } from '../../registry/search-api.js';

export default class ImageList extends RegistryCommand {
  static override summary = 'List images: tag, digest, platforms, size, last update, signed, trusted';
  static override description =
    "Asks zot's search API (ImageList) when the registry announces it; otherwise walks every repository (or only --repo) and every tag. " +
    'Signature and referrer tags (sha256-...) are not listed. ' +
    'TRUSTED appears when the registry verifies signatures (/v2/_zot/ext/signatures): a signature verifies with a key it trusts.';
  static override examples = [
    'zli image list --config main',
    'zli image list --config main --repo alpine --verbose',
    'zli image list --url http://127.0.0.1:5000 -f json',
  ];
  static override flags = {
    repo: Flags.string({ char: 'r', description: 'only this repository', multiple: true }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ImageList);
    const client = await this.connect(flags);
    const images = await this.slow('listing images', async () =>
      (await canSearch(client, GQL_QUERIES.imageList))
        ? searchImages(client, flags.repo)
        : listImages(client, flags.repo),
    );
    this.output(images, (data) => formatImageTable(data, this.verbose));
  }
}

import { Args } from '@oclif/core';
import { RegistryCommand } from '../../cli/registry-command.js';
import { summarizeImage } from '../../inspect/image-summary.js';
import { formatImageTable } from '../../inspect/image-table.js';
import { canSearch, searchImageByName } from '../../inspect/search-listing.js';
import { createTrustLookup } from '../../inspect/signature-trust.js';
import { parseImageReference } from '../../registry/image-reference.js';
import { GQL_QUERIES } from '../../registry/search-api.js';

export default class ImageName extends RegistryCommand {
  static override summary = 'Show one image by name: <repo>:<tag>';
  static override description =
    "Asks zot's search API (ImageList of the repository) when the registry announces it; otherwise reads the tag's manifest.";
  static override examples = [
    'zli image name alpine:3.20 --config main',
    'zli image name team/app:1.0 --url http://127.0.0.1:5000 -f yaml',
  ];
  static override args = { image: Args.string({ description: 'image as <repository>:<tag>' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImageName);
    const reference = args.image === undefined ? undefined : parseImageReference(args.image);
    if (reference === undefined || reference.isDigest)
      return this.usageError('expected an image as <repository>:<tag>');
    const client = await this.connect(flags);
    const images = await this.slow('reading the image', async () => {
      if (await canSearch(client, GQL_QUERIES.imageList)) {
        const found = await searchImageByName(client, reference.repository, reference.reference).catch(
          () => [],
        );
        // the walk below answers a missing tag with the registry's error; so does this path
        if (found.length > 0) return found;
      }
      const tags = new Set(await client.listTags(reference.repository));
      const fetched = await client.getManifest(reference.repository, reference.reference);
      const trust = createTrustLookup(client);
      return [await summarizeImage(client, reference.repository, reference.reference, fetched, tags, trust)];
    });
    this.output(images, (data) => formatImageTable(data, this.verbose));
  }
}

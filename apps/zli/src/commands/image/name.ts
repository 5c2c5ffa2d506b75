import { Args } from '@oclif/core';
import { RegistryCommand } from '../../cli/registry-command.js';
import { parseImageReference } from '../../client/image-reference.js';
import { summarizeImage } from '../../inspect/image-summary.js';
import { formatImageTable } from '../../inspect/image-table.js';
import { createTrustLookup } from '../../inspect/signature-trust.js';

export default class ImageName extends RegistryCommand {
  static override summary = 'Show one image by name: <repo>:<tag>';
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
    const image = await this.slow('reading the image', async () => {
      const tags = new Set(await client.listTags(reference.repository));
      const fetched = await client.getManifest(reference.repository, reference.reference);
      const trust = createTrustLookup(client);
      return summarizeImage(client, reference.repository, reference.reference, fetched, tags, trust);
    });
    this.output([image], (data) => formatImageTable(data, this.verbose));
  }
}

import { Args } from '@oclif/core';
import { RegistryCommand } from '../../cli/registry-command.js';
import { findImagesByDigest } from '../../inspect/image-listing.js';
import { formatImageTable } from '../../inspect/image-table.js';
import { canSearch, searchImagesByDigest } from '../../inspect/search-listing.js';
import { GQL_QUERIES } from '../../registry/search-api.js';

export default class ImageDigest extends RegistryCommand {
  static override summary = 'Find the images whose manifest, config or layer has a digest (or digest prefix)';
  static override description =
    "Asks zot's search API (ImageListForDigest) when the registry announces it; otherwise walks every repository and tag " +
    '(zot 2.1.17 zli has no such fallback and fails without search).';
  static override examples = [
    'zli image digest sha256:8d5a6b1e --config main',
    'zli image digest 8d5a6b1e --url http://127.0.0.1:5000',
  ];
  static override args = {
    digest: Args.string({ description: 'a digest (sha256:<hex>) or the start of its hex' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ImageDigest);
    if (
      args.digest === undefined ||
      !/^(sha256:)?[0-9a-f]{1,64}$|^sha512:[0-9a-f]{1,128}$/.test(args.digest)
    ) {
      return this.usageError('expected a digest: sha256:<hex> or a prefix of the hex');
    }
    const digest = args.digest;
    const client = await this.connect(flags);
    const images = await this.slow('searching for the digest', async () =>
      (await canSearch(client, GQL_QUERIES.imageListForDigest))
        ? searchImagesByDigest(client, digest)
        : findImagesByDigest(client, digest),
    );
    this.output(images, (data) => formatImageTable(data, this.verbose));
  }
}

import { Args } from '@oclif/core';
import { RegistryCommand } from '../../cli/registry-command.js';
import { formatReferrerTable, listReferrers } from '../../inspect/referrer-listing.js';
import { parseImageReference } from '../../registry/image-reference.js';

export default class SearchSubject extends RegistryCommand {
  static override summary = 'List the referrers of an image: signatures, SBOMs, attestations';
  static override description =
    'Uses the referrers API (/v2/<repo>/referrers/<digest>), or the referrers tag schema on registries without it. ' +
    'Where the registry verifies signatures, a SIGNATURE column says whether each one is trusted.';
  static override examples = [
    'zli search subject alpine:3.20 --config main',
    'zli search subject alpine@sha256:8d5a... --url http://127.0.0.1:5000 -f json',
  ];
  static override args = {
    image: Args.string({ description: 'image as <repository>:<tag> or <repository>@<digest>' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SearchSubject);
    const reference = args.image === undefined ? undefined : parseImageReference(args.image);
    if (reference === undefined)
      return this.usageError('expected an image as <repository>:<tag> or <repository>@<digest>');
    const client = await this.connect(flags);
    const referrers = await this.slow('reading referrers', () => listReferrers(client, reference));
    this.output(referrers, (data) => formatReferrerTable(data, this.verbose));
  }
}

// `zli image derived` and `zli image base` share everything but the query: zot's DerivedImageList and
// BaseImageList over the search API (an image derives from another when its layers start with all of them).
import { Args, Flags } from '@oclif/core';
import { SearchCommand } from '../../cli/search-command.js';
import { formatImageTable } from '../../inspect/image-table.js';
import { type GqlImage, imageRelativesQuery, imageSummaryOf } from '../../inspect/search-results.js';
import { parseImageReference } from '../../registry/image-reference.js';
import { GQL_QUERIES, SORT_OPTIONS } from '../../registry/search-api.js';

export const relativesArgs = {
  image: Args.string({ description: 'image as <repository>:<tag> or <repository>@<digest>' }),
};

export const relativesFlags = {
  'sort-by': Flags.string({
    description: `Options for sorting the output: [${SORT_OPTIONS.imageList.join(', ')}]`,
    options: [...SORT_OPTIONS.imageList],
    default: 'alpha-asc',
  }),
};

export abstract class ImageRelativesCommand extends SearchCommand {
  protected abstract readonly kind: 'DerivedImageList' | 'BaseImageList';

  protected async listRelatives(
    args: { image?: string | undefined },
    flags: Parameters<SearchCommand['connect']>[0] & { 'sort-by': string },
  ): Promise<void> {
    if (args.image === undefined || parseImageReference(args.image) === undefined)
      return this.usageError('invalid image reference format, use [repo:tag] or [repo@digest]');
    await this.connect(flags);
    const command = this.kind === 'DerivedImageList' ? 'image derived' : 'image base';
    await this.requireQueries(
      {
        command,
        missingSearch: `${this.client.url} has no search API, so it cannot tell which images ${this.kind === 'DerivedImageList' ? 'derive from' : 'are the base of'} ${args.image}`,
        missingQuery: `${this.client.url} does not answer the ${this.kind} query`,
      },
      this.kind === 'DerivedImageList' ? GQL_QUERIES.derivedImageList : GQL_QUERIES.baseImageList,
    );
    const data = await this.query<Record<string, { Results?: GqlImage[] }>>(
      'searching',
      imageRelativesQuery(this.kind, args.image, flags['sort-by']),
    );
    const images = (data[this.kind]?.Results ?? []).map(imageSummaryOf);
    this.output(images, (list) => formatImageTable(list, this.verbose));
  }
}

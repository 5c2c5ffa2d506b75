// `zli search query`: zot's GlobalSearch, images then repositories. ":" lists every image (zot asks
// ImageList then). zot's zli has no fallback without the search API, and neither has this one.
import { Args, Flags } from '@oclif/core';
import { SearchCommand } from '../../cli/search-command.js';
import { formatImageTable } from '../../inspect/image-table.js';
import {
  formatRepoTable,
  type GqlImage,
  type GqlRepo,
  globalSearchQuery,
  imageListQuery,
  imageSummaryOf,
  repoSummaryOf,
} from '../../inspect/search-results.js';
import { GQL_QUERIES, SORT_OPTIONS } from '../../registry/search-api.js';

export default class SearchQuery extends SearchCommand {
  static override summary = 'Fuzzy search for repos and their tags.';
  static override examples = [
    '# For repo search specify a substring of the repo name without the tag\nzli search query "test/repo"',
    '# For image search specify the full repo name followed by the tag or a prefix of the tag.\nzli search query "test/repo:2.1."',
  ];
  static override args = {
    query: Args.string({ description: 'a repository name (part), or <repository>:<tag prefix>' }),
  };
  static override flags = {
    'sort-by': Flags.string({
      description: `Options for sorting the output: [${SORT_OPTIONS.imageSearch.join(', ')}]`,
      options: [...SORT_OPTIONS.imageSearch],
      default: 'relevance',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SearchQuery);
    if (args.query === undefined) return this.usageError('expected one search query');
    await this.connect(flags);
    await this.requireQueries(
      {
        command: 'search query',
        missingSearch: `${this.client.url} has no search API, so it cannot search (\`zli repo list\` and \`zli image list\` work without it)`,
        missingQuery: `${this.client.url} does not answer the GlobalSearch query`,
      },
      GQL_QUERIES.globalSearch,
    );
    if (args.query === ':') {
      const data = await this.query<{ ImageList?: { Results?: GqlImage[] } }>(
        'listing images',
        imageListQuery('', flags['sort-by']),
      );
      const images = (data.ImageList?.Results ?? []).map(imageSummaryOf);
      return this.output(images, (list) => formatImageTable(list, this.verbose));
    }
    const data = await this.query<{ GlobalSearch?: { Images?: GqlImage[]; Repos?: GqlRepo[] } }>(
      'searching',
      globalSearchQuery(args.query, flags['sort-by']),
    );
    const result = {
      images: (data.GlobalSearch?.Images ?? []).map(imageSummaryOf),
      repos: (data.GlobalSearch?.Repos ?? []).map(repoSummaryOf),
    };
    this.output(result, ({ images, repos }) => {
      const imageText = images.length === 0 ? '' : formatImageTable(images, this.verbose);
      const repoText = formatRepoTable(repos, this.verbose);
      return imageText === '' && repoText === ''
        ? 'no repositories or images found\n'
        : `${imageText}${repoText}`;
    });
  }
}

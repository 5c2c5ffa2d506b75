// The search API's answers, as zot's zli asks for them (pkg/cli/client/service.go: the query texts are
// zot's, field for field) and shows them: images in the image table every listing uses, repositories
// with zot's columns (NAME SIZE LAST UPDATED DOWNLOADS STARS, PLATFORMS with --verbose), and CVEs with
// zot's summary line and columns (ID SEVERITY TITLE VULNERABLE PACKAGE PATH INSTALL-VER FIXED-VER).
import { humanSize, renderTable } from '../cli/output.js';
import { isIndexMediaType } from '../registry/media-types.js';
import { sortCriteria } from '../registry/search-api.js';
import type { ImageSummary } from './image-summary.js';

/** GraphQL string literal: zot interpolates with %s inside quotes; JSON escaping keeps quotes and backslashes safe. */
const literal = (value: string): string => JSON.stringify(value);

const IMAGE_FIELDS = `
					RepoName Tag
					Digest
					MediaType
					Manifests {
						Digest
						ConfigDigest
						Size
						Platform {Os Arch}
						IsSigned
						Layers {Size Digest}
						LastUpdated
					}
					LastUpdated
					Size
					IsSigned`;

/** DerivedImageList / BaseImageList (zot: getDerivedImageListGQL, getBaseImageListGQL). */
export function imageRelativesQuery(
  kind: 'DerivedImageList' | 'BaseImageList',
  image: string,
  sortBy: string,
) {
  return `
		{
			${kind}(image:${literal(image)}, requestedPage: {sortBy: ${sortCriteria(sortBy)}}){
				Results{${IMAGE_FIELDS}
				}
			}
		}`;
}

/** ImageList over every repository: zot's `zli search query ":"` (getImagesGQL with an empty repo). */
export function imageListQuery(repository: string, sortBy: string): string {
  return `
	{
		ImageList(repo: ${literal(repository)}, requestedPage: {sortBy: ${sortCriteria(sortBy)}}) {
			Results {${IMAGE_FIELDS}
			}
		}
	}`;
}

/** ImageListForDigest (zot: getImagesForDigestGQL): the images holding a blob with this digest. */
export function imageListForDigestQuery(digest: string, sortBy: string): string {
  return `
	{
		ImageListForDigest(id: ${literal(digest)}, requestedPage: {sortBy: ${sortCriteria(sortBy)}}) {
			Results {${IMAGE_FIELDS}
			}
		}
	}`;
}

/** GlobalSearch (zot: globalSearchGQL). */
export function globalSearchQuery(query: string, sortBy: string): string {
  return `
		{
			GlobalSearch(query:${literal(query)}, requestedPage: {sortBy: ${sortCriteria(sortBy)}}){
				Images {
					RepoName
					Tag
					MediaType
					Digest
					Size
					IsSigned
					LastUpdated
					Manifests {
						Digest
						ConfigDigest
						Platform {Os Arch}
						Size
						IsSigned
						Layers {Size Digest}
						LastUpdated
					}
				}
				Repos {
					Name
					Platforms { Os Arch }
					LastUpdated
					Size
					DownloadCount
					StarCount
				}
			}
		}`;
}

/** CVEListForImage (zot: getCveByImageGQL). */
export function cveListQuery(image: string, searchedCve: string, sortBy: string): string {
  return `
	{
		CVEListForImage (image:${literal(image)}, searchedCVE:${literal(searchedCve)}, requestedPage: {sortBy: ${sortCriteria(sortBy)}}) {
			Tag
			CVEList {
				Id Title Severity Description
				PackageList {Name PackagePath InstalledVersion FixedVersion}
			}
			Summary {
				Count UnknownCount LowCount MediumCount HighCount CriticalCount MaxSeverity
			}
		}
	}`;
}

export interface GqlPlatform {
  Os?: string;
  Arch?: string;
}

export interface GqlManifest {
  Digest?: string;
  Size?: string;
  Platform?: GqlPlatform;
  IsSigned?: boolean;
  LastUpdated?: string;
}

export interface GqlImage {
  RepoName?: string;
  Tag?: string;
  Digest?: string;
  MediaType?: string;
  Size?: string;
  IsSigned?: boolean;
  LastUpdated?: string;
  Manifests?: GqlManifest[];
}

export interface GqlRepo {
  Name?: string;
  Platforms?: GqlPlatform[];
  LastUpdated?: string;
  Size?: string;
  DownloadCount?: number;
  StarCount?: number;
}

const platformOf = (platform: GqlPlatform | undefined): string =>
  platform?.Os === undefined || platform.Os === '' ? '' : `${platform.Os}/${platform.Arch ?? ''}`;

/** One GraphQL image as the summary every image table shows. */
export function imageSummaryOf(image: GqlImage): ImageSummary {
  const manifests = image.Manifests ?? [];
  const mediaType = image.MediaType ?? '';
  return {
    repository: image.RepoName ?? '',
    tag: image.Tag ?? '',
    digest: image.Digest ?? '',
    mediaType,
    // the key order of the distribution API's walk (image-summary.ts), so `-f json` reads the same both ways
    signed: image.IsSigned === true,
    platforms: manifests.map((manifest) => platformOf(manifest.Platform)).filter((text) => text !== ''),
    size: Number(image.Size ?? 0) || 0,
    ...(image.LastUpdated === undefined ? {} : { lastUpdated: image.LastUpdated }),
    ...(isIndexMediaType(mediaType)
      ? {
          manifests: manifests.map((manifest) => ({
            digest: manifest.Digest ?? '',
            platform: platformOf(manifest.Platform),
            size: Number(manifest.Size ?? 0) || 0,
            ...(manifest.LastUpdated === undefined ? {} : { lastUpdated: manifest.LastUpdated }),
          })),
        }
      : {}),
  };
}

export interface RepoSummary {
  name: string;
  size: number;
  lastUpdated: string;
  downloads: number;
  stars: number;
  platforms: string[];
}

export function repoSummaryOf(repo: GqlRepo): RepoSummary {
  return {
    name: repo.Name ?? '',
    size: Number(repo.Size ?? 0) || 0,
    lastUpdated: repo.LastUpdated ?? '',
    downloads: repo.DownloadCount ?? 0,
    stars: repo.StarCount ?? 0,
    platforms: (repo.Platforms ?? []).map(platformOf).filter((text) => text !== ''),
  };
}

/** zot's repository table; with --verbose the platforms, one a row as zot prints them. */
export function formatRepoTable(repos: readonly RepoSummary[], verbose: boolean): string {
  if (repos.length === 0) return '';
  const header = ['NAME', 'SIZE', 'LAST UPDATED', 'DOWNLOADS', 'STARS', ...(verbose ? ['PLATFORMS'] : [])];
  const rows: string[][] = [];
  for (const repo of repos) {
    const [first, ...others] = repo.platforms;
    const cells = [
      repo.name,
      humanSize(repo.size),
      repo.lastUpdated,
      String(repo.downloads),
      String(repo.stars),
    ];
    rows.push(verbose ? [...cells, first ?? ''] : cells);
    if (verbose) for (const platform of others) rows.push(['', '', '', '', '', platform]);
  }
  return renderTable(header, rows);
}

// A stand-in for zot's GraphQL search API, for zli's tests while the registry's own /v2/_zot/ext/search is
// being built: it recognises the queries zot's zli sends (schema, ImageList, DerivedImageList, BaseImageList,
// GlobalSearch, CVEListForImage) by their text, computes the answers from the fake registry's images (an
// image derives from another when its layers start with all of the other's, as zot decides), and answers
// in zot's response shapes. It records every query, so tests can check zli sends zot's exact texts.

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface SearchStandInOptions {
  /** CVEs per image reference ("repo:tag"); absent: the schema has no CVEListForImage (no scanner). */
  readonly cves?: Record<
    string,
    Array<{ Id: string; Severity: string; Title: string; PackageList?: unknown[] }>
  >;
  /** Every query received, in order. */
  readonly received?: string[];
}

interface StoredRepo {
  tags: Map<string, string>;
  manifests: Map<string, { mediaType: string; body: Buffer }>;
}

interface Image {
  repo: string;
  tag: string;
  digest: string;
  mediaType: string;
  layers: string[];
  size: number;
}

const ARGS: Record<string, string[]> = {
  ImageList: ['repo', 'requestedPage'],
  DerivedImageList: ['image', 'digest', 'requestedPage'],
  BaseImageList: ['image', 'digest', 'requestedPage'],
  GlobalSearch: ['query', 'filter', 'requestedPage'],
  CVEListForImage: ['image', 'requestedPage', 'searchedCVE', 'excludedCVE', 'severity'],
};
const RETURNS: Record<string, string> = {
  ImageList: 'PaginatedImagesResult',
  DerivedImageList: 'PaginatedImagesResult',
  BaseImageList: 'PaginatedImagesResult',
  GlobalSearch: 'GlobalSearchResult',
  CVEListForImage: 'CVEResultForImage',
};

function imagesOf(repos: Map<string, StoredRepo>): Image[] {
  const images: Image[] = [];
  for (const [repo, stored] of repos) {
    for (const [tag, digest] of stored.tags) {
      const manifest = stored.manifests.get(digest);
      if (manifest === undefined) continue;
      const document = JSON.parse(manifest.body.toString()) as {
        layers?: Array<{ digest: string; size: number }>;
        config?: { size: number };
      };
      const layers = document.layers ?? [];
      images.push({
        repo,
        tag,
        digest,
        mediaType: manifest.mediaType,
        layers: layers.map((layer) => layer.digest),
        size:
          manifest.body.length + (document.config?.size ?? 0) + layers.reduce((sum, l) => sum + l.size, 0),
      });
    }
  }
  // ALPHABETIC_ASC as zot sorts: by repository name, then tag, by code point
  const key = (image: Image) => [image.repo, image.tag] as const;
  return images.sort((a, b) => {
    const [repoA, tagA] = key(a);
    const [repoB, tagB] = key(b);
    if (repoA !== repoB) return repoA < repoB ? -1 : 1;
    return tagA < tagB ? -1 : tagA > tagB ? 1 : 0;
  });
}

/** zot's ImageSummary shape. */
function summary(image: Image) {
  return {
    RepoName: image.repo,
    Tag: image.tag,
    Digest: image.digest,
    MediaType: image.mediaType,
    Size: String(image.size),
    IsSigned: false,
    LastUpdated: '2024-05-01T10:00:00Z',
    Manifests:
      image.mediaType === OCI_INDEX
        ? []
        : [
            {
              Digest: image.digest,
              ConfigDigest: '',
              Size: String(image.size),
              Platform: { Os: 'linux', Arch: 'amd64' },
              IsSigned: false,
              Layers: image.layers.map((digest) => ({ Digest: digest, Size: '0' })),
              LastUpdated: '2024-05-01T10:00:00Z',
            },
          ],
  };
}

const startsWith = (layers: string[], prefix: string[]) =>
  prefix.length > 0 && prefix.every((digest, index) => layers[index] === digest);

function schema(options: SearchStandInOptions) {
  const names = Object.keys(ARGS).filter((name) => name !== 'CVEListForImage' || options.cves !== undefined);
  return {
    data: {
      __schema: {
        queryType: {
          fields: names.map((name) => ({
            name,
            args: (ARGS[name] ?? []).map((arg) => ({ name: arg })),
            type: { name: RETURNS[name], kind: 'OBJECT' },
          })),
          __typename: '__Type',
        },
        types: [...new Set(names.map((name) => RETURNS[name]))].map((name) => ({ name, fields: [] })),
      },
    },
  };
}

/** The answer to one query text, in zot's `{data}` / `{errors}` shape. */
export function answerSearch(
  repos: Map<string, StoredRepo>,
  query: string,
  options: SearchStandInOptions,
): unknown {
  options.received?.push(query);
  if (query.includes('__schema')) return schema(options);
  const images = imagesOf(repos);
  const find = (reference: string) => images.find((image) => `${image.repo}:${image.tag}` === reference);
  const relatives = /(DerivedImageList|BaseImageList)\(image:"([^"]*)"/.exec(query);
  if (relatives !== null) {
    const [, kind = '', reference = ''] = relatives;
    const image = find(reference);
    if (image === undefined) return { errors: [{ message: `image not found: ${reference}` }], data: null };
    const related = images.filter((other) =>
      kind === 'DerivedImageList'
        ? other.layers.length > image.layers.length && startsWith(other.layers, image.layers)
        : other.layers.length < image.layers.length && startsWith(image.layers, other.layers),
    );
    return {
      data: {
        [kind]: {
          Page: { TotalCount: related.length, ItemCount: related.length },
          Results: related.map(summary),
        },
      },
    };
  }
  const global = /GlobalSearch\(query:"([^"]*)"/.exec(query);
  if (global !== null) {
    const text = global[1] ?? '';
    const [repoPart = '', tagPart] = text.split(':');
    if (tagPart !== undefined) {
      const found = images.filter((image) => image.repo === repoPart && image.tag.startsWith(tagPart));
      return { data: { GlobalSearch: { Images: found.map(summary), Repos: [] } } };
    }
    const repoNames = [...new Set(images.map((image) => image.repo))].filter((name) => name.includes(text));
    const reposFound = repoNames.map((name) => ({
      Name: name,
      Platforms: [{ Os: 'linux', Arch: 'amd64' }],
      LastUpdated: '2024-05-01T10:00:00Z',
      Size: String(images.filter((image) => image.repo === name).reduce((sum, image) => sum + image.size, 0)),
      DownloadCount: 0,
      StarCount: 0,
    }));
    return { data: { GlobalSearch: { Images: [], Repos: reposFound } } };
  }
  if (/ImageList\(repo: ""/.test(query)) return { data: { ImageList: { Results: images.map(summary) } } };
  const cve = /CVEListForImage \(image:"([^"]*)", searchedCVE:"([^"]*)"/.exec(query);
  if (cve !== null && options.cves !== undefined) {
    const [, reference = '', searched = ''] = cve;
    const list = (options.cves[reference] ?? []).filter((entry) => searched === '' || entry.Id === searched);
    const count = (severity: string) => list.filter((entry) => entry.Severity === severity).length;
    return {
      data: {
        CVEListForImage: {
          Tag: reference.split(':')[1] ?? '',
          CVEList: list,
          Summary: {
            Count: list.length,
            UnknownCount: count('UNKNOWN'),
            LowCount: count('LOW'),
            MediumCount: count('MEDIUM'),
            HighCount: count('HIGH'),
            CriticalCount: count('CRITICAL'),
            MaxSeverity: list[0]?.Severity ?? 'NONE',
          },
        },
      },
    };
  }
  return { errors: [{ message: 'Cannot query field on type "Query".' }], data: null };
}

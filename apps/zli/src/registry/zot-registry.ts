// What zli reads of a registry, bound once: `createZotRegistry({ url, credentials, verifyTls })`, then
// `registry.listRepositories()`. Every request goes through @zot-ts/oci-client (auth challenges, Basic and
// Bearer tokens, TLS, paging, Accept negotiation, digest checks); this file only says which paths zli asks and
// how it reads their answers: manifests as documents, config blobs as JSON, zot's extension endpoints
// (discovery, mgmt, signature verification, GraphQL search).
import {
  answerJson,
  type Credentials,
  createRegistryClient,
  type ExchangeEvent,
  MANIFEST_ACCEPT,
  type RegistryClient,
  RegistryClientError,
} from '@zot-ts/oci-client';
import {
  parseDiscovery,
  parseSignatureVerification,
  type RegistryExtension,
  type SignatureVerification,
} from './zot-extensions.js';

export interface ZotRegistryOptions {
  readonly url: string;
  readonly credentials?: Credentials;
  /** false accepts any server certificate (the profile's `verify-tls: false`). */
  readonly verifyTls?: boolean;
  /** Receives one line per request and answer (the CLI's --debug). */
  readonly log?: (line: string) => void;
  /** Page size asked of _catalog and tags/list (`n`); the registry may return fewer. */
  readonly pageSize?: number;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
  readonly platform?: { readonly os: string; readonly architecture: string; readonly variant?: string };
}

/** The fields of an image manifest or an index that zli reads; the rest stays in `raw`. */
export interface ManifestDocument {
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Record<string, string>;
}

export interface FetchedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly manifest: ManifestDocument;
  readonly raw: Buffer;
}

export interface PingResult {
  readonly status: number;
  readonly apiVersion?: string;
  /** The challenge of a refused ping (`Basic realm=...`, `Bearer realm=...`). */
  readonly authenticate?: string;
}

export interface ZotRegistry {
  /** The registry's base URL, without a trailing slash. */
  readonly url: string;
  /** The OCI client underneath, for anything else. */
  readonly oci: RegistryClient;
  /** GET /v2/: resolves for 200 and 401 (the registry is there either way); rejects when unreachable. */
  ping(): Promise<PingResult>;
  /** zot's management extension (GET /v2/_zot/ext/mgmt): version, build and auth methods. */
  mgmt(): Promise<Record<string, unknown>>;
  listRepositories(): Promise<string[]>;
  listTags(repository: string): Promise<string[]>;
  getManifest(repository: string, reference: string): Promise<FetchedManifest>;
  getConfigBlob(repository: string, digest: string): Promise<Record<string, unknown>>;
  /** Manifests whose subject is `digest`; falls back to the referrers tag schema on a registry without the API. */
  referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]>;
  /** GET /v2/_oci/ext/discover: the extensions the registry announces; [] when it has no discovery (404). */
  extensions(): Promise<RegistryExtension[]>;
  /** GET /v2/_zot/ext/signatures/<repo>/<digest>: the registry's verification of a manifest's signatures. */
  signatureVerification(repository: string, digest: string): Promise<SignatureVerification>;
  /**
   * One GraphQL query to zot's search API, sent as zot's zli sends it (GET /v2/_zot/ext/search?query=...);
   * resolves to the parsed JSON body (`{data, errors}`), whatever GraphQL errors it holds.
   */
  searchQuery(query: string): Promise<unknown>;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

async function collect(names: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const name of names) all.push(name);
  return all;
}

function parseDocument(content: Buffer, what: string): ManifestDocument {
  try {
    return JSON.parse(content.toString('utf8')) as ManifestDocument;
  } catch (cause) {
    throw new RegistryClientError('INVALID_RESPONSE', `${what} did not answer with JSON`, { cause });
  }
}

/** `> GET url` when sent, `< 200 GET url (12 ms)` when answered: the lines of --debug. */
function debugLine(event: ExchangeEvent): string {
  if (event.phase === 'sent') return `> ${event.method} ${event.url}`;
  const took = `(${Math.round(event.durationMs ?? 0)} ms)`;
  if (event.phase === 'answered') return `< ${event.status} ${event.method} ${event.url} ${took}`;
  return `< failed ${event.method} ${event.url} ${took}: ${event.error?.message ?? ''}`;
}

export function createZotRegistry(options: ZotRegistryOptions): ZotRegistry {
  const log = options.log;
  const oci = createRegistryClient({
    url: options.url,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    // zot's zli sends Basic credentials with every request: a registry with anonymous read answers as the user
    basicUpfront: true,
    tls: { verify: options.verifyTls ?? true },
    // a CLI answers now or says why: no retries (a user runs the command again)
    retry: { maxRetries: 0 },
    userAgent: 'zli (zot-ts)',
    ...(log === undefined ? {} : { onExchange: (event: ExchangeEvent) => log(debugLine(event)) }),
  });
  const pageSize = options.pageSize ?? 100;
  const getJson = async <T>(path: string): Promise<T> => answerJson<T>(await oci.request({ path }));

  return {
    url: oci.url.toString().replace(/\/+$/, ''),
    oci,
    async ping() {
      const answer = await oci.request({ path: '/v2/', expect: [200, 401] });
      const apiVersion = first(answer.headers['docker-distribution-api-version']);
      const authenticate = first(answer.headers['www-authenticate']);
      return {
        status: answer.status,
        ...(apiVersion === undefined ? {} : { apiVersion }),
        ...(authenticate === undefined ? {} : { authenticate }),
      };
    },
    mgmt: () => getJson<Record<string, unknown>>('/v2/_zot/ext/mgmt'),
    listRepositories: () => collect(oci.listRepositories({ pageSize })),
    listTags: (repository) => collect(oci.listTags(repository, { pageSize })),
    async getManifest(repository, reference) {
      const fetched = await oci.getManifest(repository, reference, { accept: MANIFEST_ACCEPT });
      return {
        digest: fetched.digest,
        mediaType: fetched.mediaType,
        size: fetched.content.length,
        manifest: parseDocument(fetched.content, `manifest ${repository}:${reference}`),
        raw: fetched.content,
      };
    },
    async getConfigBlob(repository, digest) {
      const blob = await oci.readBlob(repository, digest);
      return parseDocument(blob, `blob ${repository}@${digest}`) as Record<string, unknown>;
    },
    async referrers(repository, digest, artifactType) {
      return (await oci.listReferrers(
        repository,
        digest,
        artifactType === undefined ? {} : { artifactType },
      )) as Descriptor[];
    },
    async extensions() {
      const answer = await oci.request({ path: '/v2/_oci/ext/discover', expect: [200, 404] });
      return answer.status === 404 ? [] : parseDiscovery(answerJson(answer));
    },
    async searchQuery(query) {
      const answer = await oci.request({
        path: `/v2/_zot/ext/search?query=${encodeURIComponent(query)}`,
        headers: { 'content-type': 'application/json' },
      });
      return answerJson(answer);
    },
    async signatureVerification(repository, digest) {
      const answer = await oci.request({
        path: `/v2/_zot/ext/signatures/${repository}/${digest}`,
        scopes: [`repository:${repository}:pull`],
      });
      const body = answerJson(answer);
      return parseSignatureVerification(body, digest);
    },
  };
}

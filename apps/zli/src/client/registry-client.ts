// A small read-only OCI distribution client, bound once to a registry:
//   const client = createRegistryClient({ url, credentials, verifyTls });
//   await client.listRepositories();
// It knows nothing of zli's profiles or output, so sync and tests can use it as it is.

import { createHash } from 'node:crypto';
import { RegistryClientError, statusError } from './errors.js';
import { nextPageUrl } from './link-header.js';
import { MANIFEST_ACCEPT, OCI_INDEX } from './media-types.js';
import { createTransport, type HttpResponse, headerValue } from './transport.js';
import {
  parseDiscovery,
  parseSignatureVerification,
  type RegistryExtension,
  type SignatureVerification,
} from './zot-extensions.js';

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface RegistryClientOptions {
  readonly url: string;
  readonly credentials?: RegistryCredentials;
  /** false accepts any server certificate (the profile's `verify-tls: false`). */
  readonly verifyTls?: boolean;
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

/** The fields of an image manifest or an index that the client reads; the rest stays in `raw`. */
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
  /** The challenge of an unauthenticated ping (`Basic realm=...`, `Bearer realm=...`). */
  readonly authenticate?: string;
}

export interface RegistryClient {
  readonly url: string;
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

function parseJson<T>(response: HttpResponse, url: string): T {
  try {
    return JSON.parse(response.body.toString('utf8')) as T;
  } catch (error) {
    throw new RegistryClientError(
      'INVALID_RESPONSE',
      `${url} did not answer with JSON`,
      { url, status: response.status },
      { cause: error },
    );
  }
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const base = options.url.replace(/\/+$/, '');
  const pageSize = options.pageSize ?? 100;
  const authorization =
    options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  const transport = createTransport({
    verifyTls: options.verifyTls ?? true,
    ...(authorization === undefined ? {} : { authorization }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });

  async function get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ response: HttpResponse; url: string }> {
    const url = path.startsWith('http') ? path : `${base}${path}`;
    const response = await transport('GET', url, headers);
    if (response.status < 200 || response.status >= 300)
      throw statusError(url, response.status, response.body);
    return { response, url };
  }

  /** Follows `Link: rel="next"` until the last page, collecting one JSON field of each page. */
  async function paged(firstPath: string, field: 'repositories' | 'tags'): Promise<string[]> {
    const items: string[] = [];
    let next: string | undefined = firstPath;
    const visited = new Set<string>();
    while (next !== undefined && !visited.has(next)) {
      visited.add(next);
      const { response, url } = await get(next);
      const page = parseJson<Record<string, unknown>>(response, url);
      const values = page[field];
      if (Array.isArray(values)) items.push(...values.map(String));
      next = nextPageUrl(headerValue(response, 'link'), url);
    }
    return items;
  }

  async function getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const { response, url } = await get(`/v2/${repository}/manifests/${reference}`, {
      accept: MANIFEST_ACCEPT,
    });
    const manifest = parseJson<ManifestDocument>(response, url);
    // distribution-spec: Docker-Content-Digest is a SHOULD; the bytes are the truth when it is absent.
    const digest =
      headerValue(response, 'docker-content-digest') ??
      `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    const contentType = headerValue(response, 'content-type')?.split(';')[0]?.trim();
    const mediaType = manifest.mediaType ?? contentType ?? 'application/octet-stream';
    return { digest, mediaType, size: response.body.length, manifest, raw: response.body };
  }

  return {
    url: base,
    async ping() {
      const url = `${base}/v2/`;
      const response = await transport('GET', url);
      if (response.status !== 200 && response.status !== 401)
        throw statusError(url, response.status, response.body);
      const apiVersion = headerValue(response, 'docker-distribution-api-version');
      const authenticate = headerValue(response, 'www-authenticate');
      return {
        status: response.status,
        ...(apiVersion === undefined ? {} : { apiVersion }),
        ...(authenticate === undefined ? {} : { authenticate }),
      };
    },
    async mgmt() {
      const { response, url } = await get('/v2/_zot/ext/mgmt');
      return parseJson<Record<string, unknown>>(response, url);
    },
    async listRepositories() {
      return paged(`/v2/_catalog?n=${pageSize}`, 'repositories');
    },
    async listTags(repository) {
      return paged(`/v2/${repository}/tags/list?n=${pageSize}`, 'tags');
    },
    getManifest,
    async getConfigBlob(repository, digest) {
      const { response, url } = await get(`/v2/${repository}/blobs/${digest}`);
      return parseJson<Record<string, unknown>>(response, url);
    },
    async referrers(repository, digest, artifactType) {
      const filter = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
      let index: ManifestDocument;
      try {
        const { response, url } = await get(`/v2/${repository}/referrers/${digest}${filter}`, {
          accept: OCI_INDEX,
        });
        index = parseJson<ManifestDocument>(response, url);
      } catch (error) {
        if (!(error instanceof RegistryClientError) || error.code !== 'NOT_FOUND') throw error;
        // distribution-spec "referrers tag schema": <alg>-<hex> tag holding an index of referrers.
        try {
          index = (await getManifest(repository, digest.replace(':', '-'))).manifest;
        } catch (fallbackError) {
          if (fallbackError instanceof RegistryClientError && fallbackError.code === 'NOT_FOUND') return [];
          throw fallbackError;
        }
      }
      const found = [...(index.manifests ?? [])];
      return artifactType === undefined
        ? found
        : found.filter((descriptor) => descriptor.artifactType === artifactType);
    },
    async extensions() {
      try {
        const { response, url } = await get('/v2/_oci/ext/discover');
        return parseDiscovery(parseJson<unknown>(response, url));
      } catch (error) {
        if (error instanceof RegistryClientError && error.code === 'NOT_FOUND') return [];
        throw error;
      }
    },
    async searchQuery(query) {
      const { response, url } = await get(`/v2/_zot/ext/search?query=${encodeURIComponent(query)}`, {
        'content-type': 'application/json',
      });
      return parseJson<unknown>(response, url);
    },
    async signatureVerification(repository, digest) {
      const { response, url } = await get(`/v2/_zot/ext/signatures/${repository}/${digest}`);
      return parseSignatureVerification(parseJson<unknown>(response, url), digest);
    },
  };
}

/** The one spelling of the --user value in every hint, help text and usage error (issue 20). */
export const USER_FLAG_VALUE = '<user>:<password>';

/** `user:password` from --user; the password may itself contain colons (API keys do not, but passwords may). */
export function parseCredentials(text: string): RegistryCredentials | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

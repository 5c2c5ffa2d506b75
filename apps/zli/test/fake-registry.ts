// A tiny in-memory OCI registry on node:http for zli's tests: the read side of the distribution
// spec (catalog and tags with Link pagination, manifests, blobs, referrers), zot's mgmt extension,
// and optional basic auth. Images are built in memory with real digests.

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerSearch, type SearchStandInOptions } from './fake-search.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const COSIGN_SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';

interface Repo {
  tags: Map<string, string>;
  manifests: Map<string, { mediaType: string; body: Buffer }>;
  blobs: Map<string, Buffer>;
}

export interface FakeRegistryOptions {
  /** `user:password`: every request needs it as basic auth. */
  readonly credentials?: string;
  /** Serve /v2/_zot/ext/mgmt (true) or answer it with 404 (false). */
  readonly mgmt?: boolean;
  /** Largest page of _catalog and tags/list, whatever `n` asks, so tests see pagination. */
  readonly maxPage?: number;
  /** Announce and answer zot's GraphQL search (a stand-in: test/fake-search.ts). */
  readonly search?: SearchStandInOptions;
}

export interface ImageSpec {
  readonly os?: string;
  readonly architecture?: string;
  readonly created?: string;
  readonly layerBytes?: readonly number[];
  /** Layers by content seed instead of size: images sharing a seed share that layer (base/derived images). */
  readonly layerSeeds?: readonly string[];
}

function digestOf(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

export class FakeRegistry {
  readonly repos = new Map<string, Repo>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: FakeRegistryOptions = {}) {}

  private repo(name: string): Repo {
    let repo = this.repos.get(name);
    if (repo === undefined) {
      repo = { tags: new Map(), manifests: new Map(), blobs: new Map() };
      this.repos.set(name, repo);
    }
    return repo;
  }

  private putBlob(repo: Repo, body: Buffer): { digest: string; size: number } {
    const digest = digestOf(body);
    repo.blobs.set(digest, body);
    return { digest, size: body.length };
  }

  putManifest(
    name: string,
    document: object,
    tag?: string,
  ): { digest: string; size: number; mediaType: string } {
    const repo = this.repo(name);
    const body = Buffer.from(JSON.stringify(document));
    const digest = digestOf(body);
    const mediaType = (document as { mediaType?: string }).mediaType ?? OCI_MANIFEST;
    repo.manifests.set(digest, { mediaType, body });
    if (tag !== undefined) repo.tags.set(tag, digest);
    return { digest, size: body.length, mediaType };
  }

  addImage(
    name: string,
    tag: string | undefined,
    spec: ImageSpec = {},
  ): { digest: string; size: number; mediaType: string } {
    const repo = this.repo(name);
    const config = this.putBlob(
      repo,
      Buffer.from(
        JSON.stringify({
          os: spec.os ?? 'linux',
          architecture: spec.architecture ?? 'amd64',
          created: spec.created ?? '2024-05-01T10:00:00Z',
          rootfs: { type: 'layers', diff_ids: [] },
        }),
      ),
    );
    const contents =
      spec.layerSeeds?.map((seed) => Buffer.from(`layer ${seed}`)) ??
      (spec.layerBytes ?? [1000]).map((size, index) =>
        Buffer.alloc(size, `${name}:${tag ?? ''}:${index}:${spec.architecture ?? ''}`),
      );
    const layers = contents.map((content) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      ...this.putBlob(repo, content),
    }));
    return this.putManifest(
      name,
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, ...config }, layers },
      tag,
    );
  }

  addIndex(
    name: string,
    tag: string,
    platforms: readonly { os: string; architecture: string; created?: string }[],
  ): { digest: string } {
    const manifests = platforms.map((platform) => ({
      ...this.addImage(name, undefined, platform),
      platform: { os: platform.os, architecture: platform.architecture },
    }));
    return this.putManifest(name, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, tag);
  }

  /** A cosign-style signature as an OCI 1.1 referrer of `subject`. */
  addSignature(
    name: string,
    subject: { digest: string; size: number; mediaType: string },
  ): { digest: string } {
    const repo = this.repo(name);
    const empty = this.putBlob(repo, Buffer.from('{}'));
    const layer = this.putBlob(repo, Buffer.from('signature payload'));
    return this.putManifest(name, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: COSIGN_SIG,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
      layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', ...layer }],
      subject,
    });
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private page(response: ServerResponse, url: URL, field: string, all: string[]): void {
    const n = Math.min(
      Number(url.searchParams.get('n') ?? all.length),
      this.options.maxPage ?? Number.MAX_SAFE_INTEGER,
    );
    const last = url.searchParams.get('last');
    const rest = last === null ? all : all.filter((item) => item > last);
    const page = rest.slice(0, n);
    if (rest.length > n && page.length > 0)
      response.setHeader(
        'link',
        `<${url.pathname}?n=${n}&last=${encodeURIComponent(page.at(-1) ?? '')}>; rel="next"`,
      );
    this.json(response, 200, {
      ...(field === 'tags' ? { name: url.pathname.split('/').slice(2, -2).join('/') } : {}),
      [field]: page,
    });
  }

  private json(
    response: ServerResponse,
    status: number,
    body: unknown,
    contentType = 'application/json',
  ): void {
    response.writeHead(status, { 'content-type': contentType });
    response.end(JSON.stringify(body));
  }

  private notFound(response: ServerResponse, code: string): void {
    this.json(response, 404, { errors: [{ code, message: code.toLowerCase() }] });
  }

  private handle(request: IncomingMessage, response: ServerResponse): unknown {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (this.options.credentials !== undefined) {
      const expected = `Basic ${Buffer.from(this.options.credentials).toString('base64')}`;
      if (request.headers.authorization !== expected) {
        response.setHeader('www-authenticate', 'Basic realm="fake"');
        return this.json(response, 401, {
          errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
        });
      }
    }
    const path = url.pathname;
    if (path === '/v2/' || path === '/v2') {
      response.setHeader('docker-distribution-api-version', 'registry/2.0');
      return this.json(response, 200, {});
    }
    if (path === '/v2/_zot/ext/mgmt') {
      if (this.options.mgmt !== true) return this.notFound(response, 'NOT_FOUND');
      const auth =
        this.options.credentials === undefined
          ? {}
          : { htpasswd: { path: '/etc/zot/htpasswd' }, apikey: true };
      return this.json(response, 200, {
        distSpecVersion: '1.1.1',
        releaseTag: 'v2.1.17',
        commit: 'abc123',
        binaryType: '-mgmt-search',
        http: { auth },
      });
    }
    const search = this.options.search;
    if (path === '/v2/_oci/ext/discover' && search !== undefined) {
      return this.json(response, 200, {
        extensions: [{ name: '_zot', url: 'https://zotregistry.dev', endpoints: ['/v2/_zot/ext/search'] }],
      });
    }
    if (path === '/v2/_zot/ext/search' && search !== undefined) {
      const query = url.searchParams.get('query') ?? '';
      return this.json(response, 200, answerSearch(this.repos, query, search));
    }
    if (path === '/v2/_catalog')
      return this.page(response, url, 'repositories', [...this.repos.keys()].sort());
    const match = /^\/v2\/(.+)\/(tags\/list|manifests|blobs|referrers)(?:\/([^/]+))?$/.exec(path);
    const [, name = '', kind = '', reference = ''] = match ?? [];
    const repo = this.repos.get(name);
    if (match === null || repo === undefined) return this.notFound(response, 'NAME_UNKNOWN');
    if (kind === 'tags/list') return this.page(response, url, 'tags', [...repo.tags.keys()].sort());
    if (kind === 'blobs') {
      const blob = repo.blobs.get(reference);
      if (blob === undefined) return this.notFound(response, 'BLOB_UNKNOWN');
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'docker-content-digest': reference,
      });
      return void response.end(blob);
    }
    if (kind === 'manifests') {
      const digest = reference.startsWith('sha256:') ? reference : repo.tags.get(reference);
      const manifest = digest === undefined ? undefined : repo.manifests.get(digest);
      if (digest === undefined || manifest === undefined) return this.notFound(response, 'MANIFEST_UNKNOWN');
      response.writeHead(200, { 'content-type': manifest.mediaType, 'docker-content-digest': digest });
      return void response.end(manifest.body);
    }
    const referrers = [...repo.manifests.entries()]
      .map(([digest, manifest]) => ({
        digest,
        manifest,
        document: JSON.parse(manifest.body.toString()) as {
          subject?: { digest: string };
          artifactType?: string;
        },
      }))
      .filter((entry) => entry.document.subject?.digest === reference)
      .map((entry) => ({
        mediaType: entry.manifest.mediaType,
        digest: entry.digest,
        size: entry.manifest.body.length,
        artifactType: entry.document.artifactType,
      }));
    return this.json(
      response,
      200,
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests: referrers },
      OCI_INDEX,
    );
  }
}

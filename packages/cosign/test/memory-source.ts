// An in-memory registry implementing SignatureSource, with just enough push helpers for the tests.
import { createHash, randomBytes } from 'node:crypto';
import type { OciDescriptor, SignatureSource, SourceManifest } from '../src/index.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface Repository {
  manifests: Map<string, Uint8Array>;
  tags: Map<string, string>;
  blobs: Map<string, Uint8Array>;
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class MemorySource implements SignatureSource {
  readonly repositories = new Map<string, Repository>();
  /** Counts reads, so tests can tell a cached answer from a recomputed one. */
  reads = 0;
  /** Counts blob reads only: verifying reads blobs, finding signatures reads manifests. */
  blobReads = 0;

  private repo(name: string): Repository {
    let repository = this.repositories.get(name);
    if (!repository) {
      repository = { manifests: new Map(), tags: new Map(), blobs: new Map() };
      this.repositories.set(name, repository);
    }
    return repository;
  }

  pushBlob(
    repository: string,
    content: Uint8Array | string,
    mediaType: string,
    annotations?: Record<string, string>,
  ): OciDescriptor {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const digest = sha256(bytes);
    this.repo(repository).blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.byteLength, ...(annotations ? { annotations } : {}) };
  }

  pushManifest(repository: string, manifest: object, tag?: string): OciDescriptor & { content: Uint8Array } {
    const content = Buffer.from(JSON.stringify(manifest));
    const digest = sha256(content);
    const repo = this.repo(repository);
    repo.manifests.set(digest, content);
    if (tag !== undefined) repo.tags.set(tag, digest);
    return { mediaType: OCI_MANIFEST, digest, size: content.byteLength, content };
  }

  /** A small image: an OCI config and one random layer. */
  pushImage(repository: string, tag = 'latest'): OciDescriptor & { content: Uint8Array } {
    const config = this.pushBlob(
      repository,
      JSON.stringify({ architecture: 'amd64', os: 'linux' }),
      'application/vnd.oci.image.config.v1+json',
    );
    const layer = this.pushBlob(repository, randomBytes(64), 'application/vnd.oci.image.layer.v1.tar+gzip');
    return this.pushManifest(
      repository,
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
      tag,
    );
  }

  deleteTag(repository: string, tag: string): void {
    this.repo(repository).tags.delete(tag);
  }

  async referrers(repository: string, digest: string): Promise<OciDescriptor[]> {
    this.reads++;
    const result: OciDescriptor[] = [];
    for (const [manifestDigest, content] of this.repo(repository).manifests) {
      const manifest = JSON.parse(Buffer.from(content).toString('utf8'));
      if (manifest.subject?.digest !== digest) continue;
      const artifactType: string | undefined = manifest.artifactType ?? manifest.config?.mediaType;
      result.push({
        mediaType: OCI_MANIFEST,
        digest: manifestDigest,
        size: content.byteLength,
        ...(artifactType ? { artifactType } : {}),
      });
    }
    return result;
  }

  async getManifest(repository: string, reference: string): Promise<SourceManifest | undefined> {
    this.reads++;
    const repo = this.repo(repository);
    const digest = reference.includes(':') ? reference : repo.tags.get(reference);
    const content = digest === undefined ? undefined : repo.manifests.get(digest);
    if (digest === undefined || content === undefined)
      throw Object.assign(new Error('manifest unknown'), { code: 'MANIFEST_UNKNOWN' });
    return { digest, content };
  }

  async readBlob(repository: string, digest: string): Promise<Uint8Array | undefined> {
    this.reads++;
    this.blobReads++;
    return this.repo(repository).blobs.get(digest);
  }
}

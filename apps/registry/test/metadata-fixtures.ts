// Fixtures for the metadata database tests through the real server: a registry on a given storage root (so a
// test can stop it and start another on the same root), the metadata feature of a running registry, and images
// made with umoci and pushed with skopeo.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '@zot-ts/config';
import type { RepoMeta } from '@zot-ts/metastore';
import type { Feature } from '../src/features/feature.js';
import type { MetadataSync } from '../src/features/metadata.js';
import type { SyncSummary } from '../src/features/metadata-sync.js';
import { type RunningRegistry, startRegistry } from '../src/index.js';

export const run = promisify(execFile);

export async function startOnRoot(
  root: string,
  config: Record<string, unknown> = {},
  options: { now?: () => Date } = {},
): Promise<RunningRegistry> {
  const { storage, ...rest } = config as { storage?: object };
  const parsed = parseConfig({
    ...rest,
    storage: { rootDirectory: root, ...storage },
    http: { address: '127.0.0.1', port: 5000 },
    log: { level: 'error' },
  });
  return startRegistry({ config: parsed, port: 0, ...options });
}

type MetadataFeature = Feature & { sync: MetadataSync; startup: SyncSummary };

export function metadataOf(running: RunningRegistry): MetadataFeature {
  const feature = running.registry.features.find((f): f is MetadataFeature => 'sync' in f && 'startup' in f);
  if (!feature) throw new Error('the registry has no metadata feature');
  return feature;
}

/** The repository's metadata once every event so far is applied. */
export async function repoMetaOf(
  running: RunningRegistry,
  repository: string,
): Promise<RepoMeta | undefined> {
  await metadataOf(running).sync.idle();
  return running.registry.metaStore.repos.getRepoMeta(repository);
}

/** An OCI layout image made by umoci with a platform, a vendor label and a creation time. */
export async function umociImage(
  directory: string,
  options: { tag: string; arch: string; vendor: string; created: string },
): Promise<string> {
  const layout = join(directory, 'layout');
  await run('umoci', ['init', '--layout', layout]).catch(() => undefined); // already there: fine
  const image = `${layout}:${options.tag}`;
  await run('umoci', ['new', '--image', image]);
  await run('umoci', [
    'config',
    '--image',
    image,
    '--os',
    'linux',
    '--architecture',
    options.arch,
    '--created',
    options.created,
    '--config.label',
    `org.opencontainers.image.vendor=${options.vendor}`,
    '--manifest.annotation',
    `org.opencontainers.image.vendor=${options.vendor}`,
  ]);
  return layout;
}

export async function skopeoCopy(
  layout: string,
  tag: string,
  url: string,
  destination: string,
): Promise<void> {
  const host = url.replace(/^https?:\/\//, '');
  await run('skopeo', [
    'copy',
    '--dest-tls-verify=false',
    '--preserve-digests',
    `oci:${layout}:${tag}`,
    `docker://${host}/${destination}`,
  ]);
}

// One entry of extensions.sync.registries: its clients (one per URL, tried in order), and the image copy
// both modes share. `syncImage` decides (plan in memory, compare with the local tag), checks signatures when
// onlySigned, copies with whole-image retries, then brings the referrers and legacy cosign tags along.
import { createRegistryClient, isRegistryClientError, type RegistryClient } from '@zot-ts/oci-client';
import { type ContentRules, compileContentRules } from './content.js';
import { type CopyPlan, commitCopy, fetchManifestTree, planCopy } from './copy-image.js';
import type { InFlightCopy } from './in-flight.js';
import type { SyncLogger, SyncOptions, SyncReport, UpstreamOptions } from './options.js';
import { syncReferrers } from './referrers.js';
import { hasSignatureReferrer, isCosignSignatureTag, legacyTagsOf } from './signatures.js';

export interface Upstream {
  readonly name: string;
  readonly options: UpstreamOptions;
  readonly rules: ContentRules;
  /** Runs `work` against the first URL that answers; fails over on unreachable or 5xx/429 upstreams. */
  withFailover<T>(work: (client: RegistryClient) => Promise<T>): Promise<T>;
  syncImage(request: {
    upstreamRepository: string;
    localRepository: string;
    reference: string;
    mode: SyncReport['mode'];
    knownTags?: string[];
    /** On demand: serve the copy while it runs (commitCopy's `stage`). */
    stage?: (plan: CopyPlan, missing: Map<string, number>) => InFlightCopy | undefined;
  }): Promise<SyncReport>;
  close(): void;
}

const isDigest = (reference: string) => reference.includes(':');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Errors that another URL of the same upstream may not have. */
function failsOver(error: unknown): boolean {
  if (!isRegistryClientError(error)) return false;
  if (error.code === 'UNREACHABLE') return true;
  return (
    error.code === 'UNEXPECTED_STATUS' &&
    error.status !== undefined &&
    (error.status >= 500 || error.status === 429)
  );
}

/** Errors that say the image is not there (or not ours to see): no retry, the next upstream may have it. */
export function isAbsent(error: unknown): boolean {
  return isRegistryClientError(error, 'NOT_FOUND') || isRegistryClientError(error, 'UNAUTHORIZED');
}

export function createUpstream(options: UpstreamOptions, shared: Omit<SyncOptions, 'upstreams'>): Upstream {
  const logger: SyncLogger = shared.logger ?? { info() {}, warn() {}, error() {} };
  const name = options.urls[0] ?? '';
  const clients = new Map<number, RegistryClient>();
  let preferred = 0;
  const clientAt = (index: number): RegistryClient => {
    let client = clients.get(index);
    if (client === undefined) {
      const url = options.urls[index] as string;
      const host = new URL(/:\/\//.test(url) ? url : `https://${url}`).host;
      const credentials = shared.credentials?.[host];
      client = createRegistryClient({
        url,
        ...(credentials === undefined ? {} : { credentials }),
        tls: {
          verify: options.tlsVerify,
          ...(options.certDir === undefined ? {} : { certDir: options.certDir }),
        },
        retry: { maxRetries: options.maxRetries, delayMs: options.retryDelayMs },
        maxConcurrent: options.maxConcurrent ?? 8,
        userAgent: 'zot-ts-sync',
        onRetry: (event) => logger.warn('sync: retrying upstream request', { remote: url, ...event }),
      });
      clients.set(index, client);
    }
    return client;
  };

  const upstream: Upstream = {
    name,
    options,
    rules: compileContentRules(options.content),
    async withFailover(work) {
      const order = [preferred, ...options.urls.keys()].filter((v, i, all) => all.indexOf(v) === i);
      let lastError: unknown;
      for (const index of order) {
        try {
          const result = await work(clientAt(index));
          preferred = index;
          return result;
        } catch (error) {
          lastError = error;
          if (!failsOver(error)) throw error;
          logger.warn('sync: upstream url failed, trying the next one', {
            remote: options.urls[index],
            error: (error as Error).message,
          });
        }
      }
      throw lastError;
    },
    async syncImage(request) {
      const { upstreamRepository, localRepository, reference, mode } = request;
      const report: SyncReport = {
        upstream: name,
        repository: localRepository,
        reference,
        outcome: 'failed',
        mode,
        bytes: 0,
      };
      const signal = AbortSignal.timeout(options.syncTimeoutMs);
      const local = shared.store.repository(localRepository);
      for (let attempt = 0; ; attempt++) {
        try {
          await upstream.withFailover(async (client) => {
            const tree = await fetchManifestTree(client, upstreamRepository, reference, signal);
            let tags = request.knownTags;
            const listTags = async () => {
              if (tags === undefined) {
                tags = [];
                for await (const tag of client.listTags(upstreamRepository, { signal })) tags.push(tag);
              }
              return tags;
            };
            if (
              options.onlySigned &&
              !isCosignSignatureTag(reference) &&
              !(await isSigned(
                client,
                upstreamRepository,
                tree.upstreamDigest,
                options.syncLegacyCosignTags ? listTags : undefined,
              ))
            ) {
              report.outcome = 'notSigned';
              return;
            }
            const plan = planCopy(tree, options.preserveDigest);
            const current = await local.manifests.stat(reference).then(
              (m) => m.digest,
              () => undefined,
            );
            if (current === plan.localDigest) report.outcome = 'unchanged';
            else {
              report.bytes += await commitCopy({
                client,
                upstreamRepository,
                local,
                plan,
                ...(isDigest(reference) ? {} : { tag: reference }),
                signal,
                ...(request.stage === undefined
                  ? {}
                  : { stage: (missing: Map<string, number>) => request.stage?.(plan, missing) }),
              });
              report.outcome = 'synced';
            }
            await syncReferrers({
              client,
              upstreamRepository,
              local,
              upstreamDigest: tree.upstreamDigest,
              plan,
              preserveDigest: options.preserveDigest,
              legacyTags: options.syncLegacyCosignTags
                ? legacyTagsOf(tree.upstreamDigest, await listTags())
                : [],
              logger,
              signal,
              onBytes: (bytes) => {
                report.bytes += bytes;
              },
            });
          });
          break;
        } catch (error) {
          if (isAbsent(error)) {
            report.outcome = 'notFound';
            break;
          }
          if (attempt >= options.maxRetries || signal.aborted) {
            report.outcome = 'failed';
            report.error = (error as Error).message;
            break;
          }
          logger.warn('sync: copy failed, retrying', {
            remote: name,
            repo: localRepository,
            reference,
            error: (error as Error).message,
          });
          await sleep(options.retryDelayMs);
        }
      }
      const fields = {
        remote: name,
        upstreamRepo: upstreamRepository,
        repo: localRepository,
        reference,
        mode,
        outcome: report.outcome,
        bytes: report.bytes,
      };
      if (report.outcome === 'failed')
        logger.error('sync: failed to sync image', { ...fields, error: report.error });
      else if (report.outcome === 'notSigned')
        logger.info('sync: skipping image without mandatory signature', fields);
      else if (report.outcome === 'synced') logger.info('sync: successfully synced image', fields);
      shared.onReport?.(report);
      return report;
    },
    close() {
      for (const client of clients.values()) client.close();
    },
  };
  return upstream;
}

/** zot: a signature referrer (cosign, sigstore bundle, notation), or with legacy tags a `sha256-<hex>.sig` tag. */
async function isSigned(
  client: RegistryClient,
  repository: string,
  upstreamDigest: string,
  tags: (() => Promise<string[]>) | undefined,
): Promise<boolean> {
  if (hasSignatureReferrer(await client.listReferrers(repository, upstreamDigest))) return true;
  return tags !== undefined && (await tags()).includes(`${upstreamDigest.replace(':', '-')}.sig`);
}

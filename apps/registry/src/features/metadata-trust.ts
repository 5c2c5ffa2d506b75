// Signature trust written into repository metadata, as zot's UpdateSignaturesValidity does (pkg/meta/parse.go
// after a signature is pushed, pkg/extensions/imagetrust after a key or certificate upload): the search API's
// SignatureSummary {Tool, IsTrusted, Author} reads what is stored here and never verifies on a query.
//
// Off the request path: a store event or an upload only adds (repository, signed digest) to a set; a few
// workers (bounded concurrency) take them one at a time, wait until the metadata queue has recorded the
// signature, verify through the signatures feature's verifier (cached, persisted) and write the outcome with
// RepoMetaStore.updateSignatureTrust. The same pair scheduled again while queued is done once.
import {
  type ManifestSignatures,
  parseSignatureTag,
  type SignatureReport,
  type TrustedKey,
} from '@zot-ts/cosign';
import type { MetaStore, SignatureInfo, SignatureTool } from '@zot-ts/metastore';
import type { StoreEvent } from '@zot-ts/oci-store';
import type { Logger } from '../log-sink.js';

/** What the signatures feature offers the metadata feature (FeatureContext.signatureTrust). */
export interface SignatureTrustSource {
  /** Signatures of `digest` in `repository` with their verdicts. */
  status(repository: string, digest: string): Promise<ManifestSignatures>;
  /** The trusted cosign keys: zot's Author of a key-verified cosign signature is the public key itself. */
  trustedKeys(): Promise<TrustedKey[]>;
  /** Called after a key or certificate is added; returns the unsubscribe. */
  onTrustChanged(listener: () => void): () => void;
}

export interface TrustSync {
  onStoreEvent(event: StoreEvent): void;
  /** Re-verifies every signed manifest (start-up, a key or certificate added). */
  scheduleAll(): void;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

type Layer = SignatureInfo['layers'][number];

/** One layer's stored outcome from its report (zot: Signer only when trusted, or when its validity has ended). */
function layerOutcome(
  layer: Layer,
  report: SignatureReport | undefined,
  pems: Map<string, string>,
  at: Date,
): Layer {
  const out: Layer = { layerDigest: layer.layerDigest, verified: report?.trusted === true, checkedAt: at };
  if (report === undefined) return out;
  const key = report.keyFingerprint === undefined ? undefined : pems.get(report.keyFingerprint);
  const author = key ?? report.identity?.subjectAlternativeName ?? report.signer;
  const expiresAt = report.expiresAt === undefined ? undefined : new Date(report.expiresAt);
  const knownEnd = expiresAt !== undefined && !Number.isNaN(expiresAt.getTime());
  // zot names the signer of an expired signature too (IsTrusted false, Author set), not of an unknown one
  const expired = knownEnd && expiresAt.getTime() <= at.getTime();
  if (author !== undefined && (out.verified || expired)) out.signer = author;
  if (key !== undefined) out.signatureKey = key;
  if (knownEnd) out.expiresAt = expiresAt;
  return out;
}

function reportFor(reports: SignatureReport[], layerDigest: string): SignatureReport | undefined {
  return (
    reports.find((r) => r.layerDigest === layerDigest) ?? reports.find((r) => r.layerDigest === undefined)
  );
}

const sameLayers = (a: Layer[], b: Layer[]): boolean =>
  a.length === b.length &&
  a.every(
    (layer, i) =>
      layer.verified === b[i]?.verified &&
      layer.signer === b[i]?.signer &&
      layer.expiresAt?.getTime() === b[i]?.expiresAt?.getTime(),
  );

export function createTrustSync(options: {
  metaStore: MetaStore;
  source: SignatureTrustSource;
  /** Resolves once the metadata queue has applied every event so far (the signature is recorded). */
  settled: () => Promise<void>;
  logger: Logger;
  now: () => Date;
  concurrency?: number;
}): TrustSync {
  const { metaStore, source, logger, now } = options;
  const concurrency = options.concurrency ?? 2;
  const pending = new Set<string>();
  let running = 0;
  let closed = false;
  let drained: Promise<void> = Promise.resolve();
  let resolveDrained: (() => void) | undefined;
  /** Listings of signed manifests under way (scheduleAll, GC): idle() waits for what they schedule. */
  const listings = new Set<Promise<void>>();
  const listing = (work: Promise<void>): void => {
    const tracked = work
      .catch((error: unknown) =>
        logger.warn('failed to list signed images for trust', { module: 'metadb', error: String(error) }),
      )
      .finally(() => listings.delete(tracked));
    listings.add(tracked);
  };

  async function verifyOne(repository: string, digest: string): Promise<void> {
    await options.settled();
    const signatures = (await metaStore.repos.getRepoMeta(repository))?.signatures[digest];
    if (signatures === undefined) return; // unsigned, or gone meanwhile
    const result = await source.status(repository, digest);
    const pems = new Map((await source.trustedKeys()).map((key) => [key.fingerprint, key.pem]));
    const at = now();
    for (const [tool, list] of Object.entries(signatures) as [SignatureTool, SignatureInfo[]][]) {
      for (const info of list) {
        const reports = result.signatures.filter(
          (r) => r.tool === tool && r.manifestDigest === info.signatureManifestDigest,
        );
        const layers = info.layers.map((layer) =>
          layerOutcome(layer, reportFor(reports, layer.layerDigest), pems, at),
        );
        // unchanged outcomes are not written again: a key upload re-checks everything
        if (info.layers.every((l) => l.checkedAt !== undefined) && sameLayers(info.layers, layers)) continue;
        await metaStore.repos.updateSignatureTrust(repository, digest, tool, { ...info, layers });
      }
    }
  }

  function pump(): void {
    while (!closed && running < concurrency && pending.size > 0) {
      const key = pending.values().next().value as string;
      pending.delete(key);
      const [repository, digest] = key.split('\0') as [string, string];
      running++;
      verifyOne(repository, digest)
        .catch((error: unknown) =>
          logger.warn('failed to record signature trust', {
            module: 'metadb',
            repository,
            digest,
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          running--;
          pump();
        });
    }
    if (running === 0 && (pending.size === 0 || closed)) {
      resolveDrained?.();
      resolveDrained = undefined;
    }
  }

  function schedule(repository: string, digest: string): void {
    if (closed) return;
    if (resolveDrained === undefined) drained = new Promise((resolve) => (resolveDrained = resolve));
    pending.add(`${repository}\0${digest}`);
    // after the current event's handlers: the metadata queue has the signature's job by then
    queueMicrotask(pump);
  }

  async function scheduleAllNow(): Promise<void> {
    for (const repo of await metaStore.repos.listRepoMetas()) {
      for (const digest of Object.keys(repo.signatures)) schedule(repo.name, digest);
    }
  }

  return {
    onStoreEvent(event) {
      if (event.type === 'manifestPut') {
        if (event.subject !== undefined) schedule(event.repository, event.subject);
        // cosign's legacy `sha256-<hex>.sig` tag names the signed digest
        const legacy = event.tag === undefined ? undefined : parseSignatureTag(event.tag);
        if (legacy) schedule(event.repository, legacy.digest);
      } else if (event.type === 'gcRun' && event.deleted.manifest > 0) {
        // GC re-reads the repository into the metadata, which records its signatures afresh, unverified
        listing(
          options
            .settled()
            .then(() => metaStore.repos.getRepoMeta(event.repository))
            .then((repo) => {
              for (const digest of Object.keys(repo?.signatures ?? {})) schedule(event.repository, digest);
            }),
        );
      }
    },
    scheduleAll() {
      listing(scheduleAllNow());
    },
    async idle() {
      do {
        await Promise.all(listings);
        await drained;
        await Promise.resolve(); // a pump queued by the last schedule
      } while (listings.size > 0 || pending.size > 0 || running > 0);
    },
    async close() {
      closed = true;
      pending.clear();
      pump();
      await drained;
    },
  };
}

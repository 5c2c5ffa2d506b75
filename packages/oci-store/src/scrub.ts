// Integrity check (zot scrub): re-hashes every manifest of every repository and every blob they reference,
// and reports what is missing, unreadable or does not match its digest. Read-only.
import { hashFile } from './blob-placement.js';
import { parseDigest } from './digest.js';
import { layout } from './layout.js';
import { readIndex } from './oci-index.js';
import { isOptionalLayer, loadSummary } from './references.js';
import type { StoreContext } from './store-context.js';
import type { Digest, ScrubFinding, ScrubReport } from './store-types.js';

export async function scrubRepositories(
  context: StoreContext,
  repositories: string[],
  signal?: AbortSignal,
): Promise<ScrubReport> {
  const report: ScrubReport = { repositories: 0, manifestsChecked: 0, blobsChecked: 0, findings: [] };
  for (const repository of repositories) {
    signal?.throwIfAborted();
    report.repositories += 1;
    await scrubRepository(context, repository, report, signal);
  }
  return report;
}

async function checkBlob(
  context: StoreContext,
  repository: string,
  digest: Digest,
): Promise<string | undefined> {
  const path = layout.blobPath(repository, digest);
  if (!(await context.driver.stat(path))) return 'missing';
  const { algorithm, hex } = parseDigest(digest);
  const actual = await hashFile(context, path, algorithm);
  return actual === hex ? undefined : `content hashes to ${algorithm}:${actual}`;
}

async function scrubRepository(
  context: StoreContext,
  repository: string,
  report: ScrubReport,
  signal?: AbortSignal,
) {
  const finding = (entry: Omit<ScrubFinding, 'repository'>): void => {
    report.findings.push({ repository, ...entry });
  };
  let index: Awaited<ReturnType<typeof readIndex>>;
  try {
    index = await readIndex(context.driver, repository);
  } catch {
    finding({ kind: 'index', problem: 'index.json is not valid JSON' });
    return;
  }
  if (!index) {
    finding({ kind: 'index', problem: 'index.json missing' });
    return;
  }
  const checked = new Set<Digest>();
  const pending = [...index.manifests];
  while (pending.length > 0) {
    signal?.throwIfAborted();
    const descriptor = pending.pop();
    if (!descriptor || checked.has(descriptor.digest)) continue;
    checked.add(descriptor.digest);
    report.manifestsChecked += 1;
    const problem = await checkBlob(context, repository, descriptor.digest);
    if (problem) {
      finding({ kind: 'manifest', digest: descriptor.digest, problem });
      continue;
    }
    const summary = await loadSummary(context, repository, descriptor);
    if (!summary) {
      finding({ kind: 'manifest', digest: descriptor.digest, problem: 'not a valid manifest' });
      continue;
    }
    pending.push(...summary.manifests);
    const blobs = [
      ...(summary.config ? [summary.config] : []),
      ...summary.layers.filter((layer) => !isOptionalLayer(layer)),
    ];
    for (const blob of blobs) {
      if (checked.has(blob.digest)) continue;
      checked.add(blob.digest);
      report.blobsChecked += 1;
      const blobProblem = await checkBlob(context, repository, blob.digest);
      if (blobProblem) finding({ kind: 'blob', digest: blob.digest, problem: blobProblem });
    }
  }
}

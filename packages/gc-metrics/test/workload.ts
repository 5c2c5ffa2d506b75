// A realistic burst of registry activity, so exposition tests scrape every kind of series at once.
import type { RegistryMetrics } from '../src/index.js';

const digest = `sha256:${'b'.repeat(64)}`;

export function driveWorkload(metrics: RegistryMetrics, repositoryCount = 5): void {
  const repositories = Array.from({ length: repositoryCount }, (_, index) => `team${index % 3}/app-${index}`);
  const methods = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'BREW'];
  const statuses = [200, 201, 202, 204, 206, 400, 401, 404, 416, 500];
  repositories.forEach((repository, index) => {
    metrics.requestStarted();
    metrics.onStoreEvent({ type: 'uploadStarted', repository, uploadSessionId: `u${index}` });
    metrics.onStoreEvent({
      type: 'blobWritten',
      repository,
      digest,
      size: 1000 * (index + 1),
      deduped: index % 2 === 0,
    });
    metrics.onStoreEvent({
      type: 'uploadFinished',
      repository,
      uploadSessionId: `u${index}`,
      digest,
      size: 1000,
    });
    metrics.onStoreEvent({
      type: 'manifestPut',
      repository,
      digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    metrics.recordDownload(repository);
    metrics.recordRateLimited(index % 2 === 0 ? 'GET' : 'PUT', index % 2 === 0 ? 'client' : 'user');
    methods.forEach((method, methodIndex) => {
      const status = statuses[(index + methodIndex) % statuses.length] ?? 200;
      metrics.observeRequest({
        method,
        status,
        durationSeconds: 0.0005 * (methodIndex + 1) * (index + 1),
        repository,
      });
    });
    metrics.requestFinished();
  });
  metrics.observeRequest({ method: 'GET', status: 200, durationSeconds: 0.002 });
  metrics.onStoreEvent({ type: 'uploadStarted', repository: 'team0/app-0', uploadSessionId: 'left-open' });
  metrics.onStoreEvent({
    type: 'gcRun',
    repository: 'team0/app-0',
    durationMs: 250,
    deleted: { blob: 2, manifest: 1, upload: 1 },
    reclaimedBytes: 500,
  });
  metrics.onStoreEvent({
    type: 'gcRun',
    repository: 'team1/app-1',
    durationMs: 12,
    deleted: { blob: 0, manifest: 0, upload: 0 },
    reclaimedBytes: 0,
    error: 'disk gone',
  });
  metrics.onStoreEvent({
    type: 'retentionDryRun',
    repository: 'team2/app-2',
    candidates: { manifest: 4, tag: 4 },
  });
}

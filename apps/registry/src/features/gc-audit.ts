// GC and retention decisions as log lines. zot (pkg/storage/gc) writes each removal twice: to the
// log and, when log.audit is set, to the audit log, both with module "gc", repository, reference,
// decision "delete" and the reason. The same fields here, plus what was removed (kind) and, for dry
// runs, `dryRun: true` with decision "keep" (reported only: nothing was deleted).
import type { GcDecision, GcRunSummary } from '@zot-ts/oci-store';
import type { Logger, LogSink } from '../log-sink.js';

const messages: Record<GcDecision['kind'], string> = {
  blob: 'removed unreferenced blob',
  manifest: 'removed manifest',
  upload: 'removed abandoned upload',
  tag: 'removed tag (retention)',
};

/** The fields of one decision, as zot names them. */
export function auditFieldsOf(decision: GcDecision, root: string): Record<string, unknown> {
  return {
    level: 'info',
    module: 'gc',
    message: decision.dryRun ? `dry run: would have ${messages[decision.kind]}` : messages[decision.kind],
    repository: decision.repository,
    ...(decision.tag !== undefined || decision.digest !== undefined
      ? { reference: decision.tag ?? decision.digest }
      : {}),
    ...(decision.digest !== undefined ? { digest: decision.digest } : {}),
    kind: decision.kind,
    decision: decision.dryRun ? 'keep' : 'delete',
    reason: decision.reason,
    ...(decision.dryRun ? { dryRun: true } : {}),
    ...(decision.size !== undefined ? { size: decision.size } : {}),
    storageRoot: root,
  };
}

/** Writes each decision to the audit sink when there is one, else to the log with `audit: true`. */
export function createDecisionLog(
  logger: Logger,
  audit: LogSink | undefined,
  root: string,
): (decision: GcDecision) => void {
  return (decision) => {
    const { level: _level, message, ...fields } = auditFieldsOf(decision, root);
    if (audit !== undefined) audit.write(auditFieldsOf(decision, root));
    // the log gets it too, as zot's gc.log.Info() does; without an audit sink it is the audit trail
    logger.info(message as string, audit === undefined ? { ...fields, audit: true } : fields);
  };
}

/** One line per pass and storage root: what the pass removed, and the repositories that failed. */
export function logPass(logger: Logger, root: string, summary: GcRunSummary, durationMs: number): void {
  const { blob, manifest, upload, tag, reclaimedBytes, dryRun, repositories, failures } = summary;
  logger.info('gc pass finished', {
    module: 'gc',
    storageRoot: root,
    repositories,
    deleted: { blob, manifest, upload, tag },
    reclaimedBytes,
    ...(Object.values(dryRun).some((count) => count > 0) ? { dryRun } : {}),
    durationMs: Math.round(durationMs),
  });
  for (const failure of failures)
    logger.error('gc failed for a repository', {
      module: 'gc',
      storageRoot: root,
      repository: failure.repository,
      error: failure.error,
    });
}

// GC decisions as audit lines, with zot's fields (module "gc", repository, reference, decision, reason).
import { describe, expect, it } from 'vitest';
import { createDecisionLog } from '../src/features/gc-audit.js';
import { createLogger, type LogSink } from '../src/log-sink.js';

function memorySink(): LogSink & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, write: (fields) => void lines.push(fields), close: async () => {} };
}

const manifestDecision = {
  repository: 'app',
  kind: 'manifest' as const,
  digest: `sha256:${'a'.repeat(64)}`,
  reason: 'untagged manifest older than the retention delay',
  dryRun: false,
};

describe('createDecisionLog', () => {
  it('writes each decision to the audit sink with zot fields, and to the log without the audit flag', () => {
    const log = memorySink();
    const audit = memorySink();
    createDecisionLog(createLogger(log, 'info'), audit, '/')(manifestDecision);
    expect(audit.lines).toEqual([
      {
        level: 'info',
        module: 'gc',
        message: 'removed manifest',
        repository: 'app',
        reference: manifestDecision.digest,
        digest: manifestDecision.digest,
        kind: 'manifest',
        decision: 'delete',
        reason: manifestDecision.reason,
        storageRoot: '/',
      },
    ]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ level: 'info', module: 'gc', decision: 'delete' });
    expect(log.lines[0]).not.toHaveProperty('audit');
  });

  it('marks the log line audit: true when there is no audit sink, and dry-run decisions as keep', () => {
    const log = memorySink();
    createDecisionLog(
      createLogger(log, 'info'),
      undefined,
      '/a',
    )({
      repository: 'a/app',
      kind: 'tag',
      tag: 'v1',
      digest: manifestDecision.digest,
      reason: 'no keepTags rule keeps it',
      dryRun: true,
    });
    expect(log.lines[0]).toMatchObject({
      audit: true,
      kind: 'tag',
      reference: 'v1',
      decision: 'keep',
      dryRun: true,
      storageRoot: '/a',
      message: 'dry run: would have removed tag (retention)',
    });
  });
});

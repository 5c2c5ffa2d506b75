// The store events this package listens to, declared here rather than imported: gc-metrics imports
// nothing internal (DESIGN.md), so it works with any store whose events have these shapes.
// The union mirrors `StoreEvent` in oci-store/src/store-types.ts (a store's events are assignable
// to it), plus two events oci-store may add later (`uploadCancelled`, `retentionDryRun`).

export type MetricsStoreEvent =
  | { type: 'blobWritten'; repository: string; digest: string; size: number; deduped: boolean }
  | { type: 'blobDeleted'; repository: string; digest: string }
  | {
      type: 'manifestPut';
      repository: string;
      digest: string;
      mediaType: string;
      tag?: string;
      subject?: string;
      artifactType?: string;
    }
  | { type: 'manifestDeleted'; repository: string; digest: string }
  | { type: 'tagDeleted'; repository: string; tag: string; digest: string }
  | { type: 'uploadStarted'; repository: string; uploadSessionId: string }
  | { type: 'uploadFinished'; repository: string; uploadSessionId: string; digest: string; size: number }
  /** An upload session ended without a blob: cancelled by the client, or removed by GC as abandoned. */
  | { type: 'uploadCancelled'; repository: string; uploadSessionId: string }
  /** A repository was created (no metric of its own; listed so every store event is accepted). */
  | { type: 'repositoryCreated'; repository: string }
  | GcRunEvent
  | RetentionDryRunEvent;

/** One GC pass over one repository finished (with `error` set when it failed part-way). */
export interface GcRunEvent {
  type: 'gcRun';
  repository: string;
  durationMs: number;
  deleted: { blob: number; manifest: number; upload: number };
  reclaimedBytes: number;
  error?: string;
  /** What dry-run decisions of this pass would have deleted (oci-store's GC reports retention dryRun here). */
  dryRun?: { blob: number; manifest: number; upload: number; tag: number };
}

/** Retention ran with `dryRun: true`: what it would have deleted, counted by kind. */
export interface RetentionDryRunEvent {
  type: 'retentionDryRun';
  repository: string;
  candidates: RetentionCandidateCounts;
}

export interface RetentionCandidateCounts {
  manifest?: number;
  tag?: number;
  blob?: number;
}

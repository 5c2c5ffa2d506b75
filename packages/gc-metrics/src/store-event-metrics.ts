// Turns store events into metric updates. The mapping follows what zot counts where:
// zot increments zot_repo_uploads_total once per manifest put (PutImageManifest), not per blob,
// and sets zot_repo_storage_bytes from the size of the repository directory (deduped blobs,
// being hard links, count in every repository that holds them).
import type { Instruments } from './instruments.js';
import type { RepoLabelLimiter } from './label-bounds.js';
import type { GcRunEvent, MetricsStoreEvent, RetentionCandidateCounts } from './store-events.js';

export interface StoreEventState {
  readonly instruments: Instruments;
  readonly repoLabels: RepoLabelLimiter;
  /**
   * Bytes per repository with the label they were counted under: repositories sharing "_other" add
   * up, and a repository that later gets its own label (a slot was freed) moves its bytes with it.
   */
  readonly storageByRepository: Map<string, { label: string; bytes: number }>;
  readonly storageBytesByLabel: Map<string, number>;
  /** `<repository>\u0000<uploadSessionId>` of the sessions seen starting and not yet ended. */
  readonly openUploadSessions: Set<string>;
  readonly nowMs: () => number;
}

export function applyStoreEvent(state: StoreEventState, event: MetricsStoreEvent): void {
  switch (event.type) {
    case 'blobWritten':
      adjustStorageBytes(state, event.repository, event.size);
      return;
    case 'manifestPut':
      state.instruments.repoUploads.inc({ repo: state.repoLabels.labelFor(event.repository) });
      return;
    case 'uploadStarted':
      state.openUploadSessions.add(uploadKey(event.repository, event.uploadSessionId));
      state.instruments.uploadSessions.set(state.openUploadSessions.size);
      return;
    case 'uploadFinished':
    case 'uploadCancelled':
      state.openUploadSessions.delete(uploadKey(event.repository, event.uploadSessionId));
      state.instruments.uploadSessions.set(state.openUploadSessions.size);
      return;
    case 'gcRun':
      applyGcRun(state, event);
      return;
    case 'retentionDryRun':
      countRetentionCandidates(state.instruments, event.candidates);
      return;
    // Deletions carry no size: the owner of the storage sets the exact figure with setRepoStorageBytes.
    case 'blobDeleted':
    case 'manifestDeleted':
    case 'tagDeleted':
      return;
  }
}

function applyGcRun(state: StoreEventState, event: GcRunEvent): void {
  const { instruments } = state;
  instruments.gcRuns.inc({ error: event.error === undefined ? 'false' : 'true' });
  if (isCount(event.durationMs)) instruments.gcDuration.observe(event.durationMs / 1000);
  for (const type of ['blob', 'manifest', 'upload'] as const) {
    const count = event.deleted[type];
    if (isCount(count) && count > 0) instruments.gcDeleted.inc({ type }, count);
  }
  if (isCount(event.reclaimedBytes) && event.reclaimedBytes > 0) {
    instruments.gcReclaimedBytes.inc(event.reclaimedBytes);
    adjustStorageBytes(state, event.repository, -event.reclaimedBytes);
  }
  // oci-store reports retention dry runs on the GC pass itself rather than as a separate event
  if (event.dryRun !== undefined) countRetentionCandidates(instruments, event.dryRun);
  instruments.gcLastRunTimestamp.set(state.nowMs() / 1000);
}

export function countRetentionCandidates(
  instruments: Instruments,
  candidates: RetentionCandidateCounts,
): void {
  for (const type of ['manifest', 'tag', 'blob'] as const) {
    const count = candidates[type];
    if (count !== undefined && isCount(count) && count > 0)
      instruments.retentionDryRunCandidates.inc({ type }, count);
  }
}

export function adjustStorageBytes(state: StoreEventState, repository: string, deltaBytes: number): void {
  if (!Number.isFinite(deltaBytes)) return;
  setStorageBytes(state, repository, (state.storageByRepository.get(repository)?.bytes ?? 0) + deltaBytes);
}

/** Never below zero: a decrement for bytes this process never saw written must not go negative. */
export function setStorageBytes(state: StoreEventState, repository: string, bytes: number): void {
  if (!Number.isFinite(bytes)) return;
  const label = state.repoLabels.labelFor(repository);
  removeStorageShare(state, repository);
  const next = Math.max(0, bytes);
  state.storageByRepository.set(repository, { label, bytes: next });
  addToLabel(state, label, next);
}

/** Takes a repository's bytes out of the total of the label it was counted under. */
export function removeStorageShare(state: StoreEventState, repository: string): void {
  const previous = state.storageByRepository.get(repository);
  if (previous === undefined) return;
  state.storageByRepository.delete(repository);
  addToLabel(state, previous.label, -previous.bytes);
}

function addToLabel(state: StoreEventState, label: string, deltaBytes: number): void {
  const total = Math.max(0, (state.storageBytesByLabel.get(label) ?? 0) + deltaBytes);
  state.storageBytesByLabel.set(label, total);
  state.instruments.repoStorageBytes.set({ repo: label }, total);
}

/** Finite and not negative: events from a buggy or foreign store must not corrupt counters. */
export function isCount(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

function uploadKey(repository: string, uploadSessionId: string): string {
  return `${repository}\u0000${uploadSessionId}`;
}

// What GC and retention remove from a repository's index.json, decided on a copy of it (zot's
// removeTagsPerRetentionPolicy, then removeManifestsPerRepoPolicy looped until nothing changes):
// 1. tags no keepTags rule keeps are untagged (their manifests stay, untagged, for step 2);
// 2. referrers whose subject is gone: signatures (isSignature) always, other referrers with deleteReferrers;
// 3. untagged manifests (deleteUntagged) that no index lists as a child and that have no subject.
// A manifest is live when index.json lists it or a live index lists it as a child.
import { cleanDescriptor, tagOfDescriptor } from '../descriptor.js';
import { layout } from '../layout.js';
import type { OciIndex } from '../oci-index.js';
import { loadSummary } from '../references.js';
import type { StoreContext } from '../store-context.js';
import type { Descriptor, Digest } from '../store-types.js';
import { isOlderThan } from './blob-age.js';
import type { IsSignature, KeepTagsRule, TagTimes } from './gc-types.js';
import { judgeTags } from './retention-rules.js';
import { subjectOf, subjectOfCosignTag } from './signatures.js';

export interface IndexPlanInput {
  context: StoreContext;
  repository: string;
  /** Changed in place: the caller writes it back (or, in dry-run, only reports). */
  index: OciIndex;
  now: Date;
  gcDelayMs: number;
  retentionDelayMs: number;
  deleteUntagged: boolean;
  deleteReferrers: boolean;
  keepTags: readonly KeepTagsRule[] | undefined;
  tagTimes: TagTimes | undefined;
  isSignature: IsSignature;
}

export interface PlannedRemoval {
  kind: 'tag' | 'manifest';
  digest: Digest;
  /** kind 'tag': the tag; kind 'manifest': every tag that named it. */
  tags: string[];
  reason: string;
}

export async function planIndexChanges(input: IndexPlanInput): Promise<PlannedRemoval[]> {
  const { context, repository, index } = input;
  const removals: PlannedRemoval[] = [];
  const contents = new Map<Digest, Uint8Array | undefined>();
  const isSignature = async (digest: Digest, tags: readonly string[]): Promise<boolean> => {
    if (!contents.has(digest))
      contents.set(digest, await context.driver.getContent(layout.blobPath(repository, digest)));
    const manifest = contents.get(digest);
    if (!manifest) return false;
    if (tags.length === 0) return input.isSignature({ repository, manifest, digest });
    return tags.some((tag) => input.isSignature({ repository, tag, manifest, digest }));
  };

  if (input.keepTags !== undefined && input.keepTags.length > 0) {
    const candidates: Array<{ tag: string; digest: Digest }> = [];
    for (const entry of index.manifests) {
      const tag = tagOfDescriptor(entry);
      // signatures live and die with their subject, never by tag rules
      if (tag !== undefined && !(await isSignature(entry.digest, [tag])))
        candidates.push({ tag, digest: entry.digest });
    }
    const times = input.tagTimes ? await input.tagTimes.list(repository) : undefined;
    for (const verdict of judgeTags(input.keepTags, candidates, times, input.now)) {
      if (verdict.keep) continue;
      untag(index, verdict.tag);
      removals.push({
        kind: 'tag',
        digest: verdict.digest,
        tags: [verdict.tag],
        reason: `retention: ${verdict.reason}`,
      });
    }
  }

  const now = input.now.getTime();
  const isOld = async (digest: Digest, delayMs: number) =>
    (await isOlderThan(context, layout.blobPath(repository, digest), delayMs, now)).old;
  for (let changed = true; changed; ) {
    changed = false;
    const { live, children } = await liveManifests(context, repository, index);
    for (const digest of new Set(index.manifests.map((entry) => entry.digest))) {
      const tags = index.manifests
        .filter((entry) => entry.digest === digest)
        .flatMap((entry) => tagOfDescriptor(entry) ?? []);
      const summary = await loadSummary(
        context,
        repository,
        index.manifests.find((entry) => entry.digest === digest) as Descriptor,
      );
      const subject = subjectOf(summary, tags);
      let reason: string | undefined;
      if (subject !== undefined) {
        if (live.has(subject)) continue;
        const signature = await isSignature(digest, tags);
        if (!signature && !input.deleteReferrers) continue;
        // zot: a cosign tag's artifacts wait gcDelay, a referrer by subject the retention delay
        const byTagOnly =
          summary?.subject === undefined && tags.some((tag) => subjectOfCosignTag(tag) !== undefined);
        if (!(await isOld(digest, byTagOnly ? input.gcDelayMs : input.retentionDelayMs))) continue;
        reason = signature
          ? `signature of ${subject}, which is gone`
          : `referrer of ${subject}, which is gone (deleteReferrers)`;
      } else if (tags.length === 0 && input.deleteUntagged && !children.has(digest)) {
        if (!(await isOld(digest, input.retentionDelayMs))) continue;
        reason = 'untagged (deleteUntagged)';
      } else {
        continue;
      }
      index.manifests = index.manifests.filter((entry) => entry.digest !== digest);
      removals.push({ kind: 'manifest', digest, tags, reason });
      changed = true;
    }
  }
  return removals;
}

/** Removes a tag; the manifest stays listed untagged when no other entry names it (as a tag delete does). */
function untag(index: OciIndex, tag: string): void {
  const position = index.manifests.findIndex((entry) => tagOfDescriptor(entry) === tag);
  const entry = index.manifests[position];
  if (entry === undefined) return;
  index.manifests.splice(position, 1);
  if (!index.manifests.some((other) => other.digest === entry.digest)) {
    const untagged = cleanDescriptor(entry);
    delete untagged.annotations;
    index.manifests.push(untagged);
  }
}

/** Digests index.json lists, plus every child of a listed index (recursively); `children` the latter only. */
async function liveManifests(
  context: StoreContext,
  repository: string,
  index: OciIndex,
): Promise<{ live: Set<Digest>; children: Set<Digest> }> {
  const live = new Set<Digest>();
  const children = new Set<Digest>();
  const pending: Descriptor[] = [...index.manifests];
  while (pending.length > 0) {
    const descriptor = pending.pop() as Descriptor;
    if (live.has(descriptor.digest)) continue;
    live.add(descriptor.digest);
    const summary = await loadSummary(context, repository, descriptor);
    for (const child of summary?.manifests ?? []) {
      children.add(child.digest);
      pending.push(child);
    }
  }
  return { live, children };
}

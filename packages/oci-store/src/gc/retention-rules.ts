// Which tags a retention policy keeps: zot's pkg/retention, rule for rule.
// - The first policy whose `repositories` globs match the repository applies; none matching: every tag stays.
// - Each tag belongs to the FIRST keepTags entry whose `patterns` match it (no patterns: every tag); a tag
//   matching no entry goes. Within its entry the tag stays when the entry has no other rule, or when any
//   of its rules keeps it (patterns AND (pulledWithin OR pushedWithin OR mostRecent...)).
// - pulledWithin keeps a tag pulled OR pushed within the window (zot: a young, never-pulled tag stays).
// - mostRecentlyPushed/PulledCount rank the tags of that entry; a never-pulled tag ranks last but still
//   fills the count, as in zot.
// - With tag times, a tag that has none recorded stays ("tag statistics not found"); without tag times
//   at all, only patterns decide (zot's GetRetainedTagsFromIndex).
import { compileGlob } from '@zot-ts/glob';
import type { KeepTagsRule, RetentionOptions, RetentionPolicy, TagTimes } from './gc-types.js';

export interface TagCandidate {
  tag: string;
  digest: string;
}

export type TagTimeRecord = Awaited<ReturnType<TagTimes['list']>>[number];

export interface TagVerdict {
  tag: string;
  digest: string;
  keep: boolean;
  reason: string;
}

/** Finds the policy of a repository (the first whose globs match); compiled once per job. */
export function createPolicyFinder(
  retention: RetentionOptions | undefined,
): (repository: string) => RetentionPolicy | undefined {
  const compiled = (retention?.policies ?? []).map((policy) => ({
    policy,
    globs: policy.repositories.map(compileGlob),
  }));
  return (repository) =>
    compiled.find((entry) => entry.globs.some((glob) => glob.matches(repository)))?.policy;
}

const regexCache = new Map<string, RegExp | undefined>();

/** Go RE2 spellings the JS engine lacks: `(?P<name>`, a leading `(?i)`, `\A`, `\z`. Unanchored, as MatchString. */
function compileTagPattern(pattern: string): RegExp | undefined {
  if (regexCache.has(pattern)) return regexCache.get(pattern);
  let body = pattern.replaceAll('(?P<', '(?<').replaceAll('\\A', '^').replaceAll('\\z', '$');
  let flags = '';
  const leadingFlags = /^\(\?([ims]+)\)/.exec(body);
  if (leadingFlags) {
    flags = [...new Set(leadingFlags[1])].join('');
    body = body.slice(leadingFlags[0].length);
  }
  let compiled: RegExp | undefined;
  try {
    compiled = new RegExp(body, flags);
  } catch {
    compiled = undefined; // the config check refuses these; a pattern that cannot compile matches nothing
  }
  if (regexCache.size > 1_000) regexCache.clear();
  regexCache.set(pattern, compiled);
  return compiled;
}

export function matchesPatterns(tag: string, patterns: readonly string[] | undefined): boolean {
  if (patterns === undefined || patterns.length === 0) return true;
  return patterns.some((pattern) => compileTagPattern(pattern)?.test(tag) ?? false);
}

interface Ranked extends TagCandidate {
  pushedAt: number;
  pulledAt: number;
}

type Rule = { name: string; keep: (group: Ranked[], now: number) => Ranked[] };

function topBy(group: Ranked[], count: number, key: (entry: Ranked) => number): Ranked[] {
  return [...group].sort((a, b) => key(b) - key(a) || (a.tag < b.tag ? -1 : 1)).slice(0, count);
}

function rulesOf(entry: KeepTagsRule): Rule[] {
  const rules: Rule[] = [];
  const { mostRecentlyPulledCount: pulledCount, mostRecentlyPushedCount: pushedCount } = entry;
  const { pulledWithinMs, pushedWithinMs } = entry;
  if (pulledCount !== undefined && pulledCount !== 0) {
    rules.push({
      name: `mostRecentlyPulledCount:${pulledCount}`,
      keep: (g) => topBy(g, pulledCount, (e) => e.pulledAt),
    });
  }
  if (pushedCount !== undefined && pushedCount !== 0) {
    rules.push({
      name: `mostRecentlyPushedCount:${pushedCount}`,
      keep: (g) => topBy(g, pushedCount, (e) => e.pushedAt),
    });
  }
  if (pulledWithinMs !== undefined) {
    rules.push({
      name: `pulledWithin:${pulledWithinMs}ms`,
      keep: (g, now) =>
        g.filter((e) => e.pulledAt > now - pulledWithinMs || e.pushedAt > now - pulledWithinMs),
    });
  }
  if (pushedWithinMs !== undefined) {
    rules.push({
      name: `pushedWithin:${pushedWithinMs}ms`,
      keep: (g, now) => g.filter((e) => e.pushedAt > now - pushedWithinMs),
    });
  }
  return rules;
}

/**
 * Verdicts for every tag of a repository under `keepTags` (non-empty). `times` undefined means no metadata
 * store: patterns alone decide. Signatures are not passed in: they live and die with their subject.
 */
export function judgeTags(
  keepTags: readonly KeepTagsRule[],
  tags: readonly TagCandidate[],
  times: readonly TagTimeRecord[] | undefined,
  now: Date,
): TagVerdict[] {
  const verdicts = new Map<string, TagVerdict>();
  const recordOf = new Map((times ?? []).map((record) => [record.tag, record]));
  const groups = new Map<number, Ranked[]>();
  for (const candidate of tags) {
    const record = recordOf.get(candidate.tag);
    if (times !== undefined && (record === undefined || record.digest !== candidate.digest)) {
      verdicts.set(candidate.tag, { ...candidate, keep: true, reason: 'tag statistics not found' });
      continue;
    }
    const entryIndex = keepTags.findIndex((entry) => matchesPatterns(candidate.tag, entry.patterns));
    if (entryIndex === -1) {
      verdicts.set(candidate.tag, {
        ...candidate,
        keep: false,
        reason: "didn't meet any tag 'patterns' rules",
      });
      continue;
    }
    const ranked: Ranked = {
      ...candidate,
      pushedAt: record?.pushedAt?.getTime() ?? 0,
      pulledAt: record?.pulledAt?.getTime() ?? 0,
    };
    groups.set(entryIndex, [...(groups.get(entryIndex) ?? []), ranked]);
  }
  for (const [entryIndex, group] of groups) {
    const rules = times === undefined ? [] : rulesOf(keepTags[entryIndex] as KeepTagsRule);
    if (rules.length === 0) {
      for (const entry of group)
        verdicts.set(entry.tag, {
          tag: entry.tag,
          digest: entry.digest,
          keep: true,
          reason: 'retained by patterns policy',
        });
      continue;
    }
    const keptBy = new Map<string, string>();
    for (const rule of rules) {
      for (const kept of rule.keep(group, now.getTime()))
        if (!keptBy.has(kept.tag)) keptBy.set(kept.tag, rule.name);
    }
    for (const entry of group) {
      const rule = keptBy.get(entry.tag);
      verdicts.set(entry.tag, {
        tag: entry.tag,
        digest: entry.digest,
        keep: rule !== undefined,
        reason: rule !== undefined ? `retained by ${rule} policy` : "didn't meet any tag retention rule",
      });
    }
  }
  return tags.map((candidate) => verdicts.get(candidate.tag) as TagVerdict);
}

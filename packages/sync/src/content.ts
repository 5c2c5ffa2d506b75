// Which upstream repositories and tags a registry entry mirrors, and where they land: zot's ContentManager
// (pkg/extensions/sync/content.go). A rule is chosen by matching its `prefix` glob against the UPSTREAM name,
// and its tag filters see that upstream name too (zot #4003: v2.1.16 applied them after destination mapping,
// so a rule with a destination filtered the wrong repository's tags). `destinationOf` maps upstream to local
// (periodic sync); `sourceOf` is its inverse (on demand: a local name asked for -> the upstream name).
import { compileGlob, type GlobMatcher } from '@zot-ts/glob';
import { isSemver } from './semver.js';

export interface ContentRule {
  /** Doublestar glob of upstream repository names; a leading '/' is ignored. */
  prefix: string;
  destination?: string;
  stripPrefix?: boolean;
  tags?: { regex?: string; excludeRegex?: string; semver?: boolean };
}

interface CompiledRule {
  rule: ContentRule;
  upstream: GlobMatcher;
  local: GlobMatcher;
  regex?: RegExp;
  excludeRegex?: RegExp;
}

/** Go's strings.Trim(s, cutset). */
export function trimChars(text: string, cutset: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && cutset.includes(text.charAt(start))) start++;
  while (end > start && cutset.includes(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** doublestar.SplitPattern: the literal directory before the first meta character, and the rest. */
export function splitPattern(pattern: string): { base: string; rest: string } {
  let splitAt = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') i++;
    else if (c === '/') splitAt = i;
    else if ('*?[{'.includes(c)) break;
  }
  if (splitAt === 0) return { base: '/', rest: pattern.slice(1) };
  if (splitAt > 0) return { base: pattern.slice(0, splitAt), rest: pattern.slice(splitAt + 1) };
  return { base: '.', rest: pattern };
}

/** The glob a LOCAL name must match to belong to a rule (zot's GetContentByLocalRepo). */
function localPatternOf(rule: ContentRule): string {
  const prefix = `${trimChars(rule.prefix, '/')}/`;
  const destination = trimChars(rule.destination ?? '', '/');
  const tail = rule.stripPrefix === true ? splitPattern(prefix).rest : prefix;
  return trimChars([destination, tail].join('/'), '/');
}

export function destinationOf(upstreamRepository: string, rule: ContentRule): string {
  let remote = trimChars(upstreamRepository, '/');
  const destination = trimChars(rule.destination ?? '', '/');
  const prefix = trimChars(rule.prefix, '/*');
  if (rule.stripPrefix === true)
    remote = trimChars(remote.startsWith(prefix) ? remote.slice(prefix.length) : remote, '/');
  const joined = [destination, remote].join('/');
  return joined === '/' ? '/' : trimChars(joined, '/');
}

export function sourceOf(localRepository: string, rule: ContentRule): string {
  let local = trimChars(localRepository, '/');
  const destination = trimChars(rule.destination ?? '', '/');
  const prefix = trimChars(rule.prefix, '/*');
  if (local.startsWith(destination)) local = local.slice(destination.length);
  local = trimChars(local, '/');
  const joined = rule.stripPrefix === true ? [prefix, local].join('/') : local;
  return joined === '/' ? '/' : trimChars(joined, '/');
}

export interface ContentRules {
  /** True when there are no rules (mirror everything) or one matches the upstream name. */
  matchesUpstream(upstreamRepository: string): boolean;
  /** The tags of an upstream repository that its rule lets through: regex, then excludeRegex, then semver. */
  filterTags(upstreamRepository: string, tags: string[]): string[];
  /** Local name for an upstream one; undefined when no rule matches. */
  destinationOf(upstreamRepository: string): string | undefined;
  /** Upstream name for a local one (on demand); undefined when the local name is outside every rule. */
  sourceOf(localRepository: string): string | undefined;
}

export function compileContentRules(rules: readonly ContentRule[]): ContentRules {
  const compiled: CompiledRule[] = rules.map((rule) => ({
    rule,
    upstream: compileGlob(rule.prefix.startsWith('/') ? rule.prefix.slice(1) : rule.prefix),
    local: compileGlob(localPatternOf(rule)),
    ...(rule.tags?.regex === undefined || rule.tags.regex === ''
      ? {}
      : { regex: new RegExp(rule.tags.regex) }),
    ...(rule.tags?.excludeRegex === undefined || rule.tags.excludeRegex === ''
      ? {}
      : { excludeRegex: new RegExp(rule.tags.excludeRegex) }),
  }));
  const byUpstream = (name: string) => compiled.find((c) => c.upstream.matches(name));
  const byLocal = (name: string) => compiled.find((c) => c.local.matches(trimChars(name, '/')));
  return {
    matchesUpstream: (name) => compiled.length === 0 || byUpstream(name) !== undefined,
    filterTags(name, tags) {
      const rule = byUpstream(name);
      if (rule === undefined) return tags;
      let kept = tags;
      // zot: a regex given but empty keeps nothing; a missing one keeps everything
      if (rule.rule.tags?.regex === '') kept = [];
      if (rule.regex !== undefined) kept = kept.filter((tag) => rule.regex?.test(tag));
      if (rule.excludeRegex !== undefined) kept = kept.filter((tag) => !rule.excludeRegex?.test(tag));
      if (rule.rule.tags?.semver === true) kept = kept.filter(isSemver);
      return kept;
    },
    destinationOf(name) {
      if (compiled.length === 0) return name;
      const rule = byUpstream(name);
      return rule === undefined ? undefined : destinationOf(name, rule.rule);
    },
    sourceOf(name) {
      if (compiled.length === 0) return name;
      const rule = byLocal(name);
      return rule === undefined ? undefined : sourceOf(name, rule.rule);
    },
  };
}

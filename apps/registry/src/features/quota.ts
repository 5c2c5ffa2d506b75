// storage.maxRepos (issue 22): the store refuses a manifest push that would create a repository beyond the
// limit (oci-store's repository-quota.ts, 429 TOOMANYREQUESTS with detail.limit); this file turns the config
// into those store options and logs zot's lines (pkg/api/quota.go), word for word: at start
// "repository quota enforcement enabled" {maxRepos}, and per refusal a warning
// "repository quota limit reached, rejecting push" {repo, current, limit}.
// As in zot, only the top-level storage.maxRepos counts, over every storage root; subPaths' maxRepos is ignored.
import type { ZotConfig } from '@zot-ts/config';
import type { CreateStoreOptions } from '@zot-ts/oci-store';
import type { Logger } from '../log-sink.js';

export function repositoryQuotaOf(
  config: ZotConfig,
  logger: Logger,
): Pick<CreateStoreOptions, 'maxRepositories' | 'onQuotaRefused'> {
  const maxRepos = config.storage.maxRepos ?? 0;
  if (maxRepos <= 0) return {};
  logger.info('repository quota enforcement enabled', { maxRepos });
  return {
    maxRepositories: maxRepos,
    onQuotaRefused: ({ repository, current, limit }) =>
      logger.warn('repository quota limit reached, rejecting push', { repo: repository, current, limit }),
  };
}

// Cross-field rules of storage and extensions, with zot's meaning (pkg/cli/server/root.go:
// validateStorageConfig, validateCacheConfig, validateStorageConfigSection, validateExtensionsConfig, validateSync).
import { hasText, type IssueList, listAt, type Node, objectAt, textAt } from './check-helpers.js';
import { globProblem, regexProblem } from './patterns.js';
import { checkRedisDriver } from './redis-url-check.js';

interface Store {
  at: string[];
  name: string;
  options: Node;
}

function storesOf(storage: Node): Store[] {
  const stores: Store[] = [{ at: ['storage'], name: 'the default storage', options: storage }];
  for (const [route, value] of Object.entries(objectAt(storage.subPaths) ?? {})) {
    const options = objectAt(value);
    if (options !== undefined)
      stores.push({ at: ['storage', 'subPaths', route], name: `subPath "${route}"`, options });
  }
  return stores;
}

function normalisedRoot(directory: string): string {
  return `${directory.replace(/\/+$/, '')}/`;
}

/** zot: two stores of the same kind may not share a root directory or nest one inside the other. */
function checkRootConflicts(stores: Store[], issues: IssueList): void {
  for (const [index, store] of stores.entries()) {
    const root = textAt(store.options.rootDirectory);
    if (root === undefined || root === '') continue;
    const kind = textAt(objectAt(store.options.storageDriver)?.name) ?? 'local';
    for (const other of stores.slice(index + 1)) {
      const otherRoot = textAt(other.options.rootDirectory);
      if (otherRoot === undefined || otherRoot === '') continue;
      if ((textAt(objectAt(other.options.storageDriver)?.name) ?? 'local') !== kind) continue;
      const [mine, theirs] = [normalisedRoot(root), normalisedRoot(otherRoot)];
      if (mine === theirs)
        issues.add([...other.at, 'rootDirectory'], `is the same directory as ${store.name}`);
      else if (theirs.startsWith(mine))
        issues.add([...other.at, 'rootDirectory'], `is inside the root of ${store.name}`);
      else if (mine.startsWith(theirs))
        issues.add([...store.at, 'rootDirectory'], `is inside the root of ${other.name}`);
    }
  }
}

/** The s3 block as distribution's s3-aws driver reads it: a bucket, and an endpoint that is a URL. */
function checkS3Driver(driver: Node, at: string[], issues: IssueList): void {
  if (!hasText(driver.bucket)) issues.add([...at, 'bucket'], 'is required by the s3 storage driver');
  const endpoint = textAt(driver.regionendpoint);
  if (endpoint === undefined || endpoint === '') return;
  // distribution: an endpoint without a scheme gets https:// (http:// when secure is false)
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    issues.add([...at, 'regionendpoint'], `${JSON.stringify(endpoint)} is not an http(s) URL`);
}

function checkStore(store: Store, issues: IssueList): void {
  const { options, at } = store;
  const storageDriver = objectAt(options.storageDriver);
  if (storageDriver !== undefined && storageDriver.name === 's3')
    checkS3Driver(storageDriver, [...at, 'storageDriver'], issues);
  const remote = storageDriver !== undefined;
  const cacheDriver = objectAt(options.cacheDriver);
  if (options.dedupe !== false && remote && options.remoteCache === true && cacheDriver === undefined) {
    issues.add(
      [...at, 'cacheDriver'],
      'is required: dedupe on remote storage keeps its cache remotely (or set remoteCache to false)',
    );
  }
  checkRedisDriver(cacheDriver, [...at, 'cacheDriver'], issues);
  if (cacheDriver !== undefined && options.remoteCache === true && !remote && cacheDriver.name !== 'redis') {
    issues.add([...at, 'cacheDriver', 'name'], 'local storage can only use the redis remote cache');
  }
  listAt(objectAt(options.retention)?.policies).forEach((value, policyIndex) => {
    const policy = objectAt(value);
    const policyAt = [...at, 'retention', 'policies', String(policyIndex)];
    listAt(policy?.repositories).forEach((glob, index) => {
      const problem = typeof glob === 'string' ? globProblem(glob) : undefined;
      if (problem !== undefined)
        issues.add([...policyAt, 'repositories', String(index)], `not a valid glob: ${problem}`);
    });
    listAt(policy?.keepTags).forEach((keep, keepIndex) => {
      listAt(objectAt(keep)?.patterns).forEach((pattern, index) => {
        const problem = typeof pattern === 'string' ? regexProblem(pattern) : undefined;
        if (problem !== undefined)
          issues.add([...policyAt, 'keepTags', String(keepIndex), 'patterns', String(index)], problem);
      });
    });
  });
}

function checkExtensions(config: Node, stores: Store[], issues: IssueList): void {
  const extensions = objectAt(config.extensions);
  if (extensions === undefined) return;
  const anyRemote = stores.some((store) => objectAt(store.options.storageDriver) !== undefined);
  const sync = objectAt(extensions.sync);
  if (sync !== undefined && sync.enable !== false && anyRemote && !hasText(sync.downloadDir)) {
    issues.add(
      ['extensions', 'sync', 'downloadDir'],
      'is required when sync is used with a remote storageDriver',
    );
  }
  listAt(sync?.registries).forEach((registry, registryIndex) => {
    const registryAt = ['extensions', 'sync', 'registries', String(registryIndex)];
    const entry = objectAt(registry);
    // zot's validateSync: retries need a delay
    if (entry?.maxRetries !== undefined && entry.retryDelay === undefined)
      issues.add([...registryAt, 'retryDelay'], 'retryDelay is required when using maxRetries');
    listAt(entry?.urls).forEach((url, urlIndex) => {
      if (typeof url !== 'string') return;
      try {
        const parsed = new URL(/:\/\//.test(url) ? url : `https://${url}`);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
      } catch {
        issues.add(
          [...registryAt, 'urls', String(urlIndex)],
          `${JSON.stringify(url)} is not an http(s) registry URL`,
        );
      }
    });
    listAt(entry?.content).forEach((value, contentIndex) => {
      const content = objectAt(value);
      const contentAt = [
        'extensions',
        'sync',
        'registries',
        String(registryIndex),
        'content',
        String(contentIndex),
      ];
      const prefixProblem = typeof content?.prefix === 'string' ? globProblem(content.prefix) : undefined;
      if (prefixProblem !== undefined)
        issues.add([...contentAt, 'prefix'], `not a valid glob: ${prefixProblem}`);
      const tags = objectAt(content?.tags);
      for (const key of ['regex', 'excludeRegex']) {
        const pattern = textAt(tags?.[key]);
        const problem = pattern === undefined ? undefined : regexProblem(pattern);
        if (problem !== undefined) issues.add([...contentAt, 'tags', key], problem);
      }
      const prefix = textAt(content?.prefix) ?? '';
      if (content?.stripPrefix === true && !prefix.includes('/*') && content.destination === '/')
        issues.add(
          [...contentAt, 'stripPrefix'],
          "can not use stripPrefix true and destination '/' without using glob patterns in prefix",
        );
    });
  });
  const search = objectAt(extensions.search);
  const searchOn = search !== undefined && search.enable !== false;
  const ui = objectAt(extensions.ui);
  if (ui !== undefined && ui.enable !== false && !searchOn) {
    issues.add(['extensions', 'ui'], 'needs the search extension enabled');
  }
  if (searchOn && objectAt(search?.cve) !== undefined && anyRemote) {
    issues.add(['extensions', 'search', 'cve'], 'CVE scanning does not work with a remote storageDriver');
  }
  const path = textAt(objectAt(objectAt(extensions.metrics)?.prometheus)?.path);
  if (path !== undefined && !path.startsWith('/'))
    issues.add(['extensions', 'metrics', 'prometheus', 'path'], 'must start with "/"');
}

/** zot's SinkConfigDecoderHook: only the sink types it has; its exact words for any other. */
function checkEventSinks(extensions: Node, issues: IssueList): void {
  listAt(objectAt(extensions.events)?.sinks).forEach((value, index) => {
    const type = textAt(objectAt(value)?.type);
    if (type !== undefined && type !== 'http' && type !== 'nats') {
      issues.add(
        ['extensions', 'events', 'sinks', index, 'type'],
        `${JSON.stringify(type)}: event sink is not supported (supported: http, nats)`,
      );
    }
  });
}

export function checkStorageAndExtensions(config: Node, issues: IssueList): void {
  const storage = objectAt(config.storage);
  // a remote store may leave rootDirectory out: its storageDriver.rootdirectory is the remote root
  if (
    storage !== undefined &&
    storage.rootDirectory === undefined &&
    objectAt(storage.storageDriver) === undefined
  )
    issues.add(['storage', 'rootDirectory'], 'is required (unless a storageDriver gives the remote root)');
  const extensions = objectAt(config.extensions);
  if (extensions !== undefined) checkEventSinks(extensions, issues);
  const stores = storage === undefined ? [] : storesOf(storage);
  checkRootConflicts(stores, issues);
  for (const store of stores) checkStore(store, issues);
  checkExtensions(config, stores, issues);
}

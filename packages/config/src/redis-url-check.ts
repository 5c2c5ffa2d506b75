// A redis driver block (storage.cacheDriver, http.auth.sessionDriver) names where Redis is: `url`
// (redis://[user:password@]host:port[/db], rediss:// with TLS) or `addr`. `zot verify` checks the url's shape
// here; reaching Redis is `serve`'s check (it connects at start and names the url, without its password).
import type { IssueList, Node } from './check-helpers.js';
import { isDuration } from './duration.js';

export function checkRedisDriver(driver: Node | undefined, at: string[], issues: IssueList): void {
  if (driver === undefined || driver.name !== 'redis') return;
  const { url, addr, lockttl } = driver;
  // zot-ts's own key: how long a dead instance's locks outlive it (docs/scale-out.md)
  if (lockttl !== undefined && (typeof lockttl !== 'string' || !isDuration(lockttl)))
    issues.add([...at, 'lockttl'], 'must be a duration such as "30s"');
  if (url === undefined) {
    if (addr === undefined) issues.add([...at, 'url'], 'is required for the redis driver (or addr)');
    return;
  }
  if (typeof url !== 'string') {
    issues.add([...at, 'url'], 'must be a string');
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    issues.add([...at, 'url'], 'is not a URL (redis://host:port or rediss://host:port)');
    return;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    issues.add([...at, 'url'], `has scheme ${JSON.stringify(parsed.protocol)}; expected redis: or rediss:`);
  } else if (parsed.hostname === '') {
    issues.add([...at, 'url'], 'names no host');
  } else if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d+$/.test(parsed.pathname)) {
    issues.add([...at, 'url'], 'path must be a database number (/0, /1, ...)');
  }
}

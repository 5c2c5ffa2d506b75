// The embedded default, used when `zot serve` gets no config file: loopback only, port 5000, storage in
// ./data. (A file that omits http.port gets zot's 8080 instead: see docs/configuration.md.)
import { parseConfig } from './parse.js';
import type { ZotConfig } from './types/index.js';

export function defaultConfig(): ZotConfig {
  return parseConfig(
    { storage: { rootDirectory: './data' }, http: { address: '127.0.0.1', port: 5000 } },
    { sourceName: '(embedded default)' },
  );
}

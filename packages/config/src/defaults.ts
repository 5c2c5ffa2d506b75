// The embedded default, used when `zot serve` gets no config file: loopback only, port 5000, storage in
// ./data, with search and the web UI on (so a first `pnpm zot serve` shows the UI at http://127.0.0.1:5000/).
// (A file that omits http.port gets zot's 8080 instead: see docs/configuration.md.)
import { parseConfig } from './parse.js';
import type { ZotConfig } from './types/index.js';

export function defaultConfig(): ZotConfig {
  return parseConfig(
    {
      storage: { rootDirectory: './data' },
      http: { address: '127.0.0.1', port: 5000 },
      extensions: { search: { enable: true }, ui: { enable: true } },
    },
    { sourceName: '(embedded default)' },
  );
}

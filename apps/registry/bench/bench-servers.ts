// The registries the bench compares: ours (`zot serve` as a child process) and CNCF distribution (Debian's
// `docker-registry serve`), each on a free loopback port with storage in the bench's temp folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { http } from './bench-http.js';
import { bundleRegistry } from './server-bundle.js';

/** A registry the bench drives, as a child process. */
export interface BenchServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function serverOf(child: ChildProcess, url: string): BenchServer {
  return {
    url,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((done) => {
        child.on('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Our registry (`zot serve`), bundled unless BENCH_TSX=1, with storage in `directory`; `extra` is merged into
 * the config's top level (sync-bench.ts adds `extensions`).
 */
export async function startServer(
  directory: string,
  extra: Record<string, unknown> = {},
): Promise<BenchServer> {
  const config = join(directory, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      storage: { rootDirectory: join(directory, 'data'), dedupe: false },
      http: { address: '127.0.0.1', port: 0 },
      log: { level: 'error' },
      ...extra,
    }),
  );
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const entry =
    process.env.BENCH_TSX === '1'
      ? ['--import', 'tsx', resolve(import.meta.dirname, '../src/main.ts')]
      : [process.env.BENCH_ENTRY ?? (await bundleRegistry(directory))];
  const child = spawn(process.execPath, [...nodeArgs, ...entry, 'serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((done, fail) => {
    let text = '';
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(text);
      if (match?.[1] !== undefined) done(match[1]);
    });
    child.on('exit', () => fail(new Error(`server exited: ${text}`)));
  });
  return serverOf(child, url);
}

/** CNCF distribution (Debian's `docker-registry`) on a free loopback port, storage in the same temp folder. */
export async function startDistribution(directory: string): Promise<BenchServer> {
  const port = await new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
  const config = join(directory, 'distribution.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(directory, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: "127.0.0.1:${port}" }`,
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = await http(url, 'GET', '/v2/').then(
      (result) => result.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  return serverOf(child, url);
}

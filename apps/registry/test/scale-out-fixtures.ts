// Fixtures for the scale-out tests: registry instances sharing one storage root and one Redis, in this process
// (each with its own store objects and caches, as separate processes would have) or as a `zot serve` child process
// (so it can be killed with SIGKILL), and haproxy in front of them (round robin, no stickiness).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parseConfig } from '@zot-ts/config';
import { type RunningRegistry, startRegistry } from '../src/index.js';

export { freePort, startRedis, type TestRedis } from '../../../packages/redis/test/redis-server.js';

const mainScript = new URL('../src/main.ts', import.meta.url).pathname;

/** The zot config of every instance: one root, one Redis (remoteCache on, as zot needs it for a local root). */
export function sharedConfig(input: {
  root: string;
  redisUrl: string;
  keyPrefix: string;
  htpasswd: string;
  port: number;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const { storage, ...rest } = (input.extra ?? {}) as { storage?: object };
  return {
    ...rest,
    storage: {
      rootDirectory: input.root,
      remoteCache: true,
      cacheDriver: { name: 'redis', url: input.redisUrl, keyprefix: input.keyPrefix, lockttl: '3s' },
      ...storage,
    },
    http: {
      address: '127.0.0.1',
      port: String(input.port),
      realm: 'zot',
      auth: { htpasswd: { path: input.htpasswd }, apikey: true },
    },
    log: { level: process.env.SCALE_OUT_LOG ?? 'error' },
  };
}

/** An instance in this process; `requests` counts what it served (to see where the balancer sent requests). */
export async function startInProcess(
  config: Record<string, unknown>,
): Promise<RunningRegistry & { requests: { count: number } }> {
  const requests = { count: 0 };
  const running = await startRegistry({
    config: parseConfig(config),
    port: 0,
    extend: (app) =>
      app.use('*', async function countRequests(_c, next) {
        requests.count++;
        await next();
      }),
  });
  return Object.assign(running, { requests });
}

export interface ChildRegistry {
  url: string;
  child: ChildProcess;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
}

/** `zot serve <config>` as a child process on `port`; resolves once it answers. */
export async function startChild(directory: string, config: Record<string, unknown>, port: number) {
  const path = join(directory, `child-${port}.json`);
  writeFileSync(path, JSON.stringify(config));
  // its log (level error) goes to a file beside its config, for a failing test to show
  const log = openSync(join(directory, `child-${port}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript, 'serve', path], {
    stdio: ['ignore', log, 'pipe'],
  });
  closeSync(log);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`zot serve did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child, exited } satisfies ChildRegistry;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v2/`);
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

export interface Haproxy {
  url: string;
  stop(): Promise<void>;
}

/** haproxy in front of `backends` (host:port), round robin per request, TCP health checks every 200 ms. */
export async function startHaproxy(directory: string, port: number, backends: string[]): Promise<Haproxy> {
  const path = join(directory, 'haproxy.cfg');
  writeFileSync(
    path,
    [
      'global',
      '  maxconn 512',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 120s',
      '  timeout server 120s',
      // a request sent to an instance that just died is re-sent elsewhere when the connection is refused
      '  retries 3',
      '  option redispatch',
      'frontend registry',
      `  bind 127.0.0.1:${port}`,
      '  default_backend zot',
      'backend zot',
      '  balance roundrobin',
      ...backends.map((backend, i) => `  server zot${i} ${backend} check inter 200ms fall 1 rise 2`),
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/sbin/haproxy', ['-f', path, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`haproxy did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

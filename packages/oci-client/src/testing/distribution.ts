// Debian's docker-registry (CNCF distribution 2.8.2) as a real peer: htpasswd auth, TLS from a test CA,
// filesystem storage under a temporary directory, on a free loopback port. Started once per test file.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import type { TestCa } from './test-ca.js';

export const DISTRIBUTION_BINARY = '/usr/bin/docker-registry';

export interface RunningDistribution {
  url: string;
  port: number;
  username: string;
  password: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

export async function startDistribution(directory: string, ca: TestCa): Promise<RunningDistribution> {
  const port = await freePort();
  const username = 'mirror';
  const password = 'upstream-secret';
  execFileSync('htpasswd', ['-Bbc', join(directory, 'htpasswd'), username, password], { stdio: 'ignore' });
  const config = [
    'version: 0.1',
    'log: { level: error, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${join(directory, 'storage')} }, delete: { enabled: true } }`,
    `http: { addr: "127.0.0.1:${port}", secret: test-secret, tls: { certificate: ${ca.serverCert}, key: ${ca.serverKey} } }`,
    `auth: { htpasswd: { realm: basic-realm, path: ${join(directory, 'htpasswd')} } }`,
  ].join('\n');
  writeFileSync(join(directory, 'config.yml'), `${config}\n`);
  const child: ChildProcess = spawn(DISTRIBUTION_BINARY, ['serve', join(directory, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // ready when the TLS port accepts connections (distribution logs nothing at level error)
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    const open = await canConnect(port);
    if (open) break;
    if (Date.now() > deadline) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    username,
    password,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

// Runs the real zli (bin/zli-dev.js under tsx) as a child process, the way a user does.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ZliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runZli(args: readonly string[], env: Record<string, string>): Promise<ZliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'apps/zli/bin/zli-dev.js', ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, NODE_ENV: '', FORCE_COLOR: '0', COLUMNS: '200', ...env },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

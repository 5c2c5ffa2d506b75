// End-to-end (clearly marked): each test starts the real zli binary, about 0.4 s of CPU per run.
// `zli config ...` as a user types it: the real binary, a temporary $ZLI_CONFIG.

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZli } from '../run-zli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zli-cmd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function freshConfig(content?: string): Promise<Record<string, string>> {
  counter += 1;
  const path = join(dir, `zot-${counter}`);
  if (content !== undefined) await writeFile(path, content);
  return { ZLI_CONFIG: path };
}

describe.concurrent('zli config', () => {
  it('adds, lists aligned, shows, sets, gets, resets and removes profiles, writing 0600', async () => {
    const env = await freshConfig();
    expect((await runZli(['config', 'add', 'main', 'https://zot.example:8080'], env)).code).toBe(0);
    expect((await runZli(['config', 'add', 'local', 'http://127.0.0.1:5000'], env)).code).toBe(0);
    expect((await stat(env.ZLI_CONFIG as string)).mode & 0o777).toBe(0o600);
    expect((await runZli(['config', 'list'], env)).stdout).toBe(
      'main   https://zot.example:8080\nlocal  http://127.0.0.1:5000\n',
    );
    expect((await runZli(['config', 'set', 'main', 'verify-tls', 'false'], env)).code).toBe(0);
    expect((await runZli(['config', 'show', 'main'], env)).stdout).toBe(
      'url = https://zot.example:8080\nshowspinner = true\nverify-tls = false\n',
    );
    expect((await runZli(['config', 'reset', 'main', 'verify-tls'], env)).code).toBe(0);
    expect((await runZli(['config', 'get', 'main', 'verify-tls'], env)).stdout).toBe('true\n');
    expect((await runZli(['config', 'remove', 'local'], env)).code).toBe(0);
    expect(
      JSON.parse(await readFile(env.ZLI_CONFIG as string, 'utf8')).configs.map(
        (c: { _name: string }) => c._name,
      ),
    ).toEqual(['main']);
  });

  it('refuses an unknown key, resetting url and a reserved name with an error and a non-zero exit', async () => {
    const env = await freshConfig('{"configs":[{"_name":"main","url":"http://a"}]}');
    const unknown = await runZli(['config', 'get', 'main', 'colour'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('given config key is not allowed: "colour"');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    // the allowed keys are listed once (issue 20), not again in a suggestion
    expect(unknown.stderr.match(/showspinner/g)).toHaveLength(1);
    const resetUrl = await runZli(['config', 'reset', 'main', 'url'], env);
    expect(resetUrl.stderr).toContain('cannot reset given config key: "url"');
    const reserved = await runZli(['config', 'add', 'show', 'http://a'], env);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('config name is reserved for a subcommand: "show"');
  });

  it('reports a malformed file with its path and a suggestion, without a stack trace', async () => {
    const env = await freshConfig('{"configs": {}}');
    const result = await runZli(['config', 'list'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('field "configs" must be a JSON array');
    expect(result.stderr).toContain(`fix or remove ${env.ZLI_CONFIG}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints usage when arguments are missing', async () => {
    const env = await freshConfig();
    const result = await runZli(['config', 'add', 'main'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('USAGE');
    expect(result.stderr).toContain('$ zli config add [NAME] [URL]');
    expect(result.stderr).toContain('invalid cli arguments');
  });

  it('keeps the deprecated positional forms working, each with a warning on stderr', async () => {
    const env = await freshConfig('{"configs":[{"_name":"main","url":"http://a"}]}');
    const set = await runZli(['config', 'main', 'showspinner', 'false'], env);
    expect(set.stderr).toContain('deprecated invocation `zli config <name> <key> <value>`');
    const get = await runZli(['config', 'main', 'showspinner'], env);
    expect(get.stdout).toBe('false\n');
    expect(get.stderr).toContain('use `zli config get <name> <key>` instead');
    const reset = await runZli(['config', 'main', 'showspinner', '--reset'], env);
    expect(reset.stderr).toContain('use `zli config reset <name> <key>` instead');
    const show = await runZli(['config', 'main', '--list'], env);
    expect(show.stdout).toBe('url = http://a\nshowspinner = true\nverify-tls = true\n');
    expect(show.stderr).toContain('use `zli config show <name>` instead');
    const list = await runZli(['config', '--list'], env);
    expect(list.stdout).toBe('main  http://a\n');
    expect(list.stderr).toContain('use `zli config list` instead');
  });

  it('shows help for `zli config` alone, naming the subcommands', async () => {
    const result = await runZli(['config'], await freshConfig());
    expect(result.code).toBe(0);
    for (const sub of ['add', 'remove', 'list', 'show', 'get', 'set', 'reset'])
      expect(result.stdout).toContain(`zli config ${sub}`);
  });
});

describe('zli --help', () => {
  it('lists the topics and commands', async () => {
    const result = await runZli(['--help'], {});
    expect(result.code).toBe(0);
    for (const word of ['config', 'image', 'repo', 'search', 'status']) expect(result.stdout).toContain(word);
  });
});

// Issue 20: not concurrent with the suite above, which already runs many binaries at once.
describe('zli usage errors', () => {
  it('refuses --url without a scheme with the message `config set` gives, exit 2 (no request sent)', async () => {
    const env = await freshConfig();
    const flagged = await runZli(['repo', 'list', '--url', '127.0.0.1:5000'], env);
    const set = await runZli(['config', 'add', 'main', '127.0.0.1:5000'], env);
    expect(flagged.code).toBe(2);
    expect(set.code).toBe(2);
    const expected =
      'invalid URL format: "127.0.0.1:5000" (expected http://host[:port] or https://host[:port])';
    expect(flagged.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toContain(`--url: ${expected}`);
    expect(set.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toContain(expected);
  });

  it('exits 2 on every usage error: unknown flag, missing argument, unknown command, bad --format', async () => {
    const env = await freshConfig('{"configs":[{"_name":"main","url":"http://a"}]}');
    const runs = await Promise.all([
      runZli(['repo', 'list', '--bogus'], env),
      runZli(['config', 'get', 'main'], env),
      runZli(['no-such-command'], env),
      runZli(['repo', 'list', '--url', 'http://127.0.0.1:9', '--format', 'xml'], env),
      runZli(['repo', 'list', '--url', 'http://127.0.0.1:9', '--user', 'no-colon'], env),
    ]);
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2, 2]);
  });
});

// loadConfig: read a zot config file (JSON or YAML) from disk and parse it.
import { readFile } from 'node:fs/promises';
import { ConfigError } from './errors.js';
import { type ParseOptions, parseConfig } from './parse.js';
import type { ZotConfig } from './types/index.js';

/** `options.onWarning` hears what loads but deserves a word; the source name is always `path`. */
export async function loadConfig(
  path: string,
  options: Omit<ParseOptions, 'sourceName'> = {},
): Promise<ZotConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    throw new ConfigError(
      'CONFIG_UNREADABLE',
      [{ path: '(file)', message: `cannot read ${path}: ${reason}` }],
      path,
    );
  }
  return parseConfig(text, { ...options, sourceName: path });
}

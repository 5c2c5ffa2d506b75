// The built web UI (apps/ui's dist/, made by its `build` script) read into memory once at start: a few files,
// about 70 KB with their gzip copies, so a request costs no disk access. Each file keeps its content type, an
// ETag, and whether its name carries a content hash (then browsers may cache it for a year).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';

export interface UiFile {
  body: Uint8Array;
  /** The gzip copy the build wrote beside the file, when there is one. */
  gzip: Uint8Array | undefined;
  contentType: string;
  etag: string;
  /** The name holds a content hash (assets/main-ABC123.js): the content never changes under this name. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** apps/ui/dist, found through the workspace package so it works from any working directory. */
export function uiDistDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@zot-ts/ui/package.json')), 'dist');
}

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * URL path ("/assets/main-X.js") -> file; undefined when the UI has not been built (no index.html), or a build
 * replaced the directory while it was being read (the build swaps a whole new directory in).
 */
export function loadUiFiles(directory: string): Map<string, UiFile> | undefined {
  try {
    return readUiFiles(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readUiFiles(directory: string): Map<string, UiFile> | undefined {
  if (!existsSync(join(directory, 'index.html'))) return undefined;
  const files = new Map<string, UiFile>();
  for (const path of walk(directory)) {
    if (path.endsWith('.gz')) continue;
    const body = readFileSync(path);
    const urlPath = `/${relative(directory, path).split(sep).join('/')}`;
    files.set(urlPath, {
      body,
      gzip: existsSync(`${path}.gz`) ? readFileSync(`${path}.gz`) : undefined,
      contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      immutable: urlPath.startsWith('/assets/'),
    });
  }
  return files;
}

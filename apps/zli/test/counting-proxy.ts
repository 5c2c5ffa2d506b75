// A pass-through HTTP proxy in front of a test registry that records each request's method and path, so a
// test can tell which API zli used (the search API's GraphQL, or the distribution API's walk).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  readonly url: string;
  /** `METHOD /path` of every request since the last `clear()`, in arrival order. */
  readonly requests: string[];
  clear(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push(`${request.method} ${(request.url ?? '').split('?')[0]}`);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value);
      const body = chunks.length === 0 ? undefined : Buffer.concat(chunks);
      const init: RequestInit = { method: request.method ?? 'GET', headers, redirect: 'manual' };
      if (body !== undefined) init.body = body;
      fetch(`${target}${request.url ?? '/'}`, init)
        .then(async (answer) => {
          const payload = Buffer.from(await answer.arrayBuffer());
          const out: Record<string, string> = {};
          answer.headers.forEach((value, name) => {
            if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'content-length')
              out[name] = value;
          });
          response.writeHead(answer.status, out).end(payload);
        })
        .catch((error: unknown) => response.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    clear: () => {
      requests.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Who made the request that is changing the store: store events are emitted synchronously inside the
// request's handler, so an AsyncLocalStorage entered by a middleware reaches the event observer without
// the store knowing anything about HTTP. The context is kept, not the identity, because authentication
// runs later than this middleware (inside oci-api) and sets `identity` on it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventActor } from '@zot-ts/events';
import { type OciApiEnv, requestInfoOf } from '@zot-ts/oci-api';
import type { Context, MiddlewareHandler } from 'hono';

export interface RequestActor {
  middleware: MiddlewareHandler<OciApiEnv>;
  /** The actor of the request being served, or undefined outside a request (GC, retention, startup). */
  current(): EventActor | undefined;
}

export function createRequestActor(): RequestActor {
  const storage = new AsyncLocalStorage<Context<OciApiEnv>>();
  return {
    middleware: async function requestActor(c, next) {
      await storage.run(c, next);
    },
    current() {
      const c = storage.getStore();
      if (c === undefined) return undefined;
      const username = c.get('identity')?.username;
      return {
        ...(username === undefined ? {} : { user: username }),
        clientIp: requestInfoOf(c).clientIp,
      };
    },
  };
}

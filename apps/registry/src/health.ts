// Health endpoints as zot serves them: /livez (process alive), /readyz (ready to serve, false while shutting
// down so load balancers drain us), /startupz (initialisation finished).
import { Hono } from 'hono';

export interface HealthState {
  started: boolean;
  shuttingDown: boolean;
}

export function healthRoutes(state: HealthState): Hono {
  const app = new Hono();
  app.get('/livez', (c) => c.body(null, 200));
  app.get('/readyz', (c) => c.body(null, state.started && !state.shuttingDown ? 200 : 503));
  app.get('/startupz', (c) => c.body(null, state.started ? 200 : 503));
  return app;
}

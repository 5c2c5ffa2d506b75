// Health endpoints as zot serves them: /livez (process alive), /readyz (ready to serve, false while shutting
// down so load balancers drain us), /startupz (initialisation finished).
import { Hono } from 'hono';

export interface HealthState {
  started: boolean;
  shuttingDown: boolean;
  /** Why storage cannot take writes now (an unwritable root), or undefined; /readyz is not ready meanwhile. */
  storageProblem?: () => Promise<string | undefined>;
}

export function healthRoutes(state: HealthState): Hono {
  const app = new Hono();
  app.get('/livez', (c) => c.body(null, 200));
  app.get('/readyz', async (c) => {
    if (!state.started || state.shuttingDown) return c.body(null, 503);
    const problem = await state.storageProblem?.();
    return problem === undefined ? c.body(null, 200) : c.text(`${problem}\n`, 503);
  });
  app.get('/startupz', (c) => c.body(null, state.started ? 200 : 503));
  return app;
}

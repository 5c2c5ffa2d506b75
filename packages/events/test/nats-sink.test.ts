// Against Debian's nats-server, started once for this file on a free port (apt-get install -y nats-server).
import { connect, type NatsConnection, type Subscription } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventRecorder, EventTypes } from '../src/index.js';
import { type NatsServer, natsServer } from '../src/testing/nats-server.js';

let server: NatsServer;
beforeAll(async () => {
  server = await natsServer();
});
afterAll(async () => {
  await server.stop();
});

/** Collects the JSON bodies published on `subject`, through a subscriber of its own. */
async function subscribe(subject: string) {
  const nc: NatsConnection = await connect({
    servers: server.url,
    reconnect: true,
    maxReconnectAttempts: -1,
    // back before the sinks under test (they wait 500 ms): core NATS keeps nothing for a late subscriber
    reconnectTimeWait: 50,
    reconnectJitter: 0,
  });
  const bodies: Array<Record<string, unknown>> = [];
  const contentTypes: string[] = [];
  const sub: Subscription = nc.subscribe(subject);
  void (async () => {
    for await (const message of sub) {
      bodies.push(JSON.parse(Buffer.from(message.data).toString('utf8')) as Record<string, unknown>);
      contentTypes.push(message.headers?.get('content-type') ?? '');
    }
  })();
  await nc.flush();
  return {
    bodies,
    contentTypes,
    nc,
    async waitFor(count: number, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (bodies.length < count) {
        if (Date.now() > deadline) throw new Error(`got ${bodies.length} of ${count} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return bodies;
    },
  };
}

describe('NATS sink', () => {
  it('publishes each event as structured CloudEvents JSON on the channel', async () => {
    const subscriber = await subscribe('registry.events');
    const recorder = createEventRecorder({
      sinks: [{ type: 'nats', address: server.url, channel: 'registry.events', timeoutMs: 2000 }],
      initialRetryDelayMs: 20,
    });
    recorder.repositoryCreated('team/app', { user: 'bob' });
    recorder.imageLintFailed({
      name: 'team/app',
      reference: 'v1',
      digest: `sha256:${'b'.repeat(64)}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      manifest: '{}',
    });
    const [created, lintFailed] = await subscriber.waitFor(2);
    expect(created).toMatchObject({
      specversion: '1.0',
      source: 'zotregistry.dev',
      type: EventTypes.repositoryCreated,
      data: { name: 'team/app', actor: { user: 'bob' } },
    });
    expect(lintFailed).toMatchObject({ type: EventTypes.imageLintFailed, data: { reference: 'v1' } });
    expect(subscriber.contentTypes[0]).toBe('application/cloudevents+json');
    await recorder.close();
    await subscriber.nc.close();
  });

  it('keeps events while the server is down and delivers them, in order, once it is back', async () => {
    const recorder = createEventRecorder({
      sinks: [
        { type: 'nats', address: server.url, channel: 'outage', timeoutMs: 1000, reconnectWaitMs: 500 },
      ],
      initialRetryDelayMs: 20,
      maxRetryDelayMs: 200,
    });
    const subscriber = await subscribe('outage');
    // connected first, so the outage is a reconnect, not a first connection
    recorder.repositoryCreated('before');
    expect(await recorder.drained(10_000)).toBe(true);

    await server.stop();
    for (let i = 0; i < 5; i++) recorder.repositoryCreated(`during${i}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stats = Object.values(recorder.stats())[0];
    expect(stats?.queued).toBe(5);

    await server.start();
    const got = await subscriber.waitFor(6);
    // at least once: each event arrives, in order; a retry after a lost acknowledgement may repeat one
    const names = [...new Set(got.map((b) => (b.data as { name: string }).name))];
    expect(names).toEqual(['before', 'during0', 'during1', 'during2', 'during3', 'during4']);
    expect(await recorder.drained(10_000)).toBe(true);
    await recorder.close();
    await subscriber.nc.close();
  });

  it('starts while the server is unreachable and delivers once it can connect', async () => {
    await server.stop();
    const recorder = createEventRecorder({
      sinks: [{ type: 'nats', address: server.url, channel: 'late', timeoutMs: 1000, reconnectWaitMs: 500 }],
      initialRetryDelayMs: 20,
      maxRetryDelayMs: 200,
    });
    recorder.repositoryCreated('queued-before-connect');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.start();
    const subscriber = await subscribe('late');
    const [first] = await subscriber.waitFor(1);
    expect(first?.data).toEqual({ name: 'queued-before-connect' });
    await recorder.close();
    await subscriber.nc.close();
  });

  it('closes promptly even when it never connected', async () => {
    const recorder = createEventRecorder({
      sinks: [{ type: 'nats', address: 'nats://127.0.0.1:1', channel: 'never', timeoutMs: 500 }],
    });
    recorder.repositoryCreated('lost');
    const started = Date.now();
    await recorder.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('authenticates with username and password, and keeps events while the credentials are refused', async () => {
    const guarded = await natsServer(['--user', 'zot', '--pass', 'nats-secret']);
    try {
      const reader = await connect({ servers: guarded.url, user: 'zot', pass: 'nats-secret' });
      const subscription = reader.subscribe('guarded');
      await reader.flush();
      const seen: string[] = [];
      void (async () => {
        for await (const message of subscription) seen.push(Buffer.from(message.data).toString('utf8'));
      })();
      const good = createEventRecorder({
        sinks: [
          {
            type: 'nats',
            address: guarded.url,
            channel: 'guarded',
            timeoutMs: 1000,
            credentials: { username: 'zot', password: 'nats-secret' },
          },
        ],
        initialRetryDelayMs: 20,
      });
      const bad = createEventRecorder({
        sinks: [
          {
            type: 'nats',
            address: guarded.url,
            channel: 'guarded',
            timeoutMs: 1000,
            reconnectWaitMs: 100,
            credentials: { username: 'zot', password: 'wrong' },
          },
        ],
        initialRetryDelayMs: 20,
      });
      good.repositoryCreated('with-password');
      bad.repositoryCreated('refused');
      expect(await good.drained(10_000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.map((body) => (JSON.parse(body) as { data: { name: string } }).data.name)).toEqual([
        'with-password',
      ]);
      expect(Object.values(bad.stats())[0]?.queued).toBe(1);
      await Promise.all([good.close(), bad.close()]);
      await reader.close();
    } finally {
      await guarded.stop();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { CLOUDEVENTS_JSON, createEventRecorder, type EventRecorder, EventTypes } from '../src/index.js';
import { type HttpReceiver, httpReceiver } from '../src/testing/http-receiver.js';
import { freePort } from '../src/testing/nats-server.js';

const image = {
  name: 'team/app',
  reference: 'v1',
  digest: `sha256:${'a'.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  manifest: '{"schemaVersion":2}',
};

describe('HTTP sink', () => {
  let receiver: HttpReceiver | undefined;
  let recorder: EventRecorder | undefined;
  afterEach(async () => {
    await recorder?.close();
    await receiver?.close();
    recorder = undefined;
    receiver = undefined;
  });

  it('POSTs a structured-mode CloudEvent with zot source, type and data, and the configured auth and headers', async () => {
    receiver = await httpReceiver();
    recorder = createEventRecorder({
      sinks: [
        {
          type: 'http',
          address: receiver.url,
          channel: 'alerts',
          headers: { 'X-Team': 'platform' },
          credentials: { username: 'hook', password: 's3cret' },
        },
      ],
    });
    recorder.imageUpdated(image, { user: 'alice', clientIp: '127.0.0.1' });
    const [first] = await receiver.waitFor(1);
    expect(first?.headers['content-type']).toBe(CLOUDEVENTS_JSON);
    expect(first?.headers.authorization).toBe(`Basic ${Buffer.from('hook:s3cret').toString('base64')}`);
    expect(first?.headers['x-team']).toBe('platform');
    expect(first?.body).toMatchObject({
      specversion: '1.0',
      source: 'zotregistry.dev',
      type: EventTypes.imageUpdated,
      datacontenttype: 'application/json',
      channel: 'alerts',
      data: { ...image, actor: { user: 'alice', clientIp: '127.0.0.1' } },
    });
    expect(first?.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(String(first?.body.time)))).toBe(false);
  });

  it('sends a bearer token when no username is set, and deleted events carry no manifest body', async () => {
    receiver = await httpReceiver();
    recorder = createEventRecorder({
      sinks: [{ type: 'http', address: receiver.url, credentials: { token: 'tok' } }],
    });
    recorder.imageDeleted(image);
    const [first] = await receiver.waitFor(1);
    expect(first?.headers.authorization).toBe('Bearer tok');
    expect(first?.body.type).toBe(EventTypes.imageDeleted);
    expect(first?.body.data).not.toHaveProperty('manifest');
    expect(first?.body.data).not.toHaveProperty('actor');
  });

  it('retries a failing sink and delivers every queued event in order once it answers 2xx', async () => {
    receiver = await httpReceiver();
    receiver.status = 503;
    recorder = createEventRecorder({
      sinks: [{ type: 'http', address: receiver.url }],
      initialRetryDelayMs: 10,
      maxRetryDelayMs: 50,
    });
    for (let i = 0; i < 5; i++) recorder.repositoryCreated(`repo${i}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(0);
    const stats = Object.values(recorder.stats())[0];
    expect(stats?.queued).toBe(5);
    expect(stats?.failedAttempts).toBeGreaterThan(1);
    receiver.status = 200;
    const got = await receiver.waitFor(5);
    expect(got.map((r) => (r.body.data as { name: string }).name)).toEqual([
      'repo0',
      'repo1',
      'repo2',
      'repo3',
      'repo4',
    ]);
  });

  it('keeps events for a sink that is not listening yet and delivers them when it starts', async () => {
    const port = await freePort();
    recorder = createEventRecorder({
      sinks: [{ type: 'http', address: `http://127.0.0.1:${port}/events` }],
      initialRetryDelayMs: 10,
      maxRetryDelayMs: 50,
    });
    recorder.repositoryCreated('early');
    await new Promise((resolve) => setTimeout(resolve, 100));
    receiver = await httpReceiver(port);
    const [first] = await receiver.waitFor(1);
    expect(first?.body.data).toEqual({ name: 'early' });
  });

  it('never makes the publisher wait for a slow sink, and drops past the bound, reporting each drop', async () => {
    receiver = await httpReceiver();
    receiver.delayMs = 300;
    const dropped: string[] = [];
    recorder = createEventRecorder({
      sinks: [{ type: 'http', address: receiver.url }],
      maxQueuedEvents: 3,
      onDropped: (_sink, event) => dropped.push(String(event.data.name)),
    });
    const started = performance.now();
    for (let i = 0; i < 10; i++) recorder.repositoryCreated(`r${i}`);
    expect(performance.now() - started).toBeLessThan(50);
    expect(dropped).toEqual(['r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    const got = await receiver.waitFor(3);
    expect(got.map((r) => (r.body.data as { name: string }).name)).toEqual(['r0', 'r1', 'r2']);
    expect(Object.values(recorder.stats())[0]).toMatchObject({ dropped: 7, delivered: 3, queued: 0 });
  });

  it("refuses an unknown sink type with zot's message", () => {
    expect(() => createEventRecorder({ sinks: [{ type: 'kafka' } as never] })).toThrow(
      'event sink is not supported',
    );
  });
});

// extensions.events through the real server: pushes and deletes become zot's CloudEvents with the
// request's actor, delivered to an HTTP sink (structured mode) and to Debian's nats-server.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HttpReceiver, httpReceiver, type NatsServer, natsServer } from '@zot-ts/events/testing';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry } from './helpers.js';
import { OCI_MANIFEST, ociClient, pushImage } from './signatures-fixtures.js';

const passwords = join(process.env.TMPDIR ?? '/tmp', `zot-events-htpasswd-${process.pid}`);
const alice = { Authorization: `Basic ${Buffer.from('alice:alice-secret').toString('base64')}` };

let receiver: HttpReceiver;
let nats: NatsServer;
let registry: TestRegistry;

beforeAll(async () => {
  writeFileSync(
    passwords,
    `${execFileSync('htpasswd', ['-nbB', '-C', '4', 'alice', 'alice-secret'], { encoding: 'utf8' }).trim()}\n`,
  );
  [receiver, nats] = await Promise.all([httpReceiver(), natsServer()]);
  registry = await startTestRegistry({
    http: {
      auth: { htpasswd: { path: passwords } },
      accessControl: {
        repositories: {
          '**': { policies: [{ users: ['alice'], actions: ['read', 'create', 'update', 'delete'] }] },
        },
        metrics: { users: ['alice'] },
      },
    },
    extensions: {
      metrics: { enable: true },
      events: {
        enable: true,
        sinks: [
          { type: 'http', address: receiver.url, timeout: '5s', headers: { 'X-Source': 'zot-ts' } },
          { type: 'nats', address: nats.url, channel: 'registry', timeout: '5s' },
        ],
      },
    },
  });
});

afterAll(async () => {
  await registry?.dispose();
  await receiver?.close();
  await nats?.stop();
  rmSync(passwords, { force: true });
});

const eventsOf = (type: string) => receiver.received.map((r) => r.body).filter((b) => b.type === type);

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('events extension', () => {
  it('announces a new repository and an updated image with the manifest and the pushing user', async () => {
    const image = await pushImage(ociClient(registry.url, alice), 'team/app', 'v1');
    await until(() => eventsOf('zotregistry.image.updated').length >= 1);
    const [created] = eventsOf('zotregistry.repository.created');
    expect(created).toMatchObject({
      specversion: '1.0',
      source: 'zotregistry.dev',
      data: { name: 'team/app', actor: { user: 'alice', clientIp: '127.0.0.1' } },
    });
    const [updated] = eventsOf('zotregistry.image.updated');
    expect(updated?.data).toEqual({
      name: 'team/app',
      reference: 'v1',
      digest: image.digest,
      mediaType: OCI_MANIFEST,
      manifest: image.content.toString('utf8'),
      actor: { user: 'alice', clientIp: '127.0.0.1' },
    });
    expect(receiver.received[0]?.headers['x-source']).toBe('zot-ts');
    expect(receiver.received[0]?.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
  });

  it('sends one deleted event per delete: by tag with the tag, by digest with the digest', async () => {
    const client = ociClient(registry.url, alice);
    const first = await pushImage(client, 'team/del', 'a');
    const second = await pushImage(client, 'team/del', 'b');
    const byTag = await fetch(`${registry.url}/v2/team/del/manifests/a`, {
      method: 'DELETE',
      headers: alice,
    });
    expect(byTag.status).toBe(202);
    const byDigest = await fetch(`${registry.url}/v2/team/del/manifests/${second.digest}`, {
      method: 'DELETE',
      headers: alice,
    });
    expect(byDigest.status).toBe(202);
    await until(() => eventsOf('zotregistry.image.deleted').length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100)); // no third one may follow
    const deleted = eventsOf('zotregistry.image.deleted').map((e) => e.data);
    expect(deleted).toEqual([
      {
        name: 'team/del',
        reference: 'a',
        digest: first.digest,
        mediaType: OCI_MANIFEST,
        actor: { user: 'alice', clientIp: '127.0.0.1' },
      },
      {
        name: 'team/del',
        reference: second.digest,
        digest: second.digest,
        mediaType: OCI_MANIFEST,
        actor: { user: 'alice', clientIp: '127.0.0.1' },
      },
    ]);
  });

  it('sends one updated event per tag of a push with ?tag=', async () => {
    const client = ociClient(registry.url, alice);
    const image = await pushImage(client, 'team/multi', 'base');
    const isBase = (e: Record<string, unknown>) => (e.data as { name: string }).name === 'team/multi';
    await until(() => eventsOf('zotregistry.image.updated').some(isBase));
    const before = eventsOf('zotregistry.image.updated').length;
    const response = await fetch(`${registry.url}/v2/team/multi/manifests/${image.digest}?tag=x&tag=y`, {
      method: 'PUT',
      body: image.content,
      headers: { ...alice, 'Content-Type': OCI_MANIFEST },
    });
    expect(response.status).toBe(201);
    await until(() => eventsOf('zotregistry.image.updated').length >= before + 2);
    const references = eventsOf('zotregistry.image.updated')
      .slice(before)
      .map((e) => (e.data as { reference: string }).reference);
    expect(references).toEqual(['x', 'y']);
  });

  it('publishes the same events on the NATS channel', async () => {
    const nc = await connect({ servers: nats.url });
    const subscription = nc.subscribe('registry');
    await nc.flush();
    const seen: Array<Record<string, unknown>> = [];
    void (async () => {
      for await (const message of subscription)
        seen.push(JSON.parse(Buffer.from(message.data).toString('utf8')) as Record<string, unknown>);
    })();
    const image = await pushImage(ociClient(registry.url, alice), 'team/nats', 'latest');
    await until(() => seen.some((e) => e.type === 'zotregistry.image.updated'));
    const updated = seen.find((e) => e.type === 'zotregistry.image.updated');
    expect(updated).toMatchObject({
      source: 'zotregistry.dev',
      data: { name: 'team/nats', reference: 'latest', digest: image.digest, actor: { user: 'alice' } },
    });
    await nc.close();
  });

  it('counts deliveries per sink on /metrics', async () => {
    await until(() => receiver.received.length > 0);
    const text = await (await fetch(`${registry.url}/metrics`, { headers: alice })).text();
    expect(text).toMatch(/zot_events_delivered_total\{sink="http:\/\/127\.0\.0\.1:\d+\/events"\} [1-9]/);
    expect(text).toContain('# TYPE zot_events_dropped_total counter');
  });

  it('never holds up a push when the sink is slow', async () => {
    receiver.delayMs = 2000;
    const started = performance.now();
    await pushImage(ociClient(registry.url, alice), 'team/slow', 'v1');
    expect(performance.now() - started).toBeLessThan(1500);
    receiver.delayMs = 0;
  });
});

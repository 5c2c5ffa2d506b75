// A NATS sink: each event is published in structured mode (the event's JSON as the message body, with a
// `content-type: application/cloudevents+json` header) on the configured subject (zot's `channel`), under
// the client name `zotregistry.dev` as zot connects. Core NATS publishing is fire-and-forget, so send()
// flushes: the server's PONG proves it has the message. While disconnected, send() fails at once rather than
// let the client buffer copies; the delivery queue keeps the event and retries after the reconnect.
import { readFileSync } from 'node:fs';
// types only: the client is loaded when a NATS sink is configured (it is 450 KB of JavaScript)
import type { ConnectionOptions, NatsConnection } from 'nats';
import { type CloudEvent, EVENT_SOURCE } from './cloud-event.js';
import { DEFAULT_SINK_TIMEOUT_MS, type Sink, type SinkCredentials, SinkError, type SinkTls } from './sink.js';

export interface NatsSinkOptions {
  /** nats://host:port, or several separated by commas. */
  address: string;
  /** The subject events are published on. */
  channel: string;
  timeoutMs?: number;
  credentials?: SinkCredentials;
  tls?: SinkTls;
  /** Delay between reconnect attempts; default 250 ms. */
  reconnectWaitMs?: number;
}

type NatsModule = typeof import('nats');

function connectionOptions(nats: NatsModule, options: NatsSinkOptions, timeoutMs: number): ConnectionOptions {
  const { credentials, tls } = options;
  const base: ConnectionOptions = {
    servers: options.address.split(',').map((s) => s.trim()),
    name: EVENT_SOURCE,
    timeout: timeoutMs,
    // never give up: the process keeps events for the sink until it comes back
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectWaitMs ?? 250,
  };
  if (credentials?.file) base.authenticator = nats.credsAuthenticator(readFileSync(credentials.file));
  else if (credentials?.username) {
    base.user = credentials.username;
    base.pass = credentials.password ?? '';
  } else if (credentials?.token) base.token = credentials.token;
  if (tls?.caCertFile || tls?.certFile) {
    base.tls = {
      ...(tls.caCertFile ? { caFile: tls.caCertFile } : {}),
      ...(tls.certFile ? { certFile: tls.certFile } : {}),
      ...(tls.keyFile ? { keyFile: tls.keyFile } : {}),
    };
  }
  return base;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SinkError('SINK_TIMEOUT', `${what}: no answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createNatsSink(options: NatsSinkOptions): Sink {
  if (options.channel === '')
    throw new SinkError('SINK_INVALID', 'a NATS event sink needs a channel (subject)');
  const timeoutMs = options.timeoutMs ?? DEFAULT_SINK_TIMEOUT_MS;
  let nats: NatsModule | undefined;
  let connection: NatsConnection | undefined;
  let connected = false;
  let closed = false;
  let lastError: unknown;
  // Our own first-connect loop rather than the client's waitOnFirstConnect: close() can stop it, so a
  // sink that never came up does not keep the process alive. After the first connection the client reconnects.
  void (async function connectUntilClosed() {
    while (!closed) {
      try {
        nats ??= await import('nats');
        const nc = await nats.connect({
          ...connectionOptions(nats, options, timeoutMs),
          waitOnFirstConnect: false,
        });
        if (closed) {
          await nc.close();
          return;
        }
        connection = nc;
        connected = true;
        void watchStatus(nats, nc);
        return;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, options.reconnectWaitMs ?? 250).unref());
      }
    }
  })();

  async function watchStatus(client: NatsModule, nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === client.Events.Disconnect) connected = false;
      else if (status.type === client.Events.Reconnect) connected = true;
    }
  }

  async function send(event: CloudEvent): Promise<void> {
    const nc = connection;
    if (nats === undefined || nc === undefined || !connected || nc.isClosed())
      throw new SinkError('SINK_UNAVAILABLE', `not connected to ${options.address}`, { cause: lastError });
    const messageHeaders = nats.headers();
    messageHeaders.set('content-type', 'application/cloudevents+json');
    nc.publish(options.channel, Buffer.from(JSON.stringify(event)), { headers: messageHeaders });
    await withTimeout(nc.flush(), timeoutMs, `flushing to ${options.address}`);
  }

  return {
    name: `${options.address}/${options.channel}`,
    kind: 'nats',
    send,
    async close() {
      closed = true;
      if (connection !== undefined && !connection.isClosed()) await connection.close();
    },
  };
}

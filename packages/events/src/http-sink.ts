// An HTTP sink in CloudEvents structured mode (HTTP protocol binding 1.0, section 3.2): one POST per event,
// `Content-Type: application/cloudevents+json`, the whole event as the body. Authorization as zot sets it
// (pkg/extensions/events/http_sink.go): Basic from username/password, else Bearer from token; then the
// configured headers. Any 2xx is an acknowledgement; everything else is retried by the queue.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { CloudEvent } from './cloud-event.js';
import { DEFAULT_SINK_TIMEOUT_MS, type Sink, type SinkCredentials, SinkError, type SinkTls } from './sink.js';

export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';

export interface HttpSinkOptions {
  /** http:// or https:// URL the events are POSTed to. */
  address: string;
  /** Set as the `channel` extension attribute, as zot does. */
  channel?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  credentials?: SinkCredentials;
  tls?: SinkTls;
}

export function createHttpSink(options: HttpSinkOptions): Sink {
  let url: URL;
  try {
    url = new URL(options.address);
  } catch (cause) {
    throw new SinkError('SINK_INVALID', `event sink address is not a URL: ${options.address}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SinkError('SINK_INVALID', `event sink address must be http(s): ${options.address}`);
  const secure = url.protocol === 'https:';
  const timeoutMs = options.timeoutMs ?? DEFAULT_SINK_TIMEOUT_MS;
  const headers: Record<string, string> = { 'content-type': CLOUDEVENTS_JSON };
  const { credentials } = options;
  if (credentials?.username !== undefined && credentials.username !== '') {
    const pair = `${credentials.username}:${credentials.password ?? ''}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else if (credentials?.token !== undefined && credentials.token !== '') {
    headers.authorization = `Bearer ${credentials.token}`;
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  // Files read once at creation: a missing CA file stops the start with its path rather than every delivery.
  const tls = options.tls ?? {};
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        minVersion: 'TLSv1.2',
        ...(tls.caCertFile ? { ca: readFileSync(tls.caCertFile) } : {}),
        ...(tls.certFile && tls.keyFile
          ? { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }
          : {}),
      })
    : new http.Agent({ keepAlive: true });

  function send(event: CloudEvent): Promise<void> {
    const withChannel = options.channel ? { ...event, channel: options.channel } : event;
    const body = Buffer.from(JSON.stringify(withChannel));
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(body.byteLength) },
        timeout: timeoutMs,
      });
      request.on('timeout', () =>
        request.destroy(new SinkError('SINK_TIMEOUT', `no answer from ${url.origin} in ${timeoutMs} ms`)),
      );
      request.on('error', (cause) =>
        reject(
          cause instanceof SinkError
            ? cause
            : new SinkError('SINK_UNAVAILABLE', `cannot reach ${url.origin}: ${cause.message}`, { cause }),
        ),
      );
      request.on('response', (response) => {
        response.resume(); // the body is of no interest; read it so the socket goes back to the pool
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new SinkError('SINK_REFUSED', `${url.origin} answered ${status}`));
        });
        response.on('error', reject);
      });
      request.end(body);
    });
  }

  return {
    name: `${url.origin}${url.pathname}`,
    kind: 'http',
    send,
    async close() {
      agent.destroy();
    },
  };
}

// What a delivery destination does. A sink sends one event and resolves once the destination has it
// (an HTTP 2xx, a NATS server's acknowledgement of a flush); anything else rejects and the queue retries.
import type { CloudEvent } from './cloud-event.js';

export interface Sink {
  /** The URL, or `<nats address>/<channel>`: for logs and metric labels. */
  readonly name: string;
  readonly kind: 'http' | 'nats' | string;
  send(event: CloudEvent): Promise<void>;
  close(): Promise<void>;
}

/** Credentials as zot's sink config holds them (pkg/extensions/config/events: Credentials). */
export interface SinkCredentials {
  username?: string;
  password?: string;
  /** A NATS credentials file (JWT + nkey seed). */
  file?: string;
  token?: string;
}

/** TLS towards the sink, as zot's TLSConfig: a CA to trust and a client certificate and key. */
export interface SinkTls {
  caCertFile?: string;
  certFile?: string;
  keyFile?: string;
}

export class SinkError extends Error {
  constructor(
    readonly code: 'SINK_UNAVAILABLE' | 'SINK_REFUSED' | 'SINK_TIMEOUT' | 'SINK_INVALID',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SinkError';
  }
}

/** zot's default HTTP timeout (pkg/extensions/events/common.go: DefaultHTTPTimeout). */
export const DEFAULT_SINK_TIMEOUT_MS = 30_000;

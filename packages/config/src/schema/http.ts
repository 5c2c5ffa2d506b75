// `http`: the listener, TLS, rate limits, authentication and authorization (zot HTTPConfig).
// zot's own default port is 8080 when a file omits it; the embedded no-file default (defaults.ts) is 5000.
import { accessControlSchema } from './access-control.js';
import { authSchema } from './auth.js';
import type { SchemaNode } from './builders.js';
import { arrayOf, duration, int, object, str } from './builders.js';

export const tlsSchema: SchemaNode = object(
  'Serve HTTPS.',
  {
    cert: str('Server certificate (PEM).'),
    key: str('Server private key (PEM).'),
    cacert: str('CA bundle for client certificates; turns on mTLS.'),
  },
  { required: ['cert', 'key'] },
);

export const httpSchema: SchemaNode = object('The HTTP listener and everything in front of the API.', {
  address: str('Address to listen on.', { default: '127.0.0.1' }),
  // zot keeps the port as a string; a number is accepted too, and either is normalised to a number.
  port: {
    type: ['integer', 'string'],
    description: 'Port to listen on (0..65535; 0 picks a free port).',
    pattern: '^[0-9]+$',
    minimum: 0,
    maximum: 65535,
    default: 8080,
  },
  externalUrl: str('URL clients use to reach this registry (behind a proxy).'),
  realm: str('Realm sent in WWW-Authenticate for basic auth.', { default: 'zot' }),
  allowOrigin: str('Comma-separated CORS origins; unset means "*".'),
  readTimeout: duration('Maximum time to read a whole request.'),
  writeTimeout: duration('Maximum time to write a whole response.'),
  tls: tlsSchema,
  ratelimit: object(
    'Request rate limits in requests per second, per client address and per authenticated user; a request over a limit gets 429 TOOMANYREQUESTS with Retry-After. Health probes and the metrics scrape are exempt.',
    {
      rate: int('Requests per second over all methods (burst: the same number).', { minimum: 1 }),
      methods: arrayOf(
        'Per-method limits, applied together with `rate` (the stricter wins).',
        object(
          'One method limit.',
          {
            method: str('HTTP method.', {
              enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
            }),
            rate: int('Requests per second of this method (burst: the same number).', { minimum: 1 }),
          },
          { required: ['method', 'rate'] },
        ),
      ),
    },
  ),
  compat: arrayOf('Media-type compatibility modes.', { type: 'string', enum: ['docker2s2'] }),
  workers: int(
    'zot-ts only (zot has no such key): server processes sharing the port, each using one core for JavaScript. 1: one process; 0: one per CPU core, at most 4. Unset: the default (docs/performance.md).',
    { minimum: 0, maximum: 64 },
  ),
  auth: authSchema,
  accessControl: accessControlSchema,
});

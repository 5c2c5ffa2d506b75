// The CEL environment of policy conditions: `req`, with zot's fields, and `request`, the release
// announcement's view of the same request (request-view.ts).
//
// `req` is declared as typed messages (zot.Request, zot.User, ...) rather than a loose map, so a
// misspelt field (`req.usr`) or a type error (`req.user.username > 1`) is caught when the config loads,
// not on the first request. `req.claims` stays `map<string, dyn>`: its keys depend on the provider.
//
// The request object is built once per decision and shared by every condition evaluated for it;
// cel-js reads fields of registered classes directly, so there is no per-evaluation conversion.

import { Environment } from '@marcbachmann/cel-js';
import { CelIdentity, CelRepository, CelRequestView } from './request-view.js';

export class CelUser {
  constructor(
    readonly username: string,
    readonly groups: readonly string[],
  ) {}
}
export class CelAuth {
  constructor(
    readonly anonymous: boolean,
    readonly admin: boolean,
  ) {}
}
export class CelClient {
  constructor(
    readonly ip: string,
    readonly forwardedFor: readonly string[],
  ) {}
}
export class CelTls {
  constructor(
    readonly enabled: boolean,
    readonly version: string,
  ) {}
}

export interface CelRequestFields {
  time: Date;
  method: string;
  userAgent: string;
  action: string;
  repository: string;
  reference: string;
  referenceType: string;
  tag: string;
  digest: string;
  user: CelUser;
  auth: CelAuth;
  client: CelClient;
  tls: CelTls;
  claims: Readonly<Record<string, unknown>>;
}

export class CelRequest {
  readonly time: Date;
  readonly method: string;
  readonly userAgent: string;
  readonly action: string;
  readonly repository: string;
  readonly reference: string;
  readonly referenceType: string;
  readonly tag: string;
  readonly digest: string;
  readonly user: CelUser;
  readonly auth: CelAuth;
  readonly client: CelClient;
  readonly tls: CelTls;
  readonly claims: Readonly<Record<string, unknown>>;
  constructor(fields: CelRequestFields) {
    this.time = withFastTimeZones(fields.time);
    this.method = fields.method;
    this.userAgent = fields.userAgent;
    this.action = fields.action;
    this.repository = fields.repository;
    this.reference = fields.reference;
    this.referenceType = fields.referenceType;
    this.tag = fields.tag;
    this.digest = fields.digest;
    this.user = fields.user;
    this.auth = fields.auth;
    this.client = fields.client;
    this.tls = fields.tls;
    this.claims = fields.claims;
  }
}

/** The top-level fields of `req`, for the catalog filter's dependency analysis. */
export const REQUEST_FIELDS = [
  'time',
  'method',
  'userAgent',
  'action',
  'repository',
  'reference',
  'referenceType',
  'tag',
  'digest',
  'user',
  'auth',
  'client',
  'tls',
  'claims',
] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

// cel-js answers `t.getHours("Europe/Berlin")` with `new Date(t.toLocaleString('en-US', {timeZone}))`;
// Node builds a fresh Intl.DateTimeFormat for every toLocaleString call, about 40 µs, which alone
// would blow the 20 µs budget of a decision. Each request's time gets its own toLocaleString that
// formats with one cached formatter per time zone (same options and output as toLocaleString's
// defaults) and remembers its result per zone: 40 µs becomes about 1 µs, then ~0 for repeats.
// (cel-js then parses that wall-clock text in the host's zone and reads it back the same way, so the
// host zone cancels out, except inside the host's own DST gap; servers usually run in UTC.)
const formatterByZone = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatterByZone.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatterByZone.set(timeZone, formatter);
  }
  return formatter;
}

function withFastTimeZones(time: Date): Date {
  // a copy: the caller's Date is not ours to patch. The instance keeps Date as its constructor,
  // which is how cel-js recognises a google.protobuf.Timestamp.
  const copy = new Date(time.getTime());
  const byZone = new Map<string, string>();
  Object.defineProperty(copy, 'toLocaleString', {
    value(locales?: string, options?: Intl.DateTimeFormatOptions): string {
      const timeZone = options?.timeZone;
      const onlyZone = locales === 'en-US' && options !== undefined && Object.keys(options).length === 1;
      if (timeZone === undefined || !onlyZone)
        return Date.prototype.toLocaleString.call(copy, locales, options);
      let text = byZone.get(timeZone);
      if (text === undefined) {
        text = formatterFor(timeZone).format(copy);
        byZone.set(timeZone, text);
      }
      return text;
    },
  });
  return copy;
}

/** What a condition runs against: both views of one request, built once per decision. */
export interface CelContext {
  readonly req: CelRequest;
  readonly request: CelRequestView;
}

let environment: Environment | undefined;

/** The shared environment; building one costs milliseconds, so it is made once per process. */
export function policyEnvironment(): Environment {
  if (environment !== undefined) return environment;
  environment = new Environment()
    .registerType('zot.User', { ctor: CelUser, fields: { username: 'string', groups: 'list<string>' } })
    .registerType('zot.Auth', { ctor: CelAuth, fields: { anonymous: 'bool', admin: 'bool' } })
    .registerType('zot.Client', { ctor: CelClient, fields: { ip: 'string', forwardedFor: 'list<string>' } })
    .registerType('zot.Tls', { ctor: CelTls, fields: { enabled: 'bool', version: 'string' } })
    .registerType('zot.Request', {
      ctor: CelRequest,
      fields: {
        time: 'google.protobuf.Timestamp',
        method: 'string',
        userAgent: 'string',
        action: 'string',
        repository: 'string',
        reference: 'string',
        referenceType: 'string',
        tag: 'string',
        digest: 'string',
        user: 'zot.User',
        auth: 'zot.Auth',
        client: 'zot.Client',
        tls: 'zot.Tls',
        claims: 'map<string, dyn>',
      },
    })
    .registerVariable('req', 'zot.Request')
    .registerType('zot.Identity', {
      ctor: CelIdentity,
      fields: { username: 'string', groups: 'list<string>' },
    })
    .registerType('zot.Repository', { ctor: CelRepository, fields: { name: 'string', prefix: 'string' } })
    .registerType('zot.RequestView', {
      ctor: CelRequestView,
      fields: {
        identity: 'zot.Identity',
        repository: 'zot.Repository',
        action: 'string',
        reference: 'string',
      },
    })
    .registerVariable('request', 'zot.RequestView');
  return environment;
}

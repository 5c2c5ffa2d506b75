// The body of `POST /zot/auth/apikey`, checked before anything is created: zot's APIKeyPayload
// (`label`, `scopes`, `expirationDate`), with our scope objects `{repositories, actions}` as well. Anything else
// is a 400: `[]`, a label that is not a string, an unknown field, an impossible date. A loose body must never
// turn into a key with its owner's full rights by accident (a scope list that was dropped, a label ignored).

import { JsonTooDeepError, parseJsonWithinDepth } from '@zot-ts/oci-store';
import { Ajv2020 } from 'ajv/dist/2020.js';

export interface ApiKeyRequest {
  label: string;
  scopes?: unknown[];
  /** Absent: the key never expires. */
  expirationDate?: Date;
}

export type ApiKeyRequestCheck = { ok: true; request: ApiKeyRequest } | { ok: false; reason: string };

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // null is accepted where Go's encoding/json (zot) takes it as "absent"
    label: { type: ['string', 'null'], maxLength: 256 },
    scopes: {
      type: ['array', 'null'],
      maxItems: 64,
      items: {
        anyOf: [
          { type: 'string', minLength: 1, maxLength: 256 },
          {
            type: 'object',
            additionalProperties: false,
            required: ['repositories', 'actions'],
            properties: {
              repositories: {
                type: 'array',
                minItems: 1,
                maxItems: 64,
                items: { type: 'string', minLength: 1, maxLength: 256 },
              },
              actions: { type: 'array', minItems: 1, maxItems: 8, items: { type: 'string', maxLength: 16 } },
            },
          },
        ],
      },
    },
    // '' is zot's "no expiration"
    expirationDate: { type: ['string', 'null'], maxLength: 64 },
  },
} as const;

const validate = new Ajv2020({ strict: true, allErrors: false }).compile(SCHEMA);

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * RFC 3339 as Go's time.Parse(time.RFC3339) reads it: every field in range, so `2099-02-30` is refused instead
 * of rolling over to March 2 as JavaScript's Date would.
 */
export function parseRfc3339Strict(value: string): Date | undefined {
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const [offsetHours, offsetMinutes] = [Number(match[9] ?? 0), Number(match[10] ?? 0)];
  if (month === undefined || month < 1 || month > 12) return undefined;
  const daysInMonth = new Date(Date.UTC(year as number, month, 0)).getUTCDate();
  if ((day as number) < 1 || (day as number) > daysInMonth) return undefined;
  if ((hour as number) > 23 || (minute as number) > 59 || (second as number) > 59) return undefined;
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Parses and checks the request body; `now` decides whether an expiration date lies in the future. */
export function parseApiKeyRequest(text: string, now: Date): ApiKeyRequestCheck {
  let body: unknown;
  try {
    body = parseJsonWithinDepth(text);
  } catch (error) {
    return { ok: false, reason: error instanceof JsonTooDeepError ? error.message : 'the body is not JSON' };
  }
  if (!validate(body)) {
    const first = validate.errors?.[0];
    return { ok: false, reason: `invalid request ${first?.instancePath || 'body'}: ${first?.message ?? ''}` };
  }
  const payload = body as {
    label?: string | null;
    scopes?: unknown[] | null;
    expirationDate?: string | null;
  };
  const request: ApiKeyRequest = { label: payload.label ?? '' };
  if (payload.scopes !== undefined && payload.scopes !== null) request.scopes = payload.scopes;
  if (typeof payload.expirationDate === 'string' && payload.expirationDate !== '') {
    // zot: time.Parse(time.RFC3339, ...) and the date must be in the future
    const expirationDate = parseRfc3339Strict(payload.expirationDate);
    if (expirationDate === undefined) return { ok: false, reason: 'expirationDate is not an RFC 3339 time' };
    if (expirationDate <= now) return { ok: false, reason: 'expirationDate is in the past' };
    request.expirationDate = expirationDate;
  }
  return { ok: true, request };
}

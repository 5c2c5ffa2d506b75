// Every request the UI makes: same origin, the session cookie (never a stored password), and zot's UI header
// `X-ZOT-API-CLIENT: zot-ui`, without which the registry does not look at the session cookie at all.
// Failures become three typed errors the pages render: 401 -> log in, 403 -> the policy's reason, no answer.

export const UI_HEADER = { 'X-ZOT-API-CLIENT': 'zot-ui' } as const;

/** The registry asked for credentials (no session, or it ended): the page sends the user to /login. */
export class UnauthorizedError extends Error {}

/** An access policy refused: `reason` is the policy's message (detail.reason of the spec error). */
export class DeniedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** No answer at all (server down, network gone), or one that is not the registry's. */
export class UnreachableError extends Error {}

/** Any other error answer: status and the registry's message. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface SpecErrorBody {
  errors?: Array<{ code?: string; message?: string; detail?: { reason?: string } | string }>;
}

async function reasonOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const first = (JSON.parse(text) as SpecErrorBody).errors?.[0];
    const detail = first?.detail;
    if (typeof detail === 'object' && typeof detail?.reason === 'string') return detail.reason;
    if (typeof first?.message === 'string') return first.message;
  } catch {
    // not JSON: fall through to the text itself
  }
  return text.slice(0, 200) || response.statusText;
}

/** fetch with the UI header; throws the typed errors above for 401, 403, 5xx gateways and network failures. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(UI_HEADER)) headers.set(name, value);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  } catch {
    throw new UnreachableError('the registry did not answer');
  }
  if (response.ok) return response;
  if (response.status === 401) throw new UnauthorizedError(await reasonOf(response));
  if (response.status === 403) throw new DeniedError(await reasonOf(response));
  if (response.status === 502 || response.status === 503 || response.status === 504)
    throw new UnreachableError(`the registry answered ${response.status}`);
  throw new RequestError(response.status, await reasonOf(response));
}

export async function requestJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await request(path, init);
  return (await response.json()) as T;
}

/** zot's GraphQL search API (POST with variables). GraphQL errors become a RequestError with their message. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const body = await requestJson<{ data?: T; errors?: Array<{ message: string }> }>('/v2/_zot/ext/search', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  if (body.errors !== undefined && body.errors.length > 0) {
    const message = body.errors.map((e) => e.message).join('; ');
    // search answers a repository the caller may not read like zot: as an error naming the access
    if (/not authorized|denied|forbidden/i.test(message)) throw new DeniedError(message);
    if (body.data === undefined || body.data === null) throw new RequestError(200, message);
  }
  return body.data as T;
}

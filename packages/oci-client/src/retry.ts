// When to try a request again and how long to wait: 429 and 5xx answers and broken connections are retried
// with exponential backoff (with jitter), and a Retry-After header (seconds or an HTTP date) is honoured,
// capped by maxDelayMs so a hostile upstream cannot park the mirror for a day.

export interface RetryPolicy {
  /** Attempts after the first. Default 3. */
  maxRetries: number;
  /** First backoff; doubles per attempt. Default 500 ms. */
  delayMs: number;
  /** Ceiling of any one wait, Retry-After included. Default 60 s. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 3, delayMs: 500, maxDelayMs: 60_000 };

const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function isRetriedStatus(status: number): boolean {
  return RETRIED_STATUSES.has(status);
}

const CONNECTION_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** A broken or refused connection, or a socket timeout: worth another try. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /socket hang up|aborted|premature close|timed out/i.test(message) && !isAbort(error);
}

export function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | undefined)?.name === 'AbortError';
}

/** Milliseconds a Retry-After header asks for, or undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before retry number `attempt` (0-based): Retry-After when given, else backoff with jitter. */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfter?: number): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelayMs);
  const base = policy.delayMs * 2 ** attempt;
  // +-20% jitter so that many mirrors retrying together do not stampede
  return Math.min(policy.maxDelayMs, Math.round(base * (0.8 + Math.random() * 0.4)));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

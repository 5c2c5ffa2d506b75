// Turns refused login steps into JSON responses, so handlers only throw OidcFlowError.
import { OidcFlowError } from './errors.js';
import type { Logger } from './ports.js';

export type WebHandler = (request: Request) => Promise<Response>;

/** Refusals become `{"errors":[{code,message}]}` with the code's status; anything else is a bare 500. */
export function withErrorResponses(
  handler: WebHandler,
  clearCookie: () => string | undefined,
  logger?: Logger,
): WebHandler {
  return async function oidcHandler(request) {
    try {
      return await handler(request);
    } catch (error) {
      const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' });
      const cookie = clearCookie();
      if (cookie !== undefined) headers.append('set-cookie', cookie);
      if (error instanceof OidcFlowError) {
        logger?.warn('OIDC login refused', {
          code: error.code,
          message: error.message,
          cause: String(error.cause ?? ''),
        });
        const body = { errors: [{ code: error.code, message: error.message }] };
        return new Response(JSON.stringify(body), { status: error.status, headers });
      }
      logger?.error?.('OIDC handler failed', { error: String(error) });
      return new Response(JSON.stringify({ errors: [{ code: 'INTERNAL', message: 'internal error' }] }), {
        status: 500,
        headers,
      });
    }
  };
}

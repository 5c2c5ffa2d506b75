// OpenID providers are checked at start (issue 20): a provider whose discovery fails (DNS, connect, TLS,
// status) is warned about at once with the cause, instead of on a user's first login, and retried in the
// background with a growing delay until it answers; its login error carries the same cause meanwhile.
import type { OidcRelyingParty } from '@zot-ts/auth-oidc';
import type { Logger } from '../log-sink.js';

export interface DiscoveryCheckOptions {
  /** First retry delay; doubled after each failure up to maxDelayMs. Default 5 s. */
  firstDelayMs?: number;
  /** Default 5 minutes. */
  maxDelayMs?: number;
}

/** Starts checking; the returned function stops the retries. */
export function checkOidcDiscovery(
  relyingParty: Pick<OidcRelyingParty, 'checkDiscovery'>,
  logger: Logger,
  options: DiscoveryCheckOptions = {},
): () => void {
  const maxDelayMs = options.maxDelayMs ?? 300_000;
  let delayMs = options.firstDelayMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const failing = new Set<string>();

  const attempt = async () => {
    const results = await relyingParty.checkDiscovery();
    if (stopped) return;
    for (const result of results) {
      if (result.error !== undefined) {
        logger.warn(
          `http.auth.openid.providers.${result.provider}: ${result.error}; retrying in the background`,
          {
            provider: result.provider,
            issuer: result.issuer,
            retryInMs: delayMs,
          },
        );
        failing.add(result.provider);
      } else if (failing.delete(result.provider)) {
        logger.info(`http.auth.openid.providers.${result.provider}: discovery succeeded`, {
          issuer: result.issuer,
        });
      }
    }
    if (results.some((result) => result.error !== undefined)) {
      timer = setTimeout(() => void attempt(), delayMs);
      timer.unref();
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  };
  void attempt();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

// `--user <user>:<password>`: the one spelling of the value in every hint, and its parsing.
import type { Credentials } from '@zot-ts/oci-client';

/** The one spelling of the --user value in every hint, help text and usage error (issue 20). */
export const USER_FLAG_VALUE = '<user>:<password>';

/** `user:password` from --user; the password may itself contain colons (API keys do not, but passwords may). */
export function parseCredentials(text: string): Credentials | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

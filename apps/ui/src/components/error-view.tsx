// What went wrong and what to do next: a refused access shows the policy's reason; a server that does not
// answer offers a retry; anything else shows the registry's message.
import { DeniedError, RequestError, UnauthorizedError, UnreachableError } from '../api.js';
import { currentUser } from '../session.js';

export function ErrorView(props: { error: unknown; retry?: () => void }) {
  const { error, retry } = props;
  let title = 'Something went wrong';
  let text = error instanceof Error ? error.message : String(error);
  let hint = '';
  if (error instanceof DeniedError) {
    title = 'Access denied';
    text = error.reason;
    hint =
      currentUser() === undefined
        ? 'Log in with an account that may read this repository.'
        : 'Ask an administrator for access, or log in as another user.';
  } else if (error instanceof UnreachableError) {
    title = 'The registry is unreachable';
    hint = 'Check that the server is running and your network connection, then try again.';
  } else if (error instanceof UnauthorizedError) {
    title = 'Please log in';
  } else if (error instanceof RequestError && error.status === 404) {
    title = 'Not found';
  }
  return (
    <section class="error" role="alert" data-testid="error">
      <h2>{title}</h2>
      <p class="error-reason">{text}</p>
      {hint && <p>{hint}</p>}
      <p class="actions">
        {retry && (
          <button type="button" onClick={retry}>
            Try again
          </button>
        )}
        {error instanceof DeniedError && currentUser() === undefined && (
          <a class="button" href={`/login?next=${encodeURIComponent(location.pathname)}`}>
            Log in
          </a>
        )}
        <a href="/home">Back to the repositories</a>
      </p>
    </section>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p class="loading" aria-live="polite">
      Loading {props.what}…
    </p>
  );
}

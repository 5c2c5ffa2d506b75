// Login: a username/password form when the registry has htpasswd or LDAP, a button per OpenID provider, and
// "continue without logging in" where anonymous callers may browse. Afterwards the user lands on `next`.
import { useEffect, useState } from 'preact/hooks';
import { UnauthorizedError, UnreachableError } from '../api.js';
import { ErrorView, Loading } from '../components/error-view.js';
import { navigate } from '../router.js';
import { currentUser, loadMgmt, loginWithPassword, type MgmtInfo, openIdLoginUrl } from '../session.js';

/** Only same-origin paths: `next` comes from the URL, and must not send the user elsewhere. */
function safeNext(next: string): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/home';
}

export function LoginPage(props: { next: string }) {
  const next = safeNext(props.next);
  const [mgmt, setMgmt] = useState<MgmtInfo | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');

  useEffect(() => {
    document.title = 'Log in · zot';
    loadMgmt().then(setMgmt, setLoadError);
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      await loginWithPassword(username, password);
      setPassword('');
      navigate(next, { replace: true });
    } catch (error) {
      if (error instanceof UnauthorizedError) setMessage('Wrong username or password.');
      else if (error instanceof UnreachableError) setMessage('The registry is unreachable; try again.');
      else setMessage(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  if (loadError !== undefined)
    return (
      <main id="main" class="login">
        <ErrorView error={loadError} retry={() => location.reload()} />
      </main>
    );
  if (mgmt === undefined)
    return (
      <main id="main" class="login">
        <Loading what="login options" />
      </main>
    );
  const auth = mgmt.http.auth ?? {};
  const providers = Object.entries(auth.openid?.providers ?? {});
  const hasPassword = auth.htpasswd !== undefined;
  return (
    <main id="main" class="login">
      <div class="card login-card">
        <h1>Log in to zot</h1>
        {currentUser() !== undefined && <p>You are logged in as {currentUser()}.</p>}
        {hasPassword && (
          <form onSubmit={submit} aria-describedby={message ? 'login-message' : undefined}>
            <label for="username">Username</label>
            <input
              id="username"
              name="username"
              autocomplete="username"
              required
              value={username}
              onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            />
            <label for="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Logging in…' : 'Log in'}
            </button>
          </form>
        )}
        {message && (
          <p id="login-message" role="alert" class="error-inline">
            {message}
          </p>
        )}
        {providers.length > 0 && (
          <div class="providers">
            {hasPassword && <p class="or">or</p>}
            {providers.map(([key, provider]) => (
              <a key={key} class="button provider" href={openIdLoginUrl(key, next)}>
                Continue with {provider.name ?? key}
              </a>
            ))}
          </div>
        )}
        {!hasPassword && providers.length === 0 && <p>This registry needs no login.</p>}
        <p class="anonymous">
          <a href={next}>Continue without logging in</a>
          <span class="muted"> (what you see depends on the registry's anonymous policy)</span>
        </p>
      </div>
    </main>
  );
}

// The frame of every page: a skip link, the header with the search box and the account menu, the main region.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { navigate } from '../router.js';
import { currentUser, loadMgmt, logout, type MgmtInfo } from '../session.js';
import { SearchBox } from './search-box.js';

export function Layout(props: { children: ComponentChildren; title: string; query?: string }) {
  const [mgmt, setMgmt] = useState<MgmtInfo | undefined>();
  const [logoutError, setLogoutError] = useState('');
  const user = currentUser();
  useEffect(() => {
    document.title = `${props.title} · zot`;
  }, [props.title]);
  useEffect(() => {
    loadMgmt().then(setMgmt, () => undefined);
  }, []);
  const authConfigured = mgmt?.http.auth !== undefined && Object.keys(mgmt.http.auth).length > 0;

  async function onLogout() {
    try {
      const endSessionUrl = await logout();
      // RP-initiated logout: the provider ends its own session and sends the browser back to /login
      if (endSessionUrl !== undefined) location.assign(endSessionUrl);
      else navigate('/login');
    } catch (error) {
      setLogoutError(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/home" aria-label="zot registry home">
          zot
        </a>
        <SearchBox initial={props.query ?? ''} />
        <nav aria-label="Account">
          {user !== undefined ? (
            <>
              <a href="/user/apikey" class="user-link">
                {user}
              </a>
              <button type="button" onClick={onLogout}>
                Log out
              </button>
            </>
          ) : (
            authConfigured && (
              <a
                class="button"
                href={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}
              >
                Log in
              </a>
            )
          )}
        </nav>
      </header>
      {logoutError && (
        <p role="alert" class="error-inline">
          Logout failed: {logoutError}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}

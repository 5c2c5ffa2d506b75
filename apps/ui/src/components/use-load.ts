// Loads a page's data and tracks the three states a page renders: loading, the data, or the error.
// A 401 sends the user to /login (coming back here afterwards); other errors stay for ErrorView.
import { useEffect, useState } from 'preact/hooks';
import { UnauthorizedError } from '../api.js';
import { navigate } from '../router.js';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T }
  | { state: 'error'; error: unknown };

export function loginRedirect(): void {
  const here = location.pathname + location.search;
  navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (data) => current && setLoaded({ state: 'ready', data }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof UnauthorizedError) loginRedirect();
        else setLoaded({ state: 'error', error });
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  return [loaded, () => setGeneration((g) => g + 1)];
}

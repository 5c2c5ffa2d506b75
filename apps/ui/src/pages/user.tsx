// The user's API keys: create one with a label, an expiry and scopes (the key is shown once), list, revoke.
// zot's /zot/auth/apikey routes; a key is a password for registry clients, never for this UI.
import { useState } from 'preact/hooks';
import { request, requestJson, UnauthorizedError } from '../api.js';
import { CopyCommand } from '../components/copy-button.js';
import { ErrorView, Loading } from '../components/error-view.js';
import { Layout } from '../components/layout.js';
import { loginRedirect, useLoad } from '../components/use-load.js';
import { exactTime, isNever, timeAgo } from '../format.js';
import { currentUser } from '../session.js';

interface ApiKey {
  uuid: string;
  label: string;
  createdAt: string;
  expirationDate: string;
  isExpired: boolean;
  lastUsed: string;
  scopes: Array<string | { repositories: string[]; actions: string[] }> | null;
}

const ACTIONS = ['read', 'create', 'update', 'delete'] as const;

function scopeText(scopes: ApiKey['scopes']): string {
  if (!scopes || scopes.length === 0) return 'all of your access';
  return scopes
    .map((s) => (typeof s === 'string' ? s : `${s.repositories.join(', ')}: ${s.actions.join(', ')}`))
    .join('; ');
}

export function UserPage() {
  const user = currentUser();
  const [loaded, reload] = useLoad(async () => {
    if (currentUser() === undefined) throw new UnauthorizedError('log in to manage API keys');
    return (await requestJson<{ apiKeys: ApiKey[] | null }>('/zot/auth/apikey')).apiKeys ?? [];
  }, []);
  const [created, setCreated] = useState<string | undefined>();
  const [message, setMessage] = useState('');

  async function create(event: Event) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const label = String(form.get('label') ?? '').trim();
    const days = Number(form.get('expires') ?? '0');
    const repositories = String(form.get('repositories') ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '');
    const actions = ACTIONS.filter((a) => form.get(`action-${a}`) === 'on');
    if (repositories.length > 0 && actions.length === 0) {
      setMessage('Choose at least one action for the repositories.');
      return;
    }
    const body: Record<string, unknown> = { label };
    if (days > 0)
      body.expirationDate = new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    if (repositories.length > 0) body.scopes = [{ repositories, actions }];
    setMessage('');
    try {
      const answer = await requestJson<ApiKey & { apiKey: string }>('/zot/auth/apikey', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      setCreated(answer.apiKey);
      (event.target as HTMLFormElement).reset();
      reload();
    } catch (error) {
      if (error instanceof UnauthorizedError) loginRedirect();
      else setMessage(error instanceof Error ? error.message : String(error));
    }
  }

  async function revoke(key: ApiKey) {
    if (!confirm(`Revoke the API key “${key.label || key.uuid}”? Clients using it stop working at once.`))
      return;
    try {
      await (
        await request(`/zot/auth/apikey?id=${encodeURIComponent(key.uuid)}`, { method: 'DELETE' })
      ).body?.cancel();
      reload();
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <Layout title="API keys">
      <h1>{user ?? 'You'}</h1>
      <section aria-labelledby="new-key">
        <h2 id="new-key">Create an API key</h2>
        <p class="muted">
          Use an API key as the password of registry clients (<code>podman login -u {user ?? 'user'}</code>).
        </p>
        <form class="key-form" onSubmit={create}>
          <label for="key-label">Label</label>
          <input id="key-label" name="label" required maxLength={256} placeholder="ci pipeline" />
          <label for="key-expires">Expires</label>
          <select id="key-expires" name="expires">
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="0">never</option>
          </select>
          <label for="key-repos">Repositories (optional, comma-separated globs)</label>
          <input id="key-repos" name="repositories" placeholder="team/**, tools/alpine" />
          <fieldset>
            <legend>Allowed actions on those repositories</legend>
            {ACTIONS.map((action) => (
              <label key={action} class="check">
                <input type="checkbox" name={`action-${action}`} defaultChecked={action === 'read'} />
                {action}
              </label>
            ))}
          </fieldset>
          <button type="submit" class="primary">
            Create API key
          </button>
        </form>
        {message && (
          <p role="alert" class="error-inline">
            {message}
          </p>
        )}
        {created && (
          <div class="created-key" role="status">
            <p>
              <strong>Copy your new API key now.</strong> It is shown only once.
            </p>
            <CopyCommand label="API key" command={created} />
            <button type="button" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
        )}
      </section>
      <section aria-labelledby="keys">
        <h2 id="keys">Your API keys</h2>
        {loaded.state === 'loading' && <Loading what="API keys" />}
        {loaded.state === 'error' && <ErrorView error={loaded.error} retry={reload} />}
        {loaded.state === 'ready' &&
          (loaded.data.length === 0 ? (
            <p>No API keys yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Label</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Created</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {loaded.data.map((key) => (
                    <tr key={key.uuid} data-testid="apikey-row">
                      <th scope="row">{key.label || '(no label)'}</th>
                      <td>{scopeText(key.scopes)}</td>
                      <td title={exactTime(key.createdAt)}>{timeAgo(key.createdAt)}</td>
                      <td>
                        {key.isExpired
                          ? 'expired'
                          : isNever(key.expirationDate)
                            ? 'never'
                            : exactTime(key.expirationDate)}
                      </td>
                      <td title={exactTime(key.lastUsed)}>{timeAgo(key.lastUsed)}</td>
                      <td>
                        <button
                          type="button"
                          class="danger"
                          onClick={() => revoke(key)}
                          aria-label={`Revoke ${key.label}`}
                        >
                          Revoke
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </section>
    </Layout>
  );
}

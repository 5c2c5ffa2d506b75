// A tiny browser for tests: a cookie jar (domain = host:port, path prefix), manual redirects, and
// the ability to fill in oidc-provider's dev login and consent forms.

interface StoredCookie {
  value: string;
  hostPort: string;
  path: string;
}

export class Browser {
  private readonly cookies = new Map<string, StoredCookie>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookieHeader = this.cookieHeaderFor(target);
    if (cookieHeader !== '') headers.set('cookie', cookieHeader);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) this.store(target, setCookie);
    return response;
  }

  cookie(name: string): string | undefined {
    for (const [key, cookie] of this.cookies) if (key.endsWith(`|${name}`)) return cookie.value;
    return undefined;
  }

  /** Cookies as one header value for requests to `url`. */
  cookieHeaderFor(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, cookie]) => cookie.hostPort === url.host && url.pathname.startsWith(cookie.path))
      .map(([key, cookie]) => `${key.split('|')[2]}=${cookie.value}`)
      .join('; ');
  }

  private store(url: URL, setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    let path = '/';
    let expired = false;
    for (const attribute of attributes) {
      const [attributeName = '', attributeValue = ''] = attribute.split('=');
      const lower = attributeName.toLowerCase();
      if (lower === 'path') path = attributeValue;
      if (lower === 'max-age' && Number(attributeValue) <= 0) expired = true;
      if (lower === 'expires' && Date.parse(attribute.slice(8)) <= Date.now()) expired = true;
    }
    const key = `${url.host}|${path}|${name}`;
    if (expired) this.cookies.delete(key);
    else this.cookies.set(key, { value, hostPort: url.host, path });
  }

  /**
   * Follows the provider's redirects, logs in as `login` and consents, and returns the URL the
   * provider sends the browser back to (the relying party's callback), without visiting it.
   */
  async loginAtProvider(authorizationUrl: string, login: string, stopAtOrigin: string): Promise<string> {
    let url = authorizationUrl;
    for (let step = 0; step < 20; step += 1) {
      if (url.startsWith(stopAtOrigin)) return url;
      const response = await this.fetch(url);
      const location = response.headers.get('location');
      if (location !== null) {
        url = new URL(location, url).href;
        continue;
      }
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (response.status !== 200 || action === undefined) {
        throw new Error(`unexpected provider page ${response.status} at ${url}: ${html.slice(0, 300)}`);
      }
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1] ?? 'login';
      const form = new URLSearchParams({ prompt, login, password: 'any-password' });
      const posted = await this.fetch(new URL(action.replaceAll('&amp;', '&'), url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      const next = posted.headers.get('location');
      if (next === null)
        throw new Error(
          `provider form post answered ${posted.status}: ${(await posted.text()).slice(0, 300)}`,
        );
      url = new URL(next, url).href;
    }
    throw new Error('too many steps at the provider');
  }
}

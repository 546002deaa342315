/**
 * A small history router: the server answers index.html for every app path
 * (src/web/routes.ts), and this picks the page. Pages load on demand, so the
 * first page downloads only its own code.
 */

/** Paths the server owns; links to them are real navigations or downloads. */
const SERVER_PATHS = /^\/(api|overlay)(\/|$)/;

class RouterState {
  path = $state(location.pathname);
  search = $state(location.search);

  /** The query string's parameters. */
  query = $derived(new URLSearchParams(this.search));

  navigate(to: string, options: { replace?: boolean } = {}): void {
    const url = new URL(to, location.href);
    if (options.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.#sync();
    if (!url.hash) window.scrollTo(0, 0);
  }

  #sync(): void {
    this.path = location.pathname;
    this.search = location.search;
  }

  /** Follows clicks on same-origin app links without reloading the page. */
  start(): void {
    window.addEventListener('popstate', () => this.#sync());
    document.addEventListener('click', (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element | null)?.closest?.('a');
      if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin || SERVER_PATHS.test(link.pathname)) return;
      event.preventDefault();
      this.navigate(link.pathname + link.search + link.hash);
    });
  }
}

export const router = new RouterState();

/** The `next` query parameter when it is a path of this app (never another site), else `fallback`: where to go after signing in. */
export function nextPath(fallback: string): string {
  const next = router.query.get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

/** The parameters of `path` when it matches `pattern` (`/live/:id`), else undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return undefined;
  }
  return params;
}

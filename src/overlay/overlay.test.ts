import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { createOverlays, type Overlays } from './overlays.js';
import { overlayRoutes } from './routes.js';

interface OverlayView {
  url: string;
  key: string;
  createdAt: string;
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`stream overlay keys and page on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    let handle: string;

    before(async () => {
      t = await createTestApp(engine, { env: { PUBLIC_URL: 'https://ovation.example.com' } });
      creator = await signUpCreator(t, { displayName: 'Mina Sings' });
      handle = (await t.accounts.getUser(creator.id)).handle;
    });
    after(async () => {
      await t?.destroy();
    });

    const overlayOf = async (user: SignedInUser): Promise<OverlayView> => {
      const response = await t.app.inject({ method: 'GET', url: '/api/v1/me/overlay', headers: user.headers });
      assert.equal(response.statusCode, 200, response.body);
      return response.json().overlay;
    };
    const rotate = async (user: SignedInUser): Promise<OverlayView> => {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/me/overlay/rotate', headers: user.headers });
      assert.equal(response.statusCode, 200, response.body);
      return response.json().overlay;
    };
    /** The page as OBS would load it: the path and query of the overlay URL, on this server. */
    const openPage = (url: string) => {
      const { pathname, search } = new URL(url);
      return t.app.inject({ method: 'GET', url: `${pathname}${search}` });
    };
    const pageFor = (pageHandle: string, key: string) => t.app.inject({ method: 'GET', url: `/overlay/${encodeURIComponent(pageHandle)}?key=${encodeURIComponent(key)}` });

    it('a creator gets an overlay URL on the public address, made on first use and the same after', async () => {
      const first = await overlayOf(creator);
      assert.match(first.key, /^ovk_[A-Za-z0-9_-]{43}$/);
      assert.equal(first.url, `https://ovation.example.com/overlay/${handle}?key=${first.key}`);
      assert.ok(!Number.isNaN(Date.parse(first.createdAt)), first.createdAt);
      assert.deepEqual(await overlayOf(creator), first, 'asking again shows the same URL');
      const other = await overlayOf(await signUpCreator(t));
      assert.notEqual(other.key, first.key, 'each creator has their own key');
    });

    it('the URL opens a transparent page that loads only its own script, stylesheet and socket, fit for OBS', async () => {
      const page = await openPage((await overlayOf(creator)).url);
      assert.equal(page.statusCode, 200, page.body);
      assert.match(String(page.headers['content-type']), /^text\/html; charset=utf-8/);
      assert.equal(page.headers['cache-control'], 'no-store');
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.match(csp, /connect-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /frame-ancestors/, 'OBS and streaming tools embed the page');
      assert.equal(page.headers['x-frame-options'], undefined);
      assert.doesNotMatch(page.body, /<script>|<style>| style=/, 'nothing inline, which the policy would block');
      assert.match(page.body, new RegExp(`data-socket="\\.\\./api/v1/overlay/${handle}/ws"`));

      const scriptHref = /<script type="module" src="([^"]+)"/.exec(page.body)?.[1];
      const styleHref = /<link rel="stylesheet" href="([^"]+)"/.exec(page.body)?.[1];
      assert.ok(scriptHref && styleHref, page.body);
      const base = `https://ovation.example.com/overlay/${handle}`;
      const script = await t.app.inject({ method: 'GET', url: new URL(scriptHref, base).pathname + new URL(scriptHref, base).search });
      assert.equal(script.statusCode, 200);
      assert.match(String(script.headers['content-type']), /^text\/javascript/);
      assert.match(script.body, /new WebSocket\(/);
      assert.doesNotMatch(script.body, /innerHTML|insertAdjacentHTML|document\.write/, 'user text goes through textContent only');
      const styles = await t.app.inject({ method: 'GET', url: new URL(styleHref, base).pathname });
      assert.equal(styles.statusCode, 200);
      assert.match(String(styles.headers['content-type']), /^text\/css/);
      assert.match(styles.body, /background: transparent/);
    });

    it('rotating makes a new key: the old URL stops working at once and the new one works', async () => {
      const before = await overlayOf(creator);
      t.clock.advance(60_000);
      const rotated = await rotate(creator);
      assert.notEqual(rotated.key, before.key);
      assert.equal(rotated.url, `https://ovation.example.com/overlay/${handle}?key=${rotated.key}`);
      assert.ok(rotated.createdAt > before.createdAt, 'the new key is dated when it was made');
      assert.equal((await openPage(before.url)).statusCode, 404);
      assert.equal((await openPage(rotated.url)).statusCode, 200);
      assert.deepEqual(await overlayOf(creator), rotated);

      // Rotating before ever asking works too.
      const fresh = await signUpCreator(t);
      const first = await rotate(fresh);
      assert.deepEqual(await overlayOf(fresh), first);
    });

    it('a wrong key, no key, another creator’s key and unknown handles all get the same plain 404 page', async () => {
      const mine = await overlayOf(creator);
      const otherCreator = await signUpCreator(t);
      const theirs = await overlayOf(otherCreator);
      const viewer = await signUpAndLogIn(t);
      const viewerHandle = (await t.accounts.getUser(viewer.id)).handle;
      const attempts = [
        pageFor(handle, `${mine.key.slice(0, -1)}${mine.key.endsWith('A') ? 'B' : 'A'}`),
        t.app.inject({ method: 'GET', url: `/overlay/${handle}` }),
        pageFor(handle, ''),
        pageFor(handle, theirs.key),
        pageFor(handle, 'x'.repeat(5000)),
        pageFor('nobody_here', mine.key),
        pageFor(viewerHandle, mine.key),
      ];
      const bodies = new Set<string>();
      for (const response of await Promise.all(attempts)) {
        assert.equal(response.statusCode, 404, response.body);
        assert.match(String(response.headers['content-type']), /^text\/html/);
        assert.equal(response.headers['cache-control'], 'no-store');
        bodies.add(response.body);
      }
      assert.equal(bodies.size, 1, 'the answer never tells a wrong key from an unknown handle');
      assert.match([...bodies][0]!, /Not found/);
      assert.doesNotMatch([...bodies][0]!, /overlay\.js/, 'no script runs for a wrong key');
    });

    it('viewers and anonymous callers cannot read or rotate an overlay key', async () => {
      const viewer = await signUpAndLogIn(t);
      for (const [method, url] of [
        ['GET', '/api/v1/me/overlay'],
        ['POST', '/api/v1/me/overlay/rotate'],
      ] as const) {
        const asViewer = await t.app.inject({ method, url, headers: viewer.headers });
        assert.equal(asViewer.statusCode, 403, asViewer.body);
        assert.equal(asViewer.json().error.code, 'role_required');
        const anonymous = await t.app.inject({ method, url });
        assert.equal(anonymous.statusCode, 401, anonymous.body);
        assert.equal(anonymous.json().error.code, 'authentication_required');
      }
    });

    it('the service verifies handle and key, and tells listeners of each rotation so old sockets can be dropped', async () => {
      const overlays = createOverlays({ kysely: t.db.kysely, accounts: t.accounts, now: t.clock.now });
      const rotations: string[] = [];
      const stop = overlays.onRotate((creatorId) => rotations.push(creatorId));
      const { key } = await overlays.get(creator.id, t.config.publicUrl);
      assert.deepEqual(await overlays.verify(handle, key), { creatorId: creator.id });
      assert.deepEqual(await overlays.verify(handle.toUpperCase(), key), { creatorId: creator.id }, 'handles are case-insensitive');
      assert.equal(await overlays.verify(handle, key.slice(1)), undefined);
      assert.equal(await overlays.verify('nobody_here', key), undefined);

      const rotated = await overlays.rotate(creator.id, t.config.publicUrl);
      assert.deepEqual(rotations, [creator.id]);
      assert.equal(await overlays.verify(handle, key), undefined, 'the old key fails as soon as rotate answers');
      assert.deepEqual(await overlays.verify(handle, rotated.key), { creatorId: creator.id });

      stop();
      await overlays.rotate(creator.id, t.config.publicUrl);
      assert.deepEqual(rotations, [creator.id], 'a removed listener hears nothing more');
    });
  });
}

describe('the stream overlay URL without PUBLIC_URL', () => {
  it('is on the address the creator reached the server at, through a trusted proxy as the proxy says, never localhost:3000', async () => {
    const t = await createTestApp('sqlite', { env: { TRUST_PROXY: '127.0.0.1' } });
    try {
      // Refused before the role, and granted with the very next request after it, in the same session.
      const creator = await signUpAndLogIn(t);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me/overlay', headers: creator.headers })).statusCode, 403);
      const apply = await t.app.inject({ method: 'POST', url: '/api/v1/creator/apply', headers: creator.headers, payload: { acceptTerms: true } });
      assert.equal(apply.statusCode, 200, apply.body);
      const direct = await t.app.inject({ method: 'GET', url: '/api/v1/me/overlay', headers: { ...creator.headers, host: 'studio.example.net:8080' } });
      assert.match(direct.json().overlay.url, /^http:\/\/studio\.example\.net:8080\/overlay\//);
      const proxied = await t.app.inject({ method: 'GET', url: '/api/v1/me/overlay', headers: { ...creator.headers, host: 'ovation.example.org', 'x-forwarded-proto': 'https' } });
      assert.match(proxied.json().overlay.url, /^https:\/\/ovation\.example\.org\/overlay\//);
    } finally {
      await t.destroy();
    }
  });
});

describe('the stream overlay without a web build', () => {
  it('links its script unversioned, answers it 503 with what to run, and says so once in the log', async () => {
    const warnings: string[] = [];
    const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => void warnings.push(JSON.parse(line).msg) } } });
    const overlays = { verify: async () => ({ creatorId: 'usr_1' }) } as unknown as Overlays;
    await app.register(overlayRoutes, { overlays, config: { publicUrl: 'http://localhost:3000', publicUrlGiven: false }, scriptFile: '/nonexistent/overlay.js' });
    try {
      const page = await app.inject({ method: 'GET', url: '/overlay/mina?key=ovk_x' });
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, /<script type="module" src="assets\/overlay\.js"><\/script>/);
      for (let i = 0; i < 2; i += 1) {
        const script = await app.inject({ method: 'GET', url: '/overlay/assets/overlay.js' });
        assert.equal(script.statusCode, 503);
        assert.equal(script.headers['cache-control'], 'no-store');
        assert.match(script.body, /npm run build/);
      }
      assert.equal((await app.inject({ method: 'GET', url: '/overlay/assets/overlay.css' })).statusCode, 200, 'the stylesheet is part of the server');
      assert.deepEqual(warnings, ['the overlay script is not built (npm run build); /overlay/assets/overlay.js answers 503']);
    } finally {
      await app.close();
    }
  });
});

import { callServer, signUpOverNetwork } from '../../src/server/testing/process.js';

/** A signed-in user of a server under benchmark. */
export interface BenchUser {
  id: string;
  token: string;
}

/** A creator who went live, through the API. */
export async function creatorLive(url: string): Promise<{ creator: BenchUser; liveId: string }> {
  const creator = await signUpOverNetwork(url, 'Bench Creator');
  await expectStatus(callServer(url, 'POST', '/api/v1/creator/apply', { token: creator.token, body: { acceptTerms: true } }), 200);
  const live = await expectStatus(callServer(url, 'POST', '/api/v1/lives', { token: creator.token, body: { title: 'Benchmark live' } }), 201);
  return { creator, liveId: live.body.live.id as string };
}

/**
 * A creator's live with everything a gift to it can set going: a battle with another creator's live (from
 * its start, `battleSeconds` long), a coins goal it will not reach, and a fan club that the rose joins.
 */
export async function liveInBattle(url: string, battleSeconds: number): Promise<{ liveId: string }> {
  const [{ creator, liveId }, opponent] = await Promise.all([creatorLive(url), creatorLive(url)]);
  const battle = await expectStatus(callServer(url, 'POST', '/api/v1/battles', { token: creator.token, body: { liveId, opponentLiveId: opponent.liveId, durationSeconds: battleSeconds } }), 201);
  const accepted = await expectStatus(callServer(url, 'POST', `/api/v1/battles/${battle.body.battle.id}/accept`, { token: opponent.creator.token }), 200);
  await expectStatus(callServer(url, 'PUT', `/api/v1/lives/${liveId}/goal`, { token: creator.token, body: { kind: 'coins', target: 1_000_000_000 } }), 200);
  await expectStatus(callServer(url, 'PUT', '/api/v1/creator/fan-club', { token: creator.token, body: { giftId: 'gift_rose', name: 'Bench fans' } }), 200);
  // Scoring starts after the battle's countdown.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(accepted.body.battle.startsAt as string) - Date.now())));
  return { liveId };
}

/**
 * `count` viewers who each bought the 7,000-coin web package through the sandbox (with the first-purchase
 * bonus on top): enough roses that a benchmark's viewers do not run out, which would turn its last rounds
 * into refusals that cost less than gifts. Signing up and in hashes passwords (argon2id), so this is the
 * slow part of a setup; `concurrency` requests at a time keep both cores busy.
 */
export async function viewersWithCoins(url: string, count: number, concurrency = 8): Promise<BenchUser[]> {
  const viewers: BenchUser[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      const viewer = await signUpOverNetwork(url, `Bench Viewer ${index}`);
      const order = await expectStatus(callServer(url, 'POST', '/api/v1/orders', { token: viewer.token, key: `bench-order-${viewer.id}`, body: { packageId: 'pkg_web_7000' } }), 201);
      await expectStatus(callServer(url, 'POST', `/api/v1/sandbox/checkout/${order.body.order.id}`, { token: viewer.token, body: { card: '4242424242424242', webhooks: 'once' } }), 200);
      viewers.push(viewer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  // The sandbox credits from its webhook, just after the checkout answers.
  for (const viewer of viewers) await waitForCoins(url, viewer);
  return viewers;
}

async function waitForCoins(url: string, viewer: BenchUser): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await callServer(url, 'GET', '/api/v1/wallet', { token: viewer.token })).body.coins === 0) {
    if (Date.now() > deadline) throw new Error(`viewer ${viewer.id} was not credited within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expectStatus(call: ReturnType<typeof callServer>, status: number): ReturnType<typeof callServer> {
  const response = await call;
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
}

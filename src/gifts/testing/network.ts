import assert from 'node:assert/strict';
import { callServer, signUpOverNetwork } from '../../server/testing/process.js';

/** Through a server process's API: a creator live in a room, and a viewer who bought 7,000 coins (plus bonus) in the sandbox. */
export async function liveWithPayingViewer(url: string): Promise<{ liveId: string; viewer: { id: string; token: string } }> {
  const creator = await signUpOverNetwork(url, 'Network Creator');
  assert.equal((await callServer(url, 'POST', '/api/v1/creator/apply', { token: creator.token, body: { acceptTerms: true } })).status, 200);
  const live = await callServer(url, 'POST', '/api/v1/lives', { token: creator.token, body: { title: 'Over the network' } });
  assert.equal(live.status, 201, JSON.stringify(live.body));
  const viewer = await signUpOverNetwork(url, 'Network Viewer');
  const order = await callServer(url, 'POST', '/api/v1/orders', { token: viewer.token, key: `order-${viewer.id}`, body: { packageId: 'pkg_web_7000' } });
  const orderId = order.body.order.id as string;
  // Webhooks dropped: the check credits the order at once, so the coins are there when this returns.
  assert.equal((await callServer(url, 'POST', `/api/v1/sandbox/checkout/${orderId}`, { token: viewer.token, body: { card: '4242424242424242', webhooks: 'drop' } })).status, 200);
  assert.equal((await callServer(url, 'POST', `/api/v1/orders/${orderId}/check`, { token: viewer.token })).body.order.status, 'succeeded');
  return { liveId: live.body.live.id as string, viewer };
}

/**
 * An operator's script on the typed client: signs in, buys coins through a sandbox order, sends a gift
 * into a live room and prints what the room says. Against a server with the sandbox provider (the
 * default outside production) and a creator on air:
 *
 *   OVATION_URL=http://localhost:3000 OVATION_EMAIL=viewer@example.com OVATION_PASSWORD=… npx tsx client/examples/operator.ts
 *
 * OVATION_TOKEN, a session token, stands in for the email and password.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { createOvationClient, type ServerMessage } from '../src/index.js';

const baseUrl = process.env.OVATION_URL ?? 'http://localhost:3000';

/** The data of a call, or the API's error object thrown as an Error. */
async function answer<Data>(pending: Promise<{ data?: Data; error?: unknown; response: Response }>): Promise<Data> {
  const { data, error, response } = await pending;
  if (response.ok) return data as Data;
  const refusal = (error as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw new Error(`${response.status} ${refusal?.code ?? 'http_error'}: ${refusal?.message ?? response.statusText}`);
}

async function signIn(): Promise<string> {
  if (process.env.OVATION_TOKEN) return process.env.OVATION_TOKEN;
  const email = process.env.OVATION_EMAIL;
  const password = process.env.OVATION_PASSWORD;
  if (!email || !password) throw new Error('Set OVATION_TOKEN, or OVATION_EMAIL and OVATION_PASSWORD.');
  const { token, user } = await answer(createOvationClient({ baseUrl }).POST('/api/v1/auth/login', { body: { email, password } }));
  console.log(`signed in as ${user.displayName} (${user.id})`);
  return token;
}

const ovation = createOvationClient({ baseUrl, token: await signIn() });

// Coins: the smallest package, paid with the sandbox's test card. Crediting may follow the payment by a moment.
const { packages } = await answer(ovation.GET('/api/v1/store/packages', { params: { query: { channel: 'web' } } }));
const smallest = packages.reduce((least, offer) => (offer.coins < least.coins ? offer : least));
const { order } = await answer(ovation.POST('/api/v1/orders', { params: { header: { 'idempotency-key': randomUUID() } }, body: { packageId: smallest.id } }));
const paid = await answer(ovation.POST('/api/v1/sandbox/checkout/{orderId}', { params: { path: { orderId: order.id } }, body: { card: '4242424242424242' } }));
let credited = paid.order;
for (let tries = 0; credited.creditedAt === null && tries < 40; tries += 1) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  credited = (await answer(ovation.GET('/api/v1/orders/{id}', { params: { path: { id: order.id } } }))).order;
}
console.log(`order ${credited.id}: ${credited.status}, ${credited.totalCoins} coins for ${credited.price.amount} ${credited.price.currency} (minor units)`);
const wallet = await answer(ovation.GET('/api/v1/wallet'));
console.log(`wallet: ${wallet.coins} coins`);

// A gift into the first live on air, the cheapest gift of the catalog.
const { lives } = await answer(ovation.GET('/api/v1/lives', { params: { query: { status: 'live', limit: 1 } } }));
const live = lives[0];
if (!live) throw new Error('No live is on air: start one from the web app’s studio.');
const { gifts } = await answer(ovation.GET('/api/v1/gifts'));
const cheapest = gifts.reduce((least, gift) => (gift.coins < least.coins ? gift : least));

// Joined before the gift is sent, so the room's event for it arrives on this socket.
const { url } = await answer(ovation.POST('/api/v1/lives/{id}/tickets', { params: { path: { id: live.id } } }));
const socket = new WebSocket(new URL(url, baseUrl.replace(/^http/, 'ws')));
socket.on('message', (frame) => {
  const message = JSON.parse(frame.toString()) as ServerMessage;
  switch (message.type) {
    case 'welcome':
      console.log(`in “${message.live.title}” as ${message.you.role}, ${message.viewers} watching`);
      break;
    case 'gift':
      console.log(`${message.senderName} sent ${message.quantity} × ${message.name} (${message.coins} coins${message.combo ? `, combo ×${message.combo.count}` : ''})`);
      break;
    case 'batch':
      console.log(`${message.events.length} events: ${message.events.map((event) => event.type).join(', ')}`);
      break;
    case 'live_ended':
      socket.close();
      break;
    default:
      console.log(message.type);
  }
});
await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

const { gift } = await answer(
  ovation.POST('/api/v1/lives/{id}/gifts', {
    params: { path: { id: live.id }, header: { 'idempotency-key': randomUUID() } },
    body: { giftId: cheapest.id, quantity: 1, confirm: true },
  }),
);
console.log(`sent ${cheapest.name} into “${live.title}”: ${gift.coins} coins, ${gift.diamonds} diamonds to the creator`);

// Listens a while longer, then leaves the room.
setTimeout(() => socket.close(), 10_000);

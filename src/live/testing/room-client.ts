import assert from 'node:assert/strict';
import { Compile } from 'typebox/compile';
import { WebSocket } from 'ws';
import type { OvationServer } from '../../server/server.js';
import { ServerMessageSchema } from '../protocol-schemas.js';
import type { ClientMessage, ServerMessage } from '../protocol.js';

export type Received = ServerMessage & Record<string, unknown>;

/** A room socket as a test drives it: every message kept in order, waits for the ones a test expects. */
export interface RoomClient {
  socket: WebSocket;
  /** Every message, the events of a `batch` each in its place, as a client handles them. */
  messages: Received[];
  /** Every frame as it came: a `batch` is one. */
  frames: Received[];
  /** Resolves with the first message (already received or coming) that matches; rejects after `timeoutMs`. */
  next(match: (message: Received) => boolean, timeoutMs?: number): Promise<Received>;
  send(message: ClientMessage): void;
  /** Sends with a `ref` and resolves with the server's ack or error for it. */
  request(message: ClientMessage & { ref?: string }): Promise<Received>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

let refs = 0;

/** A validator per server message type, from the protocol's schemas. */
const VALIDATORS = new Map<string, ReturnType<typeof Compile>[]>();
for (const variant of ServerMessageSchema.anyOf) {
  const type = variant.properties.type;
  for (const literal of 'anyOf' in type ? type.anyOf : [type]) {
    VALIDATORS.set(literal.const, [...(VALIDATORS.get(literal.const) ?? []), Compile(variant)]);
  }
}

/**
 * Throws, failing the running test, when a frame the server sent is not a message the protocol's schemas
 * (src/live/protocol-schemas.ts, docs/live-protocol.md) allow: an unknown type, a missing or undescribed field.
 */
export function assertProtocolMessage(frame: unknown): void {
  const type = typeof frame === 'object' && frame !== null && 'type' in frame ? String(frame.type) : '(none)';
  const validators = VALIDATORS.get(type);
  if (validators?.some((validator) => validator.Check(frame))) return;
  const errors = validators?.[0]?.Errors(frame).slice(0, 3) ?? [`no message has type ${type}`];
  throw new Error(`room message outside the protocol (src/live/protocol-schemas.ts): ${JSON.stringify(errors)} in ${JSON.stringify(frame).slice(0, 1500)}`);
}

/**
 * `headers` go on the upgrade request, such as `x-forwarded-for` to join from another address behind a trusted proxy;
 * `localAddress` connects from that address, such as 127.0.0.2, to be another client on loopback.
 */
export async function connectRoom(url: string, options: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<RoomClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false, headers: options.headers, localAddress: options.localAddress });
  const messages: Received[] = [];
  const frames: Received[] = [];
  const waiters: { match: (message: Received) => boolean; resolve: (message: Received) => void }[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Received;
    assertProtocolMessage(frame);
    frames.push(frame);
    for (const message of frame.type === 'batch' ? (frame.events as Received[]) : [frame]) {
      messages.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.match(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const client: RoomClient = {
    socket,
    messages,
    frames,
    next(match, timeoutMs = 5000) {
      const seen = messages.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching room message within ${timeoutMs} ms; the last ones: ${JSON.stringify(messages.slice(-5)).slice(0, 2000)}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (message) => {
            clearTimeout(timer);
            resolve(message);
          },
        });
      });
    },
    send(message) {
      socket.send(JSON.stringify(message));
    },
    request(message) {
      const ref = `r${++refs}`;
      socket.send(JSON.stringify({ ...message, ref }));
      return client.next((reply) => (reply.type === 'ack' || reply.type === 'error') && reply.ref === ref);
    },
    closed,
    close() {
      socket.close();
    },
  };
  return client;
}

/** Starts a live as `creator` through the API; answers its id. */
export async function goLiveAs(app: OvationServer, creator: { headers: Record<string, string> }, title = 'Room test'): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().live.id;
}

/** The socket path of a room: anonymous, or with a fresh ticket of `user`'s session. */
export async function roomPath(app: OvationServer, liveId: string, user?: { headers: Record<string, string> }): Promise<string> {
  if (!user) return `/api/v1/lives/${liveId}/ws`;
  const ticket = await app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/tickets`, headers: user.headers });
  assert.equal(ticket.statusCode, 201, ticket.body);
  return ticket.json().url;
}

/** Joins a room at `base` (ws://host:port) through `app` and waits for the welcome; the client goes into `clients` for closing. */
export async function joinRoom(
  room: { app: OvationServer; base: string; clients: RoomClient[] },
  liveId: string,
  user?: { headers: Record<string, string> },
  headers?: Record<string, string>,
): Promise<RoomClient> {
  const client = await connectRoom(`${room.base}${await roomPath(room.app, liveId, user)}`, { headers });
  room.clients.push(client);
  await client.next((message) => message.type === 'welcome');
  return client;
}

import { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../protocol.js';

export type Received = ServerMessage & Record<string, unknown>;

/** A room socket as a test drives it: every message kept in order, waits for the ones a test expects. */
export interface RoomClient {
  socket: WebSocket;
  messages: Received[];
  /** Resolves with the first message (already received or coming) that matches; rejects after `timeoutMs`. */
  next(match: (message: Received) => boolean, timeoutMs?: number): Promise<Received>;
  send(message: ClientMessage): void;
  /** Sends with a `ref` and resolves with the server's ack or error for it. */
  request(message: ClientMessage & { ref?: string }): Promise<Received>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

let refs = 0;

export async function connectRoom(url: string): Promise<RoomClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const messages: Received[] = [];
  const waiters: { match: (message: Received) => boolean; resolve: (message: Received) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as Received;
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
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

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame } from './fanout.js';

describe('room frames', () => {
  it('frames made once and written to the upgraded stream reach a client as text messages, in order with those ws sends', async (t) => {
    // Lengths at each edge of the header's three forms, with characters of several bytes in UTF-8.
    const texts = ['{}', 'é'.repeat(62) + '!', 'x'.repeat(125), 'x'.repeat(126), '🌹'.repeat(16_383) + 'abc', 'x'.repeat(65_535), 'x'.repeat(65_536), '{"type":"batch","events":[]}'.repeat(5_000)];
    const rooms = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const http = createServer();
    http.on('upgrade', (request, stream, head) =>
      rooms.handleUpgrade(request, stream, head, (socket) => {
        socket.send('welcome');
        for (const text of texts) stream.write(textFrame(text));
        socket.send('last');
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    t.after(() => http.close());
    const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data: Buffer, isBinary: boolean) => {
        received.push(isBinary ? '(binary)' : data.toString('utf8'));
        if (received.at(-1) === 'last') resolve();
      });
      client.on('error', reject);
    });
    client.close();
    assert.deepEqual(received, ['welcome', ...texts, 'last']);
  });
});

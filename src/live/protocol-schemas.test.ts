import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { assertProtocolMessage } from './testing/room-client.js';

const pong = { type: 'pong' };
const chat = {
  type: 'chat',
  id: 'msg_1',
  user: { userId: 'usr_1', handle: 'sam', displayName: 'Sam', subscriber: null, level: 3, fan: null },
  text: 'hi :hype:',
  emotes: [{ code: 'hype', image: '🔥' }],
  sentAt: '2026-12-06T12:00:00.000Z',
};

describe('the room protocol schemas', () => {
  it('take the messages docs/live-protocol.md describes, alone and in a batch', () => {
    for (const message of [pong, chat, { type: 'viewers', count: 2 }, { type: 'batch', events: [chat, { type: 'goal_progress', goalId: 'goal_1', progress: 40 }] }]) {
      assert.doesNotThrow(() => assertProtocolMessage(message), JSON.stringify(message));
    }
  });

  it('fail the test that receives a message outside the protocol: an undescribed field, a missing one, a wrong type, an unknown message', () => {
    const outside = [
      { ...pong, debug: true },
      { ...chat, user: { ...chat.user, email: 'sam@example.com' } },
      { type: 'viewers' },
      { type: 'viewers', count: '2' },
      { type: 'batch', events: [{ type: 'welcome' }] },
      { type: 'gift_sent' },
      'pong',
    ];
    for (const message of outside) assert.throws(() => assertProtocolMessage(message), /outside the protocol/, JSON.stringify(message));
  });

  it('are published as a JSON Schema document a standard validator reads (client/room-protocol.schema.json)', () => {
    const document = JSON.parse(readFileSync(new URL('../../client/room-protocol.schema.json', import.meta.url), 'utf8')) as { $defs: Record<string, unknown> };
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(document, 'room-protocol');
    const server = ajv.getSchema('room-protocol#/$defs/ServerMessage')!;
    const client = ajv.getSchema('room-protocol#/$defs/ClientMessage')!;
    assert.equal(server(chat), true);
    assert.equal(server({ ...pong, debug: true }), false);
    assert.equal(client({ type: 'gift', giftId: 'gift_rose', quantity: 1, idempotencyKey: 'k1' }), true);
    assert.equal(client({ type: 'gift', giftId: 'gift_rose', quantity: 0, idempotencyKey: 'k1' }), false);
  });
});

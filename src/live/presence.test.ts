import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ViewerPresence, type PresenceMessage } from './presence.js';

const STALE_MS = 30_000;
const deliver = (to: ViewerPresence, messages: PresenceMessage[], atMs?: number) => {
  for (const message of messages) to.receive(message as unknown as Record<string, unknown>, atMs);
};

describe('viewer presence across processes', () => {
  it('counts a viewer once however many sockets and processes they have', () => {
    const a = new ViewerPresence('node_a', STALE_MS);
    const b = new ViewerPresence('node_b', STALE_MS);
    assert.equal(a.addSocket('user:1'), true);
    assert.equal(a.addSocket('user:1'), false, 'a second socket is no new viewer');
    a.addSocket('ip:203.0.113.7');
    b.addSocket('user:1');
    b.addSocket('ip:198.51.100.1');
    deliver(b, a.changeMessages());
    deliver(a, b.changeMessages());
    assert.equal(a.count(), 3);
    assert.equal(b.count(), 3);

    assert.equal(a.removeSocket('user:1'), false, 'one socket of two closed');
    assert.equal(a.removeSocket('user:1'), true);
    deliver(b, a.changeMessages());
    assert.equal(b.count(), 3, 'user 1 is still on b');
    b.removeSocket('user:1');
    assert.equal(b.count(), 2);
  });

  it('a snapshot in parts replaces what was known; a lost part drops it until the next one', () => {
    const a = new ViewerPresence('node_a', STALE_MS);
    const b = new ViewerPresence('node_b', STALE_MS);
    for (let i = 0; i < 45_000; i++) a.addSocket(`ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    const parts = a.snapshotMessages();
    assert.equal(parts.length, 3, 'each message holds at most 20,000 viewers');
    deliver(b, [parts[0]!, parts[2]!]);
    assert.equal(b.count(), 0, 'a snapshot missing a part is not taken');
    deliver(b, a.snapshotMessages());
    assert.equal(b.count(), 45_000);
    deliver(b, a.snapshotMessages(true));
    assert.equal(b.count(), 0, 'a process leaving the room takes its viewers along');
  });

  it('forgets a process not heard from for the stale time', () => {
    const a = new ViewerPresence('node_a', STALE_MS);
    const b = new ViewerPresence('node_b', STALE_MS);
    a.addSocket('user:1');
    deliver(b, a.snapshotMessages(), 1_000);
    assert.equal(b.count(1_000 + STALE_MS), 1);
    assert.equal(b.count(1_001 + STALE_MS), 0);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { liveWithPayingViewer } from '../gifts/testing/network.js';
import { connectRoom, type RoomClient } from '../live/testing/room-client.js';
import { createTestApp } from './testing/app.js';
import { callServer, signUpOverNetwork, startServerProcess, type ServerProcess } from './testing/process.js';

const TOKEN = randomBytes(32).toString('hex');
const DASHBOARD = fileURLToPath(new URL('../../deploy/grafana/ovation.json', import.meta.url));

/** Each sample of an exposition, by its series as written (`name{labels}`). */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    found.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return found;
}

/** The sum of the samples of `name` whose labels include every one of `labels` (as `key="value"`). */
function total(exposition: Map<string, number>, name: string, ...labels: string[]): number {
  let sum = 0;
  for (const [series, value] of exposition) {
    const bare = series.split('{')[0];
    if (bare === name && labels.every((label) => series.includes(label))) sum += value;
  }
  return sum;
}

async function scrape(url: string, token = TOKEN): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return samples(await response.text());
}

describe('metrics', () => {
  let server: ServerProcess;
  let url: string;
  let folder: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ovation-metrics-'));
    server = startServerProcess({ DATABASE_URL: join(folder, 'ovation.db'), METRICS_TOKEN: TOKEN, AUTH_IP_MAX_REQUESTS: '100000' });
    url = await server.listening;
  });

  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(folder, { recursive: true, force: true });
  });

  it('GET /metrics answers only METRICS_TOKEN: no token, another token and a session are refused with 401, and without METRICS_TOKEN the route does not exist', async () => {
    const missing = await fetch(`${url}/metrics`);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="metrics"');
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'metrics_token_invalid');
    for (const token of [randomBytes(32).toString('hex'), TOKEN.slice(1), `${TOKEN}0`, (await signUpOverNetwork(url, 'Not Prometheus')).token]) {
      const refused = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(refused.status, 401, token);
      assert.doesNotMatch(await refused.text(), /ovation_/);
    }
    const off = await createTestApp('sqlite');
    try {
      assert.equal((await off.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 404);
    } finally {
      await off.destroy();
    }
  });

  it('during a gift load the ledger, room socket and HTTP series move, by route pattern and never by raw URL', async () => {
    const { liveId, viewer } = await liveWithPayingViewer(url);
    const room: RoomClient = await connectRoom(`${url.replace('http', 'ws')}/api/v1/lives/${liveId}/ws`);
    await room.next((message) => message.type === 'welcome');
    const broke = await signUpOverNetwork(url, 'No Coins');
    const gifts = `/api/v1/lives/${liveId}/gifts`;
    const giftRoute = 'route="/api/v1/lives/:id/gifts"';
    const before = await scrape(url);
    assert.equal(total(before, 'ovation_room_sockets'), 1);

    const GIFTS = 40;
    const sending = Array.from({ length: GIFTS }, (_, index) => callServer(url, 'POST', gifts, { token: viewer.token, key: `metrics-gift-${index}`, body: { giftId: 'gift_rose' } }));
    // Scraped while the gifts are in flight: the endpoint answers under load.
    const during = await scrape(url);
    const answers = await Promise.all(sending);
    assert.ok(
      answers.every((answer) => answer.status === 201),
      JSON.stringify(answers.map((answer) => answer.status)),
    );
    assert.equal((await callServer(url, 'POST', gifts, { token: broke.token, key: 'metrics-broke', body: { giftId: 'gift_rose' } })).status, 402);
    await room.next((message) => message.type === 'gift');
    const later = await scrape(url);

    assert.ok(total(during, 'ovation_http_request_duration_seconds_count') >= total(before, 'ovation_http_request_duration_seconds_count'));
    assert.equal(
      total(later, 'ovation_http_request_duration_seconds_count', giftRoute, 'method="POST"', 'status_code="201"') -
        total(before, 'ovation_http_request_duration_seconds_count', giftRoute, 'status_code="201"'),
      GIFTS,
    );
    assert.equal(total(later, 'ovation_http_request_duration_seconds_count', giftRoute, 'status_code="402"'), 1);
    assert.equal(
      total(later, 'ovation_http_request_duration_seconds_bucket', giftRoute, 'status_code="201"', 'le="+Inf"'),
      total(later, 'ovation_http_request_duration_seconds_count', giftRoute, 'status_code="201"'),
    );
    assert.ok(![...later.keys()].some((series) => series.includes(liveId)), 'no series names the live id');

    const batches = total(later, 'ovation_ledger_batch_size_count') - total(before, 'ovation_ledger_batch_size_count');
    const decided = total(later, 'ovation_ledger_batch_size_sum') - total(before, 'ovation_ledger_batch_size_sum');
    assert.ok(batches >= 1 && batches <= GIFTS + 1, `${batches} batches`);
    assert.ok(decided >= GIFTS + 1, `${decided} requests in batches`);
    assert.equal(total(later, 'ovation_ledger_commit_duration_seconds_count') - total(before, 'ovation_ledger_commit_duration_seconds_count'), batches);
    assert.equal(total(later, 'ovation_ledger_refusals_total', 'reason="insufficient_funds"') - total(before, 'ovation_ledger_refusals_total', 'reason="insufficient_funds"'), 1);
    assert.equal(total(later, 'ovation_ledger_queue_depth'), 0);

    assert.equal(total(later, 'ovation_room_sockets'), 1);
    assert.ok(total(later, 'ovation_room_frames_sent_total') > total(before, 'ovation_room_frames_sent_total'));
    assert.ok(total(later, 'ovation_outbox_relayed_messages_total', 'path="commit"') > total(before, 'ovation_outbox_relayed_messages_total', 'path="commit"'));
    assert.ok(total(later, 'ovation_payment_outcomes_total', 'outcome="paid"') >= 1);
    assert.ok(total(later, 'process_cpu_user_seconds_total') > 0);
    room.close();
    await room.closed;
  });

  it('every metric the Grafana dashboard queries is on the endpoint', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const exposed = new Set([...(await scrape(url)).keys()].map((series) => series.split('{')[0]));
    const queried = new Set<string>();
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) for (const [name] of target.expr.matchAll(/\b(?:ovation|process|nodejs)_[a-z0-9_]+/g)) queried.add(name);
    }
    assert.ok(queried.size >= 20, `${queried.size} metrics queried`);
    assert.deepEqual(
      [...queried].filter((name) => !exposed.has(name)),
      [],
    );
  });
});

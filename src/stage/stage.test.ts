import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { auditEverything } from '../audit/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, viewerWithCoins } from '../gifts/testing/payments.js';
import { deliverDispute } from '../payments/testing/disputes.js';
import { userDiamondWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { joinRoom, type Received, type RoomClient } from '../live/testing/room-client.js';
import { MAX_GUESTS } from './guests.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`stages and battles on ${engine}`, { skip }, () => {
    let t: TestApp;
    let alba: SignedInUser;
    let bruno: SignedInUser;
    let carla: SignedInUser;
    let viewer: SignedInUser;
    let albaLive: string;
    let brunoLive: string;
    let keyCounter = 0;
    let base: string;
    const clients: RoomClient[] = [];
    before(async () => {
      t = await createTestApp(engine);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      [alba, bruno, carla] = await Promise.all([signUpCreator(t), signUpCreator(t), signUpCreator(t)]);
      viewer = await viewerWithCoins(t);
      albaLive = await goLive(t, alba);
      brunoLive = await goLive(t, bruno);
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.destroy();
    });

    const post = (app: TestApp, user: SignedInUser | null, url: string, payload?: Record<string, unknown>) =>
      app.app.inject({ method: 'POST', url, headers: { ...(user?.headers ?? {}), 'idempotency-key': `stage-${++keyCounter}` }, payload: payload ?? {} });
    const gift = (app: TestApp, liveId: string, giftId: string, recipientId?: string) => post(app, viewer, `/api/v1/lives/${liveId}/gifts`, { giftId, ...(recipientId ? { recipientId } : {}) });

    it('pays a guest on stage for a gift named to them, refuses a gift to anyone off stage, and shows who is on stage', async () => {
      assert.equal((await post(t, bruno, `/api/v1/lives/${albaLive}/guests`, { userId: carla.id })).statusCode, 403, "another creator cannot invite onto alba's stage");
      assert.equal((await post(t, viewer, `/api/v1/lives/${albaLive}/guests`, { userId: carla.id })).statusCode, 403, 'a viewer invites no one');
      assert.equal((await post(t, alba, `/api/v1/lives/${albaLive}/guests`, { userId: viewer.id })).json().error.code, 'not_a_creator');
      assert.equal((await post(t, bruno, `/api/v1/lives/${albaLive}/guests/accept`)).json().error.code, 'no_invitation');
      assert.equal((await gift(t, albaLive, 'gift_rose', carla.id)).json().error.code, 'not_on_stage', 'invited is not yet on stage');

      assert.equal((await post(t, alba, `/api/v1/lives/${albaLive}/guests`, { userId: carla.id })).statusCode, 201);
      const accepted = await post(t, carla, `/api/v1/lives/${albaLive}/guests/accept`);
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(accepted.json().guest.status, 'on_stage');
      const stage = (await t.app.inject({ method: 'GET', url: `/api/v1/lives/${albaLive}/stage` })).json().stage;
      assert.deepEqual([stage.host.userId, stage.guests.map((guest: { userId: string }) => guest.userId)], [alba.id, [carla.id]]);

      const [albaBefore, carlaBefore] = await Promise.all([balanceOf(t, userDiamondWalletId(alba.id)), balanceOf(t, userDiamondWalletId(carla.id))]);
      const sent = await gift(t, albaLive, 'gift_perfume', carla.id);
      assert.equal(sent.statusCode, 201, sent.body);
      assert.equal(sent.json().gift.creatorId, carla.id);
      assert.ok((await balanceOf(t, userDiamondWalletId(carla.id))) > carlaBefore, 'the guest earned the diamonds');
      assert.equal(await balanceOf(t, userDiamondWalletId(alba.id)), albaBefore, 'the host earned nothing of it');
      assert.equal((await gift(t, albaLive, 'gift_rose')).json().gift.creatorId, alba.id, 'a gift naming no one pays the host');
      assert.equal((await gift(t, albaLive, 'gift_rose', bruno.id)).json().error.code, 'not_on_stage');

      assert.equal((await post(t, bruno, `/api/v1/lives/${albaLive}/guests/${carla.id}/leave`)).statusCode, 403, 'only the guest or the host takes a guest off');
      assert.equal((await post(t, carla, `/api/v1/lives/${albaLive}/guests/${carla.id}/leave`)).json().guest.status, 'left');
      assert.equal((await gift(t, albaLive, 'gift_rose', carla.id)).json().error.code, 'not_on_stage', 'a guest who left is paid no more');
    });

    it(`keeps at most ${MAX_GUESTS} guests on stage when more accept at once`, async () => {
      const creators = await Promise.all(Array.from({ length: MAX_GUESTS + 1 }, () => signUpCreator(t)));
      for (const creator of creators) assert.equal((await post(t, bruno, `/api/v1/lives/${brunoLive}/guests`, { userId: creator.id })).statusCode, 201);
      const answers = await Promise.all(creators.map((creator) => post(t, creator, `/api/v1/lives/${brunoLive}/guests/accept`)));
      const codes = answers.map((answer) => answer.statusCode);
      assert.equal(codes.filter((code) => code === 200).length, MAX_GUESTS, codes.join(','));
      assert.ok(answers.filter((answer) => answer.statusCode !== 200).every((answer) => answer.json().error.code === 'stage_full'));
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/lives/${brunoLive}/stage` })).json().stage.guests.length, MAX_GUESTS);
      // Everyone leaves again, so the battle below is solo between the hosts.
      for (const creator of creators) await post(t, bruno, `/api/v1/lives/${brunoLive}/guests/${creator.id}/leave`);
    });

    it('scores the gifts committed inside a battle through two processes, boosted at the end, none after, and records the result once', { timeout: 60_000 }, async () => {
      const propose = (user: SignedInUser, body: Record<string, unknown>) => post(t, user, '/api/v1/battles', body);
      assert.equal((await propose(viewer, { liveId: albaLive, opponentLiveId: brunoLive, durationSeconds: 60 })).statusCode, 403, 'a viewer proposes no battle');
      assert.equal((await propose(bruno, { liveId: albaLive, opponentLiveId: brunoLive, durationSeconds: 60 })).json().error.code, 'not_your_live');
      for (const durationSeconds of [59, 601]) {
        assert.equal((await propose(alba, { liveId: albaLive, opponentLiveId: brunoLive, durationSeconds })).json().error.code, 'invalid_duration');
      }
      // Proposed to two lives at once: one live, one battle.
      const dora = await signUpCreator(t);
      const doraLive = await goLive(t, dora);
      const proposals = await Promise.all([
        propose(alba, { liveId: albaLive, opponentLiveId: brunoLive, durationSeconds: 60 }),
        propose(alba, { liveId: albaLive, opponentLiveId: doraLive, durationSeconds: 60 }),
      ]);
      assert.deepEqual(proposals.map((answer) => answer.statusCode).sort(), [201, 409]);
      const proposed = proposals.find((answer) => answer.statusCode === 201)!.json().battle;
      const opponent = proposed.sides[1].liveId === brunoLive ? bruno : dora;
      const opponentLive = proposed.sides[1].liveId as string;
      assert.equal((await post(t, carla, `/api/v1/battles/${proposed.id}/accept`)).statusCode, 403, 'only the opponent accepts');
      assert.equal((await post(t, alba, `/api/v1/battles/${proposed.id}/accept`)).json().error.code, 'not_your_battle');
      const accepted = await post(t, opponent, `/api/v1/battles/${proposed.id}/accept`);
      assert.equal(accepted.statusCode, 200, accepted.body);
      const battle = accepted.json().battle;
      assert.equal(battle.status, 'running');
      assert.equal((await gift(t, albaLive, 'gift_perfume')).statusCode, 201, 'a gift in the countdown does not score');
      assert.equal((await post(t, opponent, `/api/v1/battles/${proposed.id}/accept`)).json().error.code, 'battle_not_proposed');
      // A second process on the same database, which learns of the running battle when it starts.
      const other = await createTestApp(engine, { sharing: t });
      try {
        const both = [t, other];
        const advance = (ms: number) => both.forEach((app) => app.clock.advance(ms));
        // However long the second process took to start, scoring starts now by the test clock.
        advance(Math.max(0, Date.parse(battle.startsAt) - t.clock.now().getTime()));
        const read = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/battles/${battle.id}` })).json().battle;
        const expected = { a: 0, b: 0 };
        for (const [app, liveId, side, giftId, coins] of [
          [t, albaLive, 'a', 'gift_doughnut', 30],
          [other, opponentLive, 'b', 'gift_finger_heart', 5],
          [other, albaLive, 'a', 'gift_rose', 1],
        ] as const) {
          const sent = await gift(app, liveId, giftId);
          assert.equal(sent.statusCode, 201, sent.body);
          expected[side] += coins;
        }
        assert.deepEqual(
          (await read()).sides.map((side: { score: number }) => side.score),
          [expected.a, expected.b],
        );

        // The last second, boosted: gifts through both processes while the battle ends.
        const endsAtMs = Date.parse(battle.endsAt);
        advance(endsAtMs - t.clock.now().getTime() - 1000);
        for (const app of both) {
          const boosted = await gift(app, albaLive, 'gift_finger_heart');
          assert.equal(boosted.statusCode, 201, boosted.body);
        }
        const racing = Array.from({ length: 12 }, (_, index) => gift(index % 2 === 0 ? t : other, index % 3 === 0 ? opponentLive : albaLive, 'gift_finger_heart'));
        await new Promise((resolve) => setTimeout(resolve, 20));
        advance(1000);
        const ending = Promise.all([t.services.battles.endDue(), other.services.battles.endDue()]);
        const sent = await Promise.all(racing);
        for (const answer of sent) assert.equal(answer.statusCode, 201, answer.body);
        const [recordedHere, recordedThere] = await ending;
        assert.equal(recordedHere.length + recordedThere.length, 1, 'the result is recorded once');

        const late = await gift(other, albaLive, 'gift_doughnut');
        assert.equal(late.statusCode, 201, 'a gift after the end is still a gift');
        const ended = await read();
        assert.equal(ended.status, 'ended');
        const tags = await t.db.kysely.selectFrom('battle_gifts').selectAll().where('battle_id', '=', battle.id).execute();
        assert.ok(!tags.some((tag) => tag.transfer_id === late.json().gift.id), 'the gift committed after the end is not tagged');
        for (const side of ['a', 'b'] as const) {
          const tagged = tags.filter((tag) => tag.side === side).reduce((sum, tag) => sum + Number(tag.score), 0);
          assert.equal(ended.sides[side === 'a' ? 0 : 1].score, tagged, `side ${side}'s score is its tagged gifts'`);
        }
        // Boosted gifts count twice their coins; the ones before the boost once.
        assert.ok(tags.filter((tag) => tag.multiplier === 2n && tag.score === 10n).length >= 2, 'the gifts in the last seconds count twice');
        assert.ok(tags.filter((tag) => tag.multiplier === 1n).reduce((sum, tag) => sum + Number(tag.score), 0) === expected.a + expected.b);
        const [a, b] = ended.sides.map((side: { score: number }) => side.score);
        assert.equal(ended.winner, a === b ? 'tie' : a > b ? 'a' : 'b');
        assert.deepEqual(
          ended.sides[0].topSupporters.map((supporter: { userId: string }) => supporter.userId),
          [viewer.id],
        );
        assert.equal(ended.sides[0].topSupporters[0].score, a);
        assert.equal((await t.services.battles.endDue()).length, 0, 'ending again records nothing');
        assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/lives/${albaLive}/battle` })).json().battle, null, 'the live is free for another battle');
        // The viewer's card is charged back: the diamonds their gifts paid are taken back, the recorded result stays.
        const albaDiamonds = await balanceOf(t, userDiamondWalletId(alba.id));
        assert.equal((await deliverDispute(t, viewer)).response.statusCode, 200);
        assert.ok((await balanceOf(t, userDiamondWalletId(alba.id))) < albaDiamonds, 'the chargeback took diamonds back');
        const afterChargeback = await read();
        assert.deepEqual([afterChargeback.winner, afterChargeback.sides.map((side: { score: number }) => side.score)], [ended.winner, [a, b]]);
        const audit = await auditEverything(t.db);
        assert.deepEqual(
          audit.checks.filter((check) => check.violations.length > 0),
          [],
        );
      } finally {
        await other.destroy();
      }
    });

    // Last: it moves this process's clock, which the two-process battle above keeps in step with a second process's.
    it("a room's welcome carries who is on stage and the battle proposed or running, with its scores, so a joining client reads nothing else", async () => {
      const [erin, fay, gus] = await Promise.all([signUpCreator(t), signUpCreator(t), signUpCreator(t)]);
      const fan = await viewerWithCoins(t);
      const [erinLive, fayLive] = [await goLive(t, erin), await goLive(t, fay)];
      /** A client joining now: its welcome (its socket closed again, as one viewer may hold only a few). */
      const join = async () => {
        const client = await joinRoom({ app: t.app, base, clients }, erinLive);
        client.close();
        await client.closed;
        return client.messages.find((message) => message.type === 'welcome')!;
      };
      const onStage = (welcome: Received) => {
        const stage = welcome.stage as { host: { userId: string }; guests: { userId: string; displayName: string }[] };
        return [stage.host.userId, stage.guests.map((guest) => guest.userId)];
      };
      assert.deepEqual(onStage(await join()), [erin.id, []]);
      assert.equal((await join()).battle, null);

      // The stage event reaches the room after the accept's answer (through the outbox): a client that
      // joins once the room has heard it sees the guest in its welcome.
      const earlier = await joinRoom({ app: t.app, base, clients }, erinLive);
      assert.equal((await post(t, erin, `/api/v1/lives/${erinLive}/guests`, { userId: gus.id })).statusCode, 201);
      assert.equal((await post(t, gus, `/api/v1/lives/${erinLive}/guests/accept`)).statusCode, 200);
      await earlier.next((message) => message.type === 'stage');
      earlier.close();
      await earlier.closed;
      const watching = await joinRoom({ app: t.app, base, clients }, erinLive);
      assert.deepEqual(onStage(watching.messages[0]!), [erin.id, [gus.id]]);
      assert.equal((watching.messages[0]!.stage as { guests: { displayName: string }[] }).guests[0]!.displayName, (await t.accounts.getUser(gus.id)).displayName, 'with names for the tiles');

      const proposed = await post(t, erin, '/api/v1/battles', { liveId: erinLive, opponentLiveId: fayLive, durationSeconds: 60 });
      assert.equal(proposed.statusCode, 201, proposed.body);
      const battleId = proposed.json().battle.id as string;
      await watching.next((message) => message.type === 'battle_proposed');
      assert.deepEqual(((await join()).battle as { id: string; status: string }).status, 'proposed');

      const accepted = (await post(t, fay, `/api/v1/battles/${battleId}/accept`)).json().battle;
      await watching.next((message) => message.type === 'battle_started');
      t.clock.advance(Math.max(0, Date.parse(accepted.startsAt) - t.clock.now().getTime()));
      assert.equal((await post(t, fan, `/api/v1/lives/${erinLive}/gifts`, { giftId: 'gift_doughnut' })).statusCode, 201);
      await watching.next((message) => message.type === 'battle_score' && (message.scores as { a: number }).a === 30);
      const running = (await join()).battle as { id: string; status: string; endsAt: string; boostAt: string; boostMultiplier: number; sides: { liveId: string; score: number }[] };
      assert.deepEqual([running.id, running.status, running.endsAt, running.boostAt, running.boostMultiplier], [battleId, 'running', accepted.endsAt, accepted.boostAt, 2]);
      assert.deepEqual(
        running.sides.map((side) => [side.liveId, side.score]),
        [
          [erinLive, 30],
          [fayLive, 0],
        ],
        'the scores as the room heard them',
      );

      // The guest leaves: the room reads the stage again, and the next welcome shows it.
      assert.equal((await post(t, gus, `/api/v1/lives/${erinLive}/guests/${gus.id}/leave`)).statusCode, 200);
      await watching.next((message) => message.type === 'stage');
      let stage = onStage(await join());
      for (let tries = 0; (stage[1] as string[]).length > 0 && tries < 20; tries++) stage = onStage(await join());
      assert.deepEqual(stage, [erin.id, []]);

      // Over: the room hears the result, and a welcome after it carries no battle.
      t.clock.advance(Date.parse(accepted.endsAt) - t.clock.now().getTime() + 1);
      assert.deepEqual(await t.services.battles.endDue(), [battleId]);
      await watching.next((message) => message.type === 'battle_ended');
      assert.equal((await join()).battle, null);
    });
  });
}

async function goLive(t: TestApp, creator: SignedInUser): Promise<string> {
  const live = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'On stage' } });
  assert.equal(live.statusCode, 201, live.body);
  return live.json().live.id as string;
}

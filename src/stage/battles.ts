import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Accounts } from '../accounts/index.js';
import type { Bus, BusSubscription } from '../bus/index.js';
import { declareSettings, settingsIn, wholeNumber, type Env } from '../config/index.js';
import { newId, writeTransaction, type Database, type Schema } from '../db/index.js';
import type { PaymentTally } from '../gifts/index.js';
import type { CounterInput } from '../ledger/index.js';
import type { Lives } from '../live/index.js';
import { ROOM_TOPIC_PREFIX, type OutboxRelay } from '../outbox/index.js';
import { DomainError } from '../shared/errors.js';
import type { BattleTable } from './schema.js';

/** The variables of battles: how the last seconds are boosted and how many supporters the result names. */
export const BATTLE_SETTINGS = declareSettings({
  BATTLE_BOOST_SECONDS: {
    module: 'stage',
    default: '30',
    ...wholeNumber(0, 60),
    description:
      "The last seconds of a battle in which each scoring gift's coins count `BATTLE_BOOST_MULTIPLIER` times; 0 turns the boost off. " +
      'A gift is boosted when the server takes it in that period; whether it scores at all is decided by when it commits. See [battles.md](battles.md).',
  },
  BATTLE_BOOST_MULTIPLIER: {
    module: 'stage',
    default: '2',
    ...wholeNumber(1, 10),
    description: "What a boosted gift's coins count for in its side's score (1 to 10). Recorded with each gift, so a battle's score is always its gifts' coins times their multipliers.",
  },
  BATTLE_TOP_SUPPORTERS: {
    module: 'stage',
    default: '3',
    ...wholeNumber(1, 10),
    description: "How many of each side's biggest supporters (by score) a battle's result names.",
  },
});

export interface BattlesConfig {
  readonly boostSeconds: number;
  readonly boostMultiplier: number;
  readonly topSupporters: number;
}

/** Reads BATTLE_SETTINGS. Throws a ConfigError naming an invalid variable. */
export function loadBattlesConfig(env: Env): BattlesConfig {
  const read = settingsIn(env);
  return { boostSeconds: read(BATTLE_SETTINGS.BATTLE_BOOST_SECONDS), boostMultiplier: read(BATTLE_SETTINGS.BATTLE_BOOST_MULTIPLIER), topSupporters: read(BATTLE_SETTINGS.BATTLE_TOP_SUPPORTERS) };
}

export const MIN_BATTLE_SECONDS = 60;
export const MAX_BATTLE_SECONDS = 600;
/** Between acceptance and the first scoring moment: every process hears of the battle before it scores. */
const BATTLE_COUNTDOWN_MS = 3000;
/** Live scores are pushed to the rooms at most this often per battle. */
const SCORE_PUSH_MS = 250;
/** Gifts this far outside a battle's window by this process's clock are not offered to the ledger at all. */
const CLOCK_MARGIN_MS = 5000;
/** How often each process looks for battles whose time is up (the `end-due-battles` job). */
export const BATTLE_SWEEP_INTERVAL_MS = 1000;
const CHANGED_TOPIC = 'battles:changed';
/** A score row's window: the battle's scoring moments, by the writer's clock (see CounterInput's window). */
const SCORE_WINDOW = { from: 'counts_from_ms', until: 'counts_until_ms' };

export type BattleMode = 'solo' | 'team';
export type BattleSide = 'a' | 'b';
export type BattleStatus = 'proposed' | 'running' | 'ended' | 'declined';

export interface BattleSupporter {
  userId: string;
  displayName: string;
  score: number;
}

export interface BattleSideView {
  side: BattleSide;
  liveId: string;
  creatorId: string;
  score: number;
  /** Named with the result; empty until then. */
  topSupporters: BattleSupporter[];
}

export interface Battle {
  id: string;
  mode: BattleMode;
  giftId: string | null;
  durationSeconds: number;
  status: BattleStatus;
  proposedAt: string;
  startsAt: string | null;
  boostAt: string | null;
  endsAt: string | null;
  boostMultiplier: number;
  sides: [BattleSideView, BattleSideView];
  /** a, b or tie once the result is recorded; null before. */
  winner: BattleSide | 'tie' | null;
  endedAt: string | null;
}

export interface ProposeBattleInput {
  /** The proposer's own live that is on. */
  liveId: string;
  opponentLiveId: string;
  durationSeconds: number;
  mode: BattleMode;
  /** Only this gift scores; every gift, paid message and cheer when left out. */
  giftId?: string;
}

export interface BattlesDependencies {
  db: Database;
  lives: Pick<Lives, 'requireLive'>;
  accounts: Pick<Accounts, 'getUser'>;
  /** Refuses a gift id the catalog does not know. */
  requireGift(giftId: string): Promise<unknown>;
  events: Pick<OutboxRelay, 'append' | 'committed'>;
  bus: Bus;
  config: BattlesConfig;
  logger: Logger;
  now: () => Date;
}

export interface Battles {
  /** The creator of `liveId` proposes a battle to the creator of `opponentLiveId`. 409 live_in_battle when either live has a battle proposed or running. */
  propose(proposerId: string, input: ProposeBattleInput): Promise<Battle>;
  /** The opponent accepts: scoring starts BATTLE_COUNTDOWN_MS later. 403 not_your_battle for anyone else; 409 battle_not_proposed. */
  accept(battleId: string, userId: string): Promise<Battle>;
  /** The opponent declines, or the proposer withdraws, a proposed battle. */
  decline(battleId: string, userId: string): Promise<Battle>;
  get(battleId: string): Promise<Battle>;
  /** The live's battle proposed or running, if any. */
  currentOf(liveId: string): Promise<Battle | null>;
  /** Ends the battles whose time is up and records results not yet recorded; answers the ids of those it recorded. */
  endDue(): Promise<string[]>;
  /** Moves each scoring payment's score in its own transfer. */
  tally: PaymentTally;
  /** Loads the running battles into memory and listens for changes to them. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A running battle as every payment checks it, from memory. */
interface ActiveBattle {
  id: string;
  mode: BattleMode;
  giftId: string | null;
  startsMs: number;
  boostMs: number;
  endsMs: number;
  multiplier: number;
  sides: Record<BattleSide, { liveId: string; creatorId: string }>;
  /** The highest score this process has seen committed for each side. */
  known: Record<BattleSide, number>;
}

/** A payment's score in a battle, with the battle, side and multiplier it scored with (for its record and `committed`; the ledger ignores them). */
interface ScoreCounter extends CounterInput {
  battle: ActiveBattle;
  side: BattleSide;
  multiplier: number;
}

type BattleRow = Selectable<BattleTable>;

/**
 * Battles between two lives. A gift scores for a side when its transfer commits inside the battle's
 * window: its score is a windowed counter on the side's `battle_scores` row (the ledger judges it by its
 * clock while holding the row) and its tag, a `battle_gifts` row, is written if and only if that counter
 * moved. Ending a battle closes the rows' windows in a transaction that waits for every batch holding
 * them, then records the result from the rows: nothing scores after, whichever process it arrives through.
 */
export function createBattles(deps: BattlesDependencies): Battles {
  const { db, lives, accounts, events, bus, config, logger, now } = deps;
  const kysely = db.kysely;
  /** Running battles by id, and by each of their lives. */
  const running = new Map<string, ActiveBattle>();
  const byLive = new Map<string, { battle: ActiveBattle; side: BattleSide }>();
  const toPush = new Set<ActiveBattle>();
  let pushTimer: NodeJS.Timeout | undefined;
  let subscription: BusSubscription | undefined;

  const notFound = (battleId: string) => DomainError.notFound('battle_not_found', `No battle has the id ${battleId}.`);

  function remember(row: BattleRow): void {
    forget(row.id);
    if (row.status !== 'running') return;
    const endsMs = Date.parse(row.ends_at!);
    const battle: ActiveBattle = {
      id: row.id,
      mode: row.mode as BattleMode,
      giftId: row.gift_id,
      startsMs: Date.parse(row.starts_at!),
      boostMs: Date.parse(row.boost_at!),
      endsMs,
      multiplier: Number(row.boost_multiplier),
      sides: { a: { liveId: row.live_a, creatorId: row.creator_a }, b: { liveId: row.live_b, creatorId: row.creator_b } },
      known: { a: 0, b: 0 },
    };
    running.set(battle.id, battle);
    byLive.set(row.live_a, { battle, side: 'a' });
    byLive.set(row.live_b, { battle, side: 'b' });
  }

  function forget(battleId: string): void {
    const battle = running.get(battleId);
    if (!battle) return;
    running.delete(battleId);
    for (const { liveId } of Object.values(battle.sides)) if (byLive.get(liveId)?.battle === battle) byLive.delete(liveId);
    toPush.delete(battle);
  }

  async function reload(battleId: string): Promise<void> {
    const row = await kysely.selectFrom('battles').selectAll().where('id', '=', battleId).executeTakeFirst();
    if (row) remember(row);
    else forget(battleId);
  }

  /** Tells every process (this one included) to read the battle again. */
  async function announceChange(battleId: string): Promise<void> {
    await reload(battleId);
    await bus.publish(CHANGED_TOPIC, battleId).catch((error: unknown) => logger.warn({ err: error, battleId }, 'announcing a battle change failed'));
  }

  function pushScores(): void {
    pushTimer = undefined;
    for (const battle of toPush) {
      // Not an outbox message: the next push makes good a lost one, and the result is one.
      const message = JSON.stringify({ type: 'battle_score', battleId: battle.id, scores: { ...battle.known } });
      for (const { liveId } of Object.values(battle.sides)) {
        bus.publish(`${ROOM_TOPIC_PREFIX}${liveId}`, message).catch((error: unknown) => logger.warn({ err: error, battleId: battle.id }, 'publishing a battle score failed'));
      }
    }
    toPush.clear();
  }

  function view(row: BattleRow, scores: Record<BattleSide, number>, supporters: Record<BattleSide, BattleSupporter[]>): Battle {
    return {
      id: row.id,
      mode: row.mode as BattleMode,
      giftId: row.gift_id,
      durationSeconds: Number(row.duration_seconds),
      status: row.status as BattleStatus,
      proposedAt: row.proposed_at,
      startsAt: row.starts_at,
      boostAt: row.boost_at,
      endsAt: row.ends_at,
      boostMultiplier: Number(row.boost_multiplier),
      sides: [
        { side: 'a', liveId: row.live_a, creatorId: row.creator_a, score: scores.a, topSupporters: supporters.a },
        { side: 'b', liveId: row.live_b, creatorId: row.creator_b, score: scores.b, topSupporters: supporters.b },
      ],
      winner: row.winner as Battle['winner'],
      endedAt: row.ended_at,
    };
  }

  /** The battle as it stands: its recorded result once there is one, else its score rows. */
  async function viewOf(row: BattleRow, trx: Kysely<Schema> = kysely): Promise<Battle> {
    if (row.winner !== null) {
      const supporters = JSON.parse(row.top_supporters ?? '{"a":[],"b":[]}') as Record<BattleSide, BattleSupporter[]>;
      return view(row, { a: Number(row.score_a), b: Number(row.score_b) }, supporters);
    }
    const rows = await trx.selectFrom('battle_scores').select(['side', 'score']).where('battle_id', '=', row.id).execute();
    const scores = { a: 0, b: 0 };
    for (const score of rows) scores[score.side as BattleSide] = Number(score.score);
    return view(row, scores, { a: [], b: [] });
  }

  async function requireRow(battleId: string): Promise<BattleRow> {
    const row = await kysely.selectFrom('battles').selectAll().where('id', '=', battleId).executeTakeFirst();
    if (!row) throw notFound(battleId);
    return row;
  }

  function roomEvents(row: BattleRow, payload: Record<string, unknown>) {
    return [row.live_a, row.live_b].map((liveId) => ({ topic: `${ROOM_TOPIC_PREFIX}${liveId}`, payload }));
  }

  /** Closes a battle whose time is up: once this commits, no gift scores for it. The result is recorded next. */
  async function close(battleId: string): Promise<void> {
    const at = now();
    await writeTransaction(db, async (trx) => {
      const ended = await trx
        .updateTable('battles')
        .set({ status: 'ended', ended_at: at.toISOString() })
        .where('id', '=', battleId)
        .where('status', '=', 'running')
        .where('ends_at', '<=', at.toISOString())
        .executeTakeFirst();
      if (ended.numUpdatedRows === 0n) return;
      // Waits for every ledger batch holding these rows; a batch that waited finds the window closed.
      await trx
        .updateTable('battle_scores')
        .set((eb) => ({ counts_until_ms: eb.ref('counts_from_ms') }))
        .where('battle_id', '=', battleId)
        .execute();
    });
  }

  /** Records an ended battle's result once, from its closed score rows, with each side's top supporters. */
  async function record(battleId: string): Promise<boolean> {
    const row = await requireRow(battleId);
    if (row.status !== 'ended' || row.winner !== null) return false;
    const scores = (await viewOf(row)).sides;
    const supporters: Record<BattleSide, BattleSupporter[]> = { a: [], b: [] };
    for (const side of ['a', 'b'] as const) {
      const top = await kysely
        .selectFrom('battle_gifts')
        .select(['sender_id', (eb) => eb.fn.sum<bigint>('score').as('score')])
        .where('battle_id', '=', battleId)
        .where('side', '=', side)
        .groupBy('sender_id')
        .orderBy('score', 'desc')
        .orderBy('sender_id')
        .limit(config.topSupporters)
        .execute();
      supporters[side] = await Promise.all(
        top.map(async (supporter) => ({ userId: supporter.sender_id, displayName: (await accounts.getUser(supporter.sender_id)).displayName, score: Number(supporter.score) })),
      );
    }
    const [a, b] = [scores[0].score, scores[1].score];
    const winner = a === b ? 'tie' : a > b ? 'a' : 'b';
    const messages = await writeTransaction(db, async (trx) => {
      const recorded = await trx
        .updateTable('battles')
        .set({ winner, score_a: BigInt(a), score_b: BigInt(b), top_supporters: JSON.stringify(supporters) })
        .where('id', '=', battleId)
        .where('winner', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!recorded) return [];
      await trx.deleteFrom('battle_lives').where('battle_id', '=', battleId).execute();
      const battle = await viewOf(recorded, trx);
      return events.append(trx, [{ topic: 'webhook', payload: { event: 'battle.ended', data: battle } }, ...roomEvents(recorded, { type: 'battle_ended', battle })]);
    });
    events.committed(messages);
    await announceChange(battleId);
    return messages.length > 0;
  }

  const tally: PaymentTally<ScoreCounter> = {
    counters(payment) {
      if (payment.liveId === null) return [];
      const entry = byLive.get(payment.liveId);
      if (!entry) return [];
      const { battle, side } = entry;
      if (battle.mode === 'solo' && payment.creatorId !== battle.sides[side].creatorId) return [];
      if (battle.giftId !== null && payment.giftId !== battle.giftId) return [];
      const atMs = payment.at.getTime();
      if (atMs < battle.startsMs - CLOCK_MARGIN_MS || atMs >= battle.endsMs + CLOCK_MARGIN_MS) return [];
      const multiplier = atMs >= battle.boostMs ? battle.multiplier : 1;
      return [{ table: 'battle_scores', key: { battle_id: battle.id, side }, add: { score: payment.coins * multiplier }, window: SCORE_WINDOW, totals: true, battle, side, multiplier }];
    },
    records(payment, counters) {
      if (counters.length === 0) return [];
      const { battle, side, multiplier } = counters[0]!;
      const row = {
        battle_id: battle.id,
        side,
        sender_id: payment.senderId,
        recipient_id: payment.creatorId,
        coins: BigInt(payment.coins),
        multiplier: BigInt(multiplier),
        score: BigInt(payment.coins * multiplier),
      };
      return [{ table: 'battle_gifts', transferIdColumn: 'transfer_id', row, ifCounted: 0 }];
    },
    committed(payment, counterTotals, counters) {
      const { battle, side } = counters[0]!;
      const totals = counterTotals[0];
      if (!totals) return;
      const score = Number(totals.score);
      // Totals only grow: a payment told its total after a later one changes nothing.
      if (score <= battle.known[side]) return;
      battle.known[side] = score;
      toPush.add(battle);
      pushTimer ??= setTimeout(pushScores, SCORE_PUSH_MS);
    },
  };

  const battles: Battles = {
    async propose(proposerId, input) {
      const { liveId, opponentLiveId, durationSeconds, mode } = input;
      if (!Number.isSafeInteger(durationSeconds) || durationSeconds < MIN_BATTLE_SECONDS || durationSeconds > MAX_BATTLE_SECONDS) {
        throw DomainError.invalidField('durationSeconds', 'invalid_duration', `A battle lasts ${MIN_BATTLE_SECONDS} to ${MAX_BATTLE_SECONDS} seconds (1 to 10 minutes), in whole seconds.`);
      }
      const own = await lives.requireLive(liveId);
      if (own.creatorId !== proposerId) throw DomainError.forbidden('not_your_live', `The live ${liveId} belongs to another creator.`);
      const opponent = await lives.requireLive(opponentLiveId);
      if (opponent.creatorId === proposerId) throw DomainError.invalidField('opponentLiveId', 'cannot_battle_yourself', 'A battle is between two creators’ lives.');
      if (input.giftId !== undefined) await deps.requireGift(input.giftId);
      const id = newId('battle');
      const at = now().toISOString();
      const messages = await writeTransaction(db, async (trx) => {
        for (const battleLive of [liveId, opponentLiveId]) {
          // One battle per live, decided by the primary key whichever process asks.
          const taken = await trx
            .insertInto('battle_lives')
            .values({ live_id: battleLive, battle_id: id })
            .onConflict((oc) => oc.column('live_id').doNothing())
            .executeTakeFirst();
          if (taken.numInsertedOrUpdatedRows !== 1n) throw DomainError.conflict('live_in_battle', `The live ${battleLive} already has a battle proposed or running.`);
        }
        await trx
          .insertInto('battles')
          .values({
            id,
            mode,
            gift_id: input.giftId ?? null,
            duration_seconds: BigInt(durationSeconds),
            live_a: liveId,
            live_b: opponentLiveId,
            creator_a: proposerId,
            creator_b: opponent.creatorId,
            status: 'proposed',
            proposed_at: at,
            starts_at: null,
            boost_at: null,
            ends_at: null,
            boost_multiplier: BigInt(config.boostMultiplier),
            winner: null,
            score_a: null,
            score_b: null,
            top_supporters: null,
            ended_at: null,
          })
          .execute();
        const row = await trx.selectFrom('battles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        const battle = view(row, { a: 0, b: 0 }, { a: [], b: [] });
        return events.append(trx, [{ topic: 'webhook', payload: { event: 'battle.proposed', data: battle } }, ...roomEvents(row, { type: 'battle_proposed', battle })]);
      });
      events.committed(messages);
      return viewOf(await requireRow(id));
    },

    async accept(battleId, userId) {
      const row = await requireRow(battleId);
      if (row.creator_b !== userId) throw DomainError.forbidden('not_your_battle', 'Only the creator the battle was proposed to accepts it.');
      const startsMs = now().getTime() + BATTLE_COUNTDOWN_MS;
      const endsMs = startsMs + Number(row.duration_seconds) * 1000;
      const boostMs = endsMs - config.boostSeconds * 1000;
      const messages = await writeTransaction(db, async (trx) => {
        const started = await trx
          .updateTable('battles')
          .set({ status: 'running', starts_at: new Date(startsMs).toISOString(), boost_at: new Date(boostMs).toISOString(), ends_at: new Date(endsMs).toISOString() })
          .where('id', '=', battleId)
          .where('status', '=', 'proposed')
          .returningAll()
          .executeTakeFirst();
        if (!started) throw DomainError.conflict('battle_not_proposed', `The battle ${battleId} is ${row.status}, not waiting for an answer.`);
        await trx
          .insertInto('battle_scores')
          .values((['a', 'b'] as const).map((side) => ({ battle_id: battleId, side, counts_from_ms: BigInt(startsMs), counts_until_ms: BigInt(endsMs), score: 0n })))
          .execute();
        const battle = view(started, { a: 0, b: 0 }, { a: [], b: [] });
        return events.append(trx, [{ topic: 'webhook', payload: { event: 'battle.started', data: battle } }, ...roomEvents(started, { type: 'battle_started', battle })]);
      });
      events.committed(messages);
      await announceChange(battleId);
      return viewOf(await requireRow(battleId));
    },

    async decline(battleId, userId) {
      const row = await requireRow(battleId);
      if (row.creator_a !== userId && row.creator_b !== userId) throw DomainError.forbidden('not_your_battle', 'Only the two creators of a battle decline or withdraw it.');
      const messages = await writeTransaction(db, async (trx) => {
        const declined = await trx.updateTable('battles').set({ status: 'declined' }).where('id', '=', battleId).where('status', '=', 'proposed').returningAll().executeTakeFirst();
        if (!declined) throw DomainError.conflict('battle_not_proposed', `The battle ${battleId} is ${row.status}, not waiting for an answer.`);
        await trx.deleteFrom('battle_lives').where('battle_id', '=', battleId).execute();
        const battle = view(declined, { a: 0, b: 0 }, { a: [], b: [] });
        return events.append(trx, [{ topic: 'webhook', payload: { event: 'battle.declined', data: battle } }, ...roomEvents(declined, { type: 'battle_declined', battle })]);
      });
      events.committed(messages);
      return viewOf(await requireRow(battleId));
    },

    async get(battleId) {
      return viewOf(await requireRow(battleId));
    },

    async currentOf(liveId) {
      const current = await kysely.selectFrom('battle_lives').select('battle_id').where('live_id', '=', liveId).executeTakeFirst();
      return current ? viewOf(await requireRow(current.battle_id)) : null;
    },

    async endDue() {
      const at = now().toISOString();
      const due = await kysely
        .selectFrom('battles')
        .select('id')
        .where((eb) => eb.or([eb.and([eb('status', '=', 'running'), eb('ends_at', '<=', at)]), eb.and([eb('status', '=', 'ended'), eb('winner', 'is', null)])]))
        .execute();
      const recorded: string[] = [];
      for (const { id } of due) {
        try {
          await close(id);
          if (await record(id)) recorded.push(id);
        } catch (error) {
          logger.error({ err: error, battleId: id }, 'ending a battle failed; the next sweep tries again');
        }
      }
      return recorded;
    },

    tally,

    async start() {
      subscription = await bus.subscribe(CHANGED_TOPIC, (battleId) => void reload(battleId).catch((error: unknown) => logger.warn({ err: error, battleId }, 'reading a battle failed')));
      for (const row of await kysely.selectFrom('battles').selectAll().where('status', '=', 'running').execute()) remember(row);
    },

    async close() {
      clearTimeout(pushTimer);
      await subscription?.unsubscribe();
    },
  };
  return battles;
}

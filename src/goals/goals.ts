import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import { createSharedCache, type Bus } from '../bus/index.js';
import { lockKeyForTransaction, newId, repairEach, writeTransaction, type Database, type RepairResult, type Schema } from '../db/index.js';
import { charCount, CONTROL_CHARACTERS, type GiftCatalog, type PaymentTally, type TalliedPayment } from '../gifts/index.js';
import type { LiveGoal, Lives } from '../live/index.js';
import { ROOM_TOPIC_PREFIX, type OutboxRelay } from '../outbox/index.js';
import type { CounterInput } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import type { LiveGoalTable } from './schema.js';

export type GoalKind = LiveGoal['kind'];
export const GOAL_TITLE_MAX_CHARS = 60;
export const GOAL_MAX_TARGET = 1_000_000_000;
/** A room hears a goal's progress at most this often per process: the payments' totals, not each payment. */
const PROGRESS_PUSH_MS = 250;

export interface GoalInput {
  kind: GoalKind;
  /** Coins, or gifts of `giftId`, to reach: 1 to GOAL_MAX_TARGET. */
  target: number;
  giftId?: string;
  /** Shown over the bar; a description of the target when left out. */
  title?: string;
}

/** A payment of new subscribers counted toward a live's goal: the counter it moves, then what follows its commit. */
export interface SubscriberCount {
  counter: CounterInput;
  /** Once the payment's transfer committed, with the counter's totals right after it (absent for a replay): pushes the progress, completes the goal if this payment crossed it. */
  committed(totals: Record<string, bigint> | null | undefined, at: Date): Promise<void>;
}

export interface Goals {
  /** Payments into a live with a goal move its progress in their own transfer; the one that crosses the target completes it. */
  readonly tally: PaymentTally;
  /**
   * The count a payment of `subscribers` new subscriptions to `creatorId` (gifted in `liveId`, or taken while the creator's live is
   * on when null) adds to the live's goal of new subscribers; null when the live shows no such goal.
   */
  countSubscribers(creatorId: string, liveId: string | null, subscribers: number): Promise<SubscriberCount | null>;
  /** The goal shown in the live, with its progress; null when none. */
  current(liveId: string): Promise<LiveGoal | null>;
  /** Sets the live's goal: its creator only (403 not_your_live), while it is on (409 live_ended); 409 goal_in_progress while one is not reached yet. */
  set(liveId: string, creatorId: string, input: GoalInput): Promise<LiveGoal>;
  /** Takes the live's goal down: its creator only; 404 goal_not_found when none is shown. */
  clear(liveId: string, creatorId: string): Promise<LiveGoal>;
  /** At start: completes goals whose payments reached the target while their process stopped before announcing it. */
  repair(): Promise<RepairResult>;
  close(): Promise<void>;
}

export interface GoalsDependencies {
  db: Database;
  bus: Bus;
  events: Pick<OutboxRelay, 'append' | 'committed'>;
  lives: Pick<Lives, 'get' | 'currentOf'>;
  catalog: Pick<GiftCatalog, 'getGift'>;
  logger: Logger;
  now: () => Date;
}

/** A payment's counter of a goal, with the goal it counted for and by how much (for `committed`; the ledger ignores them). */
interface GoalCounter extends CounterInput {
  goal: GoalRef;
  amount: number;
}

/** What a payment needs to know of a live's goal, kept in memory. */
interface GoalRef {
  id: string;
  liveId: string;
  kind: GoalKind;
  giftId: string | null;
  target: number;
}

type GoalRow = Selectable<LiveGoalTable>;

function view(row: GoalRow, progress: bigint | null | undefined): LiveGoal {
  return {
    id: row.id,
    liveId: row.live_id,
    kind: row.kind as GoalKind,
    giftId: row.gift_id,
    title: row.title,
    target: Number(row.target),
    progress: Number(progress ?? 0n),
    completedAt: row.completed_at,
    createdAt: row.created_at,
  };
}

/**
 * Creators' goals for a live: coins paid into it, or a count of one gift. Progress is a counter the
 * payment's own transfer moves, so it always equals the payments committed; the ledger tells each
 * payment the total right after it, in commit order, so exactly one payment crosses the target and
 * completes the goal (`goal.completed` and a `goal_completed` room event, once). Which goal a live
 * shows is held in memory in every process and dropped over the bus when it changes.
 */
export function createGoals(deps: GoalsDependencies): Goals {
  const { db, bus, events, lives, catalog, logger, now } = deps;
  const kysely = db.kysely;

  /** Goals with their progress (amount, null before a payment counted). */
  const withProgress = (trx: Kysely<Schema>) => trx.selectFrom('live_goals as g').leftJoin('goal_progress as p', 'p.goal_id', 'g.id').selectAll('g').select('p.amount');

  function shownRow(trx: Kysely<Schema>, liveId: string) {
    return withProgress(trx).where('g.live_id', '=', liveId).where('g.cleared_at', 'is', null).executeTakeFirst();
  }

  // Every payment into a live asks for its goal: from memory, dropped in every process when one is set, cleared or completed.
  const shown = createSharedCache<GoalRef | null>({
    bus,
    topic: 'goals:changed',
    load: async (liveId) => {
      const row = await shownRow(kysely, liveId);
      return row ? { id: row.id, liveId, kind: row.kind as GoalKind, giftId: row.gift_id, target: Number(row.target) } : null;
    },
    ttlMs: 60_000,
    maxEntries: 100_000,
    logger,
  });

  /** The latest progress of each goal this process's payments reached, pushed to its room every PROGRESS_PUSH_MS. */
  const progressToPush = new Map<string, { liveId: string; progress: number }>();
  let pushTimer: NodeJS.Timeout | undefined;

  function pushProgressSoon(goal: GoalRef, progress: number): void {
    const waiting = progressToPush.get(goal.id);
    // Totals only grow: a payment told its total after a later one changes nothing.
    if (waiting && waiting.progress >= progress) return;
    progressToPush.set(goal.id, { liveId: goal.liveId, progress });
    pushTimer ??= setTimeout(pushProgress, PROGRESS_PUSH_MS);
  }

  function pushProgress(): void {
    pushTimer = undefined;
    for (const [goalId, { liveId, progress }] of progressToPush) {
      // Not an outbox message: a lost one is made good by the next, and the goal's completion is one.
      bus.publish(`${ROOM_TOPIC_PREFIX}${liveId}`, JSON.stringify({ type: 'goal_progress', goalId, progress })).catch((error: unknown) => {
        logger.warn({ err: error, goalId }, 'publishing a goal’s progress failed');
      });
    }
    progressToPush.clear();
  }

  /** Records the goal reached and announces it, once: only the first to mark it sends the events. */
  async function complete(goalId: string, at: Date): Promise<void> {
    const messages = await writeTransaction(db, async (trx) => {
      const marked = await trx.updateTable('live_goals').set({ completed_at: at.toISOString() }).where('id', '=', goalId).where('completed_at', 'is', null).executeTakeFirst();
      if (marked.numUpdatedRows === 0n) return [];
      const row = await withProgress(trx).where('g.id', '=', goalId).executeTakeFirstOrThrow();
      const goal = view(row, row.amount);
      return events.append(trx, [
        { topic: 'webhook', payload: { event: 'goal.completed', data: Object.assign({}, goal, { creatorId: row.creator_id }) } },
        { topic: `${ROOM_TOPIC_PREFIX}${row.live_id}`, payload: { type: 'goal_completed', goal } },
      ]);
    });
    events.committed(messages);
  }

  /** The goal's counter for a payment into a live whose goal is known here (null: none). */
  function goalCounters(payment: TalliedPayment, goal: GoalRef | null): GoalCounter[] {
    if (!goal) return [];
    const amount = goal.kind === 'coins' ? payment.coins : payment.kind === 'gift' && payment.giftId === goal.giftId ? payment.quantity : 0;
    if (amount === 0) return [];
    return [{ table: 'goal_progress', key: { goal_id: goal.id }, add: { amount }, totals: true, goal, amount }];
  }

  const tally: PaymentTally<GoalCounter> = {
    counters(payment) {
      if (payment.liveId === null) return [];
      // Answered at once from memory; a promise only while the live's goal loads.
      const goal = shown.peek(payment.liveId);
      return goal === undefined ? shown.get(payment.liveId).then((loaded) => goalCounters(payment, loaded)) : goalCounters(payment, goal);
    },
    committed(payment, counterTotals, counters) {
      const { goal, amount } = counters[0]!;
      const after = Number(counterTotals[0]!.amount!);
      pushProgressSoon(goal, after);
      // A goal reached keeps counting (the room sees how far past it went), but completes only here.
      if (after - amount < goal.target && after >= goal.target) return complete(goal.id, payment.at);
    },
  };

  async function requireOwnLive(liveId: string, creatorId: string) {
    const live = await lives.get(liveId);
    if (live.creator.id !== creatorId) throw DomainError.forbidden('not_your_live', `The live ${liveId} belongs to another creator.`);
    if (live.status !== 'live') throw DomainError.conflict('live_ended', 'The live has ended.');
    return live;
  }

  async function titleOf(input: GoalInput): Promise<string> {
    if (input.title !== undefined) {
      const title = input.title.trim();
      const chars = charCount(title);
      if (chars < 1 || chars > GOAL_TITLE_MAX_CHARS || CONTROL_CHARACTERS.test(title)) {
        throw DomainError.invalidField('title', 'invalid_title', `A goal's title is 1 to ${GOAL_TITLE_MAX_CHARS} characters on one line.`);
      }
      return title;
    }
    if (input.kind === 'coins') return `${input.target.toLocaleString('en-US')} coins`;
    if (input.kind === 'subscribers') return `${input.target.toLocaleString('en-US')} new ${input.target === 1 ? 'subscriber' : 'subscribers'}`;
    return `${input.target.toLocaleString('en-US')} × ${(await catalog.getGift(input.giftId!)).name}`;
  }

  return {
    tally,

    async countSubscribers(creatorId, liveId, subscribers) {
      const live = liveId ?? (await lives.currentOf(creatorId))?.id;
      if (live === undefined || subscribers < 1) return null;
      const goal = await shown.get(live);
      if (goal?.kind !== 'subscribers') return null;
      return {
        counter: { table: 'goal_progress', key: { goal_id: goal.id }, add: { amount: subscribers }, totals: true },
        async committed(totals, at) {
          if (!totals) return;
          const after = Number(totals.amount);
          pushProgressSoon(goal, after);
          if (after - subscribers < goal.target && after >= goal.target) {
            // The subscription is paid either way: a goal left reached but not announced is completed at the next start.
            await complete(goal.id, at).catch((error: unknown) => logger.error({ err: error, goalId: goal.id }, 'completing a goal of new subscribers failed; the live_goals repair completes it'));
          }
        },
      };
    },

    async current(liveId) {
      const row = await shownRow(kysely, liveId);
      return row ? view(row, row.amount) : null;
    },

    async set(liveId, creatorId, input) {
      if (!Number.isSafeInteger(input.target) || input.target < 1 || input.target > GOAL_MAX_TARGET) {
        throw DomainError.invalidField('target', 'invalid_target', `target is a whole number from 1 to ${GOAL_MAX_TARGET.toLocaleString('en-US')}.`);
      }
      if (input.kind === 'gift') {
        if (input.giftId === undefined) throw DomainError.invalidField('giftId', 'gift_required', 'A gift goal names the gift it counts (giftId).');
        const gift = await catalog.getGift(input.giftId).catch((error: unknown) => {
          if (error instanceof DomainError && error.kind === 'not_found') throw DomainError.invalidField('giftId', 'gift_not_found', `No gift has the id ${input.giftId}.`);
          throw error;
        });
        if (gift.status !== 'enabled') throw DomainError.invalidField('giftId', 'gift_not_offered', `${gift.name} is not offered, so it cannot be sent toward a goal.`);
      } else if (input.giftId !== undefined) {
        throw DomainError.invalidField('giftId', 'gift_not_counted', `A ${input.kind} goal counts no gift; leave giftId out.`);
      }
      const title = await titleOf(input);
      await requireOwnLive(liveId, creatorId);
      const at = now().toISOString();
      const { goal, messages } = await writeTransaction(db, async (trx) => {
        // One goal is set at a time per live, also by requests through several processes at once.
        await lockKeyForTransaction(db, trx, `live_goal:${liveId}`);
        const current = await shownRow(trx, liveId);
        if (current && current.completed_at === null) {
          throw DomainError.conflict('goal_in_progress', `The live's goal "${current.title}" is not reached yet; clear it (DELETE /api/v1/lives/${liveId}/goal) before setting another.`);
        }
        // A goal reached stays up until the next one replaces it.
        if (current) await trx.updateTable('live_goals').set({ cleared_at: at }).where('id', '=', current.id).execute();
        const row: GoalRow = {
          id: newId('goal'),
          live_id: liveId,
          creator_id: creatorId,
          kind: input.kind,
          gift_id: input.kind === 'gift' ? input.giftId! : null,
          title,
          target: BigInt(input.target),
          created_at: at,
          completed_at: null,
          cleared_at: null,
        };
        await trx.insertInto('live_goals').values(row).execute();
        const created = view(row, 0n);
        const appended = await events.append(trx, [
          { topic: 'webhook', payload: { event: 'goal.created', data: Object.assign({}, created, { creatorId }) } },
          { topic: `${ROOM_TOPIC_PREFIX}${liveId}`, payload: { type: 'goal_set', goal: created } },
        ]);
        return { goal: created, messages: appended };
      });
      events.committed(messages);
      await shown.invalidate(liveId);
      return goal;
    },

    async clear(liveId, creatorId) {
      await requireOwnLive(liveId, creatorId);
      const at = now().toISOString();
      const { goal, messages } = await writeTransaction(db, async (trx) => {
        const current = await shownRow(trx, liveId);
        if (!current) throw DomainError.notFound('goal_not_found', `The live ${liveId} shows no goal.`);
        const cleared = await trx.updateTable('live_goals').set({ cleared_at: at }).where('id', '=', current.id).where('cleared_at', 'is', null).executeTakeFirst();
        if (cleared.numUpdatedRows === 0n) throw DomainError.notFound('goal_not_found', `The live ${liveId} shows no goal.`);
        const goal = view(current, current.amount);
        const appended = await events.append(trx, [
          { topic: 'webhook', payload: { event: 'goal.cleared', data: Object.assign({}, goal, { creatorId }) } },
          { topic: `${ROOM_TOPIC_PREFIX}${liveId}`, payload: { type: 'goal_cleared', goalId: goal.id } },
        ]);
        return { goal, messages: appended };
      });
      events.committed(messages);
      await shown.invalidate(liveId);
      return goal;
    },

    async repair() {
      const reached = await kysely
        .selectFrom('live_goals as g')
        .innerJoin('goal_progress as p', 'p.goal_id', 'g.id')
        .select('g.id')
        .where('g.completed_at', 'is', null)
        .where('g.cleared_at', 'is', null)
        .whereRef('p.amount', '>=', 'g.target')
        .execute();
      return repairEach(
        reached,
        (row) => row.id,
        (row) => complete(row.id, now()),
      );
    },

    async close() {
      clearTimeout(pushTimer);
      await shown.close();
    },
  };
}

import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Accounts } from '../accounts/index.js';
import { createSharedCache, type Bus } from '../bus/index.js';
import { writeTransaction, type Database, type Schema } from '../db/index.js';
import { charCount, CONTROL_CHARACTERS, lastPaidAtSql, type GiftCatalog, type PaymentTally, type TalliedPayment } from '../gifts/index.js';
import { ROOM_TOPIC_PREFIX, type OutboxRelay } from '../outbox/index.js';
import { transferSeqOf, transferSeqOfColumn, type CounterInput } from '../ledger/index.js';
import { coinsPaidToCreatorSql, coinsPaidToCreatorTotal } from '../status/index.js';
import { DomainError } from '../shared/errors.js';

export const FAN_CLUB_NAME_MAX_CHARS = 12;
/** The highest fan level. */
export const MAX_FAN_LEVEL = 20;
/** Points a day of watching one of the creator's lives gives a member; each coin paid the creator gives one. */
const WATCH_DAY_POINTS = 20;
/** Days without a payment or a watch before the level starts to fall, one level for each full period of this many days after. */
const FAN_DECAY_DAYS = 7;
const DAY_MS = 86_400_000;

/** A member's badge in the creator's room: the club's name and the fan level shown now. */
export interface FanBadge {
  name: string;
  level: number;
}

/** A viewer's standing in a creator's fan club. */
export interface FanStanding {
  member: boolean;
  /** The club's name; null when the creator has no club. */
  clubName: string | null;
  /** Level shown now, decay applied: 1 to MAX_FAN_LEVEL (0 when not a member). */
  level: number;
  /** Coins paid the creator since joining (the joining gift included) plus WATCH_DAY_POINTS a day watched. */
  points: number;
  coins: number;
  daysWatched: number;
  /** The last UTC day (YYYY-MM-DD) with a payment to the creator or a watch; null when not a member. */
  lastActiveDay: string | null;
}

/** The club a viewer joins by sending `giftId` to the creator. */
export interface FanClub {
  creatorId: string;
  name: string;
  giftId: string;
  giftName: string;
  giftCoins: number;
}

/**
 * The fan level of `points` on `today`, for a member last active on `lastActiveDay`: level n needs
 * 100 × (n − 1)² points (100 for 2, 1,600 for 5, 36,100 for 20); after FAN_DECAY_DAYS idle days the
 * level falls one for each further full FAN_DECAY_DAYS, to 1 at the lowest, until the member is active again.
 */
export function fanLevelOf(points: number, lastActiveDay: string, today: string): number {
  const earned = Math.min(MAX_FAN_LEVEL, 1 + Math.floor(Math.sqrt(Math.max(0, points) / 100)));
  const idleDays = Math.max(0, Math.round((Date.parse(today) - Date.parse(lastActiveDay)) / DAY_MS));
  return Math.max(1, earned - Math.floor(Math.max(0, idleDays - FAN_DECAY_DAYS) / FAN_DECAY_DAYS));
}

/** The last day asked for, from its first millisecond: every payment asks, and nearly all of them for the same day. */
let lastDay = { startMs: 0, day: '1970-01-01' };

/** The UTC day of an instant, as fan club days are keyed. */
function dayOf(at: Date): string {
  const ms = at.getTime();
  if (ms < lastDay.startMs || ms >= lastDay.startMs + DAY_MS) {
    const startMs = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
    lastDay = { startMs, day: new Date(startMs).toISOString().slice(0, 10) };
  }
  return lastDay.day;
}

/** A payment paid with a charged-back purchase, as the clawback traced it: `coins` of it were clawed back. */
export interface ClawedBackPayment {
  transferId: string;
  coins: number;
  senderId: string;
  creatorId: string;
}

/**
 * Takes the clawed-back coins of payments made before their sender joined the creator's club off what the
 * member paid before joining, in the clawback's transaction: a member's coins are what they paid the creator
 * less that, and the clawback takes the same coins off what they paid, so coins that never counted take
 * nothing off. Run after the clawback took them off the sender's coins to the creator: on PostgreSQL that
 * holds the row a joining payment reads its total from, so a join either saw the clawback or is seen here.
 */
export async function uncountBeforeJoining(trx: Kysely<Schema>, payments: readonly ClawedBackPayment[]): Promise<void> {
  for (const payment of payments) {
    await trx
      .updateTable('fan_club_joins')
      .set((eb) => ({ coins_before_join: eb('coins_before_join', '-', BigInt(payment.coins)) }))
      .where('creator_id', '=', payment.creatorId)
      .where('fan_id', '=', payment.senderId)
      .where(transferSeqOfColumn('transfer_id'), '>', transferSeqOf(payment.transferId, 'transfer_not_found'))
      .execute();
  }
}

export interface FanClubs {
  /** The club's gift joins a viewer who is not yet a member, recording what they had paid the creator before. */
  readonly tally: PaymentTally;
  /** Sets the creator's club: its gift (offered in the catalog) and badge name. */
  setClub(creatorId: string, input: { giftId: string; name: string }): Promise<FanClub>;
  /** The creator's club, for viewers to join: 404 user_not_found, fan_club_not_found. */
  clubOf(creatorHandle: string): Promise<FanClub>;
  /** A viewer's standing in the club of the creator with `creatorHandle`. */
  standingIn(creatorHandle: string, fanId: string): Promise<FanStanding>;
  /** The badges of those of `userIds` who are members of the creator's club: one read for all. */
  badgesOf(creatorId: string, userIds: readonly string[]): Promise<Map<string, FanBadge>>;
  /** A member joined one of the creator's rooms: today counts as a day watched (once a day). */
  watched(creatorId: string, userId: string): Promise<void>;
  close(): Promise<void>;
}

export interface FanClubsDependencies {
  db: Database;
  bus: Bus;
  events: Pick<OutboxRelay, 'append' | 'committed'>;
  catalog: Pick<GiftCatalog, 'getGift'>;
  accounts: Pick<Accounts, 'profile'>;
  logger: Logger;
  now: () => Date;
}

/**
 * Fan clubs: a viewer joins a creator's club by sending the creator's chosen gift, and their fan level
 * grows with the coins they pay the creator from then on and the days they watch. The joining payment
 * records what its sender had paid the creator before it (a ledger record taking the total of their coins
 * to the creator), so a member's coins are read from that total and a member's payment moves nothing here.
 * The club and who is a member are held in memory in every process, dropped over the bus when they change.
 */
export function createFanClubs(deps: FanClubsDependencies): FanClubs {
  const { db, bus, events, catalog, accounts, logger, now } = deps;
  const kysely = db.kysely;

  // Every payment to a creator asks for their club, and a payment of the club's gift whether its sender is a member: from memory.
  const clubs = createSharedCache<{ giftId: string; name: string } | null>({
    bus,
    topic: 'fan_clubs:changed',
    load: async (creatorId) => (await kysely.selectFrom('fan_clubs').select(['gift_id as giftId', 'name']).where('creator_id', '=', creatorId).executeTakeFirst()) ?? null,
    ttlMs: 60_000,
    maxEntries: 100_000,
    logger,
  });
  const memberKey = (creatorId: string, fanId: string) => `${creatorId}\u0000${fanId}`;
  const members = createSharedCache<boolean>({
    bus,
    topic: 'fan_clubs:joined',
    load: async (key) => {
      const [creatorId, fanId] = key.split('\u0000') as [string, string];
      return (await kysely.selectFrom('fan_club_members').select('fan_id').where('creator_id', '=', creatorId).where('fan_id', '=', fanId).executeTakeFirst()) !== undefined;
    },
    ttlMs: 60_000,
    maxEntries: 200_000,
    logger,
  });
  /** Members whose watch of today is recorded, by this process. */
  const watchedToday = new Set<string>();

  async function requireClubOf(creatorHandle: string) {
    const creator = await accounts.profile(creatorHandle, undefined);
    const club = await kysely.selectFrom('fan_clubs').selectAll().where('creator_id', '=', creator.id).executeTakeFirst();
    if (!club) throw DomainError.notFound('fan_club_not_found', `@${creator.handle} has no fan club.`);
    return club;
  }

  async function clubView(club: { creator_id: string; gift_id: string; name: string }): Promise<FanClub> {
    const gift = await catalog.getGift(club.gift_id);
    return { creatorId: club.creator_id, name: club.name, giftId: gift.id, giftName: gift.name, giftCoins: gift.coins };
  }

  /** Members' coins since joining, days watched, and when they last paid the creator or watched. */
  async function standings(creatorId: string, fanIds: readonly string[]) {
    if (fanIds.length === 0) return [];
    const { rows } = await sql<{
      fan_id: string;
      coins_before_join: bigint | number;
      paid: bigint | number | null;
      last_paid_at: string | null;
      days_watched: bigint | number | string;
      last_watched: string | null;
    }>`
      SELECT j.fan_id, j.coins_before_join,
        (${coinsPaidToCreatorSql(sql.ref('j.creator_id'), sql.ref('j.fan_id'))}) AS paid,
        (${lastPaidAtSql(sql.ref('j.creator_id'), sql.ref('j.fan_id'))}) AS last_paid_at,
        (SELECT count(*) FROM fan_club_days d WHERE d.creator_id = j.creator_id AND d.fan_id = j.fan_id) AS days_watched,
        (SELECT max(d.day) FROM fan_club_days d WHERE d.creator_id = j.creator_id AND d.fan_id = j.fan_id) AS last_watched
      FROM fan_club_joins j WHERE j.creator_id = ${creatorId} AND j.fan_id IN (${sql.join(fanIds)})`.execute(kysely);
    return rows.map((row) => {
      const coins = Number(row.paid ?? 0) - Number(row.coins_before_join);
      const daysWatched = Number(row.days_watched);
      const lastPaidDay = row.last_paid_at?.slice(0, 10) ?? '';
      const lastActiveDay = row.last_watched !== null && row.last_watched > lastPaidDay ? row.last_watched : lastPaidDay;
      return { fanId: row.fan_id, coins, daysWatched, points: coins + WATCH_DAY_POINTS * daysWatched, lastActiveDay };
    });
  }

  /**
   * A payment's counters: only a payment of the club's gift from a sender this process does not know to be a
   * member, which may join. It asks for the member's count of joining gifts (the first in commit order joined)
   * and for the sender's coins to the creator right after it, which its join record keeps (less its own
   * coins): what they paid before joining. A member's payments move nothing here.
   */
  function clubCounters(payment: TalliedPayment, club: { giftId: string } | null): CounterInput[] {
    if (!club || payment.kind !== 'gift' || payment.giftId !== club.giftId) return [];
    const key = memberKey(payment.creatorId, payment.senderId);
    const known = members.peek(key);
    if (known === true) return [];
    // Learnt once in the background, so the sender's next club gifts carry nothing.
    if (known === undefined) members.get(key).catch((error: unknown) => logger.warn({ err: error }, 'reading a fan club membership failed'));
    return [
      { table: 'fan_club_members', key: { creator_id: payment.creatorId, fan_id: payment.senderId }, add: { join_gifts: 1 }, totals: true },
      coinsPaidToCreatorTotal(payment.creatorId, payment.senderId),
    ];
  }

  const tally: PaymentTally = {
    counters(payment) {
      // Answered at once from memory; a promise only while the club loads.
      const club = clubs.peek(payment.creatorId);
      return club === undefined ? clubs.get(payment.creatorId).then((loaded) => clubCounters(payment, loaded)) : clubCounters(payment, club);
    },
    records(payment) {
      // Only the first joining payment in commit order keeps its row (records never overwrite).
      return [
        {
          table: 'fan_club_joins',
          transferIdColumn: 'transfer_id',
          row: { creator_id: payment.creatorId, fan_id: payment.senderId, joined_at: payment.at.toISOString(), coins_before_join: -payment.coins },
          addTotal: { column: 'coins_before_join', counter: 1, counterColumn: 'coins' },
        },
      ];
    },
    committed(payment, counterTotals) {
      if (counterTotals[0]?.join_gifts !== 1n) return;
      return announceJoin(payment);
    },
  };

  /** Tells every process, the operator and the room that the payment's sender joined. */
  async function announceJoin(payment: TalliedPayment): Promise<void> {
    await members.invalidate(memberKey(payment.creatorId, payment.senderId));
    const club = await clubs.get(payment.creatorId);
    const today = dayOf(payment.at);
    const joined = { creatorId: payment.creatorId, userId: payment.senderId, clubName: club?.name ?? '', joinedAt: payment.at.toISOString() };
    const badge: FanBadge = { name: joined.clubName, level: fanLevelOf(payment.coins, today, today) };
    const messages = await writeTransaction(db, (trx) =>
      events.append(trx, [
        { topic: 'webhook', payload: { event: 'fan_club.joined', data: joined } },
        ...(payment.liveId === null ? [] : [{ topic: `${ROOM_TOPIC_PREFIX}${payment.liveId}`, payload: { type: 'fan_joined', userId: payment.senderId, creatorId: payment.creatorId, fan: badge } }]),
      ]),
    );
    events.committed(messages);
  }

  return {
    tally,

    async setClub(creatorId, input) {
      const name = input.name.trim();
      if (charCount(name) < 1 || charCount(name) > FAN_CLUB_NAME_MAX_CHARS || CONTROL_CHARACTERS.test(name)) {
        throw DomainError.invalidField('name', 'invalid_name', `A fan club's name is 1 to ${FAN_CLUB_NAME_MAX_CHARS} characters on one line: it is shown on its badge.`);
      }
      const gift = await catalog.getGift(input.giftId).catch((error: unknown) => {
        if (error instanceof DomainError && error.kind === 'not_found') throw DomainError.invalidField('giftId', 'gift_not_found', `No gift has the id ${input.giftId}.`);
        throw error;
      });
      if (gift.status !== 'enabled') throw DomainError.invalidField('giftId', 'gift_not_offered', `${gift.name} is not offered, so nobody could send it to join.`);
      const row = { creator_id: creatorId, gift_id: gift.id, name, updated_at: now().toISOString() };
      await kysely
        .insertInto('fan_clubs')
        .values(row)
        .onConflict((oc) => oc.column('creator_id').doUpdateSet({ gift_id: row.gift_id, name, updated_at: row.updated_at }))
        .execute();
      await clubs.invalidate(creatorId);
      return clubView(row);
    },

    async clubOf(creatorHandle) {
      return clubView(await requireClubOf(creatorHandle));
    },

    async standingIn(creatorHandle, fanId) {
      const club = await requireClubOf(creatorHandle);
      const [row] = await standings(club.creator_id, [fanId]);
      if (!row) return { member: false, clubName: club.name, level: 0, points: 0, coins: 0, daysWatched: 0, lastActiveDay: null };
      return {
        member: true,
        clubName: club.name,
        level: fanLevelOf(row.points, row.lastActiveDay, dayOf(now())),
        points: row.points,
        coins: row.coins,
        daysWatched: row.daysWatched,
        lastActiveDay: row.lastActiveDay,
      };
    },

    async badgesOf(creatorId, userIds) {
      const club = await clubs.get(creatorId);
      if (!club || userIds.length === 0) return new Map();
      const today = dayOf(now());
      return new Map((await standings(creatorId, userIds)).map((row) => [row.fanId, { name: club.name, level: fanLevelOf(row.points, row.lastActiveDay, today) }]));
    },

    async watched(creatorId, userId) {
      const day = dayOf(now());
      const key = `${memberKey(creatorId, userId)}\u0000${day}`;
      if (watchedToday.has(key) || !(await clubs.get(creatorId)) || !(await members.get(memberKey(creatorId, userId)))) return;
      await kysely
        .insertInto('fan_club_days')
        .values({ creator_id: creatorId, fan_id: userId, day })
        .onConflict((oc) => oc.doNothing())
        .execute();
      watchedToday.add(key);
      if (watchedToday.size > 100_000) watchedToday.delete(watchedToday.values().next().value!);
    },

    async close() {
      await Promise.all([clubs.close(), members.close()]);
    },
  };
}

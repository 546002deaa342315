import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Accounts } from '../accounts/index.js';
import { createSharedCache, type Bus } from '../bus/index.js';
import { writeTransaction, type Database, type Schema } from '../db/index.js';
import { charCount, CONTROL_CHARACTERS, paidLaterThatDaySql, type GiftCatalog, type PaymentTally, type TalliedPayment } from '../gifts/index.js';
import { ROOM_TOPIC_PREFIX, type OutboxRelay } from '../outbox/index.js';
import { transferSeqOf, type CounterInput } from '../ledger/index.js';
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
  at: Date;
}

/**
 * The coins that payments paid with a charged-back purchase counted in their senders' fan days, as counters
 * for the clawback's transaction to take back (with the other running totals, in the ledger's order): a
 * member's points fall by what the clawed-back coins earned. A day counts its payments from the joining one
 * on, in commit order, so a payment counted as far as the day's coins exceed what was paid after it that day.
 * `payments` are each traced once and already marked clawed back.
 */
export async function clawedBackFanCounters(trx: Kysely<Schema>, payments: readonly ClawedBackPayment[]): Promise<CounterInput[]> {
  const seqOf = (payment: ClawedBackPayment) => transferSeqOf(payment.transferId, 'transfer_not_found');
  const counters: CounterInput[] = [];
  for (const payment of payments) {
    const key = { creator_id: payment.creatorId, fan_id: payment.senderId, day: dayOf(payment.at) };
    // One statement: PostgreSQL reads the day and the payments after it as of the same commits.
    const {
      rows: [row],
    } = await sql<{ counted: bigint | number | null; later: bigint | number }>`SELECT
      (SELECT coins FROM fan_club_days WHERE creator_id = ${key.creator_id} AND fan_id = ${key.fan_id} AND day = ${key.day}) AS counted,
      (${paidLaterThatDaySql(payment.transferId)}) AS later`.execute(trx);
    if (row?.counted === null || row?.counted === undefined) continue;
    // What this clawback takes from the same day's later payments is already off them, and still in the day.
    const tracedLater = payments.filter((other) => other.creatorId === payment.creatorId && other.senderId === payment.senderId && dayOf(other.at) === key.day && seqOf(other) > seqOf(payment));
    const countedOfIt = BigInt(row.counted) - BigInt(row.later) - BigInt(tracedLater.reduce((sum, other) => sum + other.coins, 0));
    if (countedOfIt > 0n) counters.push({ table: 'fan_club_days', key, add: { coins: countedOfIt < BigInt(payment.coins) ? countedOfIt : payment.coins } });
  }
  return counters;
}

export interface FanClubs {
  /** A member's payments to the creator count in their days; the club's gift joins a viewer who is not yet a member. */
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
 * grows with the coins they pay the creator from then on and the days they watch. A member's coins of a
 * day are a counter each of their payments moves in its own transfer; the club and who is a member are
 * held in memory in every process, dropped over the bus when they change.
 */
export function createFanClubs(deps: FanClubsDependencies): FanClubs {
  const { db, bus, events, catalog, accounts, logger, now } = deps;
  const kysely = db.kysely;

  // Every payment to a creator asks for their club, and a payment to a creator with one whether its sender is a member: from memory.
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

  /** Members' coins, days watched and last day active with the creator. */
  async function standings(creatorId: string, fanIds: readonly string[]) {
    if (fanIds.length === 0) return [];
    return kysely
      .selectFrom('fan_club_days')
      .select((eb) => ['fan_id', eb.fn.sum<bigint>('coins').as('coins'), eb.fn.sum<bigint>('watched').as('days_watched'), eb.fn.max('day').as('last_day')])
      .where('creator_id', '=', creatorId)
      .where('fan_id', 'in', fanIds)
      .where('fan_id', 'in', (eb) => eb.selectFrom('fan_club_members').select('fan_id').where('creator_id', '=', creatorId))
      .groupBy('fan_id')
      .execute();
  }

  const pointsOf = (row: { coins: bigint; days_watched: bigint }) => Number(row.coins) + WATCH_DAY_POINTS * Number(row.days_watched);

  /** A payment's counters once its creator's club, and when it does not join, whether its sender is a member, are known. */
  function clubCounters(payment: TalliedPayment, club: { giftId: string } | null, loaded?: boolean): CounterInput[] | Promise<CounterInput[]> {
    if (!club) return [];
    const clubGift = payment.kind === 'gift' && payment.giftId === club.giftId;
    const key = memberKey(payment.creatorId, payment.senderId);
    const known = loaded ?? members.peek(key);
    if (!clubGift) {
      if (known === undefined) return members.get(key).then((member) => clubCounters(payment, club, member));
      if (!known) return [];
    }
    const day = { table: 'fan_club_days', key: { creator_id: payment.creatorId, fan_id: payment.senderId, day: dayOf(payment.at) }, add: { coins: payment.coins } };
    // A member's club gift counts like any other payment: membership never ends, so it cannot join again. Only
    // when this process does not know the sender to be a member does the gift carry the member counter that joins.
    if (!clubGift || known === true) return [day];
    // Learnt once in the background, so the sender's next club gifts need no member counter.
    if (known === undefined) members.get(key).catch((error: unknown) => logger.warn({ err: error }, 'reading a fan club membership failed'));
    // Payments of the club's gift: their member counter comes second. The join is announced with the member's coins of the day: both totals asked for.
    return [
      { ...day, totals: true },
      { table: 'fan_club_members', key: { creator_id: payment.creatorId, fan_id: payment.senderId }, add: { join_gifts: 1 }, totals: true },
    ];
  }

  const tally: PaymentTally = {
    counters(payment) {
      // Answered at once from memory; a promise only while the club or the membership loads.
      const club = clubs.peek(payment.creatorId);
      return club === undefined ? clubs.get(payment.creatorId).then((loaded) => clubCounters(payment, loaded)) : clubCounters(payment, club);
    },
    committed(payment, counterTotals, counters) {
      // The first payment of the club's gift, in commit order, is the one that joined.
      if (counters.length < 2 || counterTotals[1]?.join_gifts !== 1n) return;
      return announceJoin(payment, counterTotals[0]!.coins!);
    },
  };

  /** Tells every process, the operator and the room that the payment's sender joined, with their coins of the day. */
  async function announceJoin(payment: TalliedPayment, dayCoins: bigint): Promise<void> {
    await members.invalidate(memberKey(payment.creatorId, payment.senderId));
    const club = await clubs.get(payment.creatorId);
    const today = dayOf(payment.at);
    const joined = { creatorId: payment.creatorId, userId: payment.senderId, clubName: club?.name ?? '', joinedAt: payment.at.toISOString() };
    const badge: FanBadge = { name: joined.clubName, level: fanLevelOf(Number(dayCoins), today, today) };
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
      const points = pointsOf(row);
      return {
        member: true,
        clubName: club.name,
        level: fanLevelOf(points, row.last_day, dayOf(now())),
        points,
        coins: Number(row.coins),
        daysWatched: Number(row.days_watched),
        lastActiveDay: row.last_day,
      };
    },

    async badgesOf(creatorId, userIds) {
      const club = await clubs.get(creatorId);
      if (!club || userIds.length === 0) return new Map();
      const today = dayOf(now());
      return new Map((await standings(creatorId, userIds)).map((row) => [row.fan_id, { name: club.name, level: fanLevelOf(pointsOf(row), row.last_day, today) }]));
    },

    async watched(creatorId, userId) {
      const day = dayOf(now());
      const key = `${memberKey(creatorId, userId)}\u0000${day}`;
      if (watchedToday.has(key) || !(await clubs.get(creatorId)) || !(await members.get(memberKey(creatorId, userId)))) return;
      await kysely
        .insertInto('fan_club_days')
        .values({ creator_id: creatorId, fan_id: userId, day, coins: 0n, watched: 1n })
        .onConflict((oc) => oc.columns(['creator_id', 'fan_id', 'day']).doUpdateSet({ watched: sql<bigint>`1` }))
        .execute();
      watchedToday.add(key);
      if (watchedToday.size > 100_000) watchedToday.delete(watchedToday.values().next().value!);
    },

    async close() {
      await Promise.all([clubs.close(), members.close()]);
    },
  };
}

import type { Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Static } from 'typebox';
import { createSharedCache, type Bus } from '../bus/index.js';
import { isRegionCode } from '../config/index.js';
import { writeTransaction, type Database } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { DEFAULT_GIFTS } from './defaults.js';
import type { GiftTable } from './schema.js';
import { charCount, CONTROL_CHARACTERS } from './text.js';
import type { CatalogGiftSchema, GiftOfferSchema, GiftStatusSchema, GiftTierSchema } from './views.js';

/** How big the room shows a gift: a small one floats by, a fullscreen one takes over the stream. */
export type GiftTier = Static<typeof GiftTierSchema>;
const GIFT_TIERS: readonly GiftTier[] = ['small', 'medium', 'large', 'fullscreen'];

/** `enabled`: offered. `disabled`: hidden for now. `retired`: never offered again, kept because sent gifts refer to it. */
export type GiftStatus = Static<typeof GiftStatusSchema>;
const GIFT_STATUSES: readonly GiftStatus[] = ['enabled', 'disabled', 'retired'];

/** A gift as viewers see it. */
export type GiftOffer = Static<typeof GiftOfferSchema>;

/** A gift as admins (and gift history) see it, whatever its status. */
export type CatalogGift = Static<typeof CatalogGiftSchema>;

/** Creates a gift, or changes the fields given (omitted fields keep their values). */
export interface GiftInput {
  /** `gift_` then 1 to 48 lower-case letters, digits and underscores. */
  id: string;
  /** Required to create; 1 to 40 characters. */
  name?: string;
  /** Required to create; 1 to 1,000,000. */
  coins?: number;
  /** Required to create; an emoji or a URL path, up to 200 characters. */
  icon?: string;
  /** Required to create. */
  tier?: GiftTier;
  streakable?: boolean;
  /** Only viewers with a subscription to the receiving creator may send it. */
  subscribersOnly?: boolean;
  /** Region codes; empty for every region. */
  regions?: readonly string[];
  sortOrder?: number;
  /** A new gift is enabled unless this says otherwise; a retired gift stays retired. */
  status?: GiftStatus;
}

export interface GiftCatalogDependencies {
  db: Database;
  /** Carries changes to the catalog to every process's copy in memory. */
  bus: Bus;
  logger: Logger;
  now?: () => Date;
}

/** How long a process serves a gift from memory without hearing of a change: bounds a change lost on the bus. */
const CACHED_GIFT_TTL_MS = 30_000;

export interface GiftCatalog {
  /** Inserts each default gift that is missing; gifts already present, edited or not, are left alone. Answers the ids inserted. */
  seedDefaults(): Promise<{ inserted: string[] }>;
  /** Enabled gifts offered in the region, cheapest first, then by sort order. */
  listOffered(region: string): Promise<GiftOffer[]>;
  /** A gift whatever its status, for history; 404 gift_not_found when the id is unknown. */
  getGift(id: string): Promise<CatalogGift>;
  /**
   * The gift a viewer in `region` may send: 404 gift_not_found, 409 gift_unavailable when disabled
   * or retired, 400 gift_not_offered_in_region (param giftId) when not offered in the region.
   */
  requireOffered(giftId: string, region: string): Promise<CatalogGift>;

  /** Every gift, retired ones included, in the order viewers see them. */
  listAll(): Promise<CatalogGift[]>;
  upsertGift(input: GiftInput): Promise<{ gift: CatalogGift; created: boolean }>;
  /** Enables or disables a gift, or retires it for good: 409 gift_retired on any change to a retired gift. */
  setStatus(id: string, status: GiftStatus): Promise<CatalogGift>;
  /** Stops hearing of changes made by other processes. */
  close(): Promise<void>;
}

const ID_PATTERN = /^gift_[a-z0-9_]{1,48}$/;
const MAX_NAME_CHARS = 40;
const MAX_ICON_CHARS = 200;
const MAX_GIFT_COINS = 1_000_000;
const MAX_SORT_ORDER = 1_000_000_000;

/** An upper-case ISO 3166-1 alpha-2 code, or a 400 naming `param`. */
function normalizeRegion(region: string, param: string): string {
  const code = region.trim().toUpperCase();
  if (!isRegionCode(code)) throw DomainError.invalidField(param, 'invalid_region', `${JSON.stringify(region)} is not an ISO 3166-1 alpha-2 region code, such as US or DE.`);
  return code;
}

function giftNotFound(id: string): DomainError {
  return DomainError.notFound('gift_not_found', `No gift has the id ${JSON.stringify(id)}.`);
}

function checkId(id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw DomainError.invalidField('id', 'invalid_id', `A gift id is gift_ followed by 1 to 48 lower-case letters, digits and underscores, such as gift_rose; not ${JSON.stringify(id)}.`);
  }
  return id;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  const length = charCount(trimmed);
  if (length < 1 || length > MAX_NAME_CHARS || CONTROL_CHARACTERS.test(trimmed)) {
    throw DomainError.invalidField('name', 'invalid_name', `A gift name is 1 to ${MAX_NAME_CHARS} characters without control characters; got ${JSON.stringify(name)}.`);
  }
  return trimmed;
}

function checkIcon(icon: string): string {
  const length = charCount(icon);
  if (length < 1 || length > MAX_ICON_CHARS || /\s/.test(icon) || CONTROL_CHARACTERS.test(icon)) {
    throw DomainError.invalidField(
      'icon',
      'invalid_icon',
      `A gift icon is an emoji or a URL path such as /gifts/rose.png: 1 to ${MAX_ICON_CHARS} characters without spaces; got ${JSON.stringify(icon)}.`,
    );
  }
  return icon;
}

function checkCoins(coins: number): bigint {
  if (!Number.isSafeInteger(coins) || coins < 1 || coins > MAX_GIFT_COINS) {
    throw DomainError.invalidField('coins', 'invalid_coins', `coins, the price of one gift, must be a whole number from 1 to ${MAX_GIFT_COINS.toLocaleString('en-US')}, not ${coins}.`);
  }
  return BigInt(coins);
}

function checkSortOrder(sortOrder: number): bigint {
  if (!Number.isSafeInteger(sortOrder) || Math.abs(sortOrder) > MAX_SORT_ORDER) {
    throw DomainError.invalidField(
      'sortOrder',
      'invalid_sort_order',
      `sortOrder must be a whole number from -${MAX_SORT_ORDER.toLocaleString('en-US')} to ${MAX_SORT_ORDER.toLocaleString('en-US')}, not ${sortOrder}.`,
    );
  }
  return BigInt(sortOrder);
}

function checkTier(tier: string): GiftTier {
  if (!(GIFT_TIERS as readonly string[]).includes(tier)) throw DomainError.invalidField('tier', 'invalid_tier', `A gift's tier is ${GIFT_TIERS.join(', ')}; not ${JSON.stringify(tier)}.`);
  return tier as GiftTier;
}

function checkStatus(status: string): GiftStatus {
  if (!(GIFT_STATUSES as readonly string[]).includes(status)) {
    throw DomainError.invalidField('status', 'invalid_status', `A gift's status is ${GIFT_STATUSES.join(', ')}; not ${JSON.stringify(status)}.`);
  }
  return status as GiftStatus;
}

/** Refuses bringing a retired gift back: clients and history may already show it as gone. */
function checkTransition(id: string, from: string, to: GiftStatus): void {
  if (from === 'retired' && to !== 'retired') {
    throw DomainError.conflict('gift_retired', `The gift ${id} is retired, and a retired gift is never offered again; create a new gift instead.`);
  }
}

/** The JSON text stored in `regions`: upper-case, deduplicated, sorted. */
function regionsColumn(regions: readonly string[]): string {
  return JSON.stringify([...new Set(regions.map((region) => normalizeRegion(region, 'regions')))].sort());
}

function toCatalogGift(row: Selectable<GiftTable>): CatalogGift {
  // Number() is exact: writes keep coins and sort_order far inside the safe-integer range.
  return {
    id: row.id,
    name: row.name,
    coins: Number(row.coins),
    tier: row.tier as GiftTier,
    streakable: row.streakable === 1n,
    icon: row.icon,
    subscribersOnly: row.subscribers_only === 1n,
    status: row.status as GiftStatus,
    regions: JSON.parse(row.regions) as string[],
    sortOrder: Number(row.sort_order),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toOffer(gift: CatalogGift): GiftOffer {
  return { id: gift.id, name: gift.name, coins: gift.coins, tier: gift.tier, streakable: gift.streakable, icon: gift.icon, subscribersOnly: gift.subscribersOnly };
}

function isOfferedIn(gift: CatalogGift, region: string): boolean {
  return gift.regions.length === 0 || gift.regions.includes(region);
}

/**
 * The gift catalog: which gifts viewers can send, at what price in coins, in
 * which regions, and the admin tools that manage them. Sending gifts builds on
 * it (requireOffered); it moves no coins itself.
 */
export function createGiftCatalog(deps: GiftCatalogDependencies): GiftCatalog {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const kysely = db.kysely;

  async function findGift(id: string): Promise<CatalogGift | undefined> {
    const row = await kysely.selectFrom('gifts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCatalogGift(row);
  }

  // Gifts as sending sees them: from memory, dropped in every process when an admin changes one.
  const offered = createSharedCache<CatalogGift | undefined>({
    bus: deps.bus,
    topic: 'gifts:catalog_changed',
    load: findGift,
    ttlMs: CACHED_GIFT_TTL_MS,
    maxEntries: 10_000,
    logger: deps.logger,
  });

  async function getGift(id: string): Promise<CatalogGift> {
    const gift = await findGift(id);
    if (!gift) throw giftNotFound(id);
    return gift;
  }

  /** Gifts of one status, or all, in the order viewers see them. */
  async function listGifts(status?: GiftStatus): Promise<CatalogGift[]> {
    let query = kysely.selectFrom('gifts').selectAll();
    if (status !== undefined) query = query.where('status', '=', status);
    const rows = await query.orderBy('coins').orderBy('sort_order').orderBy('id').execute();
    return rows.map(toCatalogGift);
  }

  return {
    async seedDefaults() {
      const at = now().toISOString();
      return writeTransaction(db, async (trx) => {
        const inserted: string[] = [];
        for (const [index, gift] of DEFAULT_GIFTS.entries()) {
          // Per gift, so a gift added to the defaults later reaches existing catalogs; an admin's edits are kept.
          const result = await trx
            .insertInto('gifts')
            .values({
              id: gift.id,
              name: gift.name,
              coins: gift.coins,
              icon: gift.icon,
              tier: gift.tier,
              streakable: gift.streakable ? 1n : 0n,
              regions: '[]',
              status: 'enabled',
              sort_order: BigInt(index),
              created_at: at,
              updated_at: at,
            })
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst();
          if (result.numInsertedOrUpdatedRows !== 0n) inserted.push(gift.id);
        }
        return { inserted };
      });
    },

    async listOffered(region) {
      const code = normalizeRegion(region, 'region');
      // The catalog is a few dozen rows: filtering regions here spares engine-specific JSON SQL.
      return (await listGifts('enabled')).filter((gift) => isOfferedIn(gift, code)).map(toOffer);
    },

    getGift,

    async requireOffered(giftId, region) {
      const code = normalizeRegion(region, 'region');
      const gift = await offered.get(giftId);
      if (!gift) throw giftNotFound(giftId);
      if (gift.status === 'retired') throw DomainError.conflict('gift_unavailable', `The gift ${gift.id} (${gift.name}) has been retired and can no longer be sent; choose another gift.`);
      if (gift.status !== 'enabled') throw DomainError.conflict('gift_unavailable', `The gift ${gift.id} (${gift.name}) is not offered at the moment; choose another gift.`);
      if (!isOfferedIn(gift, code)) throw DomainError.invalidField('giftId', 'gift_not_offered_in_region', `The gift ${gift.id} (${gift.name}) is not offered in region ${code}.`);
      return gift;
    },

    listAll: () => listGifts(),

    close: () => offered.close(),

    async upsertGift(input) {
      const id = checkId(input.id);
      const name = input.name === undefined ? undefined : checkName(input.name);
      const coins = input.coins === undefined ? undefined : checkCoins(input.coins);
      const icon = input.icon === undefined ? undefined : checkIcon(input.icon);
      const tier = input.tier === undefined ? undefined : checkTier(input.tier);
      const streakable = input.streakable === undefined ? undefined : input.streakable ? 1n : 0n;
      const subscribersOnly = input.subscribersOnly === undefined ? undefined : input.subscribersOnly ? 1n : 0n;
      const regions = input.regions === undefined ? undefined : regionsColumn(input.regions);
      const sortOrder = input.sortOrder === undefined ? undefined : checkSortOrder(input.sortOrder);
      const status = input.status === undefined ? undefined : checkStatus(input.status);

      const created = await writeTransaction(db, async (trx) => {
        const existing = await trx.selectFrom('gifts').select('status').where('id', '=', id).executeTakeFirst();
        const at = now().toISOString();
        if (existing) {
          if (status !== undefined) checkTransition(id, existing.status, status);
          const changes = { name, coins, icon, tier, streakable, subscribers_only: subscribersOnly, regions, sort_order: sortOrder, status };
          if (Object.values(changes).some((value) => value !== undefined))
            await trx
              .updateTable('gifts')
              .set({ ...changes, updated_at: at })
              .where('id', '=', id)
              .execute();
          return false;
        }
        if (name === undefined) throw DomainError.invalidField('name', 'missing_field', 'A new gift needs its name.');
        if (coins === undefined) throw DomainError.invalidField('coins', 'missing_field', 'A new gift needs its price in coins.');
        if (icon === undefined) throw DomainError.invalidField('icon', 'missing_field', 'A new gift needs its icon: an emoji or a URL path.');
        if (tier === undefined) throw DomainError.invalidField('tier', 'missing_field', `A new gift needs its tier: ${GIFT_TIERS.join(', ')}.`);
        const inserted = await trx
          .insertInto('gifts')
          .values({
            id,
            name,
            coins,
            icon,
            tier,
            streakable: streakable ?? 0n,
            subscribers_only: subscribersOnly ?? 0n,
            regions: regions ?? '[]',
            status: status ?? 'enabled',
            sort_order: sortOrder ?? 0n,
            created_at: at,
            updated_at: at,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (inserted.numInsertedOrUpdatedRows === 0n) throw DomainError.conflict('concurrent_update', `The gift ${id} was created by another request at the same moment; retry.`);
        return true;
      });
      await offered.invalidate(id);
      return { gift: await getGift(id), created };
    },

    async setStatus(id, status) {
      const next = checkStatus(status);
      await writeTransaction(db, async (trx) => {
        const existing = await trx.selectFrom('gifts').select('status').where('id', '=', id).executeTakeFirst();
        if (!existing) throw DomainError.notFound('gift_not_found', `No gift has the id ${JSON.stringify(id)}.`);
        checkTransition(id, existing.status, next);
        if (existing.status !== next) await trx.updateTable('gifts').set({ status: next, updated_at: now().toISOString() }).where('id', '=', id).execute();
      });
      await offered.invalidate(id);
      return getGift(id);
    },
  };
}

import type { Kysely, Selectable } from 'kysely';
import type { Static } from 'typebox';
import { CONFIG_SETTINGS, isRegionCode, readSetting } from '../config/index.js';
import { writeTransaction, type Database, type Schema } from '../db/index.js';
import { minorUnitDigits } from '../ledger/index.js';
import type { DomainErrorCodeOf } from '../shared/error-codes.js';
import { DomainError } from '../shared/errors.js';
import { safeNumber } from '../shared/integers.js';
import type { StoreConfig } from './config.js';
import { DEFAULT_FIRST_PURCHASE_PROMOTION, DEFAULT_PACKAGES } from './defaults.js';
import type { CoinPackageTable, StorePromotionTable, StoreSchema } from './schema.js';
import type { ChannelSchema, CustomOfferSchema, CustomPricingSchema, MoneySchema, PackageSchema, PromotionKindSchema, PromotionSchema } from './views.js';

export { loadStoreConfig, STORE_SETTINGS, type StoreConfig } from './config.js';

/** Where a purchase is made: the web store, or in-app (where the app store takes its cut, so prices are higher). */
export type SalesChannel = Static<typeof ChannelSchema>;
const SALES_CHANNELS: readonly SalesChannel[] = ['web', 'app'];

export type PromotionKind = Static<typeof PromotionKindSchema>;
const PROMOTION_KINDS: readonly PromotionKind[] = ['first_purchase', 'seasonal'];

/** An amount of money in the currency's minor unit (cents; whole yen and won). */
export type Money = Static<typeof MoneySchema>;

/** A package as a buyer sees it: its price in the currency of the buyer's region. */
export interface PackageOffer {
  id: string;
  channel: SalesChannel;
  coins: number;
  bonusCoins: number;
  price: Money;
}

/** A custom (any-amount) purchase, priced. */
export type CustomOffer = Static<typeof CustomOfferSchema>;

/** What a client needs to offer custom amounts: the range and the price of one coin. */
export type CustomPricing = Static<typeof CustomPricingSchema>;

/** A package as admins see it: every price, and the store currencies it has no price in (it is not shown there). */
export type CatalogPackage = Static<typeof PackageSchema>;

export type Promotion = Static<typeof PromotionSchema>;

/** Creates a package, or changes the fields given (omitted fields keep their values). */
export interface PackageInput {
  id: string;
  /** Required to create; cannot change afterwards. */
  channel?: SalesChannel;
  /** Required to create. */
  coins?: number;
  bonusCoins?: number;
  sortOrder?: number;
  enabled?: boolean;
  /** Minor units by currency. Creating needs one for every store currency; an update replaces the ones given. */
  prices?: Readonly<Record<string, number>>;
}

/** Creates a promotion, or changes the fields given (omitted fields keep their values; null clears). */
export interface PromotionInput {
  id: string;
  /** Required to create; cannot change afterwards. */
  kind?: PromotionKind;
  /** Required to create; 1 to 500. */
  bonusPercent?: number;
  /** ISO 8601 instant with a zone (or a date, meaning 00:00 UTC). A seasonal promotion needs both ends. */
  startsAt?: string | null;
  endsAt?: string | null;
  /** Region codes; empty for every region. */
  regions?: readonly string[];
  maxUsesPerUser?: number | null;
  enabled?: boolean;
}

export interface PromotionBonusInput {
  /** The buyer's region. */
  region: string;
  /** Coins bought (not counting any package bonus); promotions add a percentage of these. */
  coins: number | bigint;
  /** True when the buyer has never completed a purchase. */
  isFirstPurchase: boolean;
  /** How many times the buyer already received each promotion, by promotion id. */
  usesByPromotion: Readonly<Record<string, number>>;
}

export interface AppliedPromotion {
  id: string;
  kind: PromotionKind;
  bonusPercent: number;
  bonusCoins: bigint;
  /** How many times one buyer may receive it (a first-purchase bonus: once); null for no limit. */
  usesPerUser: number | null;
}

export interface PromotionBonus {
  /** Sum over `promotions`. */
  bonusCoins: bigint;
  promotions: AppliedPromotion[];
}

export interface CatalogDependencies {
  db: Database;
  config: StoreConfig;
  /** STORE_CURRENCIES: the currencies the store sells in. */
  currencies: readonly string[];
  now?: () => Date;
}

export interface Catalog {
  /** Inserts the default packages and the first-purchase promotion into an empty catalog; does nothing otherwise. */
  seedDefaults(): Promise<{ seeded: boolean }>;
  /** The currency prices are shown in for a region, among the store currencies. */
  currencyForRegion(region: string): string;
  /** Enabled packages of a channel priced in the region's currency, fewest coins first. */
  listPackages(region: string, channel: SalesChannel): Promise<PackageOffer[]>;
  pricePackage(packageId: string, region: string, channel: SalesChannel): Promise<PackageOffer>;
  /** Custom amounts are sold on the web only; null for the app channel or a currency without a per-coin price. */
  customPricing(region: string, channel: SalesChannel): CustomPricing | null;
  priceCustom(coins: number, region: string): CustomOffer;
  promotionBonus(input: PromotionBonusInput): Promise<PromotionBonus>;

  listAllPackages(): Promise<CatalogPackage[]>;
  getPackage(id: string): Promise<CatalogPackage>;
  upsertPackage(input: PackageInput): Promise<{ package: CatalogPackage; created: boolean }>;
  setPackageEnabled(id: string, enabled: boolean): Promise<CatalogPackage>;
  listPromotions(): Promise<Promotion[]>;
  upsertPromotion(input: PromotionInput): Promise<{ promotion: Promotion; created: boolean }>;
}

/** Countries and territories whose currency is the euro (Bulgaria since 1 January 2026). */
const EURO_REGIONS = new Set([
  'AT',
  'BE',
  'BG',
  'CY',
  'DE',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PT',
  'SI',
  'SK',
  // Microstates and territories that use the euro.
  'AD',
  'AX',
  'BL',
  'GF',
  'GP',
  'MC',
  'ME',
  'MF',
  'MQ',
  'PM',
  'RE',
  'SM',
  'VA',
  'YT',
]);
/**
 * Regions whose own currency is not the euro. Only currencies in STORE_CURRENCIES are used, so
 * with the default USD,EUR,GBP,JPY,KRW a Canadian pays in USD; add CAD and Canadians pay in CAD.
 */
const REGION_CURRENCIES: Readonly<Record<string, string>> = {
  US: 'USD',
  GB: 'GBP',
  JP: 'JPY',
  KR: 'KRW',
  AE: 'AED',
  AU: 'AUD',
  BR: 'BRL',
  CA: 'CAD',
  CH: 'CHF',
  CN: 'CNY',
  CZ: 'CZK',
  DK: 'DKK',
  HK: 'HKD',
  HU: 'HUF',
  ID: 'IDR',
  IL: 'ILS',
  IN: 'INR',
  LI: 'CHF',
  MX: 'MXN',
  MY: 'MYR',
  NO: 'NOK',
  NZ: 'NZD',
  PH: 'PHP',
  PL: 'PLN',
  RO: 'RON',
  SA: 'SAR',
  SE: 'SEK',
  SG: 'SGD',
  TH: 'THB',
  TR: 'TRY',
  TW: 'TWD',
  VN: 'VND',
  ZA: 'ZAR',
};
const DEFAULT_STORE_CURRENCIES = readSetting({}, CONFIG_SETTINGS.STORE_CURRENCIES);

/**
 * The currency a region's buyers pay in: US→USD, euro area→EUR, GB→GBP, JP→JPY, KR→KRW (and
 * other regions' own currencies, such as CA→CAD, when the store sells in them), anywhere else USD.
 * When that currency is not among `currencies` (STORE_CURRENCIES), USD if it is, else the first
 * store currency.
 */
export function currencyForRegion(region: string, currencies: readonly string[] = DEFAULT_STORE_CURRENCIES): string {
  const code = region.trim().toUpperCase();
  const natural = REGION_CURRENCIES[code] ?? (EURO_REGIONS.has(code) ? 'EUR' : 'USD');
  if (currencies.includes(natural)) return natural;
  if (currencies.includes('USD')) return 'USD';
  const first = currencies[0];
  if (first === undefined) throw new Error('the store has no currencies (STORE_CURRENCIES)');
  return first;
}

const MICROS_PER_MAJOR_UNIT = 1_000_000n;

/**
 * Price of `coins` coins at `pricePerCoinMicros` (millionths of the major unit), in minor units,
 * rounded up: ceil(coins × micros × 10^digits / 10^6). Exact: no floats anywhere.
 */
export function customPriceMinor(coins: bigint, pricePerCoinMicros: bigint, currency: string): bigint {
  const numerator = coins * pricePerCoinMicros * 10n ** BigInt(minorUnitDigits(currency));
  return (numerator + MICROS_PER_MAJOR_UNIT - 1n) / MICROS_PER_MAJOR_UNIT;
}

/** Bonus coins a promotion of `percent` gives on `coins`: rounded down, so a bonus is never more than promised. */
function bonusCoinsFor(coins: bigint, percent: bigint): bigint {
  return (coins * percent) / 100n;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PACKAGE_COINS = 1_000_000_000;
const MAX_PRICE_MINOR = 1_000_000_000_000;
const MAX_SORT_ORDER = 1_000_000_000;
const MAX_PROMOTION_PERCENT = 500;
const MAX_USES_PER_USER = 1_000_000;

/** The one place the database's schema is seen as the store's tables (once wired, Schema includes StoreSchema). */
function storeTables(kysely: Kysely<Schema>): Kysely<StoreSchema> {
  return kysely as unknown as Kysely<StoreSchema>;
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** An upper-case ISO 3166-1 alpha-2 code, or a 400 naming `param`. */
export function normalizeRegion(region: string, param = 'region'): string {
  const code = region.trim().toUpperCase();
  if (!isRegionCode(code)) throw DomainError.invalidField(param, 'invalid_region', `${JSON.stringify(region)} is not an ISO 3166-1 alpha-2 region code, such as US or DE.`);
  return code;
}

function checkChannel(channel: string, param = 'channel'): SalesChannel {
  if (!(SALES_CHANNELS as readonly string[]).includes(channel)) throw DomainError.invalidField(param, 'invalid_channel', `The channel must be web or app, not ${JSON.stringify(channel)}.`);
  return channel as SalesChannel;
}

function checkId(id: string, what: string): string {
  if (!ID_PATTERN.test(id)) throw DomainError.invalidField('id', 'invalid_id', `A ${what} id is 1 to 64 letters, digits, underscores and hyphens, not ${JSON.stringify(id)}.`);
  return id;
}

/** The code refusing each whole-number field of packages and promotions. */
const INTEGER_FIELD_CODES = {
  coins: 'invalid_coins',
  bonusCoins: 'invalid_bonus_coins',
  sortOrder: 'invalid_sort_order',
  bonusPercent: 'invalid_bonus_percent',
  maxUsesPerUser: 'invalid_max_uses_per_user',
} as const satisfies Record<string, DomainErrorCodeOf<'invalid'>>;

function checkInteger(value: number, param: keyof typeof INTEGER_FIELD_CODES, min: number, max: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw DomainError.invalidField(param, INTEGER_FIELD_CODES[param], `${what} must be a whole number from ${formatCount(min)} to ${formatCount(max)}, not ${value}.`);
  }
  return BigInt(value);
}

/** An instant as stored (ISO 8601 UTC), from an ISO 8601 instant with a zone, or a date meaning 00:00 UTC. */
function parseInstant(value: string, param: string): string {
  const trimmed = value.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/i.exec(trimmed);
  const [year, month, day] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  const valid =
    match !== null &&
    // Date would roll 2026-02-30 over to March; a real day survives the round trip.
    calendarDay.getUTCFullYear() === year &&
    calendarDay.getUTCMonth() === month - 1 &&
    calendarDay.getUTCDate() === day &&
    (match[4] === undefined || (Number(match[4]) < 24 && Number(match[5]) < 60 && Number(match[6] ?? 0) < 60)) &&
    (match[8] === undefined || (Number(match[8]) <= 14 && Number(match[9]) < 60));
  const date = new Date(match?.[4] === undefined ? `${trimmed}T00:00:00Z` : trimmed);
  if (!valid || Number.isNaN(date.getTime())) {
    throw DomainError.invalidField(param, 'invalid_date', `${param} must be an ISO 8601 instant with a zone, such as 2026-12-01T00:00:00Z, or a date; got ${JSON.stringify(value)}.`);
  }
  return date.toISOString();
}

function regionsOf(row: Pick<Selectable<StorePromotionTable>, 'regions'>): string[] {
  return row.regions === '' ? [] : row.regions.split(',');
}

function toPromotion(row: Selectable<StorePromotionTable>): Promotion {
  return {
    id: row.id,
    kind: row.kind as PromotionKind,
    bonusPercent: safeNumber(row.bonus_percent, 'bonus_percent'),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    regions: regionsOf(row),
    maxUsesPerUser: row.max_uses_per_user === null ? null : safeNumber(row.max_uses_per_user, 'max_uses_per_user'),
    enabled: row.enabled === 1n,
    createdAt: row.created_at,
  };
}

/** True when an enabled promotion is running at `now`: started (inclusive) and not yet ended (exclusive). */
function isActive(row: Selectable<StorePromotionTable>, now: Date): boolean {
  const at = now.getTime();
  if (row.starts_at !== null && at < Date.parse(row.starts_at)) return false;
  if (row.ends_at !== null && at >= Date.parse(row.ends_at)) return false;
  return true;
}

/**
 * The coin-store catalog: which coin packages are on sale in which channel, at what price in the
 * buyer's currency, what custom amounts cost, and which promotions add bonus coins. Orders and
 * payments build on it; it moves no money itself.
 */
export function createCatalog(deps: CatalogDependencies): Catalog {
  const { db, config } = deps;
  const currencies = [...deps.currencies];
  if (currencies.length === 0) throw new Error('the store needs at least one currency (STORE_CURRENCIES)');
  const now = deps.now ?? (() => new Date());
  const kysely = storeTables(db.kysely);

  const currencyFor = (region: string) => currencyForRegion(normalizeRegion(region), currencies);

  async function loadPackage(tables: Kysely<StoreSchema>, id: string): Promise<CatalogPackage | undefined> {
    const row = await tables.selectFrom('coin_packages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const prices = await tables.selectFrom('coin_package_prices').select(['currency', 'amount_minor']).where('package_id', '=', id).execute();
    return toCatalogPackage(row, prices);
  }

  function toCatalogPackage(row: Selectable<CoinPackageTable>, priceRows: readonly { currency: string; amount_minor: bigint }[]): CatalogPackage {
    const prices: Record<string, number> = {};
    for (const price of [...priceRows].sort((a, b) => a.currency.localeCompare(b.currency))) prices[price.currency] = safeNumber(price.amount_minor, 'amount_minor');
    return {
      id: row.id,
      channel: row.channel as SalesChannel,
      coins: safeNumber(row.coins, 'coins'),
      bonusCoins: safeNumber(row.bonus_coins, 'bonus_coins'),
      sortOrder: safeNumber(row.sort_order, 'sort_order'),
      enabled: row.enabled === 1n,
      prices,
      missingCurrencies: currencies.filter((currency) => prices[currency] === undefined),
      createdAt: row.created_at,
    };
  }

  async function getPackage(id: string): Promise<CatalogPackage> {
    const found = await loadPackage(kysely, id);
    if (!found) throw DomainError.notFound('package_not_found', `No coin package has the id ${JSON.stringify(id)}.`);
    return found;
  }

  function checkPrices(prices: Readonly<Record<string, number>>): Map<string, bigint> {
    const checked = new Map<string, bigint>();
    for (const [key, amount] of Object.entries(prices)) {
      const currency = key.toUpperCase();
      if (!currencies.includes(currency)) {
        throw DomainError.invalidField(`prices.${key}`, 'currency_not_offered', `The store does not sell in ${JSON.stringify(key)}; its currencies are ${currencies.join(', ')} (STORE_CURRENCIES).`);
      }
      if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_PRICE_MINOR) {
        throw DomainError.invalidField(
          `prices.${key}`,
          'invalid_amount',
          `A price is a whole number of ${currency} minor units (${minorUnitDigits(currency) === 0 ? `whole ${currency}` : `1/${10 ** minorUnitDigits(currency)} ${currency}`}) from 1 to ${formatCount(MAX_PRICE_MINOR)}, not ${amount}.`,
        );
      }
      checked.set(currency, BigInt(amount));
    }
    return checked;
  }

  return {
    async seedDefaults() {
      const existing = await kysely.selectFrom('coin_packages').select('id').limit(1).executeTakeFirst();
      if (existing) return { seeded: false };
      const createdAt = now().toISOString();
      await writeTransaction(db, async (trx) => {
        const tables = storeTables(trx);
        // Another instance starting at the same moment may seed too: every insert tolerates the other's rows.
        for (const [index, pkg] of DEFAULT_PACKAGES.entries()) {
          await tables
            .insertInto('coin_packages')
            .values({ id: pkg.id, channel: pkg.channel, coins: pkg.coins, bonus_coins: 0n, sort_order: BigInt(index), enabled: 1n, created_at: createdAt })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
          const prices = Object.entries(pkg.prices).filter(([currency]) => currencies.includes(currency));
          if (prices.length === 0) continue;
          await tables
            .insertInto('coin_package_prices')
            .values(prices.map(([currency, amount]) => ({ package_id: pkg.id, currency, amount_minor: amount })))
            .onConflict((oc) => oc.columns(['package_id', 'currency']).doNothing())
            .execute();
        }
        const promotion = DEFAULT_FIRST_PURCHASE_PROMOTION;
        await tables
          .insertInto('store_promotions')
          .values({
            id: promotion.id,
            kind: promotion.kind,
            bonus_percent: promotion.bonusPercent,
            starts_at: null,
            ends_at: null,
            regions: '',
            max_uses_per_user: promotion.maxUsesPerUser,
            enabled: 1n,
            created_at: createdAt,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      });
      return { seeded: true };
    },

    currencyForRegion: currencyFor,

    async listPackages(region, channel) {
      const currency = currencyFor(region);
      const rows = await kysely
        .selectFrom('coin_packages as p')
        .innerJoin('coin_package_prices as pr', 'pr.package_id', 'p.id')
        .select(['p.id', 'p.channel', 'p.coins', 'p.bonus_coins', 'pr.amount_minor'])
        .where('p.channel', '=', checkChannel(channel))
        .where('p.enabled', '=', 1n)
        .where('pr.currency', '=', currency)
        .orderBy('p.coins')
        .orderBy('p.sort_order')
        .orderBy('p.id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        channel: row.channel as SalesChannel,
        coins: safeNumber(row.coins, 'coins'),
        bonusCoins: safeNumber(row.bonus_coins, 'bonus_coins'),
        price: { amount: safeNumber(row.amount_minor, 'amount_minor'), currency },
      }));
    },

    async pricePackage(packageId, region, channel) {
      const currency = currencyFor(region);
      checkChannel(channel);
      const row = await kysely.selectFrom('coin_packages').selectAll().where('id', '=', packageId).executeTakeFirst();
      if (!row) throw DomainError.notFound('package_not_found', `No coin package has the id ${JSON.stringify(packageId)}.`);
      if (row.enabled !== 1n) throw DomainError.notFound('package_not_found', `The coin package ${packageId} is no longer on sale.`);
      if (row.channel !== channel) {
        throw DomainError.invalidField('packageId', 'package_not_offered', `The coin package ${packageId} is sold in the ${row.channel} channel, not the ${channel} channel.`);
      }
      const price = await kysely.selectFrom('coin_package_prices').select('amount_minor').where('package_id', '=', packageId).where('currency', '=', currency).executeTakeFirst();
      if (!price) throw DomainError.invalidField('packageId', 'package_not_offered', `The coin package ${packageId} has no price in ${currency}, the currency of region ${region.toUpperCase()}.`);
      return {
        id: row.id,
        channel,
        coins: safeNumber(row.coins, 'coins'),
        bonusCoins: safeNumber(row.bonus_coins, 'bonus_coins'),
        price: { amount: safeNumber(price.amount_minor, 'amount_minor'), currency },
      };
    },

    customPricing(region, channel) {
      const currency = currencyFor(region);
      const micros = config.customPricePerCoinMicros[currency];
      if (checkChannel(channel) !== 'web' || micros === undefined) return null;
      return { minCoins: config.customCoinsMin, maxCoins: config.customCoinsMax, pricePerCoinMicros: safeNumber(micros, 'pricePerCoinMicros'), currency };
    },

    priceCustom(coins, region) {
      const { customCoinsMin: min, customCoinsMax: max } = config;
      if (!Number.isSafeInteger(coins) || coins < min || coins > max) {
        throw DomainError.invalidField('customCoins', 'custom_amount_out_of_range', `A custom amount is a whole number of coins from ${formatCount(min)} to ${formatCount(max)}, not ${coins}.`);
      }
      const currency = currencyFor(region);
      const micros = config.customPricePerCoinMicros[currency];
      if (micros === undefined) throw DomainError.invalidField('customCoins', 'custom_amount_unavailable', `Custom amounts are not sold in ${currency}; choose a coin package.`);
      return { coins, price: { amount: safeNumber(customPriceMinor(BigInt(coins), micros, currency), 'price'), currency } };
    },

    async promotionBonus(input) {
      const coins = BigInt(input.coins);
      if (coins < 0n) throw new Error(`promotionBonus needs a number of coins of at least 0, got ${coins}`);
      const region = normalizeRegion(input.region);
      const at = now();
      const rows = await kysely.selectFrom('store_promotions').selectAll().where('enabled', '=', 1n).orderBy('id').execute();
      const promotions: AppliedPromotion[] = [];
      for (const row of rows) {
        if (!isActive(row, at)) continue;
        const regions = regionsOf(row);
        if (regions.length > 0 && !regions.includes(region)) continue;
        const kind = row.kind as PromotionKind;
        if (!PROMOTION_KINDS.includes(kind)) continue;
        if (kind === 'first_purchase' && !input.isFirstPurchase) continue;
        const used = input.usesByPromotion[row.id] ?? 0;
        if (row.max_uses_per_user !== null && BigInt(used) >= row.max_uses_per_user) continue;
        const bonusCoins = bonusCoinsFor(coins, row.bonus_percent);
        if (bonusCoins === 0n) continue;
        const usesPerUser = kind === 'first_purchase' ? 1 : row.max_uses_per_user === null ? null : safeNumber(row.max_uses_per_user, 'max_uses_per_user');
        promotions.push({ id: row.id, kind, bonusPercent: safeNumber(row.bonus_percent, 'bonus_percent'), bonusCoins, usesPerUser });
      }
      return { bonusCoins: promotions.reduce((sum, p) => sum + p.bonusCoins, 0n), promotions };
    },

    async listAllPackages() {
      const rows = await kysely.selectFrom('coin_packages').selectAll().orderBy('channel').orderBy('coins').orderBy('sort_order').orderBy('id').execute();
      const prices = await kysely.selectFrom('coin_package_prices').selectAll().execute();
      const byPackage = new Map<string, { currency: string; amount_minor: bigint }[]>();
      for (const price of prices) {
        const list = byPackage.get(price.package_id) ?? [];
        list.push(price);
        byPackage.set(price.package_id, list);
      }
      return rows.map((row) => toCatalogPackage(row, byPackage.get(row.id) ?? []));
    },

    getPackage,

    async upsertPackage(input) {
      const id = checkId(input.id, 'package');
      const channel = input.channel === undefined ? undefined : checkChannel(input.channel);
      const coins = input.coins === undefined ? undefined : checkInteger(input.coins, 'coins', 1, MAX_PACKAGE_COINS, 'coins');
      const bonusCoins = input.bonusCoins === undefined ? undefined : checkInteger(input.bonusCoins, 'bonusCoins', 0, MAX_PACKAGE_COINS, 'bonusCoins');
      const sortOrder = input.sortOrder === undefined ? undefined : checkInteger(input.sortOrder, 'sortOrder', -MAX_SORT_ORDER, MAX_SORT_ORDER, 'sortOrder');
      const enabled = input.enabled === undefined ? undefined : input.enabled ? 1n : 0n;
      const prices = checkPrices(input.prices ?? {});

      const created = await writeTransaction(db, async (trx) => {
        const tables = storeTables(trx);
        const existing = await tables.selectFrom('coin_packages').selectAll().where('id', '=', id).executeTakeFirst();
        if (existing) {
          if (channel !== undefined && channel !== existing.channel) {
            throw DomainError.invalidField(
              'channel',
              'channel_immutable',
              `The coin package ${id} is sold in the ${existing.channel} channel; a package's channel cannot change. Create another package instead.`,
            );
          }
          const changes = { coins, bonus_coins: bonusCoins, sort_order: sortOrder, enabled };
          if (Object.values(changes).some((value) => value !== undefined)) await tables.updateTable('coin_packages').set(changes).where('id', '=', id).execute();
        } else {
          if (channel === undefined) throw DomainError.invalidField('channel', 'missing_field', 'A new coin package needs its channel: web or app.');
          if (coins === undefined) throw DomainError.invalidField('coins', 'missing_field', 'A new coin package needs its number of coins.');
          const missing = currencies.filter((currency) => !prices.has(currency));
          if (missing.length > 0) {
            throw DomainError.invalidField('prices', 'prices_incomplete', `A new coin package needs a price in every store currency; missing ${missing.join(', ')}.`);
          }
          const inserted = await tables
            .insertInto('coin_packages')
            .values({ id, channel, coins, bonus_coins: bonusCoins ?? 0n, sort_order: sortOrder ?? 0n, enabled: enabled ?? 1n, created_at: now().toISOString() })
            .onConflict((oc) => oc.column('id').doNothing())
            .executeTakeFirst();
          if (inserted.numInsertedOrUpdatedRows === 0n) throw DomainError.conflict('concurrent_update', `The coin package ${id} was created by another request at the same moment; retry.`);
        }
        for (const [currency, amount] of prices) {
          await tables
            .insertInto('coin_package_prices')
            .values({ package_id: id, currency, amount_minor: amount })
            .onConflict((oc) => oc.columns(['package_id', 'currency']).doUpdateSet({ amount_minor: amount }))
            .execute();
        }
        return !existing;
      });
      return { package: await getPackage(id), created };
    },

    async setPackageEnabled(id, enabled) {
      const result = await kysely
        .updateTable('coin_packages')
        .set({ enabled: enabled ? 1n : 0n })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw DomainError.notFound('package_not_found', `No coin package has the id ${JSON.stringify(id)}.`);
      return getPackage(id);
    },

    async listPromotions() {
      const rows = await kysely.selectFrom('store_promotions').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toPromotion);
    },

    async upsertPromotion(input) {
      const id = checkId(input.id, 'promotion');
      if (input.kind !== undefined && !(PROMOTION_KINDS as readonly string[]).includes(input.kind)) {
        throw DomainError.invalidField('kind', 'invalid_kind', `A promotion's kind is first_purchase or seasonal, not ${JSON.stringify(input.kind)}.`);
      }
      const bonusPercent = input.bonusPercent === undefined ? undefined : checkInteger(input.bonusPercent, 'bonusPercent', 1, MAX_PROMOTION_PERCENT, 'bonusPercent');
      const startsAt = input.startsAt === undefined || input.startsAt === null ? input.startsAt : parseInstant(input.startsAt, 'startsAt');
      const endsAt = input.endsAt === undefined || input.endsAt === null ? input.endsAt : parseInstant(input.endsAt, 'endsAt');
      const regions = input.regions === undefined ? undefined : [...new Set(input.regions.map((region) => normalizeRegion(region, 'regions')))].sort().join(',');
      const maxUses =
        input.maxUsesPerUser === undefined || input.maxUsesPerUser === null ? input.maxUsesPerUser : checkInteger(input.maxUsesPerUser, 'maxUsesPerUser', 1, MAX_USES_PER_USER, 'maxUsesPerUser');
      const enabled = input.enabled === undefined ? undefined : input.enabled ? 1n : 0n;

      const created = await writeTransaction(db, async (trx) => {
        const tables = storeTables(trx);
        const existing = await tables.selectFrom('store_promotions').selectAll().where('id', '=', id).executeTakeFirst();
        if (existing && input.kind !== undefined && input.kind !== existing.kind) {
          throw DomainError.invalidField('kind', 'kind_immutable', `The promotion ${id} is a ${existing.kind} promotion; a promotion's kind cannot change. Create another promotion instead.`);
        }
        if (!existing && input.kind === undefined) throw DomainError.invalidField('kind', 'missing_field', 'A new promotion needs its kind: first_purchase or seasonal.');
        if (!existing && bonusPercent === undefined) throw DomainError.invalidField('bonusPercent', 'missing_field', 'A new promotion needs its bonusPercent, from 1 to 500.');

        // The promotion as it will be, so the rules below see omitted fields at their current values.
        const kind = existing?.kind ?? input.kind!;
        const finalStartsAt = startsAt === undefined ? (existing?.starts_at ?? null) : startsAt;
        const finalEndsAt = endsAt === undefined ? (existing?.ends_at ?? null) : endsAt;
        if (kind === 'seasonal' && (finalStartsAt === null || finalEndsAt === null)) {
          throw DomainError.invalidField(finalStartsAt === null ? 'startsAt' : 'endsAt', 'missing_field', 'A seasonal promotion needs both startsAt and endsAt.');
        }
        if (finalStartsAt !== null && finalEndsAt !== null && Date.parse(finalEndsAt) <= Date.parse(finalStartsAt)) {
          throw DomainError.invalidField('endsAt', 'ends_before_start', `endsAt (${finalEndsAt}) must be after startsAt (${finalStartsAt}).`);
        }

        if (existing) {
          const changes = { bonus_percent: bonusPercent, starts_at: startsAt, ends_at: endsAt, regions, max_uses_per_user: maxUses, enabled };
          if (Object.values(changes).some((value) => value !== undefined)) await tables.updateTable('store_promotions').set(changes).where('id', '=', id).execute();
          return false;
        }
        const inserted = await tables
          .insertInto('store_promotions')
          .values({
            id,
            kind,
            bonus_percent: bonusPercent!,
            starts_at: finalStartsAt,
            ends_at: finalEndsAt,
            regions: regions ?? '',
            max_uses_per_user: maxUses ?? null,
            enabled: enabled ?? 1n,
            created_at: now().toISOString(),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (inserted.numInsertedOrUpdatedRows === 0n) throw DomainError.conflict('concurrent_update', `The promotion ${id} was created by another request at the same moment; retry.`);
        return true;
      });
      const row = await kysely.selectFrom('store_promotions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { promotion: toPromotion(row), created };
    },
  };
}

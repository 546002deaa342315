import { sql, type RawBuilder } from 'kysely';
import { bigintSum, type Database } from '../db/index.js';
import { CONTENT_UNLOCK_KIND } from '../content/index.js';
import { PAYMENT_KINDS } from '../gifts/index.js';
import { csvOf } from '../shared/csv.js';
import { journalWithHolds, transferIdOf, userDiamondWalletId } from '../ledger/index.js';
import { SUBSCRIPTION_PAYMENT_KIND } from '../subscriptions/index.js';
import { cursorOf, describeTransaction, quantity, referenceOf, seqOfCursor, transferKind } from '../wallet/index.js';

/** One month of a creator's diamond wallet. Every amount is whole diamonds; the movements are posted ones only. */
export interface MonthlyStatement {
  /** YYYY-MM, in UTC. */
  month: string;
  openingDiamonds: bigint;
  /** Gifts, paid messages, cheers, subscriptions and paid content: the sum of the four below. */
  earnedDiamonds: bigint;
  /** Gifts, paid messages and cheers. */
  giftDiamonds: bigint;
  subscriptionDiamonds: bigint;
  /** subscriptionDiamonds by the tier level each payment was for, lowest first. */
  subscriptionsByTier: { tierLevel: number; diamonds: bigint }[];
  /** Viewers' unlocks of locked posts and videos. */
  paidContentDiamonds: bigint;
  /** Payouts paid, less payouts returned. */
  paidOutDiamonds: bigint;
  /** Taken back after payers' purchases were charged back. */
  clawedBackDiamonds: bigint;
  /** Everything else, signed: reversals, diamonds forfeited at account closure, corrections. */
  otherDiamonds: bigint;
  /** opening + earned − paidOut − clawedBack + other. */
  closingDiamonds: bigint;
}

/** One posted movement of the wallet, with the balance it left. */
export interface StatementEntry {
  transferId: string;
  at: string;
  kind: string;
  description: string;
  diamondsIn: bigint;
  diamondsOut: bigint;
  balanceAfter: bigint;
  /** For a subscription payment: the tier level it paid for; null otherwise. */
  tierLevel: number | null;
}

export interface StatementPage {
  statement: MonthlyStatement;
  /** Oldest first. */
  entries: StatementEntry[];
  /** Pass as `cursor` for the next entries; null on the last page. */
  nextCursor: string | null;
}

type Category = 'gifts' | 'subscriptions' | 'paidContent' | 'paidOut' | 'clawedBack' | 'other';

const CATEGORY_OF_KIND: Readonly<Record<string, Category>> = {
  ...Object.fromEntries(PAYMENT_KINDS.map((kind) => [kind, 'gifts' as const])),
  [SUBSCRIPTION_PAYMENT_KIND]: 'subscriptions',
  [CONTENT_UNLOCK_KIND]: 'paidContent',
  // A payout's hold moves the diamonds when it is posted (payout_paid); a returned payout is reversed (payout_return).
  payout_hold: 'paidOut',
  payout_paid: 'paidOut',
  payout_return: 'paidOut',
  gift_clawback: 'clawedBack',
};

const CSV_COLUMNS = ['date', 'kind', 'description', 'diamondsIn', 'diamondsOut', 'balanceAfter', 'transferId', 'tierLevel'];

/** A CSV document (RFC 4180) of statement entries: a header row, then one row per ledger entry; tierLevel is empty but for subscriptions. */
export function statementCsv(entries: readonly StatementEntry[]): string {
  return csvOf([
    CSV_COLUMNS,
    ...entries.map((entry) => [
      entry.at,
      entry.kind,
      entry.description,
      String(entry.diamondsIn),
      String(entry.diamondsOut),
      String(entry.balanceAfter),
      entry.transferId,
      entry.tierLevel === null ? '' : String(entry.tierLevel),
    ]),
  ]);
}

/** The tier level a subscription payment's transfer names in its metadata; null for every other kind. */
function tierLevelOf(kind: string, tier: unknown): number | null {
  if (kind !== SUBSCRIPTION_PAYMENT_KIND || tier === null || tier === undefined) return null;
  const level = Number(tier);
  return Number.isSafeInteger(level) ? level : null;
}

/** A statement of a month without movements yet, opening (and closing) at `opening`. */
function emptyStatement(month: string, opening: bigint): MonthlyStatement {
  return {
    month,
    openingDiamonds: opening,
    earnedDiamonds: 0n,
    giftDiamonds: 0n,
    subscriptionDiamonds: 0n,
    subscriptionsByTier: [],
    paidContentDiamonds: 0n,
    paidOutDiamonds: 0n,
    clawedBackDiamonds: 0n,
    otherDiamonds: 0n,
    closingDiamonds: opening,
  };
}

/** First instant of a YYYY-MM month and of the next one, as ledger created_at text. */
function monthBounds(month: string): { start: string; end: string } {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return { start: new Date(Date.UTC(year, monthNumber - 1, 1)).toISOString(), end: new Date(Date.UTC(year, monthNumber, 1)).toISOString() };
}

/**
 * Monthly statements of a creator's diamond wallet, read from the ledger
 * journal: the record of what actually moved, payouts and clawbacks
 * included. A pending hold is no movement; its post (which repeats the
 * hold's legs) is, in the month it was posted.
 */
export interface Statements {
  /** A statement for every month with a movement, newest first. */
  list(creatorId: string): Promise<MonthlyStatement[]>;
  /** One month: its statement (zero movements in a month without any) and its entries, `limit` at a time. */
  month(creatorId: string, statementMonth: string, page: { limit: number; cursor?: string }): Promise<StatementPage>;
  /** Diamonds earned (net, as `earnedDiamonds` counts them) from `from` to `to` (exclusive), split by the value periods of `rates`, oldest first. */
  earnedByRate(creatorId: string, period: { from: string; to: string }, rates: readonly { effectiveFrom: string | null; effectiveUntil: string | null }[]): Promise<bigint[]>;
}

export function createStatements(db: Database): Statements {
  const kysely = db.kysely;
  /** The movement's kind: its own, or, for a post that names none, the hold's. */
  const kind: RawBuilder<string> = sql<string>`CASE WHEN t.type = 'post_pending' AND ${transferKind(db.engine, 't')} = 'transfer' THEN ${transferKind(db.engine, 'h')} ELSE ${transferKind(db.engine, 't')} END`;
  const month = sql<string>`substr(${sql.ref('t.created_at')}, 1, 7)`;
  /**
   * A subscription payment's tier, from its transfer's metadata (the journal says what was paid for, as it says the kind).
   * Literals, not parameters: PostgreSQL matches a grouped expression to the selected one only when they are the same text.
   */
  const tierField = db.engine === 'sqlite' ? sql`json_extract(${sql.ref('t.metadata')}, '$.tierLevel')` : sql`(${sql.ref('t.metadata')}::json ->> 'tierLevel')`;
  const tier = sql<string | number | null>`CASE WHEN ${transferKind(db.engine, 't')} = ${sql.lit(SUBSCRIPTION_PAYMENT_KIND)} THEN ${tierField} END`;

  /** The wallet's posted movements. */
  const movements = (creatorId: string) => journalWithHolds(kysely, userDiamondWalletId(creatorId)).where('t.type', '!=', 'pending');

  const sum = bigintSum('e.amount');

  /** Statements from net movements by month, kind and tier, oldest month first, each opening where the last closed. */
  function statementsOf(rows: readonly { month: string; kind: string; tier: string | number | null; net: bigint }[], opening: bigint): MonthlyStatement[] {
    const statements: MonthlyStatement[] = [];
    for (const row of rows) {
      let statement = statements[statements.length - 1];
      if (statement?.month !== row.month) {
        statement = emptyStatement(row.month, statement?.closingDiamonds ?? opening);
        statements.push(statement);
      }
      const category = CATEGORY_OF_KIND[row.kind] ?? 'other';
      if (category === 'gifts' || category === 'subscriptions' || category === 'paidContent') statement.earnedDiamonds += row.net;
      if (category === 'gifts') statement.giftDiamonds += row.net;
      else if (category === 'paidContent') statement.paidContentDiamonds += row.net;
      else if (category === 'subscriptions') {
        statement.subscriptionDiamonds += row.net;
        const tierLevel = tierLevelOf(row.kind, row.tier) ?? 0;
        const byTier = statement.subscriptionsByTier.find((entry) => entry.tierLevel === tierLevel);
        if (byTier) byTier.diamonds += row.net;
        else statement.subscriptionsByTier = [...statement.subscriptionsByTier, { tierLevel, diamonds: row.net }].sort((a, b) => a.tierLevel - b.tierLevel);
      } else if (category === 'paidOut') statement.paidOutDiamonds -= row.net;
      else if (category === 'clawedBack') statement.clawedBackDiamonds -= row.net;
      else statement.otherDiamonds += row.net;
      statement.closingDiamonds += row.net;
    }
    return statements;
  }

  async function netByMonthAndKind(creatorId: string, bounds?: { start: string; end: string }) {
    let query = movements(creatorId).select([month.as('month'), kind.as('kind'), tier.as('tier'), sum.as('net')]);
    if (bounds) query = query.where('t.created_at', '>=', bounds.start).where('t.created_at', '<', bounds.end);
    return query.groupBy([month, kind, tier]).orderBy('month').execute();
  }

  /** The balance from movements before `start`, plus those of the month up to and including `throughSeq`. */
  async function balanceBefore(creatorId: string, start: string, through?: { end: string; seq: bigint }): Promise<bigint> {
    const row = await movements(creatorId)
      .select(sum.as('balance'))
      .where((eb) => {
        const earlier = eb('t.created_at', '<', start);
        return through === undefined ? earlier : eb.or([earlier, eb.and([eb('t.created_at', '<', through.end), eb('e.transfer_seq', '<=', through.seq)])]);
      })
      .executeTakeFirstOrThrow();
    return row.balance;
  }

  const earningKinds = Object.entries(CATEGORY_OF_KIND)
    .filter(([, category]) => category === 'gifts' || category === 'subscriptions' || category === 'paidContent')
    .map(([earning]) => earning);

  return {
    async earnedByRate(creatorId, period, rates) {
      const byRate = rates.map((rate, index) => {
        const inRate = [rate.effectiveFrom === null ? sql`1 = 1` : sql`t.created_at >= ${rate.effectiveFrom}`, rate.effectiveUntil === null ? sql`1 = 1` : sql`t.created_at < ${rate.effectiveUntil}`];
        return sql<bigint>`cast(coalesce(sum(case when ${sql.join(inRate, sql` and `)} then e.amount else 0 end), 0) as bigint)`.as(`earned_${index}`);
      });
      if (byRate.length === 0) return [];
      const row = (await movements(creatorId)
        .select(byRate)
        .where(kind, 'in', earningKinds)
        .where('t.created_at', '>=', period.from)
        .where('t.created_at', '<', period.to)
        .executeTakeFirstOrThrow()) as Record<string, bigint>;
      return rates.map((_, index) => BigInt(row[`earned_${index}`]!));
    },

    /** A statement for every month with a movement, newest first. */
    async list(creatorId: string): Promise<MonthlyStatement[]> {
      return statementsOf(await netByMonthAndKind(creatorId), 0n).reverse();
    },

    /** One month: its statement (zero movements in a month without any) and its entries, `limit` at a time. */
    async month(creatorId: string, statementMonth: string, page: { limit: number; cursor?: string }): Promise<StatementPage> {
      const bounds = monthBounds(statementMonth);
      const afterSeq = page.cursor === undefined ? undefined : seqOfCursor(page.cursor);
      const [opening, nets, rows] = await Promise.all([
        balanceBefore(creatorId, bounds.start),
        netByMonthAndKind(creatorId, bounds),
        movements(creatorId)
          .select(['e.transfer_seq', 'e.amount', 't.created_at', 't.reverses_seq', 't.metadata', kind.as('kind')])
          .where('t.created_at', '>=', bounds.start)
          .where('t.created_at', '<', bounds.end)
          .$if(afterSeq !== undefined, (query) => query.where('e.transfer_seq', '>', afterSeq!))
          .orderBy('e.transfer_seq')
          .limit(page.limit + 1)
          .execute(),
      ]);
      const statement = statementsOf(nets, opening)[0] ?? emptyStatement(statementMonth, opening);
      let balance = afterSeq === undefined ? opening : await balanceBefore(creatorId, bounds.start, { end: bounds.end, seq: afterSeq });
      const shown = rows.slice(0, page.limit);
      return {
        statement,
        entries: shown.map((row) => {
          balance += row.amount;
          const direction = row.amount < 0n ? 'debit' : 'credit';
          const moved = row.amount < 0n ? -row.amount : row.amount;
          const tierLevel = tierLevelOf(row.kind, (JSON.parse(row.metadata) as Record<string, unknown>).tierLevel);
          const description = describeTransaction(row.kind, direction, quantity(moved, 'diamonds'), referenceOf(row.metadata, row.reverses_seq));
          return {
            transferId: transferIdOf(row.transfer_seq),
            at: row.created_at,
            kind: row.kind,
            description: tierLevel === null ? description : `${description} (tier ${tierLevel})`,
            diamondsIn: direction === 'credit' ? moved : 0n,
            diamondsOut: direction === 'debit' ? moved : 0n,
            balanceAfter: balance,
            tierLevel,
          };
        }),
        nextCursor: rows.length > page.limit ? cursorOf(shown[shown.length - 1]!.transfer_seq) : null,
      };
    },
  };
}

import type { Static } from 'typebox';
import { writeTransaction, type Database } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { PLATFORM_PAYEE, type SubscribeInput, type Subscriptions } from './subscriptions.js';
import type { SubscriptionTiers } from './tiers.js';
import type { EntitlementsSchema, PremiumPlanInputSchema, PremiumPlanSchema } from './views.js';

export type PremiumPlan = Static<typeof PremiumPlanSchema>;
export type PremiumPlanInput = Static<typeof PremiumPlanInputSchema>;
export type Entitlements = Static<typeof EntitlementsSchema>;

/** The premium plan is the platform's one tier. */
const PREMIUM_LEVEL = 1;
const MAX_BADGE_CHARS = 8;

/**
 * The platform's own membership, in the shape of Telegram Premium: sold by the operator, paid in coins with
 * the renewal, grace, cancel and streak rules of creator subscriptions (it is one, to the platform, with no
 * creator's diamonds), and perks the operator sets: a bonus on every coin purchase, a badge, and an ad-free
 * flag that the entitlements answer tells the operator's app.
 */
export interface Premium {
  /** The plan as offered; undefined when the operator never set one up. */
  plan(): Promise<PremiumPlan | undefined>;
  /** Sets the plan up or changes it; closing it stops new members, and current ones renew at their price. */
  setPlan(input: PremiumPlanInput): Promise<PremiumPlan>;
  /** Joins the plan, paying the first month in coins. */
  join(input: Omit<SubscribeInput, 'creatorId' | 'level'>): ReturnType<Subscriptions['subscribe']>;
  /** What the user's account gives them now, for the operator's app. */
  entitlements(userId: string): Promise<Entitlements>;
  /** The bonus, in percent, a member gets on coins they buy; 0 for others. */
  purchaseBonusPercentOf(userId: string): Promise<number>;
}

export function createPremium(deps: { db: Database; tiers: SubscriptionTiers; subscriptions: Subscriptions; now: () => Date }): Premium {
  const { db, tiers, subscriptions, now } = deps;
  const kysely = db.kysely;

  async function plan(): Promise<PremiumPlan | undefined> {
    const perks = await kysely.selectFrom('premium_plan').selectAll().executeTakeFirst();
    const tier = (await tiers.tiersOf(PLATFORM_PAYEE)).find((candidate) => candidate.level === PREMIUM_LEVEL);
    if (!perks || !tier) return undefined;
    return {
      name: tier.name,
      priceCoins: tier.priceCoins,
      perks: tier.perks,
      open: tier.open,
      purchaseBonusPercent: Number(perks.purchase_bonus_percent),
      adFree: perks.ad_free === 1n,
      badge: perks.badge,
      updatedAt: perks.updated_at,
    };
  }

  async function membership(userId: string) {
    const access = await subscriptions.accessOf(userId, PLATFORM_PAYEE);
    if (!access) return undefined;
    const mine = await subscriptions.mine(userId);
    return { access, subscription: mine.find((subscription) => subscription.creatorId === PLATFORM_PAYEE)! };
  }

  return {
    plan,

    async setPlan(input) {
      const badge = input.badge.trim();
      if (badge.length === 0 || [...badge].length > MAX_BADGE_CHARS) throw DomainError.invalidField('badge', 'invalid_badge', `A badge is 1 to ${MAX_BADGE_CHARS} characters, such as ⭐.`);
      if (!Number.isSafeInteger(input.purchaseBonusPercent) || input.purchaseBonusPercent < 0 || input.purchaseBonusPercent > 100) {
        throw DomainError.invalidField('purchaseBonusPercent', 'invalid_bonus', 'The purchase bonus is a whole percent from 0 to 100.');
      }
      // The tier first: it checks the name, price and perks; a plan left closed keeps its tier for its members' renewals.
      await tiers.setTiers(PLATFORM_PAYEE, input.open ? [{ level: PREMIUM_LEVEL, name: input.name, priceCoins: input.priceCoins, perks: input.perks }] : []);
      const values = { purchase_bonus_percent: BigInt(input.purchaseBonusPercent), ad_free: input.adFree ? 1n : 0n, badge, updated_at: now().toISOString() };
      await writeTransaction(db, async (trx) => {
        await trx
          .insertInto('premium_plan')
          .values({ id: 'premium', ...values })
          .onConflict((oc) => oc.column('id').doUpdateSet(values))
          .execute();
      });
      const set = await plan();
      if (!set) throw DomainError.conflict('premium_not_offered', 'Open the plan once (open: true) to give it a name and price before closing it.');
      return set;
    },

    async join(input) {
      if (!(await plan())) throw DomainError.notFound('premium_not_offered', 'This platform offers no premium plan.');
      return subscriptions.subscribe({ ...input, creatorId: PLATFORM_PAYEE, level: PREMIUM_LEVEL });
    },

    async entitlements(userId) {
      const [offered, member] = await Promise.all([plan(), membership(userId)]);
      const active = offered !== undefined && member !== undefined;
      return {
        premium: {
          active,
          subscriptionId: member?.subscription.id ?? null,
          until: active ? (member.subscription.currentPeriodEnd ?? null) : null,
          renews: active ? member.subscription.renewsAt !== null : false,
          adFree: active && offered.adFree,
          badge: active ? offered.badge : null,
          purchaseBonusPercent: active ? offered.purchaseBonusPercent : 0,
        },
      };
    },

    async purchaseBonusPercentOf(userId) {
      const offered = await plan();
      if (!offered || offered.purchaseBonusPercent === 0) return 0;
      return (await subscriptions.accessOf(userId, PLATFORM_PAYEE)) ? offered.purchaseBonusPercent : 0;
    },
  };
}

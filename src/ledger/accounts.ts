import { COIN, DIAMOND } from './assets.js';
import type { AccountSpec } from './types.js';

/** The platform's own accounts. Issuance accounts are where value enters, so they run negative. */
const PLATFORM_ACCOUNTS = {
  coinIssuance: { name: 'coin_issuance', mayGoNegative: true },
  promotions: { name: 'promotions', mayGoNegative: true },
  giftSink: { name: 'gift_sink', mayGoNegative: false },
  diamondIssuance: { name: 'diamond_issuance', mayGoNegative: true },
  paymentClearing: { name: 'payment_clearing', mayGoNegative: true },
  storeFees: { name: 'store_fees', mayGoNegative: true },
  payoutClearing: { name: 'payout_clearing', mayGoNegative: true },
  revenue: { name: 'revenue', mayGoNegative: true },
  /** Tax collected on sales and owed to tax authorities; refunds and chargebacks take theirs back. */
  taxPayable: { name: 'tax_payable', mayGoNegative: true },
  /** Currency bought for payouts in another currency: the source currency in, the target currency out, per currency. */
  fxClearing: { name: 'fx_clearing', mayGoNegative: true },
  /** Coins and diamonds left in accounts that were closed: the user gave them up. */
  forfeits: { name: 'forfeits', mayGoNegative: false },
} as const;

export type PlatformAccountName = (typeof PLATFORM_ACCOUNTS)[keyof typeof PLATFORM_ACCOUNTS]['name'];

export function platformAccountId(name: PlatformAccountName, asset: string): string {
  return `platform:${name}:${asset}`;
}

export function userCoinWalletId(userId: string): string {
  return `user:${userId}:coin`;
}

export function userDiamondWalletId(userId: string): string {
  return `user:${userId}:diamond`;
}

/** A user's two wallets: coins they buy and spend, diamonds they earn. Neither may go below zero. */
export function userWalletSpecs(userId: string): AccountSpec[] {
  return [
    { id: userCoinWalletId(userId), asset: COIN, kind: 'user_coin', ownerId: userId, mayGoNegative: false },
    { id: userDiamondWalletId(userId), asset: DIAMOND, kind: 'user_diamond', ownerId: userId, mayGoNegative: false },
  ];
}

/** Platform accounts for coins, diamonds and each fiat currency the store sells in. */
export function platformAccountSpecs(currencies: readonly string[]): AccountSpec[] {
  const specs: AccountSpec[] = [];
  const add = (account: { name: PlatformAccountName; mayGoNegative: boolean }, asset: string) =>
    specs.push({ id: platformAccountId(account.name, asset), asset, kind: 'platform', ownerId: null, mayGoNegative: account.mayGoNegative });
  add(PLATFORM_ACCOUNTS.coinIssuance, COIN);
  add(PLATFORM_ACCOUNTS.promotions, COIN);
  add(PLATFORM_ACCOUNTS.giftSink, COIN);
  add(PLATFORM_ACCOUNTS.diamondIssuance, DIAMOND);
  add(PLATFORM_ACCOUNTS.forfeits, COIN);
  add(PLATFORM_ACCOUNTS.forfeits, DIAMOND);
  for (const currency of currencies) {
    add(PLATFORM_ACCOUNTS.paymentClearing, currency);
    add(PLATFORM_ACCOUNTS.storeFees, currency);
    add(PLATFORM_ACCOUNTS.payoutClearing, currency);
    add(PLATFORM_ACCOUNTS.revenue, currency);
    add(PLATFORM_ACCOUNTS.taxPayable, currency);
  }
  return specs;
}

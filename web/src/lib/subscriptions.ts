/** Subscriptions in words: what the wallet, the room, the studio and the admin console say of one. */
import { formatCoins, formatDate, formatNumber } from './format';
import type { Subscription } from './types';

/** The platform's premium plan is a subscription whose creatorId is `platform` (docs/subscriptions.md): it has no handle and one tier. */
export function isPremium(subscription: Subscription): boolean {
  return subscription.creatorId === 'platform';
}

/** "100 coins a month". */
export function formatMonthly(coins: number): string {
  return `${formatCoins(coins)} a month`;
}

/** "1 month", "12 months". */
export function formatMonths(months: number): string {
  return `${formatNumber(months)} ${months === 1 ? 'month' : 'months'}`;
}

/** A subscription's state: a short label with its badge tone, and the sentence that says what happens next. */
export function subscriptionState(subscription: Subscription): { label: string; tone: 'ok' | 'wait' | 'bad' | ''; detail: string } {
  const { status, cancelAtPeriodEnd, currentPeriodEnd, renewsAt, graceEndsAt, endedAt, endedReason, nextTier } = subscription;
  if (status === 'past_due') return { label: 'Payment due', tone: 'bad', detail: `Payment due — renew by ${graceEndsAt ? formatDate(graceEndsAt) : 'soon'} to keep it.` };
  if (status === 'ended') {
    const why = endedReason === 'payment_failed' ? ' The renewal was not paid.' : endedReason === 'closed_by_admin' ? ' The operators ended it.' : '';
    return { label: 'Ended', tone: '', detail: `${endedAt ? `Ended on ${formatDate(endedAt)}.` : 'Ended.'}${why}` };
  }
  if (status === 'new') return { label: 'Not paid yet', tone: 'wait', detail: 'The first month has not been paid.' };
  if (cancelAtPeriodEnd) return { label: 'Cancelled', tone: 'wait', detail: currentPeriodEnd ? `Ends on ${formatDate(currentPeriodEnd)}. Nothing more is charged.` : 'Ends at the end of this month.' };
  const renews = renewsAt ? `Renews on ${formatDate(renewsAt)}` : 'Renews monthly';
  const move = nextTier ? ` as ${nextTier.name} for ${formatMonthly(nextTier.priceCoins)}` : ` for ${formatCoins(subscription.priceCoins)}`;
  return { label: 'Active', tone: 'ok', detail: `${renews}${move}.` };
}

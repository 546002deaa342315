/** Saved cards in words: what the wallet, the subscribe sheet, the premium page and My subscriptions say of one (docs/payments.md). */
import { api, call } from './api';
import type { SavedCard, Subscription } from './types';

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club', unionpay: 'UnionPay' };

/** "Visa •••• 4242", or "Card •••• 4242" when the provider names no brand. */
export function cardLabel(card: Pick<SavedCard, 'brand' | 'last4'>): string {
  const brand = card.brand ? (BRANDS[card.brand.toLowerCase()] ?? card.brand.charAt(0).toUpperCase() + card.brand.slice(1)) : 'Card';
  return `${brand} •••• ${card.last4}`;
}

/** "card •••• 4242" for a sentence; "a saved card" while the cards load, "a card you removed" once it is not among them. */
export function cardInSentence(cards: SavedCard[] | undefined, cardId: string): string {
  const card = cards?.find((saved) => saved.id === cardId);
  return card ? `card •••• ${card.last4}` : cards ? 'a card you removed' : 'a saved card';
}

/** The signed-in user's saved cards, newest first. */
export async function loadCards(): Promise<SavedCard[]> {
  return (await call(api.GET('/api/v1/me/cards'))).cards;
}

/** Failures a card payment leaves on a subscription (lastFailure), in words. */
const CARD_FAILURES: Record<string, string> = {
  card_declined: 'The card was declined.',
  insufficient_funds: 'The card was declined: not enough funds.',
  authentication_failed: 'The bank wants you to confirm this payment yourself, so the card could not be charged.',
  card_not_found: 'The card was removed.',
  budget_exceeded: 'Buying the coins would go over your budget.',
  purchase_limit_reached: 'You reached your purchase limit for now.',
};

/** Why a past-due subscription paid by card was not renewed, or undefined when the card is not to blame. */
export function cardFailure(subscription: Subscription): string | undefined {
  if (subscription.status !== 'past_due' || !subscription.lastFailure) return undefined;
  return CARD_FAILURES[subscription.lastFailure];
}

/** Codes of refusals that come from paying by card: the card, the budget or the purchase limits. */
export function isCardRefusal(code: string | undefined): boolean {
  return code !== undefined && code in CARD_FAILURES;
}

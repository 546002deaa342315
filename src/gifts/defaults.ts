import type { GiftTier } from './catalog.js';

/** A gift a new catalog starts with (seedDefaults). Prices are in coins, for one gift. */
export interface DefaultGift {
  id: string;
  name: string;
  coins: bigint;
  tier: GiftTier;
  streakable: boolean;
  icon: string;
}

/**
 * Cheap gifts are streakable, so a viewer tapping a rose ten times makes one
 * combo; the large ones play alone. Listed cheapest first: the index is the sort order.
 */
export const DEFAULT_GIFTS: readonly DefaultGift[] = [
  { id: 'gift_rose', name: 'Rose', coins: 1n, tier: 'small', streakable: true, icon: '🌹' },
  { id: 'gift_finger_heart', name: 'Finger Heart', coins: 5n, tier: 'small', streakable: true, icon: '🫰' },
  { id: 'gift_perfume', name: 'Perfume', coins: 20n, tier: 'small', streakable: false, icon: '🧴' },
  { id: 'gift_doughnut', name: 'Doughnut', coins: 30n, tier: 'small', streakable: true, icon: '🍩' },
  { id: 'gift_confetti', name: 'Confetti', coins: 100n, tier: 'medium', streakable: false, icon: '🎊' },
  { id: 'gift_money_gun', name: 'Money Gun', coins: 500n, tier: 'medium', streakable: false, icon: '💸' },
  { id: 'gift_galaxy', name: 'Galaxy', coins: 1_000n, tier: 'large', streakable: false, icon: '🌌' },
  { id: 'gift_interstellar', name: 'Interstellar', coins: 10_000n, tier: 'large', streakable: false, icon: '🚀' },
  { id: 'gift_lion', name: 'Lion', coins: 29_999n, tier: 'fullscreen', streakable: false, icon: '🦁' },
  { id: 'gift_universe', name: 'Universe', coins: 44_999n, tier: 'fullscreen', streakable: false, icon: '🪐' },
];

import { declareSettings, InvalidValue, settingsIn, type Env } from '../config/index.js';

/** The highest gifter level. */
export const MAX_GIFTER_LEVEL = 50;

/** Coins a viewer must have paid to reach levels 2 to 50, by default: 50 × (level − 1)³, from 50 coins to 5,882,450. */
const DEFAULT_THRESHOLDS = Array.from({ length: MAX_GIFTER_LEVEL - 1 }, (_, index) => 50 * (index + 1) ** 3);

/** The variables of gifter levels. */
export const STATUS_SETTINGS = declareSettings({
  GIFTER_LEVEL_THRESHOLDS: {
    module: 'status',
    default: DEFAULT_THRESHOLDS.join(','),
    type: 'list',
    allowed: `${MAX_GIFTER_LEVEL - 1} increasing whole numbers`,
    parse: (raw: string): readonly number[] => {
      const thresholds = raw.split(',').map((part) => part.trim());
      if (thresholds.length !== MAX_GIFTER_LEVEL - 1 || thresholds.some((part) => !/^[1-9]\d{0,15}$/.test(part))) {
        throw new InvalidValue(`expected ${MAX_GIFTER_LEVEL - 1} whole numbers above 0, separated by commas (the coins for levels 2 to ${MAX_GIFTER_LEVEL})`);
      }
      const coins = thresholds.map(Number);
      if (coins.some((value, index) => index > 0 && value <= coins[index - 1]!)) throw new InvalidValue('each level must need more coins than the one before');
      return coins;
    },
    description:
      `Lifetime coins a viewer must have paid to creators to reach gifter levels 2 to ${MAX_GIFTER_LEVEL}: ${MAX_GIFTER_LEVEL - 1} increasing numbers, comma-separated. ` +
      'The default is 50 × (level − 1)³: 50 coins for level 2, 400 for 3, 36,450 for 10, 5,882,450 for 50. Changing it moves every viewer to the level their coins now reach. ' +
      'See [levels.md](levels.md).',
  },
});

export interface StatusConfig {
  /** Coins for levels 2 to MAX_GIFTER_LEVEL, increasing. */
  readonly levelThresholds: readonly number[];
}

/** Reads STATUS_SETTINGS. Throws a ConfigError naming an invalid variable. */
export function loadStatusConfig(env: Env): StatusConfig {
  return { levelThresholds: settingsIn(env)(STATUS_SETTINGS.GIFTER_LEVEL_THRESHOLDS) };
}

/** A viewer's gifter level and how far the next one is. */
export interface GifterLevel {
  level: number;
  /** Lifetime coins paid to creators, net of what was taken back. */
  coins: number;
  /** Coins the next level needs in all; null at the top level. */
  nextLevelCoins: number | null;
}

/** The level `coins` reach: 1 below the first threshold, MAX_GIFTER_LEVEL at or past the last. */
export function gifterLevelOf(coins: number, thresholds: readonly number[]): GifterLevel {
  let level = 1;
  while (level < MAX_GIFTER_LEVEL && coins >= thresholds[level - 1]!) level++;
  return { level, coins, nextLevelCoins: level === MAX_GIFTER_LEVEL ? null : thresholds[level - 1]! };
}

import { CONFIG_SETTINGS, loadConfig, type Config, type Env, type Setting } from '../config/index.js';
import { EARNINGS_SETTINGS, loadEarningsConfig, type EarningsConfig } from '../earnings/index.js';
import { GIFT_SETTINGS, loadGiftSendingConfig, type GiftSendingConfig } from '../gifts/index.js';
import { loadRoomConfig, ROOM_SETTINGS, type RoomConfig } from '../live/room.js';
import { loadStreamsConfig, STREAM_SETTINGS, type StreamsConfig } from '../live/streams.js';
import { APP_STORE_SETTINGS, loadAppStoreConfig, type AppStoreConfig } from '../payments/app-store-config.js';
import { loadPayoutConfig, PAYOUT_SETTINGS, type PayoutConfig } from '../payouts/index.js';
import { loadStatusConfig, STATUS_SETTINGS, type StatusConfig } from '../status/index.js';
import { BATTLE_SETTINGS, loadBattlesConfig, type BattlesConfig } from '../stage/index.js';
import { loadStoreConfig, STORE_SETTINGS, type StoreConfig } from '../store/index.js';
import { loadSubscriptionsConfig, SUBSCRIPTION_SETTINGS, type SubscriptionsConfig } from '../subscriptions/index.js';

/** Every environment variable the process reads, as each module declares it: docs/configuration.md lists them from here. */
export const SETTINGS: readonly Setting<unknown>[] = [
  CONFIG_SETTINGS,
  STORE_SETTINGS,
  GIFT_SETTINGS,
  ROOM_SETTINGS,
  STREAM_SETTINGS,
  EARNINGS_SETTINGS,
  PAYOUT_SETTINGS,
  SUBSCRIPTION_SETTINGS,
  STATUS_SETTINGS,
  BATTLE_SETTINGS,
  APP_STORE_SETTINGS,
].flatMap((declared): Setting<unknown>[] => Object.values(declared));

/** The settings each module reads of its own from the environment. */
export interface ModuleSettings {
  store: StoreConfig;
  gifts: GiftSendingConfig;
  room: RoomConfig;
  streams: StreamsConfig;
  earnings: EarningsConfig;
  payouts: PayoutConfig;
  subscriptions: SubscriptionsConfig;
  status: StatusConfig;
  battles: BattlesConfig;
  appStore: AppStoreConfig;
}

/** Every setting of the process. */
export interface Settings {
  config: Config;
  modules: ModuleSettings;
}

/**
 * Reads and checks every setting at once, before anything is opened: a bad value stops the process
 * with a ConfigError naming its variable, not after the database was opened and migrated.
 */
export function loadSettings(env: Env): Settings {
  return { config: loadConfig(env), modules: loadModuleSettings(env) };
}

export function loadModuleSettings(env: Env): ModuleSettings {
  return {
    store: loadStoreConfig(env),
    gifts: loadGiftSendingConfig(env),
    room: loadRoomConfig(env),
    streams: loadStreamsConfig(env),
    earnings: loadEarningsConfig(env),
    payouts: loadPayoutConfig(env),
    subscriptions: loadSubscriptionsConfig(env),
    status: loadStatusConfig(env),
    battles: loadBattlesConfig(env),
    appStore: loadAppStoreConfig(env),
  };
}

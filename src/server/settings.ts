import { loadConfig, type Config } from '../config/config.js';
import { loadEarningsConfig, type EarningsConfig } from '../earnings/index.js';
import { loadGiftSendingConfig, type GiftSendingConfig } from '../gifts/index.js';
import { loadRoomConfig, type RoomConfig } from '../live/room.js';
import { loadPayoutConfig, type PayoutConfig } from '../payouts/index.js';
import { loadStoreConfig, type StoreConfig } from '../store/index.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The settings each module reads of its own from the environment. */
export interface ModuleSettings {
  store: StoreConfig;
  gifts: GiftSendingConfig;
  room: RoomConfig;
  earnings: EarningsConfig;
  payouts: PayoutConfig;
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
    earnings: loadEarningsConfig(env),
    payouts: loadPayoutConfig(env),
  };
}

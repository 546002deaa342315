export { CONFIG_SETTINGS, isRegionCode, loadConfig, LOG_LEVELS, type AccountsConfig, type Config, type LogLevel, type TrustProxy } from './config.js';
export { ConfigError, declareSettings, flag, InvalidValue, oneOf, readSetting, settingsIn, text, url, wholeNumber, type Env, type Setting, type ValueKind } from './setting.js';
export { parseBusUrl, parseDatabaseUrl, type BrokerKind, type DatabaseTarget, type Engine } from './urls.js';

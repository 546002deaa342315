export { CONFIG_SETTINGS, isRegionCode, loadConfig, type AccountsConfig, type Config } from './config.js';
export { ConfigError, declareSettings, flag, InvalidValue, listEntries, oneOf, readSetting, settingsIn, text, url, wholeNumber, type Env, type Setting, type ValueKind } from './setting.js';
export { parseBusUrl, parseDatabaseUrl, type BrokerKind, type Engine } from './urls.js';

export { CONFIG_DEFAULTS, ConfigError, isRegionCode, parseInteger, parseUrl, type AccountsConfig, type Config } from './config.js';
export { parseBusUrl, parseDatabaseUrl, type BrokerKind, type DatabaseTarget, type Engine } from './urls.js';

export { CONFIG_DEFAULTS, ConfigError, isRegionCode, parseInteger, parseUrl, type AccountsConfig, type Config } from './config.js';

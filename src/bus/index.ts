export { type Bus, type BusSubscription } from './bus.js';
export { memoryLimits, type LimitStore, type SharedLimit } from './limits.js';
export { createSharedCache } from './cache.js';

export { type Bus, type BusSubscription } from './bus.js';
export { createSharedCache } from './cache.js';

export * from './lives.js';
export type { LiveSchema, LiveTable } from './schema.js';
export { liveRoutes } from './routes.js';
export type { CheerEvent, GiftEvent, LiveGoal, PaidMessageEvent } from './protocol.js';
export { SUPPORT_TAKEN_BACK, type SupportTakenBack } from './board.js';

// Who is on a live's stage (guests), and battles between lives scored from the gifts' own transfers.
export { BATTLE_SETTINGS, createBattles, loadBattlesConfig, type Battle, type Battles, type BattlesConfig } from './battles.js';
export { createGuests, type Guests } from './guests.js';
export { stageMigrations } from './migrations.js';
export { stageRoutes } from './routes.js';
export type { StageSchema } from './schema.js';

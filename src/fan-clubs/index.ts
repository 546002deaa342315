// Fan clubs: joined with a creator's chosen gift; fan levels from the coins and days members give the creator.
export { createFanClubs, uncountBeforeJoining, type FanBadge, type FanClubs } from './fan-clubs.js';
export { fanClubsMigrations } from './migrations.js';
export { fanClubRoutes } from './routes.js';
export type { FanClubsSchema } from './schema.js';

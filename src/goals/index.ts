// Creators' goals for their lives: progress counted in the payments' own transfers, completed once.
export { createGoals, type GoalInput, type GoalKind, type Goals } from './goals.js';
export { goalsMigrations } from './migrations.js';
export { goalRoutes } from './routes.js';
export type { GoalsSchema } from './schema.js';

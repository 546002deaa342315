export type { Mailer } from './mailer.js';

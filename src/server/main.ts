// Entry for `npm start`: configuration from the environment, graceful shutdown on SIGTERM and SIGINT.
import { runServer } from './start.js';

await runServer();

// The baseline for HTTP benchmarks: Fastify's hello world in its own process, with Fastify's
// defaults (no logger). It takes the same POST with a JSON body the measured route takes.
import Fastify from 'fastify';
import { answerCommands } from '../support/ipc.js';

const app = Fastify();
app.post('/hello', async () => ({ hello: 'world' }));

answerCommands({
  async listen() {
    return app.listen({ port: 0, host: '127.0.0.1' });
  },
});

// The baseline for fan-out: a plain `ws` server (per-message deflate off, as the room socket) that
// broadcasts a given event to every socket at a steady rate, alone or several copies in one `batch`
// frame as a room sends them, stamping the send time in every `sentAt`.
import { WebSocketServer } from 'ws';
import { answerCommands } from '../support/ipc.js';

const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
const listening = new Promise<void>((resolve) => server.once('listening', resolve));
const SENT_AT = /"sentAt":"[^"]*"/g;

/**
 * Sends `framesPerSecond` frames to every socket for `durationSeconds`, each encoded once: `frame`
 * itself, or with `eventsPerFrame` above 1 a batch of that many copies of it.
 */
async function broadcast({
  frame: event,
  framesPerSecond,
  durationSeconds,
  eventsPerFrame = 1,
}: {
  frame: string;
  framesPerSecond: number;
  durationSeconds: number;
  eventsPerFrame?: number;
}): Promise<{ frames: number }> {
  if (!event.includes('"sentAt":"')) throw new Error('the frame has no "sentAt" to stamp');
  const frame = eventsPerFrame > 1 ? `{"type":"batch","events":[${Array<string>(eventsPerFrame).fill(event).join(',')}]}` : event;
  const total = Math.round(framesPerSecond * durationSeconds);
  const startedAt = performance.now();
  let frames = 0;
  while (frames < total) {
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * framesPerSecond) + 1);
    for (; frames < due; frames++) {
      // The same length as the frame given: an ISO time stamp is always 24 characters.
      const bytes = Buffer.from(frame.replace(SENT_AT, `"sentAt":"${new Date().toISOString()}"`));
      for (const socket of server.clients) socket.send(bytes, { binary: false });
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { frames };
}

answerCommands({
  async listen() {
    await listening;
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error(`unexpected address ${address}`);
    return `ws://127.0.0.1:${address.port}`;
  },
  broadcast,
  memory() {
    globalThis.gc?.();
    return process.memoryUsage();
  },
});

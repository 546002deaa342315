// Viewer sockets from their own process: connects many room sockets, counts every frame they
// receive and the room events in it (a frame is one event, or a `batch` of several), and times gift
// events on an evenly spread sample of them, from the `sentAt` the server stamped (just before it
// submitted the ledger transfer) to receipt here. Processes on one machine share its clock.
import { WebSocket } from 'ws';
import { answerCommands } from '../support/ipc.js';
import { summarizeLatencies, type LatencySummary } from '../support/stats.js';

interface Viewer {
  socket: WebSocket;
  /** Which server (or baseline) it is connected to. */
  group: string;
  sampled: boolean;
}

const viewers: Viewer[] = [];
let frames = 0;
/** Frames holding at least one money event (gifts and the like), which the relay sends as `{"eventId":…`. */
let eventFrames = 0;
/** Money events, alone or inside batches. */
let events = 0;
/** Gifts the timed sockets received, counting merged ones by their quantity; and how many sockets are timed. */
let sampledGifts = 0;
let sampledSockets = 0;
let closedWhileMeasuring = 0;
let measuring = false;
let measuringSince = 0;
/** Latencies: `all`, or split by whether the gift went through the server the socket is on (`origins`). */
let latencies = new Map<string, number[]>();
let originOfSender = new Map<string, string>();
/** Distinct gift events the timed sockets saw. */
let eventIds = new Set<string>();
let sampleFrame: string | undefined;

const EVENT_PREFIX = Buffer.from('{"eventId":');
const BATCH_PREFIX = Buffer.from('{"type":"batch"');

const startsWith = (data: Buffer, prefix: Buffer) => data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

/** Money events in a frame, without parsing it: each starts `{"eventId":`. */
function eventsIn(data: Buffer): number {
  if (startsWith(data, EVENT_PREFIX)) return 1;
  if (!startsWith(data, BATCH_PREFIX)) return 0;
  let count = 0;
  for (let at = data.indexOf(EVENT_PREFIX); at !== -1; at = data.indexOf(EVENT_PREFIX, at + EVENT_PREFIX.length)) count++;
  return count;
}

interface GiftLike {
  type?: string;
  eventId?: string;
  sentAt?: string;
  senderId?: string;
  quantity?: number;
}

function received(viewer: Viewer, data: Buffer): void {
  frames++;
  const inFrame = eventsIn(data);
  events += inFrame;
  if (inFrame > 0) eventFrames++;
  if (!viewer.sampled || !measuring) return;
  const message = JSON.parse(data.toString()) as GiftLike & { events?: GiftLike[] };
  const at = Date.now();
  for (const event of message.type === 'batch' ? (message.events ?? []) : [message]) {
    if (event.type !== 'gift' || event.sentAt === undefined) continue;
    if (event.eventId !== undefined) eventIds.add(event.eventId);
    sampledGifts += event.quantity ?? 1;
    sampleFrame ??= JSON.stringify(event);
    const origin = originOfSender.get(event.senderId ?? '');
    const key = origin === undefined ? 'all' : origin === viewer.group ? 'same process' : 'across processes';
    let list = latencies.get(key);
    if (!list) latencies.set(key, (list = []));
    list.push(at - Date.parse(event.sentAt));
  }
}

/** Opens one socket; resolves once it is open, or once its first frame (the room's welcome) arrives. */
function open(url: string, group: string, sampled: boolean, untilFirstFrame: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const viewer: Viewer = { socket, group, sampled };
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      viewers.push(viewer);
      resolve();
    };
    socket.on('message', (data: Buffer) => {
      received(viewer, data);
      done();
    });
    if (!untilFirstFrame) socket.once('open', done);
    socket.once('error', (error) => {
      if (!settled) reject(error);
    });
    socket.on('close', () => {
      if (measuring) closedWhileMeasuring++;
    });
  });
}

export interface ConnectArgs {
  url: string;
  count: number;
  group: string;
  /** Every n-th socket is timed. */
  sampleEvery: number;
  /** Wait for the first frame (the room's welcome) rather than the open. */
  untilFirstFrame: boolean;
}

/** Sockets opening at once: a burst of thousands would measure the accept queue rather than the room. */
const CONNECT_CONCURRENCY = 100;

async function connect(args: ConnectArgs): Promise<{ connected: number; seconds: number }> {
  const startedAt = performance.now();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < args.count; index = next++) await open(args.url, args.group, index % args.sampleEvery === 0, args.untilFirstFrame);
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, args.count) }, worker));
  sampledSockets = viewers.filter((viewer) => viewer.sampled).length;
  return { connected: args.count, seconds: (performance.now() - startedAt) / 1000 };
}

export interface ViewersReport {
  frames: number;
  /** Frames that held at least one money event. */
  eventFrames: number;
  /** Money events received, alone or in batches, on every socket. */
  events: number;
  /** Gifts the timed sockets received (a merged combo event counts as its quantity), and how many sockets are timed. */
  sampledGifts: number;
  sampledSockets: number;
  seconds: number;
  /** Sockets the server closed while measuring (too slow to keep up, for one). */
  closed: number;
  latencies: Record<string, LatencySummary>;
  /** Distinct gift events (by eventId) the timed sockets saw. */
  distinctEvents: number;
  /** One gift event as received, for a baseline to send the same bytes (alone, or batched as the server does). */
  sampleFrame: string | undefined;
}

answerCommands({
  connect,
  /** Starts counting from zero; `origins` names the group (server) each sender's gifts go through. */
  measure({ origins }: { origins?: Record<string, string> }) {
    frames = 0;
    eventFrames = 0;
    events = 0;
    sampledGifts = 0;
    closedWhileMeasuring = 0;
    latencies = new Map();
    eventIds = new Set();
    originOfSender = new Map(Object.entries(origins ?? {}));
    measuring = true;
    measuringSince = performance.now();
  },
  report(): ViewersReport {
    measuring = false;
    return {
      frames,
      eventFrames,
      events,
      sampledGifts,
      sampledSockets,
      seconds: (performance.now() - measuringSince) / 1000,
      closed: closedWhileMeasuring,
      latencies: Object.fromEntries([...latencies].map(([key, list]) => [key, summarizeLatencies(list)])),
      distinctEvents: eventIds.size,
      sampleFrame,
    };
  },
  async close() {
    const closing = viewers.splice(0).map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.terminate();
        }),
    );
    await Promise.all(closing);
  },
});

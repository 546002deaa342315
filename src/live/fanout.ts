/**
 * Coalesced fan-out (docs/live-protocol.md#ticks-and-batches): a room gathers its events for one
 * tick and sends them as one frame, encoded once for every socket; and it remembers the money
 * events it sent, so a client that reconnects with `?since=<eventId>` gets exactly what it missed.
 */

/** A room event waiting for the end of its tick, with the JSON it is sent as. */
export interface TickEvent {
  type: string;
  message: Record<string, unknown>;
  json: string;
}

const MONEY_TYPES: ReadonlySet<string> = new Set(['gift', 'paid_message', 'cheer']);
/** Pushed state: within a tick only the last of each counts. */
const LATEST_ONLY: ReadonlySet<string> = new Set(['viewers', 'leaderboard', 'goal_progress']);

export function isMoneyEvent(type: unknown): boolean {
  return typeof type === 'string' && MONEY_TYPES.has(type);
}

function comboIdOf(message: Record<string, unknown>): string | undefined {
  const combo = message.combo as { id?: unknown } | null | undefined;
  return typeof combo?.id === 'string' ? combo.id : undefined;
}

/**
 * The events of one tick, in commit order. A gift that continues the combo of the money event just
 * before it replaces that event: it keeps its own eventId, combo.count and sentAt, and carries the
 * quantity, coins and diamonds of both, so a client adding them up gets the same totals. Only gifts
 * next to each other merge, so every event sent stands for a run of commits that ends at its own
 * eventId, and `since` means the same on every server whatever their ticks. A `viewers` or
 * `leaderboard` message replaces the one of its type already waiting.
 */
export class TickEvents {
  private events: TickEvent[] = [];

  get size(): number {
    return this.events.length;
  }

  add(type: string, message: Record<string, unknown>, json: string): void {
    if (LATEST_ONLY.has(type)) {
      const index = this.events.findIndex((event) => event.type === type);
      if (index >= 0) this.events.splice(index, 1);
    } else if (type === 'gift') {
      const merged = this.mergeCombo(message);
      if (merged) {
        this.events.push(merged);
        return;
      }
    }
    this.events.push({ type, message, json });
  }

  /** Takes the tick's events, leaving none. */
  take(): TickEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private mergeCombo(message: Record<string, unknown>): TickEvent | undefined {
    const comboId = comboIdOf(message);
    if (comboId === undefined) return undefined;
    let index = this.events.length - 1;
    while (index >= 0 && !isMoneyEvent(this.events[index]!.type)) index--;
    const previous = index >= 0 ? this.events[index]! : undefined;
    if (previous?.type !== 'gift' || comboIdOf(previous.message) !== comboId) return undefined;
    this.events.splice(index, 1);
    const sum = (field: string) => Number(previous.message[field] ?? 0) + Number(message[field] ?? 0);
    const merged = Object.assign({}, message, { quantity: sum('quantity'), coins: sum('coins'), diamonds: sum('diamonds') });
    return { type: 'gift', message: merged, json: JSON.stringify(merged) };
  }
}

/** One event as it was sent, or several as one `batch` message. */
export function frameOf(jsons: readonly string[]): string {
  return jsons.length === 1 ? jsons[0]! : batchOf(jsons);
}

/**
 * A whole WebSocket text frame (RFC 6455 5.2: final, unmasked as a server sends) for `text`, made once
 * for every socket of a room: written as is, each socket costs one write, not ws's framing and a write of two buffers.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, headerBytes);
  return frame;
}

export function batchOf(jsons: readonly string[]): string {
  return `{"type":"batch","events":[${jsons.join(',')}]}`;
}

/** The last `capacity` money events a room sent, as sent, by eventId. */
export class SentEvents {
  private readonly ids: (string | undefined)[];
  private readonly jsons: (string | undefined)[];
  private readonly sequenceOf = new Map<string, number>();
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ids = new Array<string | undefined>(capacity);
    this.jsons = new Array<string | undefined>(capacity);
  }

  push(eventId: string, json: string): void {
    const slot = this.next % this.capacity;
    const forgotten = this.ids[slot];
    if (forgotten !== undefined && this.sequenceOf.get(forgotten) === this.next - this.capacity) this.sequenceOf.delete(forgotten);
    this.ids[slot] = eventId;
    this.jsons[slot] = json;
    this.sequenceOf.set(eventId, this.next++);
  }

  /** The events sent after `eventId`, oldest first; undefined when it is not among those remembered. */
  after(eventId: string): string[] | undefined {
    const sequence = this.sequenceOf.get(eventId);
    if (sequence === undefined) return undefined;
    const events: string[] = [];
    for (let at = sequence + 1; at < this.next; at++) events.push(this.jsons[at % this.capacity]!);
    return events;
  }
}

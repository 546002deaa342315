import { createHash } from 'node:crypto';

/** Viewer hashes per presence message: a larger account goes in several, keeping each well under brokers' limits (NATS: 1 MiB). */
const HASHES_PER_MESSAGE = 20_000;

/** What one process tells the others about a room's viewers: all of its own (in parts), or what changed. */
export type PresenceMessage =
  { type: '_presence'; node: string; snapshot: string; part: number; last: boolean; viewers: string[] } | { type: '_presence'; node: string; added: string[]; removed: string[] };

interface RemoteNode {
  hashes: Set<string>;
  atMs: number;
  /** A snapshot whose parts are arriving: it replaces `hashes` once its last part is in. */
  pending?: { snapshot: string; nextPart: number; hashes: Set<string> };
}

/** A viewer key as presence messages carry it: short, and no user id or address in the clear on the bus. */
function viewerHash(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 12);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function inParts<T>(items: T[]): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += HASHES_PER_MESSAGE) parts.push(items.slice(start, start + HASHES_PER_MESSAGE));
  return parts.length > 0 ? parts : [[]];
}

/**
 * The distinct viewers of one room across server processes. Each process keeps its own viewers (a
 * key per signed-in user or anonymous address, with how many sockets each has) and tells the others
 * their hashes: all of them every presence interval, which also says the process is alive, and what
 * changed in between. The count is the size of the union, so a viewer whose sockets reach two
 * processes counts once, and it never counts anyone twice. A lost message (the bus delivers at most
 * once) is made good by the next full account; a process not heard from for `staleMs` is forgotten.
 */
export class ViewerPresence {
  /** Every viewer hash known, with how many processes (this one included) have that viewer. */
  private readonly holders = new Map<string, number>();
  private readonly local = new Map<string, { hash: string; sockets: number }>();
  private readonly remote = new Map<string, RemoteNode>();
  /** Local changes not yet told: hash → present. The latest change of a viewer wins. */
  private changes = new Map<string, boolean>();
  private snapshots = 0;

  constructor(
    private readonly nodeId: string,
    private readonly staleMs: number,
  ) {}

  /** Sockets `key` has on this process. */
  socketsOf(key: string): number {
    return this.local.get(key)?.sockets ?? 0;
  }

  /** Counts a socket of `key` here; true when the viewer is new to this process. */
  addSocket(key: string): boolean {
    const entry = this.local.get(key);
    if (entry) {
      entry.sockets++;
      return false;
    }
    const hash = viewerHash(key);
    this.local.set(key, { hash, sockets: 1 });
    this.hold(hash, 1);
    this.changes.set(hash, true);
    return true;
  }

  /** Uncounts a socket of `key`; true when it was the viewer's last one here. */
  removeSocket(key: string): boolean {
    const entry = this.local.get(key);
    if (!entry || --entry.sockets > 0) return false;
    this.local.delete(key);
    this.hold(entry.hash, -1);
    this.changes.set(entry.hash, false);
    return true;
  }

  /** Distinct viewers on this process. */
  get localViewers(): number {
    return this.local.size;
  }

  /** Distinct viewers on every process heard from within `staleMs`. */
  count(atMs = Date.now()): number {
    for (const [node, seen] of this.remote) {
      if (seen.atMs >= atMs - this.staleMs) continue;
      for (const hash of seen.hashes) this.hold(hash, -1);
      this.remote.delete(node);
    }
    return this.holders.size;
  }

  /** What changed here since the last messages; none when nothing did. */
  changeMessages(): PresenceMessage[] {
    if (this.changes.size === 0) return [];
    const changes = [...this.changes];
    this.changes = new Map();
    return inParts(changes).map((part) => ({
      type: '_presence',
      node: this.nodeId,
      added: part.filter(([, present]) => present).map(([hash]) => hash),
      removed: part.filter(([, present]) => !present).map(([hash]) => hash),
    }));
  }

  /** Every viewer here, in parts; `gone` tells the others this process has left the room. */
  snapshotMessages(gone = false): PresenceMessage[] {
    // The snapshot says all the changes would have.
    this.changes = new Map();
    const snapshot = `${this.nodeId}:${++this.snapshots}`;
    const parts = inParts(gone ? [] : [...this.local.values()].map((entry) => entry.hash));
    return parts.map((viewers, part) => ({ type: '_presence', node: this.nodeId, snapshot, part, last: part === parts.length - 1, viewers }));
  }

  /** Takes in another process's message (this process's own are ignored). */
  receive(message: Record<string, unknown>, atMs = Date.now()): void {
    const node = String(message.node);
    if (node === this.nodeId) return;
    let seen = this.remote.get(node);
    if (!seen) this.remote.set(node, (seen = { hashes: new Set(), atMs }));
    seen.atMs = atMs;
    if (typeof message.snapshot === 'string') {
      if (message.part === 0) seen.pending = { snapshot: message.snapshot, nextPart: 0, hashes: new Set() };
      const pending = seen.pending;
      // A part missing (the bus lost it): this snapshot is dropped, and the next one counts.
      if (!pending || pending.snapshot !== message.snapshot || pending.nextPart !== message.part) {
        seen.pending = undefined;
        return;
      }
      for (const hash of strings(message.viewers)) pending.hashes.add(hash);
      pending.nextPart++;
      if (message.last !== true) return;
      for (const hash of seen.hashes) if (!pending.hashes.has(hash)) this.hold(hash, -1);
      for (const hash of pending.hashes) if (!seen.hashes.has(hash)) this.hold(hash, 1);
      seen.hashes = pending.hashes;
      seen.pending = undefined;
      return;
    }
    for (const hash of strings(message.added)) {
      if (seen.hashes.has(hash)) continue;
      seen.hashes.add(hash);
      this.hold(hash, 1);
    }
    for (const hash of strings(message.removed)) if (seen.hashes.delete(hash)) this.hold(hash, -1);
  }

  private hold(hash: string, change: 1 | -1): void {
    const holders = (this.holders.get(hash) ?? 0) + change;
    if (holders > 0) this.holders.set(hash, holders);
    else this.holders.delete(hash);
  }
}

/** Table types of stream overlays, merged into the global `Schema` (src/db/schema.ts). */
export interface OverlaySchema {
  overlay_keys: OverlayKeyTable;
}

declare module '../db/schema.js' {
  interface Schema extends OverlaySchema {}
}

/** A creator's overlay key: at most one per creator; rotating replaces it. */
export interface OverlayKeyTable {
  creator_id: string;
  /**
   * Stored as issued, not hashed: the creator reads it back to copy the URL
   * again, and it only unlocks public room events (no money, no account).
   */
  key: string;
  /** ISO 8601 UTC; when this key was made (first use or last rotation). */
  created_at: string;
}

import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import { newSecret, sameSecret, type Accounts } from '../accounts/index.js';
import type { Schema } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { OverlayKeySchema } from './views.js';

/** Issued keys are `ovk_` and 43 base64url characters; anything much longer is not one and is not looked up. */
const KEY_MAX_CHARS = 100;

/** A creator's overlay as they see it: the URL to paste into OBS, and the key inside it. */
export type OverlayKey = Static<typeof OverlayKeySchema>;

export interface OverlaysDependencies {
  kysely: Kysely<Schema>;
  accounts: Pick<Accounts, 'getUser' | 'profile'>;
  now: () => Date;
}

export interface Overlays {
  /** The creator's overlay, making its key on first use; its URL is on `publicUrl`, the server's public address. */
  get(creatorId: string, publicUrl: string): Promise<OverlayKey>;
  /** Replaces the key: the old one stops working at once, and onRotate listeners hear of it. */
  rotate(creatorId: string, publicUrl: string): Promise<OverlayKey>;
  /**
   * The creator whose overlay this is, or undefined when the handle is not an
   * open creator account or the key is not theirs (the caller must not say which).
   */
  verify(handle: string, key: string): Promise<{ creatorId: string } | undefined>;
  /**
   * Calls `listener` with the creator's id after each rotation in this
   * process, so the room can drop overlay sockets opened with the old key.
   * Answers a function that removes the listener.
   */
  onRotate(listener: (creatorId: string) => void): () => void;
}

/**
 * Stream overlay keys: one secret per creator that lets an OBS browser
 * source follow the creator's room without signing in.
 */
export function createOverlays(deps: OverlaysDependencies): Overlays {
  const { kysely, accounts, now } = deps;
  const listeners = new Set<(creatorId: string) => void>();

  async function view(creatorId: string, publicUrl: string): Promise<OverlayKey> {
    const [user, row] = await Promise.all([accounts.getUser(creatorId), kysely.selectFrom('overlay_keys').select(['key', 'created_at']).where('creator_id', '=', creatorId).executeTakeFirstOrThrow()]);
    return {
      url: `${publicUrl}/overlay/${encodeURIComponent(user.handle)}?key=${encodeURIComponent(row.key)}`,
      key: row.key,
      createdAt: row.created_at,
    };
  }

  return {
    async get(creatorId, publicUrl) {
      // Two first requests at once both insert; the first one's key stands.
      await kysely
        .insertInto('overlay_keys')
        .values({ creator_id: creatorId, key: newSecret('ovk'), created_at: now().toISOString() })
        .onConflict((oc) => oc.column('creator_id').doNothing())
        .execute();
      return view(creatorId, publicUrl);
    },

    async rotate(creatorId, publicUrl) {
      const key = newSecret('ovk');
      const createdAt = now().toISOString();
      await kysely
        .insertInto('overlay_keys')
        .values({ creator_id: creatorId, key, created_at: createdAt })
        .onConflict((oc) => oc.column('creator_id').doUpdateSet({ key, created_at: createdAt }))
        .execute();
      for (const listener of listeners) listener(creatorId);
      return view(creatorId, publicUrl);
    },

    async verify(handle, key) {
      if (key.length === 0 || key.length > KEY_MAX_CHARS) return undefined;
      let creator;
      try {
        creator = await accounts.profile(handle, undefined);
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'not_found') return undefined;
        throw error;
      }
      if (!creator.isCreator) return undefined;
      const row = await kysely.selectFrom('overlay_keys').select('key').where('creator_id', '=', creator.id).executeTakeFirst();
      return row !== undefined && sameSecret(row.key, key) ? { creatorId: creator.id } : undefined;
    },

    onRotate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

import { api, ApiError, call } from './api';
import type { Live } from './types';

/** Until the server says how often (GET /api/v1/me/live), beat as often as the default timeout of a minute asks. */
const DEFAULT_HEARTBEAT_MS = 20_000;

/** Why a live ended, as its creator reads it. */
const END_REASONS: Record<string, string> = {
  creator: 'you ended it, or your stream from OBS stopped',
  admin: 'the operators ended it',
  creator_gone: 'nobody was at the controls',
};

/**
 * A creator's live on air, kept on from whichever page of the app is open: the server ends a live that
 * hears nothing from its creator for LIVE_CREATOR_TIMEOUT_MS, and a person moving from the studio to their
 * earnings has not left. A live playing a stream from OBS is also kept on by the media server. When the
 * live ends by any hand but this tab's, `ended` says so until dismissed.
 */
class CreatorLive {
  live = $state<Live | null>(null);
  /** Whether the first look at the server has answered. */
  known = $state(false);
  ended = $state<{ title: string; why: string } | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #intervalMs = DEFAULT_HEARTBEAT_MS;
  #running = false;

  /** Starts looking after the signed-in creator's live; again after `stop`, from scratch. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#tick();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.live = null;
    this.known = false;
    this.ended = null;
  }

  /** Asks the server now, for a page that shows the live: it may have ended or started elsewhere (another tab, OBS). */
  refresh(): void {
    if (this.#running) void this.#look().catch(() => {});
  }

  /** This tab went live. */
  wentLive(live: Live): void {
    this.live = live;
    this.ended = null;
  }

  /** This tab ended the live: the creator knows. */
  endedHere(): void {
    this.live = null;
  }

  async #tick(): Promise<void> {
    try {
      if (this.live) await this.#beat(this.live);
      else await this.#look();
    } catch {
      // Offline for a moment, or the server restarting: the next tick tries again.
    }
    if (this.#running) this.#timer = setTimeout(() => void this.#tick(), this.#intervalMs);
  }

  async #look(): Promise<void> {
    const answer = await call(api.GET('/api/v1/me/live'));
    this.#intervalMs = answer.heartbeatIntervalMs;
    if (this.#running) this.live = answer.live;
    this.known = true;
  }

  async #beat(live: Live): Promise<void> {
    try {
      this.live = (await call(api.POST('/api/v1/lives/{id}/heartbeat', { params: { path: { id: live.id } } }))).live;
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'live_ended' || this.live?.id !== live.id) throw error;
      const over = (await call(api.GET('/api/v1/lives/{id}', { params: { path: { id: live.id } } }))).live;
      this.live = null;
      this.ended = { title: over.title, why: END_REASONS[over.endReason ?? ''] ?? 'it is over' };
    }
  }
}

export const creatorLive = new CreatorLive();

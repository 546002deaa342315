import { api, call, ApiError, hasSessionCookie, onSessionLost } from './api';
import type { User, Wallet } from './types';

/** The signed-in user and their wallet, shared by the header and every page. */
class SessionState {
  user = $state<User | null>(null);
  wallet = $state<Wallet | null>(null);
  /** False until the first GET /api/v1/me has answered, so pages do not flash "sign in" at a signed-in user. */
  ready = $state(false);

  isCreator = $derived(this.user?.roles.includes('creator') ?? false);
  isAdmin = $derived(this.user?.roles.includes('admin') ?? false);

  async load(): Promise<void> {
    try {
      if (!hasSessionCookie()) return;
      this.user = (await call(api.GET('/api/v1/me'))).user;
      await this.refreshWallet();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      this.forget();
    } finally {
      this.ready = true;
    }
  }

  async refreshWallet(): Promise<void> {
    if (this.user) this.wallet = await call(api.GET('/api/v1/wallet'));
  }

  async refreshUser(): Promise<void> {
    this.user = (await call(api.GET('/api/v1/me'))).user;
  }

  async signIn(credentials: { email: string; password: string; totp?: string; recoveryCode?: string }): Promise<void> {
    this.user = (await call(api.POST('/api/v1/auth/login', { body: credentials }))).user;
    await this.refreshWallet();
  }

  async signOut(): Promise<void> {
    await call(api.POST('/api/v1/auth/logout')).catch(() => {});
    this.forget();
  }

  /** Drops what the page knows; the server has ended (or never had) the session. */
  forget(): void {
    this.user = null;
    this.wallet = null;
  }
}

export const session = new SessionState();
onSessionLost(() => session.forget());

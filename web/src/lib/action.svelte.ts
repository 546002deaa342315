import { ApiError } from './api';

/**
 * One button's or form's request: whether it is running, and the API's
 * refusal, shown next to the field it names (`fieldError`) or by the action
 * itself (`otherError`).
 */
export class Action {
  busy = $state(false);
  error = $state<ApiError | null>(null);

  /** Runs `task` unless already running; a refusal is kept in `error` and answers undefined. */
  async run<T>(task: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    this.error = null;
    try {
      return await task();
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'unexpected', error instanceof Error ? error.message : String(error));
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** The message for the field `param`, when the refusal names it. */
  fieldError(param: string): string | undefined {
    return this.error?.param === param ? this.error.message : undefined;
  }

  /** The message of a refusal that names none of `fields` (shown beside the action). */
  otherError(...fields: string[]): string | undefined {
    if (!this.error) return undefined;
    return this.error.param !== undefined && fields.includes(this.error.param) ? undefined : this.error.message;
  }
}

/**
 * Data a page loads: `data` once it arrived, `error` when the API refused,
 * `loading` meanwhile. `reload` fetches again and keeps showing the old data until then.
 */
export class Resource<T> {
  data = $state<T | undefined>(undefined);
  error = $state<ApiError | null>(null);
  loading = $state(true);
  #fetch: () => Promise<T>;

  constructor(fetch: () => Promise<T>) {
    this.#fetch = fetch;
    void this.reload();
  }

  async reload(): Promise<void> {
    this.loading = true;
    try {
      this.data = await this.#fetch();
      this.error = null;
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'unexpected', String(error));
    } finally {
      this.loading = false;
    }
  }
}

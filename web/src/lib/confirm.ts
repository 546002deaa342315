import { ApiError } from './api';

/**
 * Sends a payment that large amounts must confirm (coin orders, big gifts,
 * paid messages): first without `confirm`; when the server answers
 * confirmation_required, asks the person with its message, and sends again
 * with confirm under the same Idempotency-Key, so it is one payment at most.
 * Answers undefined when the person declines.
 */
export async function sendConfirmed<T>(send: (confirm: boolean) => Promise<T>, ask: (message: string) => Promise<boolean>): Promise<T | undefined> {
  try {
    return await send(false);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'confirmation_required') throw error;
    if (!(await ask(error.message))) return undefined;
    return send(true);
  }
}

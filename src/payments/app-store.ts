import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../shared/errors.js';

/** One in-app purchase, as the app store vouches for it. */
export interface AppStoreTransaction {
  /** The store's id for this purchase: a receipt is credited at most once, by this id. */
  transactionId: string;
  /** The store product, named after the coin package it sells (`pkg_app_700`). */
  productId: string;
  /** Two-letter region of the store account that paid. */
  storefront: string;
  purchasedAt: string;
  environment: 'sandbox' | 'production';
  /** When the store refunded or revoked the purchase; such a transaction is never credited. */
  revokedAt?: string;
  /** The account the app bought it for (Apple's appAccountToken, Google Play's obfuscatedExternalAccountId), when the app said. */
  appAccountToken?: string;
  /** False while the store waits to be told the coins were delivered (Google Play: acknowledged and consumed); absent for a store without that step. */
  completed?: boolean;
}

/**
 * The UUID an app passes to the store with a purchase (StoreKit's appAccountToken) so the signed
 * transaction names the account it is for: derived from the user id, so nothing is stored.
 */
export function appAccountTokenOf(userId: string): string {
  const bytes = createHash('sha256').update(`ovation:app-account-token:${userId}`).digest().subarray(0, 16);
  // A name-based UUID (version 5 layout, RFC 4122 variant), as StoreKit accepts.
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Verifies a receipt (a signed transaction) from an app store. A real store
 * adapter checks the store's signature chain or asks the store's server; the
 * order service only sees verified transactions.
 */
export interface ReceiptVerifier {
  readonly name: string;
  /** Throws a DomainError (`invalid_receipt`) when the receipt is not genuine. */
  verify(receipt: string): Promise<AppStoreTransaction>;
  /**
   * Tells the store a credited purchase was delivered, for a store that waits for it (a transaction
   * with `completed: false`). Throws a DomainError (`app_store_unavailable`) when the store could not be told.
   */
  complete?(purchase: StorePurchase): Promise<void>;
}

/** A verified notification from an app store's server, reduced to what orders act on. */
export interface StoreNotification {
  /** The store's notification id: a redelivery carries the same one. */
  id: string;
  /** The store's own name for it, such as REFUND. */
  type: string;
  /**
   * `refund`: the store gave the buyer's money back or revoked the purchase, so its coins are clawed back.
   * `consumption_request`: the buyer asked the store for a refund, and the store asks how much was used.
   * `refund_reversed`: the store took back a refund it had granted: the buyer paid after all.
   */
  action: 'refund' | 'refund_reversed' | 'consumption_request' | 'none';
  /** The coin purchase it is about; undefined when it is about none (a test, another product). */
  transactionId: string | undefined;
}

/** A purchase as orders know it: the store's transaction id and the app package it sold. */
export interface StorePurchase {
  transactionId: string;
  packageId: string;
}

/** A store's notification as it arrived: its body, and the Authorization header a store that authenticates its sender sends. */
export interface ReceivedNotification {
  body: unknown;
  authorization: string | undefined;
}

/** What the ledger shows of a purchase the store asks about. */
export interface Consumption {
  /** The coins were credited. */
  delivered: boolean;
  totalCoins: bigint;
  /** How many of them were spent since. */
  spentCoins: bigint;
}

/** An app store with a server of its own: signed notifications, the buyers' transaction history, and consumption requests. */
export interface AppStoreServer extends ReceiptVerifier {
  /** The store as messages name it: "the App Store", "Google Play". */
  readonly label: string;
  /** Verifies a notification's signature (or its sender) and content; throws WebhookSignatureError when it is not the store's. */
  parseNotification(received: ReceivedNotification): Promise<StoreNotification>;
  /** Every transaction of the store account that made this one (Google Play: the one purchase), or undefined when the store does not know the transaction. */
  transactionHistory(purchase: StorePurchase): Promise<AppStoreTransaction[] | undefined>;
  /** Tells the store what was consumed; false when the operator does not share consumption data. For a store that asks (Apple). */
  sendConsumption?(transactionId: string, consumption: Consumption): Promise<boolean>;
  /** The transaction ids of the purchases the store refunded, charged back or revoked from `since` on, for a store that lists them (Google Play's Voided Purchases API). */
  voidedPurchases?(since: Date, signal?: AbortSignal): Promise<string[]>;
}

export interface SandboxAppStore extends ReceiptVerifier {
  /** What the store's device SDK hands the app after a purchase: a signed transaction. */
  purchase(input: { productId: string; storefront: string }): string;
}

/** Stands in when no app store is configured: every receipt is refused, so no coins come without a real store behind them. */
export const NO_APP_STORE: ReceiptVerifier = {
  name: 'app_store',
  async verify() {
    throw DomainError.invalidRequest('app_store_not_enabled', 'App-store purchases are not enabled on this server.');
  },
};

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');
export const invalidReceipt = (why: string): DomainError => DomainError.invalidField('receipt', 'invalid_receipt', `The receipt is not a genuine app-store transaction: ${why}.`);
/** A store server's answer as JSON; undefined when it is empty or not JSON (an error page from a proxy). */
export async function jsonOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The store's server could not answer: the purchase is neither refused nor lost, and sending it again later completes it. */
export const storeUnavailable = (why: string): DomainError => new DomainError('unavailable', 'app_store_unavailable', `The app store could not be reached: ${why}. Try again later.`);

/**
 * The sandbox app store: receipts are compact JWS (HS256) over the
 * transaction, in the shape of signed store transactions, with a secret only
 * this server knows.
 */
export function createSandboxAppStore(options: { secret: string; now: () => Date }): SandboxAppStore {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const signature = (signingInput: string): Buffer => createHmac('sha256', options.secret).update(signingInput).digest();

  return {
    name: 'app_store_sandbox',

    purchase({ productId, storefront }) {
      const transaction: AppStoreTransaction = {
        transactionId: `sbtx_${randomBytes(10).toString('hex')}`,
        productId,
        storefront: storefront.toUpperCase(),
        purchasedAt: options.now().toISOString(),
        environment: 'sandbox',
      };
      const signingInput = `${header}.${base64url(JSON.stringify(transaction))}`;
      return `${signingInput}.${base64url(signature(signingInput))}`;
    },

    async verify(receipt) {
      const parts = receipt.split('.');
      if (parts.length !== 3) throw invalidReceipt('it is not a signed transaction');
      const [head, payload, signed] = parts as [string, string, string];
      const expected = signature(`${head}.${payload}`);
      const given = Buffer.from(signed, 'base64url');
      if (head !== header || given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidReceipt('its signature does not match');
      let transaction: AppStoreTransaction;
      try {
        transaction = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AppStoreTransaction;
      } catch {
        throw invalidReceipt('its transaction cannot be read');
      }
      if (typeof transaction.transactionId !== 'string' || typeof transaction.productId !== 'string' || !/^[A-Z]{2}$/.test(transaction.storefront)) {
        throw invalidReceipt('its transaction is incomplete');
      }
      return transaction;
    },
  };
}

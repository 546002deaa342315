import { createPrivateKey, sign, type KeyObject, type X509Certificate } from 'node:crypto';
import { WebhookSignatureError } from '../shared/signatures.js';
import { invalidReceipt, jsonOf, type AppStoreServer, type AppStoreTransaction, type StoreNotification } from './app-store.js';
import type { AppleConfig } from './app-store-config.js';
import { AppleSignatureError, certificatesOf, verifyAppleJws } from './apple-jws.js';
import { appleRootCertificate } from './apple-root-ca.js';
import { regionOfStorefront } from './storefronts.js';

/** A call to the App Store Server API that Apple refused or could not answer. */
export class AppStoreApiError extends Error {
  override readonly name = 'AppStoreApiError';
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The fields of Apple's JWSTransactionDecodedPayload that crediting reads. */
interface AppleTransactionPayload {
  transactionId?: unknown;
  bundleId?: unknown;
  productId?: unknown;
  type?: unknown;
  storefront?: unknown;
  purchaseDate?: unknown;
  environment?: unknown;
  revocationDate?: unknown;
  appAccountToken?: unknown;
}

/** Apple's ResponseBodyV2DecodedPayload, as far as it is read. */
interface AppleNotificationPayload {
  notificationType?: unknown;
  subtype?: unknown;
  notificationUUID?: unknown;
  data?: { bundleId?: unknown; environment?: unknown; signedTransactionInfo?: unknown };
}

/** Apple's errorCode for a transaction id it has no record of (TransactionIdNotFoundError), and for an original transaction id (OriginalTransactionIdNotFoundError). */
const UNKNOWN_TRANSACTION_CODES = new Set([4040010, 4040005]);
/** What orders do on each App Store Server Notification type; the others are not acted on. */
const NOTIFICATION_ACTIONS: Readonly<Record<string, StoreNotification['action']>> = {
  REFUND: 'refund',
  REVOKE: 'refund',
  REFUND_REVERSED: 'refund_reversed',
  CONSUMPTION_REQUEST: 'consumption_request',
};
/** How long a call to the App Store Server API may take. */
const API_TIMEOUT_MS = 10_000;
/** How long an API token lives: Apple accepts up to an hour; each call makes its own. */
const TOKEN_LIFETIME_SECONDS = 300;

export interface AppleAppStoreOptions extends AppleConfig {
  now: () => Date;
}

/**
 * The Apple App Store. Purchases arrive as signed transactions (JWS, ES256, with the x5c chain to
 * Apple Root CA - G3); refunds and consumption requests as App Store Server Notifications V2; the
 * App Store Server API, called with a JWT signed by the operator's in-app purchase key, answers the
 * buyers' transaction history and takes consumption information.
 */
export function createAppleAppStore(options: AppleAppStoreOptions): AppStoreServer {
  const trustedRoots: X509Certificate[] = options.rootCertificates === undefined ? [appleRootCertificate()] : certificatesOf(options.rootCertificates);
  const privateKey: KeyObject = createPrivateKey(options.privateKey);
  const mapped = Object.keys(options.productPackages).length > 0;

  const packageOf = (productId: string): string | undefined => (mapped ? options.productPackages[productId] : productId);

  /** A transaction Apple signed for this app in this environment. Throws AppleSignatureError. */
  function verifiedTransaction(jws: string): AppleTransactionPayload & { transactionId: string; productId: string; purchaseDate: number } {
    const payload = verifyAppleJws(jws, { trustedRoots, at: options.now() }) as AppleTransactionPayload;
    if (payload.bundleId !== options.bundleId) throw new AppleSignatureError(`it is for the app ${String(payload.bundleId)}, not ${options.bundleId}`);
    if (payload.environment !== options.environment) throw new AppleSignatureError(`it is a ${String(payload.environment)} purchase, and this server credits ${options.environment} ones`);
    if (typeof payload.transactionId !== 'string' || payload.transactionId === '' || typeof payload.productId !== 'string' || typeof payload.purchaseDate !== 'number') {
      throw new AppleSignatureError('its transaction is incomplete');
    }
    return payload as AppleTransactionPayload & { transactionId: string; productId: string; purchaseDate: number };
  }

  /** A verified coin purchase, as orders know it: the package its product sells, in the storefront's region. Throws AppleSignatureError. */
  function coinPurchase(payload: ReturnType<typeof verifiedTransaction>): AppStoreTransaction {
    if (payload.type !== 'Consumable') throw new AppleSignatureError(`it is a ${String(payload.type)} purchase; coins are sold as consumables`);
    const packageId = packageOf(payload.productId);
    if (packageId === undefined) throw new AppleSignatureError(`its product ${payload.productId} is not one of APPLE_PRODUCT_PACKAGES`);
    const region = typeof payload.storefront === 'string' ? regionOfStorefront(payload.storefront) : undefined;
    if (region === undefined) throw new AppleSignatureError(`its storefront ${String(payload.storefront)} is not a country`);
    return {
      transactionId: payload.transactionId,
      productId: packageId,
      storefront: region,
      purchasedAt: new Date(payload.purchaseDate).toISOString(),
      environment: options.environment === 'Production' ? 'production' : 'sandbox',
      ...(typeof payload.revocationDate === 'number' ? { revokedAt: new Date(payload.revocationDate).toISOString() } : {}),
      ...(typeof payload.appAccountToken === 'string' && payload.appAccountToken !== '' ? { appAccountToken: payload.appAccountToken.toLowerCase() } : {}),
    };
  }
  const decodeTransaction = (jws: string): AppStoreTransaction => coinPurchase(verifiedTransaction(jws));
  const isCoinProduct = (payload: AppleTransactionPayload & { productId: string }): boolean => payload.type === 'Consumable' && packageOf(payload.productId) !== undefined;

  /** The JWT the App Store Server API takes: ES256 by the in-app purchase key, naming its issuer and the app. */
  function apiToken(): string {
    const issuedAt = Math.floor(options.now().getTime() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signingInput = `${encode({ alg: 'ES256', kid: options.keyId, typ: 'JWT' })}.${encode({
      iss: options.issuerId,
      iat: issuedAt,
      exp: issuedAt + TOKEN_LIFETIME_SECONDS,
      aud: 'appstoreconnect-v1',
      bid: options.bundleId,
    })}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }

  async function callApi(method: 'GET' | 'PUT', path: string, body?: object): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${options.apiUrl}${path}`, {
      method,
      // A consumption answer is made inside Apple's notification call, which Apple waits on only so long.
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
      headers: { authorization: `Bearer ${apiToken()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = await jsonOf(response);
    if (response.ok) return { status: response.status, json };
    const error = (json ?? {}) as { errorCode?: number; errorMessage?: string };
    throw new AppStoreApiError(
      response.status,
      error.errorCode,
      `The App Store Server API answered ${method} ${path} with ${response.status}${error.errorCode ? ` (${error.errorCode} ${error.errorMessage ?? ''})` : response.status === 401 ? ': check APPLE_ISSUER_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY' : ''}.`,
    );
  }

  return {
    name: 'apple',
    label: 'the App Store',

    async verify(receipt) {
      let transaction: AppStoreTransaction;
      try {
        transaction = decodeTransaction(receipt);
      } catch (error) {
        if (error instanceof AppleSignatureError) throw invalidReceipt(error.message);
        throw error;
      }
      if (transaction.revokedAt !== undefined) throw invalidReceipt(`the App Store refunded or revoked it at ${transaction.revokedAt}`);
      return transaction;
    },

    async parseNotification({ body }) {
      const signedPayload = (body as { signedPayload?: unknown } | null)?.signedPayload;
      if (typeof signedPayload !== 'string') throw new WebhookSignatureError('An App Store Server Notification carries its content as signedPayload.');
      try {
        const payload = verifyAppleJws(signedPayload, { trustedRoots, at: options.now() }) as AppleNotificationPayload;
        const { data } = payload;
        if (typeof payload.notificationUUID !== 'string' || typeof payload.notificationType !== 'string') throw new AppleSignatureError('it is not a version 2 notification');
        if (data?.bundleId !== options.bundleId) throw new AppleSignatureError(`it is for the app ${String(data?.bundleId)}, not ${options.bundleId}`);
        if (data.environment !== options.environment) throw new AppleSignatureError(`it is from the ${String(data.environment)} environment, and this server takes ${options.environment}`);
        const type = payload.notificationType;
        const signed = typeof data.signedTransactionInfo === 'string' ? verifiedTransaction(data.signedTransactionInfo) : undefined;
        // The app's other products (subscriptions, say) are not the coins': their notifications are not acted on.
        if (signed === undefined || !isCoinProduct(signed)) return { id: payload.notificationUUID, type, action: 'none', transactionId: undefined };
        return { id: payload.notificationUUID, type, action: NOTIFICATION_ACTIONS[type] ?? 'none', transactionId: coinPurchase(signed).transactionId };
      } catch (error) {
        if (error instanceof AppleSignatureError) throw new WebhookSignatureError(`The App Store Server Notification was refused: ${error.message}.`);
        throw error;
      }
    },

    async transactionHistory({ transactionId }) {
      const found: AppStoreTransaction[] = [];
      let revision: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ sort: 'ASCENDING', ...(revision === undefined ? {} : { revision }) });
        let page;
        try {
          page = (await callApi('GET', `/inApps/v1/history/${encodeURIComponent(transactionId)}?${query}`)).json as { signedTransactions?: string[]; hasMore?: boolean; revision?: string };
        } catch (error) {
          if (error instanceof AppStoreApiError && error.status === 404 && UNKNOWN_TRANSACTION_CODES.has(error.errorCode ?? 0)) return undefined;
          throw error;
        }
        for (const signed of page.signedTransactions ?? []) {
          // The history also lists the app's other products; only coin purchases are the orders'.
          const payload = verifiedTransaction(signed);
          if (isCoinProduct(payload)) found.push(coinPurchase(payload));
        }
        if (page.hasMore !== true || typeof page.revision !== 'string') return found;
        revision = page.revision;
      }
    },

    async sendConsumption(transactionId, consumption) {
      if (!options.shareConsumption) return false;
      const { totalCoins, spentCoins } = consumption;
      // Apple's ConsumptionRequest (Send Consumption Information V2): the share consumed in milliunits, 100000 being all of it.
      const consumptionPercentage = totalCoins > 0n ? Number((spentCoins * 100_000n) / totalCoins) : 0;
      await callApi('PUT', `/inApps/v2/transactions/consumption/${encodeURIComponent(transactionId)}`, {
        customerConsented: true,
        sampleContentProvided: false,
        deliveryStatus: consumption.delivered ? 'DELIVERED' : 'UNDELIVERED_OTHER',
        consumptionPercentage,
      });
      return true;
    },
  };
}

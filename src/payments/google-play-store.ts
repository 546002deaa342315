import { WebhookSignatureError } from '../shared/signatures.js';
import { invalidReceipt, storeUnavailable, type AppStoreServer, type AppStoreTransaction, type StoreNotification } from './app-store.js';
import type { GooglePlayConfig } from './app-store-config.js';
import { callGoogle, createPushTokenVerifier, createServiceAccountTokens, GoogleApiError } from './google-auth.js';

/** The scope of the Google Play Developer API. */
const ANDROID_PUBLISHER_SCOPE = 'https://www.googleapis.com/auth/androidpublisher';
/** Statuses the API answers for a purchase token it does not know (purchaseTokenNotFound, purchaseTokenNoLongerValid, one of another product or app). */
const UNKNOWN_PURCHASE_STATUSES = new Set([400, 404, 410]);
/** The most voided purchases the API lists in one page. */
const VOIDED_PAGE_SIZE = 1000;

/** The fields of Google's ProductPurchase that crediting reads. */
interface ProductPurchase {
  purchaseTimeMillis?: unknown;
  /** 0 purchased, 1 canceled, 2 pending. */
  purchaseState?: unknown;
  /** 0 yet to be consumed, 1 consumed. */
  consumptionState?: unknown;
  /** 0 yet to be acknowledged, 1 acknowledged. */
  acknowledgementState?: unknown;
  /** Absent for a purchase paid for; 0 a license tester's, 1 a promo code's, 2 a rewarded ad's. */
  purchaseType?: unknown;
  productId?: unknown;
  quantity?: unknown;
  obfuscatedExternalAccountId?: unknown;
  regionCode?: unknown;
}

/** Google's DeveloperNotification (a Pub/Sub message's data), as far as it is read. */
interface DeveloperNotification {
  packageName?: unknown;
  voidedPurchaseNotification?: { purchaseToken?: unknown; productType?: unknown };
  oneTimeProductNotification?: unknown;
  subscriptionNotification?: unknown;
  testNotification?: unknown;
}

/** voidedPurchaseNotification.productType of a one-time product (1 is a subscription). */
const ONE_TIME_PRODUCT = 2;
const PURCHASE_TYPES: Readonly<Record<number, string>> = { 0: 'a test purchase by a license tester', 1: 'a promo-code purchase', 2: 'a rewarded purchase' };

export interface GooglePlayStoreOptions extends GooglePlayConfig {
  /** The push subscription's audience, defaulted to the notification route's URL. */
  pushAudience: string;
  now: () => Date;
}

/**
 * Google Play. The app sends a purchase (Play Billing's Purchase JSON); its token is looked up with
 * the Google Play Developer API (purchases.products.get), called as a service account, and a
 * credited purchase is acknowledged and consumed. Refunds arrive as real-time developer
 * notifications, pushed by Pub/Sub with an OIDC token, and are listed by the Voided Purchases API.
 */
export function createGooglePlayStore(options: GooglePlayStoreOptions): AppStoreServer {
  const tokens = createServiceAccountTokens({ key: options.serviceAccount, scope: ANDROID_PUBLISHER_SCOPE, now: options.now });
  const pushTokens = createPushTokenVerifier({ certsUrl: options.pushCertsUrl, audience: options.pushAudience, email: options.pushServiceAccount, now: options.now });
  const mapped = Object.keys(options.productPackages).length > 0;
  const packageOf = (productId: string): string => {
    const packageId = mapped ? options.productPackages[productId] : productId;
    if (packageId === undefined) throw invalidReceipt(`its product ${productId} is not one of GOOGLE_PLAY_PRODUCT_PACKAGES`);
    return packageId;
  };
  /** The Play product that sells a package: the map is one to one (loadAppStoreConfig). */
  const productOf = (packageId: string): string => (mapped ? (Object.entries(options.productPackages).find(([, each]) => each === packageId)?.[0] ?? packageId) : packageId);
  const applicationUrl = `${options.apiUrl}/androidpublisher/v3/applications/${encodeURIComponent(options.packageName)}`;
  const purchaseUrl = (productId: string, token: string) => `${applicationUrl}/purchases/products/${encodeURIComponent(productId)}/tokens/${encodeURIComponent(token)}`;

  /** A call to the API as the service account; a token Google refuses is forgotten, so the next call signs in again. */
  async function callApi(method: 'GET' | 'POST', url: string, what: string, signal?: AbortSignal): Promise<unknown> {
    let token: string;
    try {
      token = await tokens.accessToken();
    } catch (error) {
      // Not the API's answer about the purchase: signing in failed, so nothing is known of it.
      throw new Error(`Signing in as the service account failed: ${(error as Error).message}`);
    }
    try {
      return await callGoogle(url, { method, headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) }, `The Google Play Developer API (${what})`);
    } catch (error) {
      if (error instanceof GoogleApiError && error.status === 401) tokens.forget(token);
      if (error instanceof GoogleApiError && error.status === 403) {
        throw new GoogleApiError(403, error.reason, `${error.message}: the service account needs access to the app in Play Console (View financial data, Manage orders)`);
      }
      throw error;
    }
  }

  /** The purchase as Google has it; undefined when Google does not know the token. */
  async function getPurchase(productId: string, token: string): Promise<ProductPurchase | undefined> {
    try {
      return ((await callApi('GET', purchaseUrl(productId, token), 'purchases.products.get')) ?? {}) as ProductPurchase;
    } catch (error) {
      if (error instanceof GoogleApiError && UNKNOWN_PURCHASE_STATUSES.has(error.status)) return undefined;
      throw error;
    }
  }

  /** A purchase Google vouches for, as orders know it; throws the reason it is not a coin purchase this server credits. */
  function coinPurchase(token: string, productId: string, purchase: ProductPurchase): AppStoreTransaction {
    const packageId = packageOf(productId);
    if (purchase.productId !== undefined && purchase.productId !== productId) throw invalidReceipt(`Google Play has it as a purchase of ${String(purchase.productId)}`);
    if (purchase.purchaseState === 1) throw invalidReceipt('Google Play canceled it');
    if (purchase.purchaseState === 2) throw invalidReceipt('its payment is still pending; send it again once Google Play says it is purchased');
    if (purchase.purchaseState !== 0) throw invalidReceipt(`Google Play has it in the state ${String(purchase.purchaseState)}`);
    const test = purchase.purchaseType === 0;
    if (purchase.purchaseType !== undefined && !(test && options.testPurchases)) {
      throw invalidReceipt(
        `it is ${PURCHASE_TYPES[Number(purchase.purchaseType)] ?? `of the type ${String(purchase.purchaseType)}`}, which is not paid for${test ? ' (GOOGLE_PLAY_TEST_PURCHASES)' : ''}`,
      );
    }
    if ((purchase.quantity ?? 1) !== 1) throw invalidReceipt(`it buys ${String(purchase.quantity)} at once; coins are sold one package a purchase`);
    if (typeof purchase.regionCode !== 'string' || !/^[A-Z]{2}$/.test(purchase.regionCode)) throw invalidReceipt(`its region ${String(purchase.regionCode)} is not a country`);
    const purchasedAtMs = Number(purchase.purchaseTimeMillis);
    const account = purchase.obfuscatedExternalAccountId;
    return {
      transactionId: token,
      productId: packageId,
      storefront: purchase.regionCode,
      purchasedAt: new Date(Number.isFinite(purchasedAtMs) ? purchasedAtMs : options.now().getTime()).toISOString(),
      environment: test ? 'sandbox' : 'production',
      ...(typeof account === 'string' && account !== '' ? { appAccountToken: account.toLowerCase() } : {}),
      completed: purchase.acknowledgementState === 1 && purchase.consumptionState === 1,
    };
  }

  /** The Purchase JSON Play Billing gives the app (getOriginalJson), or just its productId and purchaseToken; nothing in it is trusted but what to ask Google. */
  function purchaseOfReceipt(receipt: string): { productId: string; token: string } {
    let sent: { packageName?: unknown; productId?: unknown; productIds?: unknown; purchaseToken?: unknown };
    try {
      sent = JSON.parse(receipt) as typeof sent;
    } catch {
      throw invalidReceipt('it is not a Google Play purchase (its JSON)');
    }
    const productId = sent?.productId ?? (Array.isArray(sent?.productIds) && sent.productIds.length === 1 ? sent.productIds[0] : undefined);
    if (typeof productId !== 'string' || productId === '' || typeof sent.purchaseToken !== 'string' || sent.purchaseToken === '') {
      throw invalidReceipt('it names no single productId and purchaseToken');
    }
    if (sent.packageName !== undefined && sent.packageName !== options.packageName) throw invalidReceipt(`it is for the app ${String(sent.packageName)}, not ${options.packageName}`);
    return { productId, token: sent.purchaseToken };
  }

  return {
    name: 'google_play',
    label: 'Google Play',

    async verify(receipt) {
      const { productId, token } = purchaseOfReceipt(receipt);
      // Refused before Google is asked.
      packageOf(productId);
      let purchase;
      try {
        purchase = await getPurchase(productId, token);
      } catch (error) {
        throw storeUnavailable((error as Error).message);
      }
      if (purchase === undefined) throw invalidReceipt(`Google Play does not know its purchase token for ${productId}`);
      return coinPurchase(token, productId, purchase);
    },

    /** Acknowledges, then consumes: a consumable is bought again only once consumed, and one never acknowledged is refunded after three days. */
    async complete({ transactionId, packageId }) {
      const productId = productOf(packageId);
      try {
        const purchase = await getPurchase(productId, transactionId);
        if (purchase === undefined) throw new GoogleApiError(404, 'purchaseTokenNotFound', `Google Play does not know the purchase token of ${productId}`);
        if (purchase.acknowledgementState !== 1 && purchase.consumptionState !== 1) {
          await callApi('POST', `${purchaseUrl(productId, transactionId)}:acknowledge`, 'purchases.products.acknowledge');
        }
        if (purchase.consumptionState !== 1) await callApi('POST', `${purchaseUrl(productId, transactionId)}:consume`, 'purchases.products.consume');
      } catch (error) {
        // Another request for the same purchase may have consumed it in between: then all is done.
        if (error instanceof GoogleApiError && error.status < 500 && (await getPurchase(productId, transactionId).catch(() => undefined))?.consumptionState === 1) return;
        throw storeUnavailable(`Google Play was not told the purchase was delivered: ${(error as Error).message}`);
      }
    },

    async parseNotification({ body, authorization }) {
      try {
        await pushTokens.verify(authorization);
      } catch (error) {
        if (error instanceof WebhookSignatureError) throw error;
        throw storeUnavailable((error as Error).message);
      }
      const message = (body as { message?: { data?: unknown; messageId?: unknown } } | null)?.message;
      if (typeof message?.messageId !== 'string' || typeof message.data !== 'string')
        throw new WebhookSignatureError('A Pub/Sub push request carries its message as message.data and message.messageId.');
      let notification: DeveloperNotification;
      try {
        notification = JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')) as DeveloperNotification;
      } catch {
        throw new WebhookSignatureError('The Pub/Sub message is not a Google Play developer notification.');
      }
      const none = (type: string): StoreNotification => ({ id: message.messageId as string, type, action: 'none', transactionId: undefined });
      // One topic may carry several apps' notifications; another app's are not this server's to act on.
      if (notification?.packageName !== options.packageName) return none('otherPackage');
      const voided = notification.voidedPurchaseNotification;
      if (voided === undefined) {
        const type = ['oneTimeProductNotification', 'subscriptionNotification', 'testNotification'].find((each) => each in notification);
        return none(type ?? 'unknown');
      }
      if (voided.productType !== ONE_TIME_PRODUCT || typeof voided.purchaseToken !== 'string') return none('voidedPurchaseNotification');
      return { id: message.messageId, type: 'voidedPurchaseNotification', action: 'refund', transactionId: voided.purchaseToken };
    },

    async transactionHistory({ transactionId, packageId }) {
      const productId = productOf(packageId);
      const purchase = await getPurchase(productId, transactionId);
      if (purchase === undefined) return undefined;
      try {
        return [coinPurchase(transactionId, productId, purchase)];
      } catch {
        // Credited once, and no longer a purchase Google vouches for (canceled): its refund is the Voided Purchases API's to report.
        return [];
      }
    },

    async voidedPurchases(since, signal) {
      const found: string[] = [];
      let pageToken: string | undefined;
      do {
        const query = new URLSearchParams({ startTime: String(since.getTime()), maxResults: String(VOIDED_PAGE_SIZE), type: '0', ...(pageToken === undefined ? {} : { token: pageToken }) });
        const page = ((await callApi('GET', `${applicationUrl}/purchases/voidedpurchases?${query}`, 'purchases.voidedpurchases.list', signal)) ?? {}) as {
          voidedPurchases?: { purchaseToken?: unknown }[];
          tokenPagination?: { nextPageToken?: unknown };
        };
        for (const each of page.voidedPurchases ?? []) {
          if (typeof each.purchaseToken === 'string') found.push(each.purchaseToken);
        }
        pageToken = typeof page.tokenPagination?.nextPageToken === 'string' ? page.tokenPagination.nextPageToken : undefined;
      } while (pageToken !== undefined && !signal?.aborted);
      return found;
    },
  };
}

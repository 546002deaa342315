import { createPrivateKey } from 'node:crypto';
import { ConfigError, declareSettings, flag, InvalidValue, listEntries, oneOf, settingsIn, text, url, wholeNumber, type Env, type Setting, type ValueKind } from '../config/index.js';
import { certificatesOf } from './apple-jws.js';

/** Which app store credits app-channel purchases, and its settings when it is a real one. */
export interface AppStoreConfig {
  /** `sandbox`: the built-in sandbox app store (with the sandbox payment provider only). `apple`: the Apple App Store. `google`: Google Play. */
  readonly provider: 'sandbox' | 'apple' | 'google';
  readonly apple: AppleConfig | undefined;
  readonly google: GooglePlayConfig | undefined;
}

/** A Google Cloud service account's JSON key, as far as signing in with it needs. */
export interface ServiceAccountKey {
  readonly clientEmail: string;
  readonly privateKeyId: string;
  /** PKCS#8 PEM RSA private key. */
  readonly privateKey: string;
  /** Google's OAuth 2.0 token endpoint the key's JWTs are exchanged at. */
  readonly tokenUri: string;
}

export interface GooglePlayConfig {
  readonly packageName: string;
  /** Play product id → app package id; empty when product ids are the package ids. */
  readonly productPackages: Readonly<Record<string, string>>;
  /** The service account the Google Play Developer API is called as (Play Console → Users and permissions). */
  readonly serviceAccount: ServiceAccountKey;
  /** The Google Play Developer API, such as https://androidpublisher.googleapis.com. */
  readonly apiUrl: string;
  /** Whether license testers' purchases (purchaseType 0, which cost nothing) are credited. */
  readonly testPurchases: boolean;
  /** The audience of the push subscription's OIDC tokens; undefined: the notification route's public URL. */
  readonly pushAudience: string | undefined;
  /** The service account the push subscription's OIDC tokens are made for. */
  readonly pushServiceAccount: string;
  /** Google's public keys for its OIDC tokens, as a JWK set. */
  readonly pushCertsUrl: string;
  /** How often the Voided Purchases API is asked for refunds; 0 turns the job off. */
  readonly voidedPollIntervalMs: number;
}

export interface AppleConfig {
  readonly bundleId: string;
  /** The App Store environment whose transactions are credited; the other's are refused. */
  readonly environment: 'Production' | 'Sandbox';
  /** App Store product id → app package id; empty when product ids are the package ids. */
  readonly productPackages: Readonly<Record<string, string>>;
  /** The App Store Server API, such as https://api.storekit.itunes.apple.com. */
  readonly apiUrl: string;
  /** The in-app purchase key the API calls are signed with (App Store Connect → Users and Access → Integrations). */
  readonly issuerId: string;
  readonly keyId: string;
  /** The key's .p8 file: a PKCS#8 PEM EC private key. */
  readonly privateKey: string;
  /** PEM certificates signatures must chain up to: Apple Root CA - G3 unless replaced (tests). */
  readonly rootCertificates: string | undefined;
  /** The buyers agreed (in the operator's terms) that consumption data is shared with Apple when they ask for a refund. */
  readonly shareConsumption: boolean;
}

const API_URLS = { Production: 'https://api.storekit.itunes.apple.com', Sandbox: 'https://api.storekit-sandbox.itunes.apple.com' } as const;

export const APP_STORE_SETTINGS = declareSettings({
  APP_STORE_PROVIDER: {
    module: 'payments',
    default: 'sandbox',
    ...oneOf(['sandbox', 'apple', 'google']),
    description:
      'Which app store credits app-channel purchases (`POST /api/v1/orders/app-receipts`). `sandbox`: the built-in sandbox app store, which exists only while `PAYMENT_PROVIDER=sandbox` (with Stripe, receipts are refused with `app_store_not_enabled`). `apple`: the Apple App Store, with the `APPLE_*` settings below. `google`: Google Play, with the `GOOGLE_PLAY_*` settings below. With either real store the sandbox app store is not served. See [app-stores.md](app-stores.md).',
  },
  APPLE_BUNDLE_ID: {
    module: 'payments',
    ...text(),
    description: "The app's bundle id, such as `com.example.ovation`. Signed transactions and notifications for another bundle are refused. Needed when `APP_STORE_PROVIDER=apple`.",
  },
  APPLE_ENVIRONMENT: {
    module: 'payments',
    default: 'Production',
    ...oneOf(['Production', 'Sandbox']),
    description:
      "The App Store environment whose purchases are credited. Sandbox purchases (Xcode, TestFlight, App Review) cost nothing, so a `Production` server refuses them; run a second server with `Sandbox` for testers. It also picks the App Store Server API's address, unless `APPLE_API_URL` is set.",
  },
  APPLE_PRODUCT_PACKAGES: {
    module: 'payments',
    default: '',
    ...productPackages(),
    description:
      'Which app package each App Store product sells, as `PRODUCT_ID:PACKAGE_ID` pairs, such as `com.example.coins700:pkg_app_700,com.example.coins1400:pkg_app_1400`. When set, a product not listed is refused; when empty, each product id is taken as the package id (name the products `pkg_app_700` …).',
  },
  APPLE_ISSUER_ID: {
    module: 'payments',
    ...text(),
    description: 'The issuer id of the in-app purchase key (App Store Connect → Users and Access → Integrations → In-App Purchase). Needed when `APP_STORE_PROVIDER=apple`.',
  },
  APPLE_KEY_ID: {
    module: 'payments',
    ...text(),
    description: 'The id of the in-app purchase key, such as `2X9R4HXF34`. Needed when `APP_STORE_PROVIDER=apple`.',
  },
  APPLE_PRIVATE_KEY: {
    module: 'payments',
    secret: true,
    ...pemPrivateKey(),
    description:
      'The in-app purchase key: the contents of the `.p8` file App Store Connect lets you download once. A key kept on one line with `\\n` for its line breaks is accepted. It signs the App Store Server API calls (reconciliation, consumption information). Needed when `APP_STORE_PROVIDER=apple`.',
  },
  APPLE_API_URL: {
    module: 'payments',
    ...url(),
    description: "The App Store Server API. Unset, Apple's address for `APPLE_ENVIRONMENT`: `https://api.storekit.itunes.apple.com` or `https://api.storekit-sandbox.itunes.apple.com`.",
  },
  APPLE_ROOT_CERTIFICATES: {
    module: 'payments',
    ...pemCertificates(),
    description:
      'PEM certificates that App Store signatures must chain up to, replacing Apple Root CA - G3, which ships with Ovation. For tests with their own certificate authority only: leave it unset in production. A value kept on one line with `\\n` for its line breaks is accepted.',
  },
  APPLE_SHARE_CONSUMPTION: {
    module: 'payments',
    default: 'false',
    ...flag(),
    description:
      "`true` when your terms ask buyers' consent to share consumption data with Apple: a `CONSUMPTION_REQUEST` notification (a buyer asked Apple for a refund) is then answered with how much of the purchase the ledger shows was spent. Apple takes this data only with the customer's consent; `false` answers nothing.",
  },
  GOOGLE_PLAY_PACKAGE_NAME: {
    module: 'payments',
    ...text(),
    description: "The app's package name, such as `com.example.ovation`. Purchases are looked up under it, and notifications of other apps are ignored. Needed when `APP_STORE_PROVIDER=google`.",
  },
  GOOGLE_PLAY_PRODUCT_PACKAGES: {
    module: 'payments',
    default: '',
    ...productPackages(),
    description:
      'Which app package each Google Play product sells, as `PRODUCT_ID:PACKAGE_ID` pairs, such as `coins_700:pkg_app_700,coins_7000:pkg_app_7000`. When set, a product not listed is refused; when empty, each product id is taken as the package id (name the products `pkg_app_700` …).',
  },
  GOOGLE_PLAY_SERVICE_ACCOUNT_KEY: {
    module: 'payments',
    secret: true,
    ...serviceAccountKey(),
    description:
      "The JSON key of the Google Cloud service account Ovation calls the Google Play Developer API as (Google Cloud console → IAM → Service accounts → Keys), the account invited in Play Console with the View financial data and Manage orders permissions. Set it to the file's contents. Needed when `APP_STORE_PROVIDER=google`.",
  },
  GOOGLE_PLAY_API_URL: {
    module: 'payments',
    default: 'https://androidpublisher.googleapis.com',
    ...url(),
    description: 'The Google Play Developer API. Change it only for tests against a stand-in.',
  },
  GOOGLE_PLAY_TEST_PURCHASES: {
    module: 'payments',
    default: 'false',
    ...flag(),
    description:
      '`true` credits license testers\' test purchases, which cost nothing: only on a server for testers, with its own database. `false` refuses them (`400 invalid_receipt`, "a test purchase").',
  },
  GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT: {
    module: 'payments',
    ...text(),
    description:
      "The email of the service account the Pub/Sub push subscription authenticates as (its OIDC token's `email`), such as `play-notifications@my-project.iam.gserviceaccount.com`. A push request whose token names another account is refused. Needed when `APP_STORE_PROVIDER=google`.",
  },
  GOOGLE_PLAY_PUSH_AUDIENCE: {
    module: 'payments',
    ...text(),
    description:
      "The audience set on the push subscription (its OIDC token's `aud`). Unset, the push endpoint's URL, `PUBLIC_URL` followed by `/api/v1/webhooks/google-play`, which is Pub/Sub's own default.",
  },
  GOOGLE_PLAY_PUSH_CERTS_URL: {
    module: 'payments',
    default: 'https://www.googleapis.com/oauth2/v3/certs',
    ...url(),
    description: "Google's public keys for the push subscription's OIDC tokens, as a JSON Web Key Set. Change it only for tests against a stand-in.",
  },
  GOOGLE_PLAY_VOIDED_POLL_INTERVAL_MS: {
    module: 'payments',
    default: '600000',
    ...wholeNumber(0, 86_400_000),
    description:
      "How often, in milliseconds, the server asks Google Play's Voided Purchases API for the refunds, chargebacks and revocations of the last 30 days, and claws back those whose notification never came; `0` turns the job off. One process at a time runs it.",
  },
});

/** Reads APP_STORE_SETTINGS. Throws a ConfigError naming an invalid or missing variable. */
export function loadAppStoreConfig(env: Env): AppStoreConfig {
  const read = settingsIn(env);
  const setting = APP_STORE_SETTINGS;
  const provider = read(setting.APP_STORE_PROVIDER);
  const required = <T>(declared: Setting<T | undefined>): T => {
    const value = read(declared);
    if (value === undefined) throw new ConfigError(declared.name, `APP_STORE_PROVIDER=${provider} needs it`);
    return value;
  };
  if (provider === 'google') {
    const productPackages = read(setting.GOOGLE_PLAY_PRODUCT_PACKAGES);
    // Google is asked about a credited purchase by its product, which is found from the order's package.
    const packages = Object.values(productPackages);
    if (new Set(packages).size !== packages.length) throw new ConfigError(setting.GOOGLE_PLAY_PRODUCT_PACKAGES.name, 'each package may be sold by one product only');
    return {
      provider,
      apple: undefined,
      google: {
        packageName: required(setting.GOOGLE_PLAY_PACKAGE_NAME),
        productPackages,
        serviceAccount: required(setting.GOOGLE_PLAY_SERVICE_ACCOUNT_KEY),
        apiUrl: read(setting.GOOGLE_PLAY_API_URL),
        testPurchases: read(setting.GOOGLE_PLAY_TEST_PURCHASES),
        pushAudience: read(setting.GOOGLE_PLAY_PUSH_AUDIENCE),
        pushServiceAccount: required(setting.GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT),
        pushCertsUrl: read(setting.GOOGLE_PLAY_PUSH_CERTS_URL),
        voidedPollIntervalMs: read(setting.GOOGLE_PLAY_VOIDED_POLL_INTERVAL_MS),
      },
    };
  }
  if (provider !== 'apple') return { provider, apple: undefined, google: undefined };
  const environment = read(setting.APPLE_ENVIRONMENT);
  return {
    provider,
    google: undefined,
    apple: {
      bundleId: required(setting.APPLE_BUNDLE_ID),
      environment,
      productPackages: read(setting.APPLE_PRODUCT_PACKAGES),
      apiUrl: (read(setting.APPLE_API_URL) ?? API_URLS[environment]).replace(/\/+$/, ''),
      issuerId: required(setting.APPLE_ISSUER_ID),
      keyId: required(setting.APPLE_KEY_ID),
      privateKey: required(setting.APPLE_PRIVATE_KEY),
      rootCertificates: read(setting.APPLE_ROOT_CERTIFICATES),
      shareConsumption: read(setting.APPLE_SHARE_CONSUMPTION),
    },
  };
}

/** A PEM often arrives on one line with its newlines written as \n, as many secret stores keep it. */
const unescapePem = (raw: string): string => raw.replace(/\\n/g, '\n');

function pemPrivateKey(): ValueKind<string> {
  return {
    type: 'PEM private key',
    allowed: '`-----BEGIN PRIVATE KEY-----…` (an EC P-256 key)',
    parse: (raw) => {
      const pem = unescapePem(raw);
      let details;
      try {
        details = createPrivateKey(pem).asymmetricKeyDetails;
      } catch {
        throw new InvalidValue("expected the .p8 file's PEM private key (-----BEGIN PRIVATE KEY-----…)");
      }
      if (details?.namedCurve !== 'prime256v1') throw new InvalidValue('expected an EC P-256 key, as App Store Connect issues');
      return pem;
    },
  };
}

function serviceAccountKey(): ValueKind<ServiceAccountKey> {
  return {
    type: 'JSON key',
    allowed: 'the service account\'s JSON key file, `{ "type": "service_account", … }`',
    parse: (raw) => {
      let key: { type?: unknown; client_email?: unknown; private_key_id?: unknown; private_key?: unknown; token_uri?: unknown };
      try {
        key = JSON.parse(raw) as typeof key;
      } catch {
        throw new InvalidValue("expected the service account's JSON key file");
      }
      if (key?.type !== 'service_account' || typeof key.client_email !== 'string' || typeof key.private_key_id !== 'string' || typeof key.private_key !== 'string') {
        throw new InvalidValue('expected a service account key with client_email, private_key_id and private_key');
      }
      const privateKey = unescapePem(key.private_key);
      try {
        if (createPrivateKey(privateKey).asymmetricKeyType !== 'rsa') throw new Error('not RSA');
      } catch {
        throw new InvalidValue("its private_key is not the RSA key Google issues with a service account's key");
      }
      const tokenUri = typeof key.token_uri === 'string' ? key.token_uri : 'https://oauth2.googleapis.com/token';
      return { clientEmail: key.client_email, privateKeyId: key.private_key_id, privateKey, tokenUri };
    },
  };
}

function pemCertificates(): ValueKind<string> {
  return {
    type: 'PEM certificates',
    allowed: '`-----BEGIN CERTIFICATE-----…`, one or more',
    parse: (raw) => {
      const pem = unescapePem(raw);
      let count = 0;
      try {
        count = certificatesOf(pem).length;
      } catch {
        count = 0;
      }
      if (count === 0) throw new InvalidValue('expected one or more PEM certificates (-----BEGIN CERTIFICATE-----…)');
      return pem;
    },
  };
}

function productPackages(): ValueKind<Record<string, string>> {
  return {
    type: 'list',
    allowed: 'comma-separated `PRODUCT_ID:PACKAGE_ID` pairs',
    parse: (raw) => {
      const pairs: Record<string, string> = {};
      for (const entry of listEntries(raw)) {
        const match = /^([A-Za-z0-9._-]+):([A-Za-z0-9_-]{1,64})$/.exec(entry);
        if (!match) throw new InvalidValue(`expected pairs like com.example.coins700:pkg_app_700, got ${JSON.stringify(entry)}`);
        pairs[match[1]!] = match[2]!;
      }
      return pairs;
    },
  };
}

import { createPrivateKey } from 'node:crypto';
import { ConfigError, declareSettings, flag, InvalidValue, listEntries, oneOf, settingsIn, text, url, type Env, type Setting, type ValueKind } from '../config/index.js';
import { certificatesOf } from './apple-jws.js';

/** Which app store credits app-channel purchases, and the Apple App Store's settings when it is Apple. */
export interface AppStoreConfig {
  /** `sandbox`: the built-in sandbox app store (with the sandbox payment provider only). `apple`: the Apple App Store. */
  readonly provider: 'sandbox' | 'apple';
  readonly apple: AppleConfig | undefined;
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
    ...oneOf(['sandbox', 'apple']),
    description:
      'Which app store credits app-channel purchases (`POST /api/v1/orders/app-receipts`). `sandbox`: the built-in sandbox app store, which exists only while `PAYMENT_PROVIDER=sandbox` (with Stripe, receipts are refused with `app_store_not_enabled`). `apple`: the Apple App Store, with the `APPLE_*` settings below; the sandbox app store is then not served. See [app-stores.md](app-stores.md).',
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
});

/** Reads APP_STORE_SETTINGS. Throws a ConfigError naming an invalid or missing variable. */
export function loadAppStoreConfig(env: Env): AppStoreConfig {
  const read = settingsIn(env);
  const setting = APP_STORE_SETTINGS;
  const provider = read(setting.APP_STORE_PROVIDER);
  if (provider !== 'apple') return { provider, apple: undefined };
  const required = <T>(declared: Setting<T | undefined>): T => {
    const value = read(declared);
    if (value === undefined) throw new ConfigError(declared.name, 'APP_STORE_PROVIDER=apple needs it');
    return value;
  };
  const environment = read(setting.APPLE_ENVIRONMENT);
  return {
    provider,
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

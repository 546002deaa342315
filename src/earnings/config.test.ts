import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../config/index.js';
import { diamondCashValue, loadEarningsConfig } from './config.js';

describe('the diamond cash value', () => {
  it('defaults to 0.005 USD: 2,000 diamonds are 10 dollars, rounded down to the cent', () => {
    const config = loadEarningsConfig({});
    assert.deepEqual(config, loadEarningsConfig({ PAYOUT_DIAMOND_VALUE: '  ' }), 'an empty variable counts as unset');
    assert.deepEqual(diamondCashValue(config, 2000n), { amount: 1000n, currency: 'USD' });
    assert.deepEqual(diamondCashValue(config, 3n), { amount: 1n, currency: 'USD' });
    assert.deepEqual(diamondCashValue(config, 1n), { amount: 0n, currency: 'USD' });
    assert.deepEqual(diamondCashValue(config, 0n), { amount: 0n, currency: 'USD' });
    assert.deepEqual(diamondCashValue(config, -3n), { amount: -2n, currency: 'USD' }, 'a negative balance rounds down too');
  });

  it('is exact for any decimal and currency, without floats', () => {
    const yen = loadEarningsConfig({ PAYOUT_DIAMOND_VALUE: '0.8 jpy' });
    assert.deepEqual(diamondCashValue(yen, 3n), { amount: 2n, currency: 'JPY' }, 'the yen has no minor unit');
    const dinar = loadEarningsConfig({ PAYOUT_DIAMOND_VALUE: '0.0001 KWD' });
    assert.deepEqual(diamondCashValue(dinar, 15n), { amount: 1n, currency: 'KWD' }, 'the dinar has three decimals');
    // 0.1 + 0.2 is not 0.3 in floating point; here it is.
    const tenth = loadEarningsConfig({ PAYOUT_DIAMOND_VALUE: '0.1 USD' });
    assert.equal(diamondCashValue(tenth, 3n).amount, 30n);
    const huge = 2n ** 62n;
    assert.equal(diamondCashValue(loadEarningsConfig({ PAYOUT_DIAMOND_VALUE: '0.000000000007 EUR' }), huge).amount, (huge * 7n) / 10n ** 10n);
    assert.equal(diamondCashValue(loadEarningsConfig({ PAYOUT_DIAMOND_VALUE: '12 EUR' }), 5n).amount, 6000n);
  });

  it('refuses anything but a positive decimal and an ISO 4217 code, naming the variable', () => {
    for (const value of ['0.005', 'USD 0.005', '0 USD', '0.000 USD', '-1 USD', '1e-3 USD', '0,005 USD', '0.005 XYZ', '0.005 COIN', '.5 USD', '0.0000000000001 USD', '1000001 USD']) {
      assert.throws(
        () => loadEarningsConfig({ PAYOUT_DIAMOND_VALUE: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'PAYOUT_DIAMOND_VALUE' && error.message.includes(JSON.stringify(value)),
        value,
      );
    }
  });
});

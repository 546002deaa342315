import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { signUpAndLogIn, signUpCreator, STRONG_PASSWORD, uniqueEmail } from '../accounts/testing/users.js';
import { browserSuite, checkPage, DESKTOP, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: tax rates, the taxed receipt and the creator’s tax page', { skip }, () => {
  const web = browserSuite();
  const accessibility: string[] = [];

  it('an admin sets a VAT rate in the console; a buyer in that region sees it on the checkout and the receipt; a creator keeps a tax profile', async () => {
    const email = uniqueEmail('admin');
    const { user: tess, twoFactor } = await web.t.accounts.createAdmin({ email, password: STRONG_PASSWORD, displayName: 'Tess Admin' });
    const admin = await web.open(DESKTOP);
    await signIn(admin, web.origin, email, new TOTP({ secret: Secret.fromBase32(twoFactor!.secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate());
    await admin.goto(`${web.origin}/admin`);
    await admin.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Tax rates' }).click();
    await admin.getByLabel('Region', { exact: true }).fill('DE');
    await admin.getByLabel('Rate (%)', { exact: true }).fill('20');
    await admin.getByRole('button', { name: 'Set the rate' }).click();
    await waitForText(admin.getByRole('status'), 'carry 20% tax, included in the price');
    await waitForText(admin.getByTestId('tax-rates').locator('tr').filter({ hasText: 'DE' }), 'Included in prices');
    await checkPage(admin, 'admin tax rates', accessibility);
    // The diamond's value is scheduled with the same form: a start in the past is refused under Starting, tomorrow is taken.
    await admin.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Diamond value' }).click();
    await admin.getByLabel('One diamond (major unit)').fill('0.006');
    await admin.getByLabel('Starting').fill('2020-01-01T00:00');
    await admin.getByRole('button', { name: 'Schedule the value' }).click();
    await waitForText(admin.locator('#diamond-value-from-error'), 'A new diamond value starts in the future');
    await admin.getByLabel('Starting').fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 16));
    await admin.getByRole('button', { name: 'Schedule the value' }).click();
    await waitForText(admin.getByRole('status'), /^Saved\. Diamonds earned from .+ are worth 0\.006 USD\.$/);
    await waitForText(admin.getByTestId('diamond-values').locator('tr').last(), '0.006 USD');
    // Set by names the admin as people know them, not by their id.
    const setBy = admin.getByTestId('diamond-values').locator('tr').last().locator('td').last();
    await waitForText(setBy, `Tess Admin @${tess.handle}`);
    assert.ok(!((await setBy.textContent()) ?? '').includes(tess.id));
    await checkPage(admin, 'admin diamond values', accessibility);

    const buyer = await signUpAndLogIn(web.t, { region: 'DE', displayName: 'Dora Buyer' });
    const placed = await web.t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: { ...buyer.headers, 'idempotency-key': 'tax-browser-order' }, payload: { packageId: 'pkg_web_700' } });
    assert.equal(placed.statusCode, 201, placed.body);
    const orderId = placed.json().order.id as string;
    const page = await web.open(DESKTOP);
    await signIn(page, web.origin, buyer.email);
    await page.goto(`${web.origin}/checkout/${orderId}`);
    // 6.90 EUR at 20% VAT: 1.15 of it is tax.
    await waitForText(page.getByTestId('checkout-tax'), /includes\s+€1\.15\s+tax\s+\(20%\)/);
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: /^Pay/ }).click();
    await waitForText(page.getByTestId('receipt-tax'), '€1.15');
    await waitForText(page.getByTestId('receipt'), /VAT 20% included/);
    await waitForText(page.getByTestId('receipt'), /Subtotal\s*€5\.75/);
    await checkPage(page, 'taxed receipt', accessibility);

    const creator = await signUpCreator(web.t, { displayName: 'Cleo Creator' });
    const studio = await web.open(DESKTOP);
    await signIn(studio, web.origin, creator.email);
    await studio.goto(`${web.origin}/studio/tax`);
    await studio.getByLabel('Country of tax residence').fill('FR');
    await studio.getByLabel('Tax id').fill('FR 12 345678901');
    await studio.getByLabel('Tax form given').selectOption('w8ben');
    await studio.getByRole('button', { name: 'Save the tax profile' }).click();
    await waitForText(studio.getByTestId('tax-profile'), /FR · W-8BEN .* tax id ending 8901/);
    await waitForText(studio.getByTestId('tax-year'), /Diamonds earned\s*0/);
    await checkPage(studio, 'studio tax', accessibility);

    assert.deepEqual(web.problems, []);
    assert.deepEqual(accessibility, []);
  });
});

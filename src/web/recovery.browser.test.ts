import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signUpAndLogIn, STRONG_PASSWORD, type SignedInUser } from '../accounts/testing/users.js';
import { apiWordingOn, browserSuite, DESKTOP, PHONE, shootBothWidths, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const NEW_PASSWORD = 'violet lantern over a quiet harbour';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: account recovery', { skip }, () => {
  const web = browserSuite();
  const accessibility: string[] = [];
  const wording: string[] = [];

  /** Screenshots of the page at desktop and phone width, each checked for accessibility and API wording. */
  async function shoot(page: Page, name: string): Promise<void> {
    for (const find of await apiWordingOn(page)) wording.push(`${name}: ${find}`);
    await shootBothWidths(page, name, accessibility);
  }

  /** The path and query of the link in the newest mail to `email` whose subject matches. */
  function mailedLink(email: string, subject: RegExp): string {
    const mail = web.t.mailbox.list(email).find((sent) => subject.test(sent.subject));
    assert.ok(mail, `a mail "${String(subject)}" to ${email}`);
    const link = new URL(/https?:\/\/\S+\?token=\S+/.exec(mail.text)![0]);
    return `${link.pathname}${link.search}`;
  }

  /** Whether the API still takes the user's bearer token (a session signed in elsewhere). */
  async function stillSignedIn(user: SignedInUser): Promise<boolean> {
    return (await web.t.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers })).statusCode === 200;
  }

  it('forgot password: the sign-in page mails a link, and the link opens a page that sets a new password once', async () => {
    const ada = await signUpAndLogIn(web.t, { displayName: 'Ada Lost' });
    const desktop = await web.open(DESKTOP);
    await desktop.goto(`${web.origin}/signin`);
    await desktop.getByRole('link', { name: 'Forgot your password?' }).click();
    await desktop.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await desktop.getByLabel('Email').fill(ada.email);
    await shoot(desktop, 'reset-password-request');
    await desktop.getByRole('button', { name: 'Send me a link' }).click();
    await desktop.getByText(`If an account uses ${ada.email}, a link to choose a new password is on its way there.`).waitFor();
    await shoot(desktop, 'reset-password-sent');

    // The mail is opened on a phone.
    const link = mailedLink(ada.email, /Reset your password/);
    const phone = await web.open(PHONE);
    await phone.goto(`${web.origin}${link}`);
    await phone.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // A weak choice is refused under the field and leaves the link working.
    await phone.getByLabel('New password').fill('password123');
    await phone.getByRole('button', { name: 'Set new password' }).click();
    await phone.locator('#reset-password-error').waitFor();
    assert.equal(await phone.getByLabel('New password').getAttribute('aria-invalid'), 'true');
    await shoot(phone, 'reset-password-choose');
    await phone.getByLabel('New password').fill(NEW_PASSWORD);
    await phone.getByRole('button', { name: 'Set new password' }).click();
    await phone.getByText('Your password is changed, and every device that was signed in to your account is signed out.').waitFor();
    await shoot(phone, 'reset-password-done');
    assert.equal(await stillSignedIn(ada), false, 'the sessions signed in before the reset have ended');

    await phone.getByRole('link', { name: 'Sign in with your new password' }).click();
    await phone.getByLabel('Email').fill(ada.email);
    await phone.getByLabel('Password').fill(NEW_PASSWORD);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await phone.getByRole('button', { name: 'Sign out' }).waitFor();

    // The link works once.
    await phone.goto(`${web.origin}${link}`);
    await phone.getByLabel('New password').fill('another long passphrase here');
    await phone.getByRole('button', { name: 'Set new password' }).click();
    await waitForText(phone.getByRole('alert'), 'This link is invalid, expired or already used');
    await phone.getByRole('link', { name: 'Send me a new link' }).waitFor();
    await shoot(phone, 'reset-password-used-link');
  });

  it('change password: a signed-in user gives the current one, and only their other devices are signed out', async () => {
    const bo = await signUpAndLogIn(web.t, { displayName: 'Bo Careful' });
    const page = await web.open(PHONE);
    await signIn(page, web.origin, bo.email);
    await page.goto(`${web.origin}/account`);
    await page.getByRole('navigation', { name: 'Your account' }).getByRole('link', { name: 'Password' }).click();
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await waitForText(page.locator('#current-password-error'), 'The current password is not correct.');
    await shoot(page, 'account-password-wrong');
    await page.getByLabel('Current password').fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed. Every other device signed in to your account is signed out; this one stays signed in.').waitFor();
    await shoot(page, 'account-password-changed');
    assert.equal(await stillSignedIn(bo), false, 'the other session has ended');
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const login = await web.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: bo.email, password: NEW_PASSWORD } });
    assert.equal(login.statusCode, 200, 'the new password signs in');
  });

  it('the confirmation link: a new one is sent from the account page, and opening it confirms the address once', async () => {
    const cy = await signUpAndLogIn(web.t, { displayName: 'Cy Unconfirmed' });
    const page = await web.open(DESKTOP);
    await signIn(page, web.origin, cy.email);
    await page.goto(`${web.origin}/account`);
    await page.getByText('Not confirmed').waitFor();
    await page.getByRole('button', { name: 'Send a new confirmation link' }).click();
    await page.getByText(`A new confirmation link is on its way to ${cy.email}.`).waitFor();
    await shoot(page, 'account-email-resent');
    assert.equal(web.t.mailbox.list(cy.email).filter((mail) => /Confirm your email/.test(mail.subject)).length, 2, 'the sign-up mail and the new one');

    const link = mailedLink(cy.email, /Confirm your email/);
    await page.goto(`${web.origin}${link}`);
    await page.getByText(`Thank you: ${cy.email} is confirmed.`).waitFor();
    await shoot(page, 'verify-email');
    await page.getByRole('link', { name: 'Back to your account' }).click();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    assert.equal(await page.getByText('Not confirmed').count(), 0);
    assert.equal((await web.t.app.inject({ method: 'GET', url: '/api/v1/me', headers: cy.headers })).json().user.emailVerified, true);

    // Opened again, signed out, on a phone: the link is spent, and the page says how to get another.
    const phone = await web.open(PHONE);
    await phone.goto(`${web.origin}${link}`);
    await waitForText(phone.getByRole('alert'), 'This link is invalid, expired or already used.');
    await phone.getByRole('link', { name: 'Sign in' }).first().waitFor();
    await shoot(phone, 'verify-email-used-link');
  });

  it('no script error, CSP violation, serious accessibility problem or API wording on any page shot above', () => {
    assert.deepEqual(web.problems, []);
    assert.deepEqual(accessibility, []);
    assert.deepEqual(wording, []);
  });
});

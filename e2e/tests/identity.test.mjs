// Identity in a real browser against a real server and a real SMTP sink: the first
// Administrator registers from the emailed set-up link, sets up an authenticator, signs in with
// a code and with the recovery code, resets MFA and sets it up again; and a forgotten password
// is replaced through the emailed reset link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  startServer, startBrowser, openPage, screenshotDir, unexpectedRefusals, SIGNED_OUT_PROBE,
} from '../lib/portico.mjs';
import { startMailSink, linkIn } from '../lib/mail.mjs';
import {
  PASSWORD, waitForPath, setUpAuthenticator, signOut, chooseInUserMenu, signInWithPassword as signInAs, enterAuthenticatorCode as enterCode,
} from '../lib/accounts.mjs';

const ADMIN_EMAIL = 'admin@portico.test';

/** A server mailing into its own sink, and a browser with its own cookies. */
async function withPortico(journey) {
  const mail = await startMailSink();
  const server = await startServer({
    PORTICO_SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    PORTICO_ADMIN_EMAIL: ADMIN_EMAIL,
  });
  const browser = await startBrowser();
  try {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const { page, problems, refusals } = await openPage(browser.context);
    await journey({ server, mail, page, refusals });
    assert.deepEqual(problems, [], 'no console errors on any page');
  } finally {
    await browser.close();
    await server.stop();
    await mail.stop();
  }
}

/** The state of the live password checklist: one entry per rule. */
async function checklist(page) {
  return page.getByRole('list', { name: 'The password needs:' }).getByRole('listitem').evaluateAll(
    (items) => items.map((item) => ({ rule: item.textContent, met: item.classList.contains('met') })),
  );
}

/** Follows the emailed set-up link and registers the Administrator; leaves the browser on /setup-mfa. */
async function registerAdministrator({ server, mail, page }) {
  const setupMail = await mail.waitFor({ to: ADMIN_EMAIL, subject: /Set up the Portico Administrator/ });
  await page.goto(linkIn(setupMail, 'invitations', server.url));
  await page.getByRole('heading', { name: 'Your invitation to Portico' }).waitFor();
  await page.getByText(ADMIN_EMAIL).waitFor();
  assert.equal(await page.evaluate(() => window.location.hash), '', 'the token leaves the address bar at once');

  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Admin');
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('abc');
  await page.getByText(/^\d of \d+ rules met\.$/).waitFor();
  const partial = await checklist(page);
  assert.ok(partial.some(({ met }) => !met), 'a short password leaves rules unmet');
  assert.ok(partial.some(({ rule, met }) => met && /lower-case/.test(rule)), 'the lower-case rule turns green');
  await password.fill(PASSWORD);
  await page.getByText('Every rule is met.').waitFor();
  const complete = await checklist(page);
  assert.ok(complete.length >= 5, `every rule of the default policy is listed: ${JSON.stringify(complete)}`);
  assert.ok(complete.every(({ met }) => met), `every rule turns green: ${JSON.stringify(complete)}`);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await waitForPath(page, '/setup-mfa');
}

/** The password step as the Administrator. */
async function signInWithPassword(page, password = PASSWORD) {
  await signInAs(page, ADMIN_EMAIL, password);
}

async function enterAuthenticatorCode(page, authenticator) {
  await enterCode(page, authenticator);
  await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();
}

test('first Administrator: register, set up MFA, sign in with a code and with the recovery code, reset MFA, set it up again', async () => {
  await withPortico(async ({ server, mail, page, refusals }) => {
    await registerAdministrator({ server, mail, page });
    const first = await setUpAuthenticator(page, { screenshots: true });

    // The recovery code can be copied to the clipboard as well as downloaded.
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first.recoveryCode);

    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByText('Ada Admin').waitFor();
    // The user menu, by keyboard (the menu button pattern): Enter opens it on its first item, the
    // arrows move, Escape closes it and returns to the button.
    const menuButton = nav.getByRole('button', { name: 'Ada Admin, user menu', exact: true });
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
    await menuButton.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
    // No project yet: Profile and Sign out only.
    assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), ['Profile', 'Sign out']);
    await page.getByRole('menuitem', { name: 'Profile' }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('menuitem', { name: 'Sign out' }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('menuitem', { name: 'Profile' }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    await menuButton.and(page.locator(':focus')).waitFor();
    // A click no mouse made (what a screen reader in browse mode sends for Enter) goes into the menu too.
    await menuButton.dispatchEvent('click');
    await page.getByRole('menuitem', { name: 'Profile' }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    assert.ok(await nav.getByRole('link', { name: 'Administration' }).isVisible(), 'an Administrator sees Administration');
    assert.ok(await nav.getByRole('link', { name: 'Status' }).isVisible());

    // Password and a code from the app (the next time step: the set-up code used this one).
    await signOut(page);
    await page.screenshot({ path: join(screenshotDir, 'sign-in.png') });
    await signInWithPassword(page);
    await enterAuthenticatorCode(page, first.authenticator);

    // Password and the recovery code: the code is used up, the app says so and offers a way out.
    await signOut(page);
    await signInWithPassword(page);
    await waitForPath(page, '/sign-in/mfa');
    await page.getByRole('button', { name: 'Use your recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(first.recoveryCode);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPath(page, '/account/recovered');
    await page.getByRole('heading', { name: 'Your recovery code is used up' }).waitFor();
    assert.ok(await page.getByRole('link', { name: /make a new recovery code/ }).isVisible());

    // Reset MFA: signed out everywhere, with a note on what to do within the hour.
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Reset MFA' }).click();
    await waitForPath(page, '/sign-in');
    await page.getByRole('status').getByText(/within one hour/).waitFor();

    // Within the hour the password leads to set-up again: a new secret and a new recovery code.
    await signInWithPassword(page);
    await waitForPath(page, '/setup-mfa');
    // On a slow line: "Continue", clicked at once, still leads on (it waits for the new session).
    const slowProfile = (route) => setTimeout(() => route.continue().catch(() => {}), 1500);
    await page.route('**/api/v1/me', slowProfile);
    const second = await setUpAuthenticator(page);
    assert.notEqual(second.secret, first.secret);
    assert.notEqual(second.recoveryCode, first.recoveryCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();
    await page.unroute('**/api/v1/me', slowProfile);

    // The account page: sessions, and a new recovery code for a current code.
    await chooseInUserMenu(page, 'Profile');
    await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'This session' }).waitFor();
    await page.screenshot({ path: join(screenshotDir, 'account.png'), fullPage: true });
    await page.getByLabel('Code from your authenticator app').fill(second.authenticator.nextCode());
    await page.getByRole('button', { name: 'Make a new recovery code' }).click();
    const third = (await page.getByTestId('recovery-code').textContent()).trim();
    assert.notEqual(third, second.recoveryCode);

    assert.deepEqual(unexpectedRefusals(refusals), []);
  });
});

test('forgotten password: the emailed link sets a new one; the authenticator is still asked for', async () => {
  await withPortico(async ({ server, mail, page, refusals }) => {
    await registerAdministrator({ server, mail, page });
    const { authenticator } = await setUpAuthenticator(page);
    await page.getByRole('button', { name: 'Continue' }).click();
    await signOut(page);

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('status').getByText(/a reset link is on its way/).waitFor();

    const resetMail = await mail.waitFor({ to: ADMIN_EMAIL, subject: /Reset your Portico password/ });
    const resetLink = linkIn(resetMail, 'reset-password', server.url);
    await page.goto(resetLink);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    assert.equal(await page.evaluate(() => window.location.hash), '', 'the token leaves the address bar at once');
    const newPassword = 'Quiet-Lake-At-Dawn-42';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByText('Every rule is met.').waitFor();
    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').getByText('Your password was changed').waitFor();

    // The link works once. (From another page: from /reset-password itself, going to the link
    // would only change the fragment and not load the page again.)
    await page.goto('about:blank');
    await page.goto(resetLink);
    await page.getByLabel('New password', { exact: true }).fill('Another-Fine-Pass-9');
    await page.getByLabel('Confirm new password').fill('Another-Fine-Pass-9');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').getByText(/already used/).waitFor();
    assert.ok(await page.getByRole('link', { name: 'Ask for a new reset link' }).isVisible());

    // The old password is refused with a readable message; the new one and a code sign in.
    await page.goto(`${server.url}/sign-in`);
    await signInWithPassword(page, PASSWORD);
    await page.getByRole('alert').waitFor();
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    await signInWithPassword(page, newPassword);
    await enterAuthenticatorCode(page, authenticator);

    assert.deepEqual(
      unexpectedRefusals(refusals, [SIGNED_OUT_PROBE, '410 POST /api/v1/auth/password/reset', '401 POST /api/v1/auth/sign-in']),
      [],
    );
  });
});

/** A registered Administrator with an authenticator, signed in on the start page. */
async function signedInAdministrator(context) {
  await registerAdministrator(context);
  const enrolled = await setUpAuthenticator(context.page);
  await context.page.getByRole('button', { name: 'Continue' }).click();
  await context.page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();
  return enrolled;
}

test('account settings: the password policy drives the live checklist; an email change waits for its link', async () => {
  await withPortico(async ({ server, mail, page, refusals }) => {
    await signedInAdministrator({ server, mail, page });
    const nav = page.getByRole('navigation', { name: 'Main' });

    // The Administrator moves from Xperience's composition rules to NIST's length rule.
    await nav.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Password policy' }).click();
    await page.getByRole('heading', { name: 'Password policy' }).waitFor();
    const rules = page.getByLabel('Rules');
    assert.equal(await rules.inputValue(), 'xperience');
    await rules.selectOption('custom');
    await page.getByLabel('Minimum length').waitFor();
    assert.ok(await page.getByLabel('A digit').isChecked(), 'custom starts from the rules in force');
    await rules.selectOption('nist');
    await page.getByText(/At least 15 characters/).waitFor();
    await page.getByLabel('Forbidden passwords').fill('Portico Portal Password\n');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').getByText(/password policy is saved/).waitFor();

    // The account page checks a new password against the policy now in force.
    await chooseInUserMenu(page, 'Profile');
    await page.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('portico portal password');
    await page.getByText('at least 15 characters').waitFor();
    const items = await checklist(page);
    assert.deepEqual(items.map(({ met }) => met), [true, false], `the forbidden password is refused: ${JSON.stringify(items)}`);

    // A new name shows in the header at once.
    await page.getByLabel('First name').fill('Augusta');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('status').getByText('Your name is saved.').waitFor();
    await nav.getByText('Augusta Admin').waitFor();

    // A new email address applies only once the link mailed to it is followed.
    await page.getByLabel('New email address').fill('augusta@portico.test');
    await page.getByLabel('Confirm with your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change email' }).click();
    await page.getByRole('status').getByText(/A message is on its way to augusta@portico.test: follow its link/).waitFor();
    await page.getByText('Waiting for confirmation: augusta@portico.test').waitFor();
    const verification = await mail.waitFor({ to: 'augusta@portico.test', subject: /Confirm your new Portico email address/ });
    await page.goto(linkIn(verification, 'verify-email', server.url));
    await page.getByRole('status').getByText(/new email address is confirmed/).waitFor();
    await chooseInUserMenu(page, 'Profile');
    await page.getByText('Current address: augusta@portico.test').waitFor();
    assert.equal(await page.getByText(/Waiting for confirmation/).count(), 0);

    assert.deepEqual(unexpectedRefusals(refusals), []);
  });
});

test('lockout: repeated wrong passwords lock sign-in; the emailed unlock link lifts the lock', async () => {
  await withPortico(async ({ server, mail, page, refusals }) => {
    const { authenticator } = await signedInAdministrator({ server, mail, page });
    await signOut(page);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await signInWithPassword(page, `Wrong-Password-${attempt}`);
      await page.getByRole('alert').getByText(/password/i).waitFor();
    }
    await signInWithPassword(page, PASSWORD);
    await page.getByRole('alert').getByText(/Too many failed attempts/).waitFor();

    const lockMail = await mail.waitFor({ to: ADMIN_EMAIL, subject: /sign-in is locked/ });
    await page.goto(linkIn(lockMail, 'unlock', server.url));
    await page.getByRole('status').getByText('Your account is unlocked: you can sign in again.').waitFor();
    await page.getByRole('link', { name: 'Go to sign-in' }).click();
    await signInWithPassword(page, PASSWORD);
    await enterAuthenticatorCode(page, authenticator);

    assert.deepEqual(
      unexpectedRefusals(refusals, [SIGNED_OUT_PROBE, '401 POST /api/v1/auth/sign-in', '429 POST /api/v1/auth/sign-in']),
      [],
    );
  });
});

test('emailed-link pages explain a bad or missing link; signed-in pages send visitors to sign in', async () => {
  await withPortico(async ({ server, page, refusals }) => {
    const badLinks = [
      ['/unlock#not-a-real-token', /not valid/],
      ['/verify-email#not-a-real-token', /not valid/],
      ['/enrol-mfa#not-a-real-token', /not valid/],
      ['/invitations#not-a-real-token', /./],
      ['/reset-password', /no reset code/],
      ['/setup-mfa', /./],
    ];
    for (const [path, message] of badLinks) {
      await page.goto('about:blank');
      await page.goto(`${server.url}${path}`);
      await page.getByRole('alert').getByText(message).first().waitFor();
    }
    assert.ok(await page.getByRole('link', { name: 'Sign in' }).first().isVisible());

    await page.goto(`${server.url}/account`);
    await waitForPath(page, '/sign-in');
    await page.goto(`${server.url}/`);
    await waitForPath(page, '/sign-in');

    assert.deepEqual(
      unexpectedRefusals(refusals, [
        SIGNED_OUT_PROBE,
        // An unknown link is 404 (the server cannot tell a mistyped one from one that never existed).
        '404 POST /api/v1/auth/unlock',
        '404 POST /api/v1/auth/verify-email',
        '404 POST /api/v1/auth/mfa/enrol-link',
        '404 POST /api/v1/invitations/lookup',
        '401 POST /api/v1/me/mfa/totp',
      ]),
      [],
    );
  });
});

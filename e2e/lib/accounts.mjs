// Browser steps every journey shares: registering from an emailed invitation, setting up the
// authenticator, signing in (password, then a code) and out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { linkIn } from './mail.mjs';
import { screenshotDir } from './portico.mjs';
import { Authenticator } from './totp.mjs';

export const PASSWORD = 'Correct-Horse-7-Battery';

export async function waitForPath(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname);
}

/**
 * Opens the invitation link in `mail` and creates the account (names and a password); leaves
 * the browser on /setup-mfa.
 */
export async function registerFromInvitation(page, server, mail, { firstName, lastName, password = PASSWORD }) {
  await page.goto(linkIn(mail, 'invitations', server.url));
  await page.getByRole('heading', { name: 'Your invitation to Portico' }).waitFor();
  assert.equal(await page.evaluate(() => window.location.hash), '', 'the token leaves the address bar at once');
  await page.getByLabel('First name').fill(firstName);
  await page.getByLabel('Last name').fill(lastName);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByText('Every rule is met.').waitFor();
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await waitForPath(page, '/setup-mfa');
}

/** On /setup-mfa: reads the secret, confirms a code, returns the authenticator and the recovery code. */
export async function setUpAuthenticator(page, { screenshots = false } = {}) {
  await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
  const qr = page.getByRole('img', { name: /QR code/ });
  await qr.waitFor();
  assert.ok(await qr.evaluate((image) => image.complete && image.naturalWidth > 0), 'the QR code (a data: URL) loads under the CSP');
  const secret = (await page.getByTestId('totp-secret').textContent()).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  assert.match(await page.getByRole('link', { name: /authenticator app/ }).getAttribute('href'), /^otpauth:\/\/totp\//);
  if (screenshots) await page.screenshot({ path: join(screenshotDir, 'setup-mfa.png'), fullPage: true });

  const authenticator = new Authenticator(secret);
  await page.getByLabel('Six-digit code').fill(authenticator.nextCode());
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Your recovery code' }).waitFor();
  const recoveryCode = (await page.getByTestId('recovery-code').textContent()).trim();
  assert.match(recoveryCode, /^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
  await page.getByText('shown only this once').waitFor();
  const download = page.getByRole('link', { name: 'Download' });
  assert.equal(await download.getAttribute('download'), 'portico-recovery-code.txt');
  assert.ok(decodeURIComponent(await download.getAttribute('href')).includes(recoveryCode));
  if (screenshots) await page.screenshot({ path: join(screenshotDir, 'recovery-code.png'), fullPage: true });
  return { authenticator, secret, recoveryCode };
}

/**
 * Registers from the invitation in `mail` and sets up the authenticator; for a project invitation
 * (`project` names it), accepts it on the start page, which leaves the browser on its dashboard.
 */
export async function signUp(page, server, mail, names, { project } = {}) {
  await registerFromInvitation(page, server, mail, names);
  const enrolled = await setUpAuthenticator(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.pathname !== '/setup-mfa');
  if (project) {
    await page.getByRole('heading', { name: 'Invitations waiting for you' }).waitFor();
    await page.getByRole('button', { name: `Accept the invitation to ${project}` }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/dashboard'));
  }
  return enrolled;
}

/** Opens the user menu (top right) with a click. */
export async function openUserMenu(page) {
  await page.getByRole('button', { name: /user menu$/ }).click();
  await page.getByRole('menu').waitFor();
}

/** Chooses `item` (Profile, Notifications, Personal access tokens, Sign out) in the user menu. */
export async function chooseInUserMenu(page, item) {
  await openUserMenu(page);
  await page.getByRole('menuitem', { name: item }).click();
}

export async function signOut(page) {
  await chooseInUserMenu(page, 'Sign out');
  await waitForPath(page, '/sign-in');
  await page.getByRole('status').getByText('You are signed out.').waitFor();
}

/** The password step, until the server has answered; leaves the browser where the answer leads. */
export async function signInWithPassword(page, identifier, password = PASSWORD) {
  await page.getByRole('heading', { name: 'Sign in to Portico' }).waitFor();
  await page.getByLabel('Email or user name').fill(identifier);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/sign-in'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await answered;
}

/** The second step with a fresh code; waits until the app has moved on from it. */
export async function enterAuthenticatorCode(page, authenticator) {
  await waitForPath(page, '/sign-in/mfa');
  await page.getByLabel('Code from your authenticator app').fill(authenticator.nextCode());
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in/mfa');
}

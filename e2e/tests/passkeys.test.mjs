// Passkeys in a real browser: Chromium's virtual authenticator (DevTools protocol
// `WebAuthn.addVirtualAuthenticator`, a platform authenticator with resident keys and user
// verification) stands in for the fingerprint reader. The Administrator adds a passkey on the
// account page, signs out, signs in with it alone (passwordless), then with the password and the
// passkey as the second factor; a new member sets up MFA with a passkey instead of an app, and
// resets it with the password and the passkey.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { screenshotDir, freePort } from '../lib/portico.mjs';
import { withPortico, ADMIN } from '../lib/journey.mjs';
import { PASSWORD, signUp, signOut, signInWithPassword, registerFromInvitation, waitForPath } from '../lib/accounts.mjs';

/** A virtual platform authenticator in `page`'s browser context, verifying its user. */
async function virtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
  return {
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
  };
}

async function currentSessionHow(page) {
  const row = page.getByRole('table', { name: /Your sessions/ }).getByRole('row').filter({ hasText: 'This session' });
  await row.waitFor();
  return (await row.getByRole('cell').nth(1).textContent()).trim();
}

const port = await freePort();
const origin = `http://localhost:${port}`;

test('a passkey is added, signs in passwordless and as the second factor', async () => {
  await withPortico(async ({ server, mail, person }) => {
    const site = { ...server, url: origin };
    const page = await person('Administrator');
    const authenticator = await virtualAuthenticator(page);
    const setup = await mail.waitFor({ to: ADMIN, subject: /Set up the Portico Administrator/ });
    await signUp(page, site, setup, { firstName: 'Ada', lastName: 'Admin' });
    await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();

    await page.goto(`${origin}/account`);
    const section = page.getByRole('region', { name: 'Passkeys' });
    await section.getByText('No passkeys yet.').waitFor();
    const add = section.getByRole('form', { name: 'Add a passkey' });
    await add.getByLabel('Name').fill('Work laptop');
    await add.getByLabel('Your password').fill(PASSWORD);
    await add.getByRole('button', { name: 'Add passkey' }).click();
    await section.getByRole('status').getByText('Passkey “Work laptop” added.').waitFor();
    const table = section.getByRole('table', { name: 'Your passkeys' });
    await table.getByRole('row', { name: /Work laptop/ }).getByText('Never').waitFor();
    const stored = await authenticator.credentials();
    assert.equal(stored.length, 1, 'the authenticator holds one credential');
    assert.equal(stored[0].isResidentCredential, true, 'a discoverable credential, for passwordless sign-in');
    await page.screenshot({ path: join(screenshotDir, 'account-passkeys.png'), fullPage: true });

    await signOut(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();
    await page.goto(`${origin}/account`);
    assert.equal(await currentSessionHow(page), 'Passkey');
    await page.getByRole('table', { name: 'Your passkeys' }).getByRole('row', { name: /Work laptop/ })
      .getByText('Never').waitFor({ state: 'detached' });

    await signOut(page);
    await signInWithPassword(page, ADMIN);
    await waitForPath(page, '/sign-in/mfa');
    await page.getByRole('button', { name: 'Use your passkey instead' }).click();
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    await page.getByRole('button', { name: 'Use passkey' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();
    await page.goto(`${origin}/account`);
    assert.equal(await currentSessionHow(page), 'Password and passkey');
  }, { PORTICO_BIND: `127.0.0.1:${port}`, PORTICO_PUBLIC_URL: origin });
});

test('MFA is set up with a passkey instead of an authenticator app, and reset with the passkey', async () => {
  await withPortico(async ({ server, mail, person }) => {
    const site = { ...server, url: origin };
    const page = await person('Administrator');
    await virtualAuthenticator(page);
    const setup = await mail.waitFor({ to: ADMIN, subject: /Set up the Portico Administrator/ });
    await registerFromInvitation(page, site, setup, { firstName: 'Ada', lastName: 'Admin' });
    await page.getByRole('heading', { name: 'Or use a passkey' }).waitFor();
    const form = page.getByRole('form', { name: 'Set up a passkey' });
    await form.getByLabel('Passkey name').fill('Phone');
    await form.getByRole('button', { name: 'Set up a passkey' }).click();
    await page.getByRole('heading', { name: 'Your recovery code' }).waitFor();
    const recoveryCode = (await page.getByTestId('recovery-code').textContent()).trim();
    assert.match(recoveryCode, /^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();

    // The password step now asks for the passkey straight away: it is the only second factor.
    await signOut(page);
    await signInWithPassword(page, ADMIN);
    await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Use a code from your authenticator app instead' }).count(), 0);
    await page.getByRole('button', { name: 'Use passkey' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();

    // A new recovery code, then Reset MFA: the passkey confirms both (there is no app code to give).
    await page.goto(`${origin}/account`);
    await page.getByText('Your browser asks for your passkey to confirm.').waitFor();
    await page.getByRole('button', { name: 'Make a new recovery code' }).click();
    await page.getByRole('heading', { name: 'Your recovery code' }).waitFor();
    const newCode = (await page.getByTestId('recovery-code').textContent()).trim();
    assert.notEqual(newCode, recoveryCode, 'a new code replaces the one from set-up');
    await page.getByLabel('Your password', { exact: true }).last().fill(PASSWORD);
    await page.getByRole('button', { name: 'Reset MFA' }).click();
    await waitForPath(page, '/sign-in');
    await page.getByRole('status').getByText('signed out everywhere').waitFor();
  }, { PORTICO_BIND: `127.0.0.1:${port}`, PORTICO_PUBLIC_URL: origin });
});

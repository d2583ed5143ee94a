// Single sign-on in a real browser through a real OpenID Provider (oidc-provider, from
// e2e/oidc/provider.mjs): the Administrator adds it under Administration, two invited people
// accept their invitations by signing in through it (one whose provider did MFA, trusted; one who
// then sets up Portico's second factor), a later sign-in asks for Portico's code, and an address
// outside the allowed domains comes back to the sign-in page with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { repo, screenshotDir, freePort } from '../lib/portico.mjs';
import { withPortico, administrator, openAdministration } from '../lib/journey.mjs';
import { setUpAuthenticator, signOut, enterAuthenticatorCode, waitForPath } from '../lib/accounts.mjs';

/** The OpenID Provider, its client redirecting to `callback`; stopped by closing its stdin. */
async function startProvider(callback) {
  const child = spawn('node', [join(repo, 'e2e', 'oidc', 'provider.mjs'), '--redirect-uri', callback], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the OpenID Provider exited with ${code}`)));
  });
  return { ...JSON.parse(line), stop: () => child.stdin.end() };
}

/** Signs in at the provider's page as `email`; waits until the browser is back at Portico. */
async function continueAtProvider(page, email, origin) {
  await page.getByRole('heading', { name: 'Test identity provider' }).waitFor();
  await page.getByRole('button', { name: `Continue as ${email}` }).click();
  await page.waitForURL((url) => url.origin === origin);
}

const port = await freePort();
const origin = `http://127.0.0.1:${port}`;

test('people sign in through an OpenID Provider: trusted MFA, Portico\'s second factor, refusals', async () => {
  const provider = await startProvider(`${origin}/api/v1/auth/oidc/corp/callback`);
  try {
    await withPortico(async ({ server, mail, person }) => {
      const admin = await administrator({ server, mail, person });
      await openAdministration(admin, 'Single sign-on');
      await admin.getByText('No single sign-on providers yet.').waitFor();
      const form = admin.getByRole('form', { name: 'Add a provider' });
      await form.getByLabel('Display name').fill('Corp ID');
      await form.getByLabel('Slug').fill('corp');
      await form.getByLabel('Issuer URL').fill(provider.issuer);
      await form.getByLabel('Client ID').fill(provider.client_id);
      await form.getByLabel('Client secret').fill(provider.client_secret);
      await form.getByLabel('Allowed email domains').fill('example.test');
      await form.getByLabel(/Trust the provider's MFA/).check();
      await form.getByRole('button', { name: 'Add provider' }).click();
      await admin.getByRole('status').getByText(`Register ${origin}/api/v1/auth/oidc/corp/callback as its redirect URI`).waitFor();
      await admin.getByRole('table', { name: 'Single sign-on providers' }).getByRole('row', { name: /Corp ID/ }).waitFor();
      await admin.screenshot({ path: join(screenshotDir, 'admin-single-sign-on.png'), fullPage: true });

      await openAdministration(admin, 'Users');
      for (const email of ['bob@example.test', 'erin@example.test']) {
        await admin.getByLabel('Email address').fill(email);
        await admin.getByLabel('System role', { exact: true }).selectOption('user');
        await admin.getByRole('button', { name: 'Invite user' }).click();
        await admin.getByRole('status').getByText(`The invitation is on its way to ${email}.`).waitFor();
      }

      // Bob's provider did MFA and is trusted for it: signed in at once, the invitation accepted.
      const bob = await person('Bob');
      await bob.goto(`${origin}/sign-in`);
      await bob.getByRole('link', { name: 'Sign in with Corp ID' }).click();
      await continueAtProvider(bob, 'bob@example.test', origin);
      await waitForPath(bob, '/');
      await bob.getByRole('heading', { name: /^Welcome/ }).waitFor();

      // Erin's did not: she sets up Portico's second factor, then signs in with it next time.
      const erin = await person('Erin');
      await erin.goto(`${origin}/sign-in`);
      await erin.getByRole('link', { name: 'Sign in with Corp ID' }).click();
      await continueAtProvider(erin, 'erin@example.test', origin);
      await waitForPath(erin, '/setup-mfa');
      const { authenticator } = await setUpAuthenticator(erin);
      await erin.getByRole('button', { name: 'Continue' }).click();
      await erin.getByRole('heading', { name: /^Welcome/ }).waitFor();
      await signOut(erin);
      await erin.getByRole('link', { name: 'Sign in with Corp ID' }).click();
      await continueAtProvider(erin, 'erin@example.test', origin);
      await enterAuthenticatorCode(erin, authenticator);
      await erin.getByRole('heading', { name: /^Welcome/ }).waitFor();
      await erin.goto(`${origin}/account`);
      const links = erin.getByRole('table', { name: 'Your identity providers' });
      await links.getByRole('row', { name: /Corp ID.*erin-sub/ }).waitFor();
      const current = erin.getByRole('table', { name: /Your sessions/ }).getByRole('row').filter({ hasText: 'This session' });
      assert.equal((await current.getByRole('cell').nth(1).textContent()).trim(), 'Corp ID and authenticator app');
      await erin.screenshot({ path: join(screenshotDir, 'account-single-sign-on.png'), fullPage: true });

      // Dave's address is outside the allowed domains: back at the sign-in page, told why.
      const dave = await person('Dave');
      await dave.goto(`${origin}/sign-in`);
      await dave.getByRole('link', { name: 'Sign in with Corp ID' }).click();
      await continueAtProvider(dave, 'dave@other.test', origin);
      await waitForPath(dave, '/sign-in');
      await dave.getByRole('alert').getByText('not in a domain this identity provider may sign in').waitFor();
    }, { PORTICO_BIND: `127.0.0.1:${port}`, PORTICO_PUBLIC_URL: origin });
  } finally {
    provider.stop();
  }
});

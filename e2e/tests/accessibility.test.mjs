// Accessibility of every page of the browser app: axe-core (WCAG 2.x A and AA) finds no serious
// or critical violation on any route, each visited as the kind of person who uses it and with
// content in it (tables with rows, forms showing an error, secrets shown once, open dialogs);
// on every one of those pages the Tab key reaches the end of the page, drawing a visible focus
// indicator on every control on the way; and the main forms (sign-in with its code step, inviting
// someone, creating a token) work with the keyboard alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowsers, openPage } from '../lib/portico.mjs';
import { startMailSink, linkIn } from '../lib/mail.mjs';
import {
  PASSWORD as BROWSER_PASSWORD, waitForPath, registerFromInvitation, setUpAuthenticator, signOut, chooseInUserMenu,
} from '../lib/accounts.mjs';
import { ApiSession, PASSWORD, bootstrapAdministrator, projectWithOwner, registerFromMail } from '../lib/api.mjs';
import { deploymentPackage } from '../lib/zip.mjs';
import { eventually } from '../lib/wait.mjs';
import { expectAccessible, expectVisibleFocus, focusIndicator } from '../lib/a11y.mjs';

const ADMIN = 'admin@portico.test';
const TINA = 'tina@alpha.test';
const DEV = 'dev@alpha.test';

/**
 * A server mailing into its own sink (projects provisioned within a second), one Chromium, and a
 * `check(page, label)` that waits for the page to settle, runs axe on it and tabs through it.
 * Every page's violations are gathered and reported together at the end, so one run lists them
 * all.
 */
async function withPortico(journey) {
  const mail = await startMailSink();
  const server = await startServer({
    PORTICO_SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    PORTICO_ADMIN_EMAIL: ADMIN,
    PORTICO_PROVISIONING_DELAY: '1s',
  });
  const browsers = await startBrowsers();
  const people = [];
  const failures = [];
  const checked = [];
  const person = async (name) => {
    const context = await browsers.person();
    const opened = await openPage(context);
    people.push({ name, ...opened });
    return opened.page;
  };
  // `settle: false` checks the page as it is now, still loading.
  const check = async (page, label, { settle = true } = {}) => {
    if (settle) await settled(page);
    checked.push(label);
    for (const expectation of [expectAccessible, expectVisibleFocus]) {
      try {
        await expectation(page, label);
      } catch (error) {
        failures.push(error.message);
      }
    }
  };
  try {
    // Takes back the console errors matching `pattern` that a journey caused on purpose (at least one).
    const forgive = (page, pattern) => {
      const { problems } = people.find((someone) => someone.page === page);
      const forgiven = problems.filter((problem) => pattern.test(problem));
      assert.ok(forgiven.length > 0, `a console error matching ${pattern}`);
      problems.splice(0, problems.length, ...problems.filter((problem) => !pattern.test(problem)));
    };
    await journey({ server, mail, person, check, forgive }).catch(async (error) => {
      if (process.env.E2E_DEBUG) {
        for (const { name, page } of people) await page.screenshot({ path: `/tmp/a11y-${name}.png`, fullPage: true });
      }
      throw error;
    });
    assert.deepEqual(failures, [], `accessibility violations:\n${failures.join('\n\n')}`);
    assert.ok(checked.length > 0);
    for (const { name, problems } of people) assert.deepEqual(problems, [], `no console errors for ${name}`);
    return { checked };
  } finally {
    await browsers.close();
    await server.stop();
    await mail.stop();
  }
}

/** A page has settled when its heading is drawn and nothing on it is still loading. */
async function settled(page) {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

/** Goes to `path` on the server (a full load) and waits for its level-1 heading. */
async function visit(page, server, path, heading) {
  await page.goto('about:blank');
  await page.goto(`${server.url}${path}`);
  if (heading) await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

// ---- Keyboard ----

/**
 * Presses Tab (Shift+Tab with `backwards`) until `target` has the focus, asserting a visible
 * focus indicator on every element on the way; fails after `max` presses.
 */
async function tabTo(page, target, { backwards = false, max = 60 } = {}) {
  for (let presses = 0; presses < max; presses += 1) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const indicator = await focusIndicator(page);
    assert.ok(indicator.ok, `a visible focus indicator on ${indicator.what}`);
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`the Tab key never reached ${target}`);
}

async function assertFocused(target, what) {
  assert.ok(await target.evaluate((element) => element === document.activeElement), `${what} has the focus`);
}

/** Signs in with the keyboard alone: Tab to each field, type, Enter; then the code step. */
async function signInByKeyboard(page, server, email, authenticator, { check } = {}) {
  await visit(page, server, '/sign-in', 'Sign in to Portico');
  const identifier = page.getByLabel('Email or user name');
  const password = page.getByLabel('Password', { exact: true });
  if (check) {
    // A wrong password first: the error is announced (and checked by axe).
    await tabTo(page, identifier);
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await assertFocused(password, 'the password field');
    await page.keyboard.type('Not-The-Password-1');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    await check(page, 'sign-in: wrong password');
    await password.evaluate((element) => element.blur());
    await visit(page, server, '/sign-in', 'Sign in to Portico');
  }
  await tabTo(page, identifier);
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await assertFocused(password, 'the password field');
  await page.keyboard.type(PASSWORD);
  await tabTo(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  await page.keyboard.press('Enter');
  await waitForPath(page, '/sign-in/mfa');
  const code = page.getByLabel('Code from your authenticator app');
  await code.waitFor();
  if (check) await check(page, 'sign-in, second step');
  await tabTo(page, code);
  await page.keyboard.type(authenticator.nextCode());
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname !== '/sign-in/mfa');
  await page.getByRole('button', { name: /user menu$/ }).waitFor();
}

// ---- Set-up through the API ----

async function lockOut(server, email) {
  for (let attempt = 1; attempt <= 6; attempt += 1) {
    await new ApiSession(server.url).post('/api/v1/auth/sign-in', { email, password: `Wrong-${attempt}-Password` }).catch(() => {});
  }
}

async function succeeded(owner, guid, count) {
  return eventually(`${count} succeeded deployment(s)`, async () => {
    const { items } = await owner.get(`/api/v1/projects/${guid}/deployments`);
    return items.filter((d) => d.state === 'succeeded').length >= count && items;
  });
}

/** A project with a Tenant Administrator (Tina), a Developer, a pending invitation, a token and a deployment. */
async function projectWithContent(server, mail) {
  const admin = await bootstrapAdministrator(server, mail, ADMIN);
  const { guid, owner } = await projectWithOwner(server, mail, admin, 'Alpha', TINA);
  await owner.post(`/api/v1/projects/${guid}/invitations`, { email: DEV, role: 'developer' });
  const dev = await registerFromMail(server, mail, { to: DEV, subject: /invited you to Alpha/ });
  await owner.post(`/api/v1/projects/${guid}/invitations`, { email: 'pending@alpha.test', role: 'devops_engineer' });
  const { token } = await owner.post(`/api/v1/projects/${guid}/tokens`, {
    display_name: 'CI pipeline', permissions: ['deploy_qa', 'deploy_production'],
  });
  const upload = await fetch(`${server.url}/api/deployment/upload/${guid}/qa`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/zip' },
    body: deploymentPackage({ name: 'alpha-site', version: '1.0.0' }),
  });
  assert.equal(upload.status, 202, await upload.text());
  await succeeded(owner, guid, 1);
  // An alert and a maintenance window, for the sections and the status page that show them.
  await admin.post(`/api/v1/projects/${guid}/alerts`, { type: 'cpu', environment: 'qa', message: 'CPU above 90 % for 10 minutes' });
  const start = new Date(Date.now() + 4 * 24 * 3600 * 1000);
  await admin.post('/api/v1/maintenance-windows', {
    starts_at: start.toISOString(),
    ends_at: new Date(start.getTime() + 2 * 3600 * 1000).toISOString(),
    description: 'Database upgrade',
  });
  return { admin, guid, owner, dev };
}

// ---- The pages ----

/**
 * Opens a lazily loaded part of the app (its wasm chunk, `chunk`, is fetched on the first visit)
 * by `open()`, twice over: first the chunk cannot be fetched, and the page says so with a way to
 * try again; then it is slow, and the page shows its loading state. Both states are checked;
 * then the chunk arrives and `arrived` (a locator) shows.
 */
async function lazilyLoaded(page, { chunk, open, arrived, label, check, forgive }) {
  await page.route(chunk, (route) => route.abort('connectionfailed'));
  await open();
  await page.getByRole('heading', { name: 'This page could not be loaded', level: 1 }).waitFor();
  await page.getByRole('alert').filter({ hasText: 'could not fetch' }).waitFor();
  await check(page, `${label}: its code could not be fetched`);
  forgive(page, /split_|wasm|Failed to fetch|ERR_/i);
  await page.unroute(chunk);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(chunk, async (route) => { await held; await route.continue(); });
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.locator('main [aria-busy="true"]').getByText('Loading…').waitFor();
  await check(page, `${label}: its code on the way`, { settle: false });
  release();
  await arrived.waitFor();
  await page.unroute(chunk);
}

test('public and identity pages: every state has no serious accessibility violation', async () => {
  await withPortico(async ({ server, mail, person, check, forgive }) => {
    const admin = await bootstrapAdministrator(server, mail, ADMIN);
    const page = await person('visitor');

    // Pages anyone sees.
    await visit(page, server, '/status', 'Service status');
    await page.getByTestId('status-state').waitFor();
    await check(page, 'status');
    const subscribe = page.getByRole('region', { name: 'Get maintenance announcements by email' });
    await subscribe.getByLabel('Email').fill('reader@no-dot');
    await subscribe.getByRole('button', { name: 'Subscribe' }).click();
    await subscribe.getByRole('alert').waitFor();
    await check(page, 'status: subscription refused');
    await subscribe.getByLabel('Email').fill('reader@portico.test');
    await subscribe.getByRole('button', { name: 'Subscribe' }).click();
    await subscribe.getByRole('status').getByText(/Check the inbox of reader@portico\.test/).waitFor();
    await check(page, 'status: subscription asked for');
    const confirmation = await mail.waitFor({ to: 'reader@portico.test', subject: /Confirm your subscription/ });
    await page.goto('about:blank');
    await page.goto(linkIn(confirmation, 'status/confirm', server.url));
    await page.getByRole('status').getByText(/You are subscribed/).waitFor();
    await check(page, 'status subscription: confirmed');
    await visit(page, server, '/no/such/page', 'Page not found');
    await check(page, 'not found');
    await visit(page, server, '/sign-in', 'Sign in to Portico');
    await check(page, 'sign-in');
    await visit(page, server, '/forgot-password', 'Forgot your password?');
    await check(page, 'forgot password');
    await page.getByLabel('Email').fill(ADMIN);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('status').waitFor();
    await check(page, 'forgot password: sent');

    // Emailed-link pages, with a bad link (the error state) ...
    for (const [path, heading] of [
      ['/reset-password', 'Choose a new password'],
      ['/unlock#not-a-real-token', 'Unlock your account'],
      ['/verify-email#not-a-real-token', 'Confirm your email address'],
      ['/enrol-mfa#not-a-real-token', 'Set up your authenticator app'],
      ['/invitations#not-a-real-token', 'Your invitation to Portico'],
      ['/setup-mfa', 'Set up your authenticator app'],
      ['/status/confirm#not-a-real-token', 'Confirm your subscription'],
      ['/status/unsubscribe#not-a-real-token', 'Unsubscribe'],
    ]) {
      await visit(page, server, path, heading);
      await page.getByRole('alert').first().waitFor();
      await check(page, `${path.split('#')[0]}: bad or missing link`);
    }

    // ... and with a good one.
    const reset = await mail.waitFor({ to: ADMIN, subject: /Reset your Portico password/ });
    await page.goto('about:blank');
    await page.goto(linkIn(reset, 'reset-password', server.url));
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Confirm new password').fill('different');
    await page.getByText(/rules met/).waitFor();
    await check(page, 'reset password: rules unmet, confirmation different');

    await lockOut(server, ADMIN);
    const lock = await mail.waitFor({ to: ADMIN, subject: /sign-in is locked/ });
    await page.goto('about:blank');
    await page.goto(linkIn(lock, 'unlock', server.url));
    await page.getByRole('status').getByText(/unlocked/).waitFor();
    await check(page, 'unlock: done');

    // An invited user registers, sets up the authenticator and uses the account pages.
    await admin.post('/api/v1/admin/users', { email: 'newcomer@portico.test', system_role: 'user' });
    const invitation = await mail.waitFor({ to: 'newcomer@portico.test', subject: /invited you to Portico/ });
    await page.goto('about:blank');
    await page.goto(linkIn(invitation, 'invitations', server.url));
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('abc');
    await page.getByText(/rules met/).waitFor();
    await check(page, 'invitation: create your account');
    await page.goto('about:blank');
    await registerFromInvitation(page, server, invitation, { firstName: 'Nora', lastName: 'Newcomer' });
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await check(page, 'set up MFA');
    await page.getByLabel('Six-digit code').fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'set up MFA: wrong code');
    await page.getByLabel('Six-digit code').fill('');
    const { authenticator, recoveryCode } = await setUpAuthenticator(page);
    await check(page, 'set up MFA: recovery code');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Welcome, Nora Newcomer' }).waitFor();
    await check(page, 'home: no projects');
    await page.getByRole('button', { name: /user menu$/ }).click();
    await page.getByRole('menu').waitFor();
    await check(page, 'user menu: open');
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'hidden' });

    await lazilyLoaded(page, {
      chunk: '**/split_account.wasm',
      open: () => chooseInUserMenu(page, 'Profile'),
      arrived: page.getByRole('cell', { name: 'This session' }),
      label: 'account',
      check,
      forgive,
    });
    await check(page, 'account');
    await page.getByLabel('New email address').fill('nora@portico.test');
    await page.getByLabel('Confirm with your password').fill(BROWSER_PASSWORD);
    await page.getByRole('button', { name: 'Change email' }).click();
    await page.getByText('Waiting for confirmation: nora@portico.test').waitFor();
    await page.getByLabel('Current password').fill('wrong');
    await page.getByLabel('New password', { exact: true }).fill('x');
    await page.getByLabel('Confirm new password').fill('x');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').first().waitFor();
    await check(page, 'account: email pending, password refused');
    const verification = await mail.waitFor({ to: 'nora@portico.test', subject: /Confirm your new Portico email address/ });
    await page.goto(linkIn(verification, 'verify-email', server.url));
    await page.getByRole('status').getByText(/new email address is confirmed/).waitFor();
    await check(page, 'verify email: done');

    // The second step, the recovery code, and the page after it.
    await signOut(page);
    await check(page, 'sign-in: signed out notice');
    await page.getByLabel('Email or user name').fill('nora@portico.test');
    await page.getByLabel('Password', { exact: true }).fill(BROWSER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPath(page, '/sign-in/mfa');
    await page.getByLabel('Code from your authenticator app').fill('12');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await check(page, 'sign-in second step: wrong code');
    await page.getByRole('button', { name: 'Use your recovery code instead' }).click();
    await page.getByLabel('Recovery code').waitFor();
    await check(page, 'sign-in second step: recovery code');
    await page.getByLabel('Recovery code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForPath(page, '/account/recovered');
    await check(page, 'recovery code used');
    await visit(page, server, '/', /Welcome/);
    await check(page, 'home: recovery code used');
    assert.ok(authenticator);

    // An Administrator resets the authenticator: the emailed link opens set-up again.
    const { items } = await admin.get('/api/v1/admin/users?search=nora');
    await admin.post(`/api/v1/admin/users/${items[0].id}/reset-mfa`);
    const enrolment = await mail.waitFor({ to: 'nora@portico.test', subject: /authenticator app of your Portico account was removed/ });
    await page.goto('about:blank');
    await page.goto(linkIn(enrolment, 'enrol-mfa', server.url));
    await waitForPath(page, '/setup-mfa');
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await check(page, 'set up MFA from an enrolment link');
  });
});

test('administration pages, and the invite-user form by keyboard', async () => {
  await withPortico(async ({ server, mail, person, check }) => {
    const { admin, guid } = await projectWithContent(server, mail);
    const page = await person('Administrator');
    await signInByKeyboard(page, server, ADMIN, admin.authenticator, { check });
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();
    await check(page, 'home: administrator');

    const sections = page.getByRole('navigation', { name: 'Administration' });
    await visit(page, server, '/admin/projects', 'Projects');
    await page.getByRole('table', { name: 'All projects' }).getByRole('link', { name: 'Alpha' }).waitFor();
    await check(page, 'admin projects');
    await page.getByLabel('Project name').fill('Beta');
    await page.getByLabel('Primary contact email').fill(TINA);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('alert').or(page.getByRole('status')).first().waitFor();
    await check(page, 'admin projects: create answered');
    await page.getByRole('button', { name: 'Edit Alpha' }).click();
    await page.getByRole('form', { name: 'Edit the project Alpha' }).waitFor();
    await check(page, 'admin projects: edit form');
    await page.getByRole('button', { name: 'Archive Alpha' }).click();
    await page.getByRole('button', { name: 'Yes, archive' }).waitFor();
    await check(page, 'admin projects: confirm question');

    await sections.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const users = page.getByRole('table', { name: 'User accounts' });
    await users.getByRole('row', { name: /dev@alpha\.test/ }).waitFor();
    await check(page, 'admin users');

    // The invite-user form by keyboard: Tab to the email, type, Tab to the role, choose with the
    // arrow keys, Tab to the button, Enter.
    const email = page.getByLabel('Email address');
    await tabTo(page, email);
    await page.keyboard.type('keyboard@portico.test');
    await page.keyboard.press('Tab');
    const role = page.getByLabel('System role', { exact: true });
    await assertFocused(role, 'the system role');
    await page.keyboard.press('ArrowDown');
    assert.equal(await role.inputValue(), 'administrator', 'the arrow key chooses the next role');
    await page.keyboard.press('ArrowUp');
    assert.equal(await role.inputValue(), 'user');
    await page.keyboard.press('Tab');
    await assertFocused(page.getByRole('button', { name: 'Invite user' }), 'the Invite user button');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('The invitation is on its way to keyboard@portico.test.').waitFor();
    await users.getByRole('row', { name: /keyboard@portico\.test.*Invited/ }).waitFor();
    // The same address again: refused, with the reason next to the form.
    await tabTo(page, email, { backwards: true, max: 80 });
    await page.keyboard.type('keyboard@portico.test');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').first().waitFor();
    await check(page, 'admin users: invitation refused');

    await page.getByRole('button', { name: 'Edit dev@alpha.test' }).click();
    await page.getByRole('heading', { name: 'Edit the user dev@alpha.test' }).waitFor();
    await page.getByLabel('User name').fill('not a user name');
    await page.getByRole('button', { name: 'Save user' }).click();
    await page.getByRole('alert').first().waitFor();
    await check(page, 'admin users: edit form with an error');
    await page.getByRole('button', { name: 'Delete dev@alpha.test' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).waitFor();
    await check(page, 'admin users: confirm question');

    await visit(page, server, '/admin/audit', 'Audit log');
    await page.getByRole('table', { name: /Platform audit events/ }).waitFor();
    await check(page, 'admin audit');
    await visit(page, server, '/admin/password-policy', 'Password policy');
    await page.getByLabel('Rules').waitFor();
    await check(page, 'admin password policy');
    await page.getByLabel('Rules').selectOption('custom');
    await page.getByLabel('Minimum length').fill('0');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('alert').first().waitFor();
    await check(page, 'admin password policy: custom, refused');
    await visit(page, server, '/admin/single-sign-on', 'Single sign-on');
    await page.getByText('No single sign-on providers yet.').waitFor();
    const addProvider = page.getByRole('form', { name: 'Add a provider' });
    await addProvider.getByLabel('Display name').fill('Nowhere');
    await addProvider.getByLabel('Slug').fill('Not A Slug');
    await addProvider.getByLabel('Issuer URL').fill('http://127.0.0.1:9');
    await addProvider.getByLabel('Client ID').fill('x');
    await addProvider.getByLabel('Client secret').fill('y');
    await addProvider.getByLabel('Allowed email domains').fill('example.test');
    await addProvider.getByRole('button', { name: 'Add provider' }).click();
    await page.getByRole('alert').first().waitFor();
    await check(page, 'admin single sign-on: provider refused');

    // Maintenance windows: the list, the reschedule form, a refused window, the cancel question.
    await visit(page, server, '/admin/maintenance', 'Maintenance');
    const windows = page.getByRole('table', { name: 'Maintenance windows, newest first' });
    await windows.getByRole('row', { name: /Database upgrade/ }).waitFor();
    await page.getByTestId('maintenance-banner').waitFor();
    await check(page, 'admin maintenance, with the maintenance banner');
    await windows.getByRole('button', { name: /^Reschedule/ }).click();
    await page.getByRole('form', { name: 'Reschedule the window' }).waitFor();
    await check(page, 'admin maintenance: reschedule form');
    const schedule = page.getByRole('form', { name: 'Schedule maintenance' });
    await schedule.getByLabel('Starts (UTC)').fill('2020-01-01T10:00:00');
    await schedule.getByLabel('Ends (UTC)').fill('2020-01-01T09:00:00');
    await schedule.getByLabel('Description').fill('Backwards');
    await schedule.getByRole('button', { name: 'Schedule window' }).click();
    await schedule.getByRole('alert').first().waitFor();
    await check(page, 'admin maintenance: window refused');
    await windows.getByRole('button', { name: /^Cancel/ }).click();
    await page.getByRole('button', { name: 'Yes, cancel the window' }).waitFor();
    await check(page, 'admin maintenance: confirm question');

    // The status page with a window scheduled, as someone signed in.
    await visit(page, server, '/status', 'Service status');
    await page.getByTestId('status-state').waitFor();
    await page.getByText('Database upgrade').first().waitFor();
    await check(page, 'status: maintenance scheduled, signed in');

    await visit(page, server, '/admin/no-such-section', 'Page not found');
    await check(page, 'admin: unknown section');

    // An Administrator visiting a project they are not a member of.
    await visit(page, server, `/${guid}/dashboard`, 'Alpha');
    await check(page, 'project dashboard: administrator visiting');

    // A project that does not exist.
    await visit(page, server, '/00000000-0000-4000-8000-000000000000/dashboard', 'Project not available');
    await check(page, 'project not available');
  });
});

test('project pages as a Tenant Administrator and a Developer, and the invite and token forms by keyboard', async () => {
  await withPortico(async ({ server, mail, person, check }) => {
    const { admin, guid, owner, dev } = await projectWithContent(server, mail);
    const tina = await person('Tina');
    await signInByKeyboard(tina, server, TINA, owner.authenticator);
    await waitForPath(tina, `/${guid}/dashboard`);
    await tina.getByRole('heading', { name: 'Alpha', level: 1 }).waitFor();
    await tina.locator('dl.facts').getByText('Active').waitFor();
    await check(tina, 'project dashboard');

    // Users: members and invitations, the invite form by keyboard, a refused invitation.
    await visit(tina, server, `/${guid}/users`, 'Users');
    const members = tina.getByRole('table', { name: 'Members of the project' });
    await members.getByRole('row', { name: /dev@alpha\.test|Test User/ }).first().waitFor();
    const invitations = tina.getByRole('table', { name: 'Invitations, newest first' });
    await invitations.getByRole('row', { name: /pending@alpha\.test/ }).waitFor();
    await check(tina, 'project users');
    const inviteEmail = tina.getByLabel('Email address');
    await tabTo(tina, inviteEmail);
    await tina.keyboard.type('keys@alpha.test');
    await tina.keyboard.press('Tab');
    const inviteRole = tina.getByLabel('Role', { exact: true });
    await assertFocused(inviteRole, 'the role');
    assert.equal(await inviteRole.inputValue(), 'developer', 'Developer is the default (and last) role');
    await tina.keyboard.press('ArrowUp');
    assert.equal(await inviteRole.inputValue(), 'devops_engineer', 'the arrow key chooses the role above');
    await tabTo(tina, tina.getByRole('button', { name: 'Send invitation' }));
    await tina.keyboard.press('Space');
    await tina.getByRole('status').getByText('The invitation to keys@alpha.test is on its way.').waitFor();
    await invitations.getByRole('row', { name: /keys@alpha\.test.*Pending/ }).waitFor();
    await tina.getByLabel('Email address').fill(DEV);
    await tina.getByRole('button', { name: 'Send invitation' }).click();
    await tina.getByRole('alert').first().waitFor();
    await check(tina, 'project users: invitation refused');
    await tina.getByRole('button', { name: /^Revoke the invitation to pending@alpha\.test/ }).click();
    await tina.getByRole('button', { name: 'Yes, revoke' }).waitFor();
    await check(tina, 'project users: confirm question');
    await visit(tina, server, `/${guid}/users`, 'Users');
    await tina.getByRole('button', { name: /^Edit role of / }).first().click();
    await tina.getByTestId('role-consequences').locator('p').first().waitFor();
    await check(tina, 'project users: role editor');

    // Tokens: the create form by keyboard, the secret shown once, a refused form, the edit form.
    await visit(tina, server, `/${guid}/tokens`, 'Access tokens');
    const tokens = tina.getByRole('table', { name: 'Access tokens, newest first' });
    await tokens.getByRole('row', { name: /CI pipeline/ }).waitFor();
    await check(tina, 'project tokens');
    // The personal token form (a Tenant Administrator also has the project token form).
    const newToken = tina.getByRole('form', { name: 'Create a token', exact: true });
    await tabTo(tina, newToken.getByLabel('Token name'));
    await tina.keyboard.type('Keyboard script');
    const production = newToken.getByLabel('Deploy to production (STG, PROD)');
    await tabTo(tina, production);
    await tina.keyboard.press('Space');
    assert.ok(await production.isChecked(), 'Space ticks the checkbox');
    await tabTo(tina, tina.getByRole('button', { name: 'Create token' }));
    await tina.keyboard.press('Enter');
    await tina.getByTestId('token-secret').waitFor();
    await tokens.getByRole('row', { name: /Keyboard script.*Deploy to QA; Deploy to production/ }).waitFor();
    await check(tina, 'project tokens: new secret shown');
    const stored = tina.getByRole('button', { name: 'I have stored it' });
    await tabTo(tina, stored, { backwards: true });
    await tina.keyboard.press('Space');
    await tina.getByTestId('token-secret').waitFor({ state: 'detached' });
    await newToken.getByLabel('Token name').fill('Nothing allowed');
    await newToken.getByLabel('Deploy to QA').uncheck();
    await production.uncheck();
    await tina.getByRole('button', { name: 'Create token' }).click();
    await tina.getByRole('alert').getByText('Choose at least one permission.').waitFor();
    await check(tina, 'project tokens: refused');
    await tina.getByRole('button', { name: 'Edit CI pipeline' }).click();
    await tina.getByRole('form', { name: 'Edit the token CI pipeline' }).waitFor();
    await tina.getByLabel('Show everyone\'s tokens').check();
    await check(tina, 'project tokens: edit form, everyone\'s tokens');

    // Deployments: the history, a log, the promotion form.
    await visit(tina, server, `/${guid}/deployments`, 'Deployments');
    const history = tina.getByRole('table', { name: 'Deployments, newest first' });
    const row = history.getByRole('row', { name: /Succeeded QA/ });
    await row.waitFor();
    await check(tina, 'project deployments');
    await row.getByRole('button', { name: /^View log of/ }).click();
    await tina.getByTestId('deployment-log').filter({ hasText: /No deploy target is configured/ }).waitFor();
    await check(tina, 'project deployments: log');
    await row.getByRole('button', { name: /^Promote/ }).click();
    await tina.getByRole('heading', { name: /^Promote build/ }).waitFor();
    await check(tina, 'project deployments: promotion form');

    await visit(tina, server, `/${guid}/audit`, 'Audit log');
    await tina.getByRole('table', { name: /Audit events of the project/ }).waitFor();
    await check(tina, 'project audit');
    await visit(tina, server, `/${guid}/no-such-section`, 'Page not found');
    await check(tina, 'project: unknown section');

    // Update schedule, alerts, notifications, webhook.
    await visit(tina, server, `/${guid}/update-schedule`, 'Update schedule');
    await tina.getByRole('table', { name: /^Preferred update slots/ }).waitFor();
    await check(tina, 'project update schedule');
    await tina.getByRole('button', { name: 'Clear all' }).click();
    await check(tina, 'project update schedule: nothing chosen');

    await visit(tina, server, `/${guid}/alerts`, 'Alerts');
    await tina.getByRole('table', { name: 'Alerts, newest first' }).getByRole('row', { name: /CPU/ }).waitFor();
    await check(tina, 'project alerts');
    await tina.getByLabel('Severity').selectOption({ index: 1 });
    await tina.getByRole('button', { name: 'Apply filters' }).click();
    await tina.getByRole('table', { name: 'Alerts, newest first' }).or(tina.getByText('No alerts match.')).first().waitFor();
    await check(tina, 'project alerts: filtered');

    await visit(tina, server, `/${guid}/notifications`, 'Notifications');
    await tina.getByRole('table', { name: 'Alert types that email you, per environment' }).waitFor();
    await check(tina, 'project notifications');
    await tina.getByRole('button', { name: 'Save notification settings' }).click();
    await tina.getByRole('status').or(tina.getByRole('alert')).first().waitFor();
    await check(tina, 'project notifications: saved');

    await visit(tina, server, `/${guid}/webhooks`, 'Webhooks');
    await tina.getByLabel('Webhook URL').waitFor();
    await check(tina, 'project webhooks: none set');
    await tina.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
    await tina.getByRole('button', { name: 'Add webhook' }).click();
    await tina.getByRole('alert').first().waitFor();
    await check(tina, 'project webhooks: private address refused');

    // A Developer: fewer sections, and what a section says to a role that may not use it.
    const developer = await person('Developer');
    await signInByKeyboard(developer, server, DEV, dev.authenticator);
    await developer.getByRole('heading', { name: 'Alpha', level: 1 }).waitFor();
    await check(developer, 'project dashboard: developer');
    await visit(developer, server, `/${guid}/users`, 'Users');
    await developer.getByRole('table', { name: 'Members of the project' }).getByRole('row', { name: /Primary contact/ }).waitFor();
    await check(developer, 'project users: read only for a developer');
    await visit(developer, server, `/${guid}/tokens`, 'Access tokens');
    await developer.getByText(/needs the role Tenant Administrator or DevOps Engineer/).waitFor();
    await check(developer, 'project tokens: developer');
    await visit(developer, server, `/${guid}/update-schedule`, 'Update schedule');
    await developer.getByText(/^Read only/).waitFor();
    await check(developer, 'project update schedule: read only for a developer');
    await visit(developer, server, `/${guid}/notifications`, 'Notifications');
    await developer.getByRole('table', { name: 'Alert types that email you, per environment' }).waitFor();
    await check(developer, 'project notifications: developer');
    await visit(developer, server, `/${guid}/webhooks`, 'Webhooks');
    await check(developer, 'project webhooks: not for a developer');

    // An invitation waiting on the start page: the Developer is the primary contact of a new project.
    await admin.post('/api/v1/projects', {
      name: 'Beta', service_region: 'westeurope', service_plan: 'level_2', expires_on: '2030-12-31',
      primary_contact_email: DEV, environments: ['stg'],
    });
    await visit(developer, server, '/', 'Welcome, Test User');
    const waiting = developer.getByTestId('waiting-invitation');
    await waiting.getByText(/invited you to the project Beta as Tenant Administrator/).waitFor();
    await check(developer, 'home: an invitation waiting');
    await waiting.getByRole('button', { name: 'Decline the invitation to Beta' }).click();
    await waiting.getByRole('button', { name: 'Decline invitation' }).waitFor();
    await check(developer, 'home: declining an invitation, asked first');
    await waiting.getByRole('button', { name: 'Decline invitation' }).click();
    await developer.getByRole('status').getByText(/You declined the invitation to Beta/).waitFor();
    await developer.getByRole('heading', { name: 'Welcome, Test User' }).and(developer.locator(':focus')).waitFor();
    await check(developer, 'home: invitation declined');
  });
});

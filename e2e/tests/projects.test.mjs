// Projects in a real browser against a real server and a real SMTP sink, several people each in
// their own browser context: an Administrator creates projects; their primary contact registers
// from the emailed invitation, invites a Developer in the Users app, changes the Developer's role
// and removes them; the project selector switches between projects. Then the tokens and
// deployments journey: a token created in the app (its secret shown once) uploads a package from
// a script, and the Deployments page shows it, opens its log and promotes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo, screenshotDir } from '../lib/portico.mjs';
import {
  PASSWORD, signUp, signOut, signInWithPassword, enterAuthenticatorCode, waitForPath, registerFromInvitation,
  setUpAuthenticator, chooseInUserMenu,
} from '../lib/accounts.mjs';
import {
  ADMIN, GUID, withPortico, administrator, openAdministration, createProject, projectSections, openSection, guidOf,
  waitForDashboard,
} from '../lib/journey.mjs';
import { deploymentPackage } from '../lib/zip.mjs';

const TINA = 'tina@alpha.test';
const DEV = 'dev@alpha.test';

test('projects and the Users app: primary contact, invitations, roles, removal, project selector, user administration', async () => {
  await withPortico(async ({ server, mail, person }) => {
    const admin = await administrator({ server, mail, person });
    await openAdministration(admin, 'Projects');
    await admin.getByText('No projects yet').waitFor();
    await createProject(admin, { name: 'Alpha', contact: TINA });
    await createProject(admin, { name: 'Beta', contact: TINA });

    // The Administrator opens Alpha's dashboard and keeps it open: it follows the project's set-up
    // (provisioned, then waiting for the primary contact) without a reload.
    await admin.getByRole('table', { name: 'All projects' }).getByRole('link', { name: 'Alpha' }).click();
    await waitForDashboard(admin, 'Alpha');
    await admin.evaluate(() => { window.dashboardNeverReloaded = true; });
    const adminFacts = admin.locator('dl.facts');
    await adminFacts.getByText('Awaiting primary contact').waitFor();
    await admin.getByTestId('hash-string-salt').waitFor();

    // The primary contact registers from the invitation and lands on the project's dashboard.
    const tina = await person('Tina');
    const alphaInvitation = await mail.waitFor({ to: TINA, subject: /invited you to Alpha/ });
    await signUp(tina, server, alphaInvitation, { firstName: 'Tina', lastName: 'Tenant' }, { project: 'Alpha' });
    await waitForDashboard(tina, 'Alpha');

    // The Administrator's open dashboard turns Active by itself, and says so to screen readers.
    await adminFacts.getByText('Active', { exact: true }).waitFor();
    await admin.getByTestId('project-status-announcement').getByText('Alpha is now Active.').waitFor();
    assert.equal(await admin.evaluate(() => window.dashboardNeverReloaded), true, 'no reload was needed');
    const alpha = guidOf(tina);
    assert.match(alpha, GUID);
    assert.equal(await tina.getByTestId('project-guid').textContent(), alpha);
    const facts = tina.locator('dl.facts');
    await facts.getByText('West Europe').waitFor();
    await facts.getByText('Level 2').waitFor();
    await facts.getByText('QA, STG, PROD').waitFor();
    await facts.getByText('Tina Tenant (tina@alpha.test)').waitFor();
    await facts.getByText('Active').waitFor();
    assert.match(await tina.getByTestId('hash-string-salt').textContent(), /\S{16,}/, 'provisioned: the salt is shown');
    await tina.getByRole('button', { name: 'Copy the project GUID' }).click();
    await tina.getByText('Copied to the clipboard.').first().waitFor();
    assert.equal(await tina.evaluate(() => navigator.clipboard.readText()), alpha);
    await tina.getByText('You are Tenant Administrator in this project.').waitFor();
    await tina.screenshot({ path: join(screenshotDir, 'dashboard.png'), fullPage: true });

    // A second project: signed in already, the primary contact accepts with one button.
    const betaInvitation = await mail.waitFor({ to: TINA, subject: /invited you to Beta/ });
    await tina.goto(betaInvitation.text.match(/https?:\/\/\S+\/invitations#\S+/)[0].replace(/^https?:\/\/[^/]+/, server.url));
    await tina.getByRole('heading', { name: 'Accept the invitation' }).waitFor();
    await tina.getByRole('button', { name: 'Accept invitation' }).click();
    await waitForDashboard(tina, 'Beta');
    const beta = guidOf(tina);
    assert.notEqual(beta, alpha);

    // The project selector lists both and switches to the other project's dashboard.
    const selector = tina.getByLabel('Current project');
    assert.deepEqual(await selector.locator('option').allTextContents(), ['Alpha', 'Beta']);
    assert.equal(await selector.inputValue(), beta);
    await selector.selectOption({ label: 'Alpha' });
    await waitForDashboard(tina, 'Alpha');
    assert.equal(guidOf(tina), alpha);

    // The Users app: the primary contact wears the crown; a Developer is invited.
    await openSection(tina, 'Users');
    const members = tina.getByRole('table', { name: 'Members of the project' });
    await members.getByRole('row', { name: /Tina Tenant/ }).getByText('Primary contact', { exact: true }).waitFor();
    await tina.getByLabel('Email address').fill(DEV);
    await tina.getByLabel('Role', { exact: true }).selectOption('developer');
    await tina.getByRole('button', { name: 'Send invitation' }).click();
    await tina.getByRole('status').getByText(`The invitation to ${DEV} is on its way.`).waitFor();
    const invitations = tina.getByRole('table', { name: 'Invitations, newest first' });
    await invitations.getByRole('row', { name: new RegExp(`${DEV}.*Developer.*Pending`) }).waitFor();
    // Another invitation, revoked: its status says so.
    await tina.getByLabel('Email address').fill('nobody@alpha.test');
    await tina.getByRole('button', { name: 'Send invitation' }).click();
    await tina.getByRole('status').getByText('The invitation to nobody@alpha.test is on its way.').waitFor();
    await tina.getByRole('button', { name: 'Revoke the invitation to nobody@alpha.test' }).click();
    await tina.getByRole('button', { name: 'Yes, revoke' }).click();
    await invitations.getByRole('row', { name: /nobody@alpha\.test.*Revoked/ }).waitFor();

    // The Developer registers and sees only what a Developer may.
    const dev = await person('Developer');
    const devInvitation = await mail.waitFor({ to: DEV, subject: /invited you to Alpha/ });
    // Registering and setting up MFA do not join the project: the invitation waits for Accept.
    await registerFromInvitation(dev, server, devInvitation, { firstName: 'Dev', lastName: 'Developer' });
    const devAuthenticator = (await setUpAuthenticator(dev)).authenticator;
    await dev.getByRole('button', { name: 'Continue' }).click();
    await dev.getByRole('heading', { name: 'Invitations waiting for you' }).waitFor();
    const waiting = dev.getByTestId('waiting-invitation');
    await waiting.getByText('Tina Tenant invited you to the project Alpha as Developer.').waitFor();
    await waiting.getByText(/^Valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.$/).waitFor();
    assert.equal(await dev.getByLabel('Current project').count(), 0, 'not a member of anything yet');
    await dev.screenshot({ path: join(screenshotDir, 'invitation-waiting.png'), fullPage: true });
    await waiting.getByRole('button', { name: 'Accept the invitation to Alpha' }).click();
    await waitForDashboard(dev, 'Alpha');
    await dev.getByText('You are Developer in this project.').waitFor();
    assert.deepEqual(
      await projectSections(dev).getByRole('link').allTextContents(),
      ['Dashboard', 'Users', 'Tokens', 'Deployments', 'Update schedule', 'Alerts', 'Notifications'],
    );
    await openSection(dev, 'Tokens', 'Access tokens');
    await dev.getByLabel('Deploy to QA').waitFor();
    assert.ok(await dev.getByLabel('Deploy to non-production (UAT)').isVisible());
    assert.equal(await dev.getByLabel('Deploy to production (STG, PROD)').count(), 0, 'no deploy_production for a Developer');
    await dev.getByText(/needs the role Tenant Administrator or DevOps Engineer/).waitFor();
    await dev.goto(`${server.url}/${alpha}/audit`);
    await dev.getByText('Your role in this project does not include this.').waitFor();
    // The Users app is open to every member, read-only: the crown stands beside the primary
    // contact's role; no editing, no invitations.
    await openSection(dev, 'Users');
    const devMembers = dev.getByRole('table', { name: 'Members of the project' });
    await devMembers.getByRole('row', { name: /Tina Tenant.*Tenant Administrator Primary contact/ }).waitFor();
    await devMembers.getByRole('row', { name: /Dev Developer \(you\).*Developer/ }).waitFor();
    assert.equal(await dev.getByRole('button', { name: /Edit role/ }).count(), 0, 'no role editing for a Developer');
    assert.equal(await dev.getByRole('heading', { name: 'Invitations' }).count(), 0, 'no invitations for a Developer');
    // Notifications from the user menu: the preferences of the project open now.
    await chooseInUserMenu(dev, 'Notifications');
    await waitForPath(dev, `/${alpha}/notifications`);
    await dev.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await dev.getByRole('button', { name: 'None for QA' }).click();
    await dev.getByRole('button', { name: 'Save notification settings' }).click();
    await dev.getByRole('status').getByText('Your notification settings are saved.').waitFor();

    // The Tenant Administrator makes the Developer a DevOps Engineer; production opens up for them.
    await tina.reload();
    await members.getByRole('row', { name: /Dev Developer/ }).waitFor();
    await invitations.getByRole('row', { name: new RegExp(`${DEV}.*Accepted`) }).waitFor();
    // Edit -> the role -> Save, with what changes for Dev said first.
    await tina.getByRole('button', { name: 'Edit role of Dev Developer' }).click();
    const editor = tina.getByRole('form', { name: 'Change the role of Dev Developer' });
    await editor.getByLabel('Role').selectOption('devops_engineer');
    await editor.getByTestId('role-consequences').getByText(/They can .*deploy to STG and PROD/).waitFor();
    await editor.getByRole('button', { name: 'Save role' }).click();
    await tina.getByRole('status').getByText('Dev Developer is now DevOps Engineer.').waitFor();
    await members.getByRole('row', { name: /Dev Developer.*DevOps Engineer/ }).waitFor();
    await dev.goto(`${server.url}/${alpha}/tokens`);
    await dev.getByLabel('Deploy to production (STG, PROD)').waitFor();
    await tina.screenshot({ path: join(screenshotDir, 'users-app.png'), fullPage: true });

    // Invited to Beta too: the Developer, signed out, signs in and comes back to accept.
    await tina.getByLabel('Current project').selectOption({ label: 'Beta' });
    await waitForDashboard(tina, 'Beta');
    await openSection(tina, 'Users');
    await tina.getByLabel('Email address').fill(DEV);
    await tina.getByRole('button', { name: 'Send invitation' }).click();
    await tina.getByRole('status').getByText(`The invitation to ${DEV} is on its way.`).waitFor();
    const betaForDev = await mail.waitFor({ to: DEV, subject: /invited you to Beta/ });
    await signOut(dev);
    await dev.goto(betaForDev.text.match(/https?:\/\/\S+\/invitations#\S+/)[0].replace(/^https?:\/\/[^/]+/, server.url));
    await dev.getByRole('heading', { name: 'Sign in to accept' }).waitFor();
    await dev.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
    await signInWithPassword(dev, DEV, PASSWORD);
    await enterAuthenticatorCode(dev, devAuthenticator);
    await waitForPath(dev, '/invitations');
    assert.equal(new URL(dev.url()).search, '', 'the token never travels in an address');
    await dev.getByRole('button', { name: 'Accept invitation' }).click();
    await waitForDashboard(dev, 'Beta');
    assert.equal(await dev.evaluate(() => sessionStorage.length), 0, 'the kept token is gone once used');

    // The Tenant Administrator removes the member from Alpha; Beta stays theirs.
    await tina.getByLabel('Current project').selectOption({ label: 'Alpha' });
    await waitForDashboard(tina, 'Alpha');
    await openSection(tina, 'Users');
    await tina.getByRole('button', { name: 'Remove Dev Developer' }).click();
    await tina.getByRole('button', { name: 'Yes, remove' }).click();
    await tina.getByRole('status').getByText('Dev Developer was removed from the project.').waitFor();
    await members.getByRole('row', { name: /Dev Developer/ }).waitFor({ state: 'detached' });
    await dev.reload();
    await waitForDashboard(dev, 'Beta');
    assert.deepEqual(await dev.getByLabel('Current project').locator('option').allTextContents(), ['Beta']);

    // The project's audit log (Tenant Administrators) says who did it.
    await openSection(tina, 'Audit log');
    await tina.getByRole('table', { name: /Audit events of the project/ }).getByText('project.member_removed').waitFor();

    // Someone invited to Alpha who has no account yet.
    await openSection(tina, 'Users');
    await tina.getByLabel('Email address').fill('later@alpha.test');
    await tina.getByRole('button', { name: 'Send invitation' }).click();
    await tina.getByRole('status').getByText('The invitation to later@alpha.test is on its way.').waitFor();

    // User administration: search, filter, invite, edit, resend, delete.
    await openAdministration(admin, 'Users');
    const users = admin.getByRole('table', { name: 'User accounts' });
    await users.getByRole('row', { name: /tina@alpha\.test/ }).waitFor();
    await admin.getByLabel('Search users').fill('dev@');
    await admin.getByRole('button', { name: 'Search' }).click();
    await admin.getByText('1 users').waitFor();
    await users.getByRole('row', { name: /dev@alpha\.test.*Active/ }).waitFor();
    await admin.getByLabel('Search users').fill('');
    await admin.getByRole('button', { name: 'Search' }).click();
    await users.getByRole('row', { name: /tina@alpha\.test/ }).waitFor();
    await admin.getByLabel('Email address').fill('guest@portico.test');
    await admin.getByLabel('System role', { exact: true }).selectOption('user');
    await admin.getByRole('button', { name: 'Invite user' }).click();
    await admin.getByRole('status').getByText('The invitation is on its way to guest@portico.test.').waitFor();
    await admin.getByLabel('Status').selectOption('invited');
    await users.getByRole('row', { name: /tina@alpha\.test/ }).waitFor({ state: 'detached' });
    await users.getByRole('row', { name: /guest@portico\.test.*Invited/ }).waitFor();
    assert.equal(await users.getByRole('row', { name: /tina@alpha\.test/ }).count(), 0, 'the status filter applies');
    await admin.getByRole('button', { name: 'Resend invitation to guest@portico.test' }).click();
    await admin.getByRole('status').getByText('A new invitation is on its way to guest@portico.test.').waitFor();
    await admin.getByLabel('Status').selectOption('');
    await admin.getByRole('button', { name: 'Edit dev@alpha.test' }).click();
    await admin.getByRole('heading', { name: 'Edit the user dev@alpha.test' }).waitFor();
    await admin.getByLabel('First name').fill('Devon');
    await admin.getByRole('button', { name: 'Save user' }).click();
    await admin.getByRole('status').getByText('dev@alpha.test is saved.').waitFor();
    await users.getByRole('row', { name: /Devon Developer/ }).waitFor();
    // Disabled and enabled again from the list, each asked first (the guest, whose invitation
    // is still open: the Developer keeps his session for what follows).
    await admin.getByRole('button', { name: 'Disable guest@portico.test' }).click();
    await admin.getByRole('button', { name: 'Yes, disable' }).click();
    await admin.getByRole('status').getByText('guest@portico.test is disabled: their sessions ended and their tokens stopped.').waitFor();
    await users.getByRole('row', { name: /guest@portico\.test.*Disabled/ }).waitFor();
    await admin.getByRole('button', { name: 'Enable guest@portico.test' }).click();
    await admin.getByRole('button', { name: 'Yes, enable' }).click();
    await admin.getByRole('status').getByText('guest@portico.test is enabled again.').waitFor();
    await users.getByRole('row', { name: /guest@portico\.test.*Invited/ }).waitFor();
    assert.equal(await users.getByRole('button', { name: `Delete ${ADMIN}` }).count(), 0, 'the built-in Administrator cannot be deleted');
    assert.equal(await users.getByRole('button', { name: `Disable ${ADMIN}` }).count(), 0, 'nor disabled');
    // Below the accounts, those invited to a project without an account: resent, then revoked.
    const waitingToRegister = admin.getByRole('table', { name: 'People invited to a project' });
    await waitingToRegister.getByRole('row', { name: /later@alpha\.test.*Alpha.*Developer.*Tina Tenant.*Invited/ }).waitFor();
    await admin.screenshot({ path: join(screenshotDir, 'admin-users.png'), fullPage: true });
    await waitingToRegister.getByRole('button', { name: 'Resend invitation to later@alpha.test' }).click();
    await admin.getByRole('status').getByText('A new invitation is on its way to later@alpha.test.').waitFor();
    await waitingToRegister.getByRole('button', { name: 'Revoke the invitation to later@alpha.test' }).click();
    await waitingToRegister.getByRole('button', { name: 'Yes, revoke' }).click();
    await admin.getByRole('status').getByText('The invitation to later@alpha.test is revoked.').waitFor();
    await admin.getByText('Nobody is waiting to register.').waitFor();
    await admin.getByRole('button', { name: 'Delete guest@portico.test' }).click();
    await admin.getByRole('button', { name: 'Yes, delete' }).click();
    await admin.getByRole('status').getByText('The account guest@portico.test is deleted.').waitFor();
    await users.getByRole('row', { name: /guest@portico\.test/ }).waitFor({ state: 'detached' });

    // Project administration: rename Beta, then archive it (read-only from then on).
    await openAdministration(admin, 'Projects');
    const projects = admin.getByRole('table', { name: 'All projects' });
    await admin.getByRole('button', { name: 'Edit Beta' }).click();
    const editProject = admin.getByRole('form', { name: 'Edit the project Beta' });
    assert.equal(await editProject.getByLabel('Service plan').inputValue(), 'level_2');
    assert.ok(await editProject.getByLabel('STG (staging)').isChecked());
    await editProject.getByLabel('Project name').fill('Beta Two');
    await editProject.getByRole('button', { name: 'Save project' }).click();
    await admin.getByRole('status').getByText('Beta Two is saved.').waitFor();
    await projects.getByRole('row', { name: /Beta Two/ }).waitFor();
    await admin.getByRole('button', { name: 'Archive Beta Two' }).click();
    await admin.getByRole('button', { name: 'Yes, archive' }).click();
    await admin.getByRole('status').getByText(/Beta Two is archived/).waitFor();
    await projects.getByRole('row', { name: /Beta Two.*Archived/ }).waitFor();
    await dev.reload();
    await waitForDashboard(dev, 'Beta Two');
    await dev.locator('dl.facts').getByText('Archived').waitFor();

    // The platform audit log.
    await openAdministration(admin, 'Audit log');
    await admin.getByRole('table', { name: /Platform audit events/ }).getByText('project.created').first().waitFor();
  });
});

test('tokens and deployments: a token made in the app uploads a package; its deployment is logged, promoted, followed live and cancelled', async () => {
  // The README's example deploy target for QA and STG (a site folder with releases and a
  // symlink); PROD's command waits until the journey releases it (or cancels it).
  const site = mkdtempSync(join(tmpdir(), 'portico-e2e-site-'));
  const gates = mkdtempSync(join(tmpdir(), 'portico-e2e-gates-'));
  const deployTargets = {
    PORTICO_DEPLOY_COMMAND: JSON.stringify([join(repo, 'examples', 'deploy-target.sh'), site]),
    PORTICO_DEPLOY_COMMAND_PROD: JSON.stringify([join(repo, 'crates', 'api', 'tests', 'fixtures', 'deploy-target.sh'), 'gate', gates]),
    PORTICO_RESTART_COMMAND: JSON.stringify(['/bin/sh', '-c', 'echo Restarting the $PORTICO_ENVIRONMENT application']),
  };
  await withPortico(async ({ server, mail, person }) => {
    const admin = await administrator({ server, mail, person });
    await openAdministration(admin, 'Projects');
    await createProject(admin, { name: 'Gamma', contact: TINA });
    const tina = await person('Tina');
    await signUp(tina, server, await mail.waitFor({ to: TINA, subject: /invited you to Gamma/ }), { firstName: 'Tina', lastName: 'Tenant' }, { project: 'Gamma' });
    await waitForDashboard(tina, 'Gamma');
    const gamma = guidOf(tina);

    // A token with QA and production rights: its secret is shown once, with a warning and a copy button.
    await openSection(tina, 'Tokens', 'Access tokens');
    await tina.getByText('No tokens yet.').waitFor();
    assert.match(await tina.getByTestId('curl-command').textContent(), new RegExp(`/api/deployment/upload/${gamma}/qa`));
    assert.match(await tina.getByTestId('cli-command').textContent(), new RegExp(`portico deploy --url ${server.url} --project ${gamma}`));
    const newToken = tina.getByRole('form', { name: 'Create a token', exact: true });
    await newToken.getByLabel('Token name').fill('CI pipeline');
    assert.ok(await newToken.getByLabel('Deploy to QA').isChecked());
    await newToken.getByLabel('Deploy to production (STG, PROD)').check();
    await tina.getByRole('button', { name: 'Create token' }).click();
    const secretLocator = tina.getByTestId('token-secret');
    await secretLocator.waitFor();
    const secret = (await secretLocator.textContent()).trim();
    assert.match(secret, /^ptc_[0-9A-Za-z]{50}$/);
    await tina.getByText('Copy it now: it is shown only this once.').waitFor();
    await tina.getByRole('button', { name: 'Copy the token' }).click();
    await tina.getByText('Copied to the clipboard.').first().waitFor();
    assert.equal(await tina.evaluate(() => navigator.clipboard.readText()), secret);
    const tokens = tina.getByRole('table', { name: 'Access tokens, newest first' });
    await tokens.getByRole('row', { name: /CI pipeline.*Deploy to QA; Deploy to production.*Never.*Active/ }).waitFor();
    await tina.screenshot({ path: join(screenshotDir, 'tokens.png'), fullPage: true });
    await tina.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await secretLocator.count(), 0);
    await tina.reload();
    await tokens.getByRole('row', { name: /CI pipeline/ }).waitFor();
    assert.ok(!(await tina.content()).includes(secret), 'the secret is never shown again');

    // A script uploads a package with the token.
    const upload = await fetch(`${server.url}/api/deployment/upload/${gamma}/qa`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/zip' },
      body: deploymentPackage({ name: 'gamma-site', version: '1.2.3' }),
    });
    assert.equal(upload.status, 202, await upload.clone().text());
    assert.equal((await upload.json()).environment, 'qa');

    // The Deployments page shows it succeeded (refreshing while it runs), with its log.
    await openSection(tina, 'Deployments');
    const history = tina.getByRole('table', { name: 'Deployments, newest first' });
    const qaRow = history.getByRole('row', { name: /Succeeded QA 1\.2\.3\.\d{12}\s+Upload Tina Tenant \(token CI pipeline\)/ });
    await qaRow.waitFor({ timeout: 20_000 });
    await tina.screenshot({ path: join(screenshotDir, 'deployments.png'), fullPage: true });
    await qaRow.getByRole('button', { name: /^View log of QA upload/ }).click();
    const log = tina.getByTestId('deployment-log');
    await log.filter({ hasText: /Build 1\.2\.3\.\d{12} is live on qa/ }).waitFor();
    assert.match(await log.textContent(), /Checking the package/);
    assert.match(await log.textContent(), /stdout +current-qa -> /, 'the deploy target ran');
    await tina.getByRole('button', { name: 'Close log' }).click();

    // Promotion to STG now.
    await qaRow.getByRole('button', { name: /^Promote QA upload/ }).click();
    await tina.getByRole('heading', { name: /^Promote build 1\.2\.3\.\d{12} from QA$/ }).waitFor();
    assert.deepEqual(await tina.getByLabel('To environment').locator('option').allTextContents(), ['STG', 'PROD']);
    await tina.getByLabel('To environment').selectOption('stg');
    await tina.getByRole('button', { name: 'Promote', exact: true }).click();
    await tina.getByRole('status').getByText('The promotion to STG is queued.').waitFor();
    const stgRow = history.getByRole('row', { name: /Succeeded STG 1\.2\.3\.\d{12}\s+Promotion Tina Tenant/ });
    await stgRow.waitFor({ timeout: 20_000 });

    // A promotion to PROD scheduled for tomorrow in local time, then cancelled.
    await stgRow.getByRole('button', { name: /^Promote STG promotion/ }).click();
    await tina.getByLabel('To environment').selectOption('prod');
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    const pad = (n) => String(n).padStart(2, '0');
    const local = `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T10:30`;
    await tina.getByLabel('Promote at (your local time)').fill(local);
    const expectedUtc = new Date(local).toISOString().slice(0, 16).replace('T', ' ');
    await tina.getByText(`That is ${expectedUtc} UTC`).waitFor();
    await tina.getByRole('button', { name: 'Promote', exact: true }).click();
    await tina.getByRole('status').getByText(`The promotion to PROD is scheduled for ${expectedUtc} UTC.`).waitFor();
    const scheduled = history.getByRole('row', { name: new RegExp(`Scheduled PROD .*Scheduled for ${expectedUtc} UTC`) });
    await scheduled.getByRole('button', { name: /^Cancel PROD promotion/ }).click();
    await tina.getByRole('button', { name: 'Yes, cancel it' }).click();
    await tina.getByRole('status').getByText('The deployment is cancelled.').waitFor();
    await history.getByRole('row', { name: /Cancelled PROD/ }).waitFor();

    // A PROD upload whose command runs until released: its log is followed live, then cancelled.
    const prodUpload = await fetch(`${server.url}/api/deployment/upload/${gamma}/prod`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/zip' },
      body: deploymentPackage({ name: 'gamma-site', version: '1.3.0' }),
    });
    assert.equal(prodUpload.status, 202, await prodUpload.clone().text());
    await openSection(tina, 'Deployments');
    const running = history.getByRole('row', { name: /In progress PROD 1\.3\.0\.\d{12}\s+Upload/ });
    await running.waitFor();
    await running.getByRole('button', { name: /^View log of PROD upload/ }).click();
    await log.filter({ hasText: /stdout +first line/ }).waitFor();
    await tina.getByTestId('log-status').getByText('Live: new lines appear as the deployment writes them.').waitFor();
    assert.doesNotMatch(await log.textContent(), /Ended:/);
    await tina.screenshot({ path: join(screenshotDir, 'deployment-live-log.png'), fullPage: true });
    await tina.getByRole('button', { name: 'Cancel deployment' }).click();
    await tina.getByRole('button', { name: 'Yes, stop it' }).click();
    await tina.getByRole('status').getByText(/Stopping the deployment: its command was sent SIGTERM/).waitFor();
    await log.filter({ hasText: /portico +Ended: cancelled/ }).waitFor();
    await tina.getByTestId('log-status').getByText('The deployment has ended; its state is in the list.').waitFor();
    await history.getByRole('row', { name: /Cancelled PROD 1\.3\.0/ }).waitFor();
    await tina.getByRole('button', { name: 'Close log' }).click();

    // Restart QA: its restart command runs in the same queue and history.
    await tina.getByRole('button', { name: 'Restart QA' }).click();
    await tina.getByRole('button', { name: 'Yes, restart' }).click();
    await tina.getByRole('status').getByText('The restart of QA is queued; its log is in the list.').waitFor();
    const restart = history.getByRole('row', { name: /Succeeded QA\s+—\s+Restart Tina Tenant/ });
    await restart.waitFor();
    await restart.getByRole('button', { name: /^View log of QA restart/ }).click();
    await log.filter({ hasText: /stdout +Restarting the qa application/ }).waitFor();
    await tina.getByRole('button', { name: 'Close log' }).click();

    // The token's last use is recorded; renamed, then revoked, it stops working at once.
    await openSection(tina, 'Tokens', 'Access tokens');
    await tokens.getByRole('row', { name: /CI pipeline.* from 127\.0\.0\.1/ }).waitFor();
    await tina.getByRole('button', { name: 'Edit CI pipeline' }).click();
    await tina.getByRole('form', { name: 'Edit the token CI pipeline' }).getByLabel('Token name').fill('CI');
    await tina.getByRole('button', { name: 'Save token' }).click();
    await tina.getByRole('status').getByText('The token is saved.').waitFor();
    await tina.getByRole('button', { name: 'Revoke CI' }).click();
    await tina.getByRole('button', { name: 'Yes, revoke' }).click();
    await tina.getByRole('status').getByText(/The token CI is revoked/).waitFor();
    await tokens.getByRole('row', { name: /CI .*Revoked/ }).waitFor();
    const refused = await fetch(`${server.url}/api/deployment/upload/${gamma}/qa`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/zip' },
      body: deploymentPackage(),
    });
    assert.equal(refused.status, 401);
  }, deployTargets);
  rmSync(site, { recursive: true, force: true });
  rmSync(gates, { recursive: true, force: true });
});

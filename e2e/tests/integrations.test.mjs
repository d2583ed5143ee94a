// Integrations in the browser: a Tenant Administrator adds a Slack webhook pointed at a receiver
// started here (it records what it gets and answers 200), stores the signing secret shown once,
// sends a test delivery and reads the receiver's answer, opens the delivery log, redelivers the
// ping, and disables the webhook. Then a project access token: created with a role, its secret
// shown once, listed with its creator, deploying (the receiver hears of it), revoked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { screenshotDir } from '../lib/portico.mjs';
import { signUp } from '../lib/accounts.mjs';
import {
  withPortico, administrator, openAdministration, createProject, openSection, waitForDashboard,
} from '../lib/journey.mjs';
import { eventually } from '../lib/wait.mjs';
import { deploymentPackage } from '../lib/zip.mjs';

const TINA = 'tina@echo.test';

/** An HTTP receiver on loopback: records each request and answers 200 with a short JSON body. */
async function startReceiver() {
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ ok: true, n: received.length }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/slack`, received, close: () => server.close() };
}

test('webhooks (Slack, test delivery, log, redeliver, disable) and a project access token', async () => {
  const receiver = await startReceiver();
  try {
    await withPortico(async ({ server, mail, person }) => {
      const admin = await administrator({ server, mail, person });
      await openAdministration(admin, 'Projects');
      await createProject(admin, { name: 'Echo', contact: TINA });
      const tina = await person('Tina');
      await signUp(tina, server, await mail.waitFor({ to: TINA, subject: /invited you to Echo/ }), { firstName: 'Tina', lastName: 'Tenant' }, { project: 'Echo' });
      await waitForDashboard(tina, 'Echo');

      await openSection(tina, 'Webhooks');
      await tina.getByText('No webhooks: alerts reach people by email only.').waitFor();
      await tina.getByLabel('Webhook URL').fill(receiver.url);
      assert.equal(await tina.getByLabel('An alert is raised').isChecked(), true, 'alerts are chosen to begin with');
      await tina.getByLabel('A deployment fails').check();
      await tina.getByLabel('Format').selectOption('slack');
      await tina.getByRole('button', { name: 'Add webhook' }).click();
      const secret = tina.getByTestId('webhook-secret');
      await secret.waitFor();
      assert.match(await secret.textContent(), /^whsec_[0-9a-f]{64}$/);
      await tina.getByRole('button', { name: 'I have stored it' }).click();
      await secret.waitFor({ state: 'detached' });
      const hooks = tina.getByRole('table', { name: 'Webhooks, oldest first' });
      const row = hooks.getByRole('row', { name: new RegExp(receiver.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')) });
      await row.getByRole('cell', { name: 'alert.raised, alert.resolved, deployment.failed', exact: true }).waitFor();
      await row.getByRole('cell', { name: 'Slack', exact: true }).waitFor();

      // Send test delivery: the receiver gets a Slack message, the page says what it answered.
      await row.getByRole('button', { name: `Send test delivery ${receiver.url}` }).click();
      await tina.getByRole('status').getByText(/^Test delivery delivered: the receiver answered HTTP 200 in \d+ ms\.$/).waitFor();
      assert.equal(receiver.received.length, 1);
      assert.equal(receiver.received[0].headers['x-portico-event'], 'ping');
      assert.equal(receiver.received[0].body.text, 'Test delivery from Portico (Echo)');
      assert.equal(receiver.received[0].body.blocks[2].elements[0].type, 'button');

      // The delivery log, and a redelivery of the ping.
      await row.getByRole('button', { name: `Deliveries ${receiver.url}` }).click();
      await tina.getByRole('heading', { name: `Deliveries to ${receiver.url}`, level: 2 }).waitFor();
      const log = tina.getByRole('table', { name: 'Deliveries, newest first' });
      const ping = log.getByRole('row', { name: /ping .* Delivered 1 HTTP 200 in \d+ ms/ });
      await ping.getByText('{"ok":true,"n":1}').waitFor();
      await tina.screenshot({ path: join(screenshotDir, 'webhooks.png'), fullPage: true });
      await ping.getByRole('button', { name: /^Redeliver ping of / }).click();
      await tina.getByRole('status').getByText('The ping delivery is queued again.').waitFor();
      await eventually('the receiver gets the ping again', () => receiver.received.length === 2);
      assert.deepEqual(receiver.received[1].body, receiver.received[0].body, 'the same body');
      await log.getByRole('row', { name: /ping/ }).nth(1).waitFor();

      // Disabled: the status says so and by whom.
      await row.getByRole('button', { name: `Disable ${receiver.url}` }).click();
      await tina.getByRole('status').getByText(`The webhook ${receiver.url} is disabled.`).waitFor();
      await row.getByText('Disabled: Disabled by Tina Tenant').waitFor();
      await row.getByRole('button', { name: `Enable ${receiver.url}` }).click();
      await row.getByText('Enabled', { exact: true }).waitFor();

      // A project access token: it acts as a Developer, whoever leaves the project.
      await openSection(tina, 'Tokens', 'Access tokens');
      const create = tina.getByRole('form', { name: 'Create a project token' });
      await create.getByLabel('Token name').fill('Nightly deploy');
      await create.getByLabel('Acts as').selectOption('developer');
      assert.ok(await create.getByLabel('Deploy to QA').isChecked());
      await create.getByRole('button', { name: 'Create project token' }).click();
      const tokenSecret = tina.getByTestId('token-secret');
      await tokenSecret.waitFor();
      const token = (await tokenSecret.textContent()).trim();
      assert.match(token, /^ptc_[0-9A-Za-z]{50}$/);
      await tina.getByRole('button', { name: 'I have stored it' }).click();
      const projectTokens = tina.getByRole('table', { name: 'Project tokens, newest first' });
      const tokenRow = projectTokens.getByRole('row', { name: /Nightly deploy .*Developer \(created by Tina Tenant\).*Deploy to QA.*Never.*Active/ });
      await tokenRow.waitFor();
      await tina.screenshot({ path: join(screenshotDir, 'project-tokens.png'), fullPage: true });
      const guid = new URL(tina.url()).pathname.split('/')[1];
      const upload = await fetch(`${server.url}/api/deployment/upload/${guid}/qa`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/zip' },
        body: deploymentPackage(),
      });
      assert.equal(upload.status, 202, await upload.text());
      await openSection(tina, 'Deployments');
      await tina.getByRole('table', { name: /Deployments/ }).getByText(/Project token/).first().waitFor();
      await openSection(tina, 'Tokens', 'Access tokens');
      // Used now: the row says when and from where.
      const usedRow = projectTokens.getByRole('row', { name: /Nightly deploy .* from 127\.0\.0\.1/ });
      await usedRow.getByRole('button', { name: 'Revoke Nightly deploy' }).click();
      await tina.getByRole('button', { name: 'Yes, revoke' }).click();
      await tina.getByRole('status').getByText('The project token Nightly deploy is revoked.').waitFor();
      const refused = await fetch(`${server.url}/api/v1/projects/${guid}`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(refused.status, 401);
    }, { PORTICO_WEBHOOK_ALLOW_PRIVATE: 'true' });
  } finally {
    receiver.close();
  }
});

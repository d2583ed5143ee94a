// Operations in a real browser against a real server and a real SMTP sink: an Administrator (in
// New York) schedules, reschedules and cancels platform maintenance; a Tenant Administrator (in
// Prague) is emailed, sees the banner in their time zone and in UTC with the project's customer
// infrastructure update (on the dashboard too), edits the update schedule, reads and resolves
// alerts, follows the guide's notification advice for the environment she is responsible for and
// sets the alert webhook; the public status page and its calendar feed list the window; a visitor
// without an account subscribes there, confirms, is emailed the announcement and unsubscribes with
// one click; during an urgent window that has begun, an upload answers 503 maintenance_in_progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { screenshotDir } from '../lib/portico.mjs';
import { signUp } from '../lib/accounts.mjs';
import {
  ADMIN, withPortico, administrator, openAdministration, createProject, openSection, guidOf, waitForDashboard,
} from '../lib/journey.mjs';
import { deploymentPackage } from '../lib/zip.mjs';
import { eventually } from '../lib/wait.mjs';
import { linkIn } from '../lib/mail.mjs';

const TINA = 'tina@delta.test';
/** Subscribes on the status page, without an account. */
const READER = 'reader@example.test';
const MONITORING_TOKEN = 'monitoring-token-for-the-e2e-journey';
const ADMIN_ZONE = 'America/New_York';
const TINA_ZONE = 'Europe/Prague';

/** What `<input type="datetime-local" step="1">` holds for `date` typed in UTC: "2026-03-01T14:05:09". */
const utcInput = (date) => date.toISOString().slice(0, 19);
/** How the app writes a UTC time: "2026-03-01 14:05 UTC". */
const utcText = (date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
/** How the app writes a time in the viewer's zone: "2026-03-01 15:05 (UTC+01:00)". */
function localText(date, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23', timeZoneName: 'longOffset',
  }).formatToParts(date).map(({ type, value }) => [type, value]));
  const offset = parts.timeZoneName.replace('GMT', '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (UTC${offset})`;
}
/** The first start of the weekly UTC slot (`day` 0 = Monday) at or after `after` (the domain's rule). */
function nextSlot(day, hour, after) {
  for (let i = 0; i < 8; i += 1) {
    const start = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate() + i, hour));
    if ((start.getUTCDay() + 6) % 7 === day && start >= after) return start;
  }
  throw new Error('no slot within a week');
}
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Schedules a window in Administration -> Maintenance, times typed in UTC. */
async function scheduleWindow(page, { startsAt, endsAt, description, emergency = false }) {
  const form = page.getByRole('form', { name: 'Schedule maintenance' });
  if (emergency) await form.getByLabel('Emergency maintenance').check();
  await form.getByLabel('Starts (UTC)').fill(utcInput(startsAt));
  await form.getByText(`That is ${localText(startsAt, ADMIN_ZONE)} in your time zone.`).waitFor();
  await form.getByLabel('Ends (UTC)').fill(utcInput(endsAt));
  await form.getByLabel('Description').fill(description);
  await form.getByRole('button', { name: 'Schedule window' }).click();
  await page.getByRole('status')
    .getByText(`Maintenance is scheduled from ${utcText(startsAt)} to ${utcText(endsAt)}; Tenant Administrators are emailed.`)
    .waitFor();
  assert.equal(await form.getByLabel('Starts (UTC)').inputValue(), '', 'the form is blank for the next window');
}

test('maintenance: schedule, banner, update schedule, alerts, notifications, status feed, uploads paused', async () => {
  // The urgent window, tried first without the emergency mark.
  const expectedRefusals = { Administrator: ['422 POST /api/v1/maintenance-windows'] };
  await withPortico(async ({ server, mail, person }) => {
    const admin = await administrator({ server, mail, person }, { timezoneId: ADMIN_ZONE });
    await openAdministration(admin, 'Projects');
    await createProject(admin, { name: 'Delta', contact: TINA });
    const tina = await person('Tina', { timezoneId: TINA_ZONE });
    await signUp(tina, server, await mail.waitFor({ to: TINA, subject: /invited you to Delta/ }), { firstName: 'Tina', lastName: 'Tenant' }, { project: 'Delta' });
    await waitForDashboard(tina, 'Delta');
    const delta = guidOf(tina);
    expectedRefusals.Tina = [];

    // Any account may subscribe to the announcements: the Administrator (no project role) does.
    await admin.goto(`${server.url}/account`);
    await admin.getByLabel('Email me maintenance announcements').check();
    await admin.getByRole('status').getByText('You will be emailed when platform maintenance is scheduled, moved or cancelled.').waitFor();

    // Anyone may subscribe on the status page: an email, then its confirmation link.
    const visitor = await person('Visitor', { timezoneId: TINA_ZONE });
    await visitor.goto(`${server.url}/status`);
    const subscribe = visitor.getByRole('region', { name: 'Get maintenance announcements by email' });
    await subscribe.getByLabel('Email').fill(READER);
    await subscribe.getByRole('button', { name: 'Subscribe' }).click();
    await subscribe.getByRole('status').getByText(`Check the inbox of ${READER}`, { exact: false }).waitFor();
    const confirmation = await mail.waitFor({ to: READER, subject: /Confirm your subscription/ });
    await visitor.goto(linkIn(confirmation, 'status/confirm', server.url));
    await visitor.getByRole('status').getByText(/You are subscribed/).waitFor();
    assert.equal(await visitor.evaluate(() => window.location.hash), '', 'the token leaves the address bar at once');

    // The Administrator schedules a window in four days (announced at least 72 hours ahead; whole
    // seconds, not :00, so the input keeps them), and another two days after it, which is moved
    // and then cancelled.
    let startsAt = new Date(Math.ceil((Date.now() + 4 * 24 * 3600_000) / 1000) * 1000);
    if (startsAt.getUTCSeconds() === 0) startsAt = new Date(startsAt.getTime() + 1000);
    const endsAt = new Date(startsAt.getTime() + 2 * 3600_000);
    const description = 'Database upgrade: the portal is read-only for a while';
    await openAdministration(admin, 'Maintenance');
    await admin.getByText('No maintenance scheduled yet.').waitFor();
    await scheduleWindow(admin, { startsAt, endsAt, description });
    const windows = admin.getByRole('table', { name: 'Maintenance windows, newest first' });
    await windows.getByRole('row', {
      name: new RegExp(`${escape(description)}.*${escape(localText(startsAt, ADMIN_ZONE))}.*${escape(utcText(startsAt))}.*Scheduled`),
    }).waitFor();
    const later = new Date(startsAt.getTime() + 2 * 24 * 3600_000);
    const network = 'Network switch replacement';
    await scheduleWindow(admin, { startsAt: later, endsAt: new Date(later.getTime() + 3600_000), description: network });
    await admin.getByRole('button', { name: `Reschedule ${network}` }).click();
    const reschedule = admin.getByRole('form', { name: 'Reschedule the window' });
    const movedEnd = new Date(later.getTime() + 2 * 3600_000);
    await reschedule.getByLabel('Ends (UTC)').fill(utcInput(movedEnd));
    await reschedule.getByRole('button', { name: 'Save window' }).click();
    await admin.getByRole('status')
      .getByText(`The window is rescheduled from ${utcText(later)} to ${utcText(movedEnd)}; everyone was told.`).waitFor();
    await admin.getByRole('button', { name: `Cancel ${network}` }).click();
    await admin.getByRole('button', { name: 'Yes, cancel the window' }).click();
    await admin.getByRole('status').getByText(`The window \u201c${network}\u201d is cancelled; everyone was told.`).waitFor();
    await windows.getByRole('row', { name: new RegExp(`${network}.*Cancelled`) }).waitFor();
    await windows.getByRole('row', { name: new RegExp(`${escape(description)}.*Scheduled`) }).waitFor();
    await admin.screenshot({ path: join(screenshotDir, 'maintenance-admin.png'), fullPage: true });

    // The Tenant Administrator and the subscribers are emailed.
    for (const to of [TINA, ADMIN, READER]) {
      const announcement = await mail.waitFor({ to, subject: new RegExp(`Portico maintenance scheduled: ${escape(utcText(startsAt))}`) });
      assert.match(announcement.text, new RegExp(escape(description)));
    }
    // The status page's subscriber leaves with one click: the link in the mail (its client could
    // use the RFC 8058 headers instead).
    const toReader = await mail.waitFor({ to: READER, subject: /Portico maintenance scheduled/ });
    assert.match(await mail.header(toReader, 'List-Unsubscribe'), /^<https?:\/\/\S+\/api\/v1\/status\/subscriptions\/unsubscribe\/one-click\?token=[A-Za-z0-9_-]+>$/);
    assert.equal(await mail.header(toReader, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
    await visitor.goto(linkIn(toReader, 'status/unsubscribe', server.url));
    await visitor.getByRole('status').getByText(/You are unsubscribed/).waitFor();

    // The banner, for the Tenant Administrator: in Prague time and in UTC, with Delta's update.
    await tina.reload();
    const banner = tina.getByRole('status', { name: 'Platform maintenance scheduled' });
    await banner.waitFor();
    assert.match(await banner.textContent(), new RegExp(escape(description)));
    assert.equal(
      await banner.getByTestId('window-local').textContent(),
      `${localText(startsAt, TINA_ZONE)} to ${localText(endsAt, TINA_ZONE)}`,
    );
    assert.equal(await banner.getByTestId('window-utc').textContent(), `${utcText(startsAt)} to ${utcText(endsAt)}`);
    await banner.getByTestId('infrastructure-update').getByText(/^Customer infrastructure update of Delta after it: /).waitFor();
    await tina.screenshot({ path: join(screenshotDir, 'banner.png'), fullPage: true });

    // The update schedule: blocked slots cannot be chosen, at least one must be; the next update follows.
    await openSection(tina, 'Update schedule');
    assert.ok(await tina.getByLabel('Sunday 00:00–03:00 UTC, blocked platform-wide').isDisabled());
    await tina.getByRole('button', { name: 'Clear all' }).click();
    assert.ok(await tina.getByRole('button', { name: 'Save schedule' }).isDisabled(), 'an empty schedule cannot be saved');
    await tina.getByLabel('Wednesday 03:00–06:00 UTC', { exact: true }).check();
    await tina.getByLabel('Saturday 21:00–00:00 UTC', { exact: true }).check();
    await tina.getByRole('button', { name: 'Save schedule' }).click();
    await tina.getByRole('status').getByText('The update schedule is saved.').waitFor();
    const update = [nextSlot(2, 3, endsAt), nextSlot(5, 21, endsAt)].sort((a, b) => a - b)[0];
    const updateText = `${localText(update, TINA_ZONE)}, that is ${utcText(update)}`;
    await tina.getByTestId('next-infrastructure-update')
      .getByText(`Next customer infrastructure update: ${updateText}. Production site availability may be affected.`).waitFor();
    assert.ok(await tina.getByLabel('Wednesday 03:00–06:00 UTC', { exact: true }).isChecked());
    assert.ok(!(await tina.getByLabel('Monday 00:00–03:00 UTC', { exact: true }).isChecked()));
    await tina.screenshot({ path: join(screenshotDir, 'update-schedule.png'), fullPage: true });
    await tina.reload();
    await tina.getByTestId('infrastructure-update')
      .getByText(`Customer infrastructure update of Delta after it: ${updateText}. Production site availability may be affected.`).waitFor();
    // The dashboard names it too.
    await openSection(tina, 'Dashboard', 'Delta');
    await tina.getByTestId('dashboard-infrastructure-update')
      .getByText(`${updateText}. Production site availability may be affected.`).waitFor();

    // The public status page lists the window and links the calendar feed, which has both windows.
    await visitor.goto(`${server.url}/status`);
    await visitor.getByTestId('status-state').waitFor();
    const listed = visitor.locator('li.window').filter({ hasText: description });
    await listed.getByText(`${utcText(startsAt)} to ${utcText(endsAt)}`).waitFor();
    assert.equal(await visitor.locator('li.window').filter({ hasText: network }).count(), 0, 'a cancelled window is not listed');
    const feedLink = visitor.getByRole('link', { name: /Subscribe to the maintenance calendar/ });
    assert.equal(await feedLink.getAttribute('href'), '/api/v1/status/maintenance.ics');
    await visitor.screenshot({ path: join(screenshotDir, 'status.png'), fullPage: true });
    const feed = await fetch(`${server.url}/api/v1/status/maintenance.ics`);
    assert.equal(feed.status, 200);
    const calendar = await feed.text();
    assert.match(calendar, /BEGIN:VCALENDAR/);
    assert.match(calendar, /Database upgrade/);
    assert.match(calendar, /STATUS:CANCELLED/);

    // Alerts raised by the monitoring system; filtered; the Tenant Administrator resolves one.
    for (const alert of [
      { type: 'cpu', severity: 'critical', environment: 'prod', message: 'CPU above 80 % for 10 minutes' },
      { type: 'failed_requests', severity: 'warning', environment: 'qa', message: '12 failed requests in 5 minutes' },
    ]) {
      const raised = await fetch(`${server.url}/api/v1/projects/${delta}/alerts`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${MONITORING_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(alert),
      });
      assert.equal(raised.status, 201, await raised.clone().text());
    }
    await openSection(tina, 'Alerts');
    const alerts = tina.getByRole('table', { name: 'Alerts, newest first' });
    await alerts.getByRole('row', { name: /PROD CPU > 80 % Critical CPU above 80 % for 10 minutes Active/ }).waitFor();
    await alerts.getByRole('row', { name: /QA Failed requests Warning .* Active/ }).waitFor();
    await tina.screenshot({ path: join(screenshotDir, 'alerts.png'), fullPage: true });
    await tina.getByLabel('Severity').selectOption('critical');
    await tina.getByLabel('Active only').check();
    await tina.getByRole('button', { name: 'Apply filters' }).click();
    await alerts.getByRole('row', { name: /QA Failed requests/ }).waitFor({ state: 'detached' });
    await tina.getByRole('button', { name: 'Resolve CPU > 80 % on PROD' }).click();
    await tina.getByRole('status').getByText('The CPU > 80 % alert on PROD is resolved.').waitFor();
    await tina.getByText('No alerts match.').waitFor();
    await tina.getByLabel('Active only').uncheck();
    await tina.getByRole('button', { name: 'Apply filters' }).click();
    await alerts.getByRole('row', { name: /PROD CPU > 80 % .*Resolved by Tina Tenant/ }).waitFor();

    // Notifications: the guide's advice for the environment she is responsible for, in one click:
    // STG's Error and Critical alerts of every type are ticked, nothing else changes; saved, and
    // still there after a reload.
    await openSection(tina, 'Notifications');
    assert.ok(await tina.getByLabel('QA: CPU > 80 %', { exact: true }).isChecked(), 'everything by default');
    const expectChecked = async (label, checked) => {
      assert.equal(await tina.getByLabel(label, { exact: true }).isChecked(), checked, label);
    };
    await tina.getByRole('button', { name: 'None for STG' }).click();
    await tina.getByRole('button', { name: 'None for QA' }).click();
    await expectChecked('STG: DDoS attack', false);
    await tina.getByRole('group', { name: 'I am responsible for' }).getByLabel('STG', { exact: true }).check();
    await tina.getByRole('button', { name: 'Tick their Error and Critical alerts' }).click();
    await expectChecked('STG: DDoS attack', true);
    await expectChecked('STG: CPU > 80 %', true);
    await expectChecked('STG: Critical', true);
    await expectChecked('STG: Error', true);
    await expectChecked('STG: Warning', false);
    await expectChecked('QA: CPU > 80 %', false);
    await expectChecked('PROD: Warning', true);
    await tina.getByRole('button', { name: 'Save notification settings' }).click();
    await tina.getByRole('status').getByText('Your notification settings are saved.').waitFor();
    await tina.screenshot({ path: join(screenshotDir, 'notifications.png'), fullPage: true });
    await tina.reload();
    await tina.getByRole('button', { name: 'Save notification settings' }).waitFor();
    await expectChecked('QA: CPU > 80 %', false);
    await expectChecked('STG: Warning', false);
    await expectChecked('STG: Error', true);
    await expectChecked('PROD: Warning', true);

    // A webhook: its signing secret is shown once; a test delivery to a closed port says so.
    await openSection(tina, 'Webhooks');
    await tina.getByText('No webhooks: alerts reach people by email only.').waitFor();
    await tina.getByLabel('Webhook URL').fill('http://127.0.0.1:9/portico-alerts');
    await tina.getByRole('button', { name: 'Add webhook' }).click();
    const secret = tina.getByTestId('webhook-secret');
    await secret.waitFor();
    assert.match(await secret.textContent(), /\S{20,}/);
    await tina.getByRole('button', { name: 'I have stored it' }).click();
    await secret.waitFor({ state: 'detached' });
    const hooks = tina.getByRole('table', { name: 'Webhooks, oldest first' });
    await hooks.getByRole('row', { name: /http:\/\/127\.0\.0\.1:9\/portico-alerts/ }).waitFor();

    const token = await tina.evaluate(async (guid) => {
      const response = await fetch(`/api/v1/projects/${guid}/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'portico' },
        body: JSON.stringify({ display_name: 'CI', permissions: ['deploy_qa'] }),
      });
      return (await response.json()).token;
    }, delta);
    // An urgent window starting in a few seconds: once the public status says it is in progress,
    // uploads are refused with 503 and Retry-After until its end.
    let urgentStart = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    if (urgentStart.getUTCSeconds() === 0) urgentStart = new Date(urgentStart.getTime() + 1000);
    const urgentEnd = new Date(urgentStart.getTime() + 2 * 3600_000);
    // Without the usual 72 hours' notice it must be marked an emergency: the form says so first.
    await openAdministration(admin, 'Maintenance');
    const form = admin.getByRole('form', { name: 'Schedule maintenance' });
    await form.getByLabel('Starts (UTC)').fill(utcInput(urgentStart));
    await form.getByLabel('Ends (UTC)').fill(utcInput(urgentEnd));
    await form.getByLabel('Description').fill('Storage failover');
    await form.getByRole('button', { name: 'Schedule window' }).click();
    await form.getByRole('alert').getByText(/announced 72 hours ahead: the earliest start now is/).waitFor();
    urgentStart = new Date(Math.max(urgentStart.getTime(), Math.ceil((Date.now() + 3000) / 1000) * 1000));
    if (urgentStart.getUTCSeconds() === 0) urgentStart = new Date(urgentStart.getTime() + 1000);
    await scheduleWindow(admin, { startsAt: urgentStart, endsAt: urgentEnd, description: 'Storage failover', emergency: true });
    const urgent = await eventually('the urgent window in progress on the status page', async () => {
      const status = await (await fetch(`${server.url}/api/v1/status`)).json();
      return status.current.find((window) => window.description === 'Storage failover');
    });
    assert.equal(urgent.emergency, true);
    const upload = await fetch(`${server.url}/api/deployment/upload/${delta}/qa`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/zip' },
      body: deploymentPackage(),
    });
    assert.equal(upload.status, 503);
    assert.equal((await upload.json()).code, 'maintenance_in_progress');
    const retryAfter = Number(upload.headers.get('retry-after'));
    const untilEnd = (urgentEnd.getTime() - Date.now()) / 1000;
    assert.ok(retryAfter >= untilEnd - 60 && retryAfter <= untilEnd + 60, `Retry-After ${retryAfter} s: until the window ends`);

    // The app says so: the banner turns into an alert, and the Deployments page says why.
    await openSection(tina, 'Deployments');
    await tina.reload();
    await tina.getByRole('alert', { name: 'Emergency platform maintenance in progress' }).waitFor();
    await tina.getByTestId('deployments-paused').getByText('Deployments are paused for platform maintenance').waitFor();
  }, { PORTICO_MONITORING_TOKEN: MONITORING_TOKEN, PORTICO_WEBHOOK_ALLOW_PRIVATE: 'true' }, expectedRefusals);
});

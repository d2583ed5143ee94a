// The frame of the multi-person journeys: a server mailing into its own sink, one browser with a
// context per person, and the steps they share (the Administrator's set-up, Administration and
// project sections, creating a project).
import assert from 'node:assert/strict';
import {
  startServer, startBrowsers, openPage, unexpectedRefusals, SIGNED_OUT_PROBE,
} from './portico.mjs';
import { startMailSink } from './mail.mjs';
import { signUp } from './accounts.mjs';

export const ADMIN = 'admin@portico.test';
export const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/**
 * A server (projects provisioned within a second) mailing into its own sink, and one browser;
 * `person(name, contextOptions)` opens a page in a fresh context (own cookies and storage) that
 * must see no console errors and only the refusals `expectedRefusals[name]` lists.
 */
export async function withPortico(journey, extraEnv = {}, expectedRefusals = {}) {
  const mail = await startMailSink();
  const server = await startServer({
    PORTICO_SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    PORTICO_ADMIN_EMAIL: ADMIN,
    PORTICO_PROVISIONING_DELAY: '1s',
    ...extraEnv,
  }).catch(async (error) => {
    await mail.stop();
    throw error;
  });
  const browsers = await startBrowsers();
  const people = [];
  const person = async (name, options = {}) => {
    const context = await browsers.person(options);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const opened = await openPage(context);
    people.push({ name, ...opened });
    return opened.page;
  };
  try {
    await journey({ server, mail, person });
    for (const { name, problems, refusals } of people) {
      assert.deepEqual(problems, [], `no console errors for ${name}`);
      const expected = [...(expectedRefusals[name] ?? []), SIGNED_OUT_PROBE];
      assert.deepEqual(unexpectedRefusals(refusals, expected), [], `no refused requests for ${name}`);
    }
  } finally {
    await browsers.close();
    await server.stop();
    await mail.stop();
  }
}

/**
 * The built-in Administrator, registered from the first-start email, signed in on the start page;
 * `contextOptions` for their browser context (e.g. `timezoneId`).
 */
export async function administrator({ server, mail, person }, contextOptions = {}) {
  const page = await person('Administrator', contextOptions);
  const setup = await mail.waitFor({ to: ADMIN, subject: /Set up the Portico Administrator/ });
  await signUp(page, server, setup, { firstName: 'Ada', lastName: 'Admin' });
  await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();
  await page.getByRole('link', { name: 'create a project' }).waitFor();
  return page;
}

export async function openAdministration(page, section) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { name: section, level: 1 }).waitFor();
}

/** Creates a project in Administration -> Projects; its primary contact is invited. */
export async function createProject(page, { name, contact }) {
  await page.getByLabel('Project name').fill(name);
  await page.getByLabel('Region').selectOption('westeurope');
  await page.getByLabel('Service plan').selectOption('level_2');
  await page.getByLabel('STG (staging)').check();
  assert.ok(await page.getByLabel('UAT (Custom plan only)').isDisabled(), 'UAT is for the Custom plan only');
  await page.getByLabel('Primary contact email').fill(contact);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('status').getByText(`${name} is created and being provisioned`).waitFor();
  await page.getByRole('table', { name: 'All projects' }).getByRole('link', { name }).waitFor();
}

export function projectSections(page) {
  return page.getByRole('navigation', { name: 'Project sections' });
}

export async function openSection(page, name, heading = name) {
  await projectSections(page).getByRole('link', { name }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

/** The GUID of the project open in `page`. */
export function guidOf(page) {
  return new URL(page.url()).pathname.split('/')[1];
}

export async function waitForDashboard(page, name) {
  await page.waitForURL((url) => url.pathname.endsWith('/dashboard'));
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

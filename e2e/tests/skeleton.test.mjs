// The walking skeleton in a real browser: the WASM app renders, reads the API, routes on the
// client, and the API reference works offline under the same security headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, openPage, screenshotDir, unexpectedRefusals } from '../lib/portico.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the status page is rendered by the WASM app from the API', async () => {
  const { page, problems, refusals } = await openPage(browser.context);
  const response = await page.goto(`${server.url}/status`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  await page.getByTestId('status-state').waitFor();
  assert.equal(await page.getByTestId('status-state').textContent(), 'All systems operational');
  assert.match(await page.locator('main').textContent(), /Database: reachable/);
  assert.deepEqual(problems, []);
  assert.deepEqual(unexpectedRefusals(refusals), []);
  await page.close();
});

test('client-side navigation reaches the sign-in form without a reload', async () => {
  const { page, problems, refusals } = await openPage(browser.context);
  await page.goto(`${server.url}/status`);
  await page.getByTestId('status-state').waitFor();
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sign in to Portico' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the router should navigate without loading a new document');
  assert.ok(await page.getByLabel('Email or user name').isVisible());
  await page.screenshot({ path: join(screenshotDir, 'sign-in.png') });
  // Back and forward move between the app's pages in the same document too.
  await page.goBack();
  await page.getByTestId('status-state').waitFor();
  assert.equal(new URL(page.url()).pathname, '/status');
  await page.goForward();
  await page.getByRole('heading', { name: 'Sign in to Portico' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'back and forward should stay in the document');
  assert.deepEqual(problems, []);
  assert.deepEqual(unexpectedRefusals(refusals), []);
  await page.close();
});

test('unknown client routes show the app\'s not-found page', async () => {
  const { page, problems, refusals } = await openPage(browser.context);
  const response = await page.goto(`${server.url}/no/such/page`);
  assert.equal(response.status(), 200, 'the history-API fallback serves the app shell');
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  assert.deepEqual(problems, []);
  assert.deepEqual(unexpectedRefusals(refusals), []);
  await page.close();
});

test('the interactive API reference renders offline', async () => {
  const { page, problems, refusals } = await openPage(browser.context);
  await page.goto(`${server.url}/api-docs/`);
  await page.getByText('Portico API').first().waitFor();
  await page.locator('.opblock').first().waitFor();
  assert.ok(await page.locator('.opblock').count() >= 3);
  assert.deepEqual(problems, []);
  assert.deepEqual(unexpectedRefusals(refusals), []);
  await page.close();
});

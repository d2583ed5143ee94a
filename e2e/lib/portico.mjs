// Starts a real `portico serve` on a free port with a fresh data dir, and a browser.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PATIENCE_MS } from './wait.mjs';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target');
export const porticoBin = process.env.E2E_PORTICO_BIN ?? join(targetDir, 'debug', 'portico');

/** Environment for the server: ours, minus PORTICO_* variables meant for other tools. */
function serverEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PORTICO_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * A free loopback port, for a server whose public URL must be known before it starts (passkeys
 * want a host name; a single sign-on provider must know the callback address).
 */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startServer(extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-e2e-'));
  const child = spawn(porticoBin, ['serve'], {
    cwd: repo,
    env: serverEnv({
      PORTICO_BIND: '127.0.0.1:0',
      PORTICO_DATA_DIR: dataDir,
      PORTICO_FRONTEND_DIR: join(repo, 'frontend', 'dist'),
      PORTICO_LOG: 'info',
      ...extraEnv,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`portico did not start:\n${lines.join('\n')}`)), 30_000);
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(line);
        const match = line.match(/"message":"listening".*"port":(\d+)/);
        if (match) {
          clearTimeout(timer);
          resolvePort(Number(match[1]));
        }
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`portico exited with ${code}:\n${lines.join('\n')}`)));
    child.on('error', (error) => reject(new Error(`portico could not be started (${porticoBin}): ${error.message}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    dataDir,
    logs: lines,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM = {
  executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};
const VIEWPORT = { width: 1280, height: 800 };

export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'portico-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, viewport: VIEWPORT });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One Chromium with a separate context (cookies, storage) per person, for journeys where several
 * people act in turn: `await browsers.person(options)` returns a context (options as Playwright's
 * `newContext` takes them, e.g. `timezoneId`).
 */
export async function startBrowsers() {
  const browser = await chromium.launch(CHROMIUM);
  return {
    async person(options = {}) {
      return browser.newContext({ viewport: VIEWPORT, ...options });
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * A page that collects console errors and failed requests, so a test can insist on none.
 *
 * The API answers expected refusals with 4xx problems (`GET /api/v1/me` is 401 until someone
 * signs in; a wrong password is 401), and Chromium logs every 4xx fetch as a console error
 * ("Failed to load resource"). Those lines go to `refusals` as "STATUS METHOD PATH" instead,
 * so a test can say exactly which refusals it expects; anything else stays in `problems`.
 */
export async function openPage(context) {
  const page = await context.newPage();
  // What the app shows after a server-side step (an email sent, a project provisioned) may take a
  // while on a loaded machine: every wait gets the same patience (a passing wait ends at once).
  page.setDefaultTimeout(PATIENCE_MS);
  const problems = [];
  const refusals = [];
  const isApiUrl = (text) => URL.canParse(text) && new URL(text).pathname.startsWith('/api/');
  page.on('response', (response) => {
    if (response.status() >= 400 && response.status() < 500 && isApiUrl(response.url())) {
      refusals.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
    }
  });
  page.on('console', (message) => {
    if (process.env.E2E_DEBUG) console.error(`[${new URL(page.url()).pathname}] ${message.type()}: ${message.text()}`);
    if (message.type() !== 'error') return;
    const isRefusal = /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())
      && isApiUrl(message.location().url);
    if (!isRefusal) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems, refusals };
}

export const screenshotDir = join(repo, 'e2e', 'screenshots');

/** What every anonymous page load costs: the app asks who is signed in, and nobody is yet. */
export const SIGNED_OUT_PROBE = '401 GET /api/v1/me';

/** The refusals in `refusals` that are not in `expected` (a test asserts this is empty). */
export function unexpectedRefusals(refusals, expected = [SIGNED_OUT_PROBE]) {
  return refusals.filter((refusal) => !expected.includes(refusal));
}

// Prometheus Alertmanager (Debian's prometheus-alertmanager, started here on a free loopback
// port) delivers to the Portico under test through its webhook receiver: an alert pushed into
// Alertmanager with its API raises a Portico alert and emails the Tenant Administrator; pushed
// again with an `endsAt` in the past, Alertmanager sends the resolution and the alert is resolved.
// Alertmanager's own repeats of the group raise nothing twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/portico.mjs';
import { startMailSink } from '../lib/mail.mjs';
import { bootstrapAdministrator, projectWithOwner } from '../lib/api.mjs';
import { eventually } from '../lib/wait.mjs';

const MONITORING_TOKEN = 'monitoring-token-for-alertmanager';
const ALERTMANAGER = process.env.E2E_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';

/** A loopback port nobody listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Alertmanager with one receiver, the Portico at `porticoUrl`, on a port of its own. */
async function startAlertmanager(porticoUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'portico-alertmanager-'));
  const port = await freePort();
  // Short group timings keep the test short; Alertmanager's own defaults are minutes.
  writeFileSync(join(dir, 'alertmanager.yml'), `
route:
  receiver: portico
  group_by: [alertname, portico_project, environment]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: portico
    webhook_configs:
      - url: ${porticoUrl}/api/v1/integrations/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${MONITORING_TOKEN}
`);
  const output = [];
  const child = spawn(ALERTMANAGER, [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await eventually(`Alertmanager ready at ${url} (${output.join('')})`, async () => {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited:\n${output.join('')}`);
    return fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
  });
  return {
    url,
    output,
    /** POST /api/v2/alerts, as Prometheus does. */
    async push(alerts) {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(alerts),
      });
      assert.equal(response.status, 200, await response.text());
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How many Alertmanager payloads Portico has answered with 200 (its `/metrics`, on loopback). */
async function deliveries(porticoUrl) {
  const metrics = await (await fetch(`${porticoUrl}/metrics`)).text();
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('portico_http_requests_total{')
      && line.includes('route="/api/v1/integrations/alertmanager"') && line.includes('status="200"'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

test('Alertmanager raises a Portico alert, repeats raise nothing twice, its resolution resolves it', async () => {
  const mail = await startMailSink();
  const server = await startServer({
    PORTICO_SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
    PORTICO_ADMIN_EMAIL: 'admin@am.test',
    PORTICO_PROVISIONING_DELAY: '0s',
    PORTICO_MONITORING_TOKEN: MONITORING_TOKEN,
  });
  const alertmanager = await startAlertmanager(server.url);
  try {
    const admin = await bootstrapAdministrator(server, mail, 'admin@am.test');
    const project = await projectWithOwner(server, mail, admin, 'Echo', 'ta@echo.test');
    const labels = {
      alertname: 'HighCpu', portico_project: project.guid, environment: 'stg', portico_alert_type: 'cpu',
      severity: 'critical',
    };
    const annotations = { summary: 'CPU above 90 % on STG for 5 minutes' };
    await alertmanager.push([{ labels, annotations, startsAt: new Date().toISOString(), generatorURL: 'http://prometheus.test/graph' }]);

    const alertsPath = `/api/v1/projects/${project.guid}/alerts`;
    const raised = await eventually('the alert raised in Portico', async () => {
      const page = await project.owner.get(alertsPath);
      return page.items.find((alert) => alert.active && alert.message === annotations.summary);
    });
    assert.equal(raised.type, 'cpu');
    assert.equal(raised.severity, 'critical');
    assert.equal(raised.environment, 'stg');
    const email = await mail.waitFor({ to: 'ta@echo.test', subject: /\[critical\].*in Echo/ });
    assert.match(email.text, /CPU above 90 % on STG/);

    // Alertmanager sends the group again every repeat_interval (2 s here). Portico's own request
    // counter shows when it has, twice more: then the repeats are in, and raised nothing new.
    await eventually('two repeats of the group delivered', async () => (await deliveries(server.url)) >= 3);
    assert.equal((await project.owner.get(alertsPath)).total, 1, 'a repeat raises no second alert');

    // Resolved: the same alert again, with an end in the past.
    await alertmanager.push([{
      labels, annotations, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() - 1_000).toISOString(),
    }]);
    const resolved = await eventually('the alert resolved in Portico', async () => {
      const page = await project.owner.get(alertsPath);
      return page.items.find((alert) => alert.id === raised.id && !alert.active);
    });
    assert.equal(resolved.resolved_by, null, 'resolved by Alertmanager, not a person');
    const page = await project.owner.get(alertsPath);
    assert.equal(page.total, 1, 'the repeats raised no second alert');
    const emails = (await mail.all())
      .filter((message) => message.to.some((to) => to.address === 'ta@echo.test') && /in Echo/.test(message.subject));
    assert.equal(emails.length, 1, `one email for the alert: ${emails.map((message) => message.subject)}`);
  } finally {
    await alertmanager.stop();
    await server.stop();
    await mail.stop();
  }
});

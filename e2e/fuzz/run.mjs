// `just fuzz-api`: schemathesis against a live server, once with a Tenant Administrator's
// session and once with a personal access token, with every check. Only the operations that
// end the fuzzer's own session are left out.
//
// usage: node fuzz/run.mjs [--max-examples N] [--max-time SECONDS]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/portico.mjs';
import { startMailSink } from '../lib/mail.mjs';
import { bootstrapAdministrator, projectWithOwner } from '../lib/api.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const maxExamples = option('--max-examples', '50');
const maxTime = option('--max-time', null);
const python = process.env.E2E_PYTHON ?? 'python3';
const schemathesis = `${dirname(python)}/schemathesis`;

/** Operations that would end the fuzzer's own session (and so every later request), by operation id. */
const SESSION_ENDING = ['sign_out', 'reset_mfa', 'end_session', 'change_password'];

/**
 * Every check, except positive_data_acceptance: some rules of schema-valid input live outside
 * the schema (the editable password policy, single-use links), and refusing such input with a
 * 4xx problem is the designed answer, not a failure.
 */
const EXCLUDED_CHECKS = ['positive_data_acceptance'];

/**
 * Credentials go through the document's own security schemes (so schemathesis can leave them
 * out when it checks that auth is enforced); `headers` are sent on every request.
 */
function schemathesisRun(url, auth, headers, label) {
  const config = join(work, `${label.replace(/\W+/g, '-')}.toml`);
  const blocks = Object.entries(auth).map(([scheme, value]) => `[auth.openapi.${scheme}]\n${value}\n`);
  writeFileSync(config, blocks.join('\n'));
  const argv = [
    '--config-file', config,
    'run', `${url}/api-docs/openapi.json`, '--checks', 'all', '--max-examples', maxExamples,
    '--seed', '42', '--request-timeout', '20', '--suppress-health-check', 'all', '--warnings', 'off',
  ];
  if (maxTime) argv.push('--max-time', maxTime);
  for (const operation of SESSION_ENDING) argv.push('--exclude-operation-id', operation);
  argv.push('--exclude-checks', EXCLUDED_CHECKS.join(','));
  for (const [name, value] of Object.entries(headers)) argv.push('-H', `${name}: ${value}`);
  console.log(`\n== schemathesis as ${label} ==`);
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: 'hooks', PYTHONPATH: dirname(fileURLToPath(import.meta.url)) };
    const child = spawn(schemathesis, argv, { stdio: 'inherit', env });
    child.on('exit', (code) => resolve(code));
  });
}

const work = mkdtempSync(join(tmpdir(), 'portico-fuzz-'));
const mail = await startMailSink();
const server = await startServer({
  PORTICO_SMTP_URL: `smtp://127.0.0.1:${mail.port}`,
  PORTICO_ADMIN_EMAIL: 'admin@portico.test',
  PORTICO_PROVISIONING_DELAY: '0s',
  PORTICO_CREDENTIAL_RATE_LIMIT: '100000',
  PORTICO_LOCKOUT_THRESHOLD: '100000',
  PORTICO_MONITORING_TOKEN: 'fuzz-monitoring-token',
  PORTICO_LOG: 'warn,portico=info',
});
let failed = false;
try {
  const admin = await bootstrapAdministrator(server, mail, 'admin@portico.test');
  const project = await projectWithOwner(server, mail, admin, 'Fuzz', 'owner@fuzz.test');
  const { token } = await project.owner.post(`/api/v1/projects/${project.guid}/tokens`, {
    display_name: 'fuzz', permissions: ['deploy_qa', 'deploy_production'],
  });
  const session = await schemathesisRun(
    server.url,
    { session_cookie: `api_key = "${project.owner.cookies.get('portico_session')}"` },
    { 'X-Requested-With': 'portico' },
    'a Tenant Administrator session',
  );
  const pat = await schemathesisRun(
    server.url,
    { personal_access_token: `bearer = "${token}"` },
    {},
    'a personal access token',
  );
  failed = session !== 0 || pat !== 0;
} finally {
  await server.stop();
  await mail.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

// `just bench`: an HTTP load run against the release server on loopback, and the numbers the
// proof-of-quality targets are about, written to BENCHMARKS.md.
//
// The load generator (wrk) runs on the same 2-core machine as the server: the figures are what
// one box does with both sides on it, not what the server alone can do.
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, statSync, readdirSync, existsSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMailSink } from '../lib/mail.mjs';
import { bootstrapAdministrator, projectWithOwner, PASSWORD } from '../lib/api.mjs';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../lib/portico.mjs';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target');
const binary = join(targetDir, 'release', 'portico');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

function rssKiB(pid, field = 'VmRSS') {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))[1]);
}

async function startRelease(dataDir, env) {
  const started = process.hrtime.bigint();
  const child = spawn(binary, ['serve'], {
    cwd: repo,
    env: {
      PATH: process.env.PATH, PORTICO_BIND: '127.0.0.1:0', PORTICO_DATA_DIR: dataDir, PORTICO_LOG: 'warn,portico=info',
      PORTICO_FRONTEND_DIR: join(repo, 'frontend', 'dist'), ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await new Promise((resolvePort, reject) => {
    child.stderr.on('data', (chunk) => {
      const match = chunk.toString().match(/"message":"listening".*"port":(\d+)/);
      if (match) resolvePort(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`portico exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/readyz`).then((r) => r.ok).catch(() => false))) await new Promise((r) => setTimeout(r, 5));
  const coldStartMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { child, url, coldStartMs };
}

/** wrk for `seconds`; requests/s and latency percentiles in ms. */
async function wrk(url, headers = {}) {
  const args = ['-t2', '-c32', `-d${seconds}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const { stdout } = await run('wrk', args, { maxBuffer: 1 << 20 });
  // Anchored at the line start: the Thread Stats table also has percentages (e.g. "71.50%").
  const ms = (text) => {
    const [, value, unit] = text.match(/([\d.]+)(us|ms|s)/);
    return Number(value) * { us: 0.001, ms: 1, s: 1000 }[unit];
  };
  const non2xx = Number(stdout.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  return {
    rps: Number(stdout.match(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50: ms(stdout.match(/^\s+50%\s+(\S+)/m)[1]),
    p99: ms(stdout.match(/^\s+99%\s+(\S+)/m)[1]),
    non2xx,
  };
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The median of each figure over several runs of one request; answers counted over all. */
function medianOf(runs) {
  const signIns = runs[0].signIns && {
    ok: runs.reduce((n, r) => n + r.signIns.ok, 0), other: runs.reduce((n, r) => n + r.signIns.other, 0),
  };
  return {
    rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0), allRps: runs.map((r) => r.rps), signIns,
  };
}

/** Keeps `perSecond` password sign-ins going until stopped; counts the answers. */
function signInLoad(url, email, perSecond) {
  const counts = { ok: 0, other: 0 };
  const timer = setInterval(() => {
    fetch(`${url}/api/v1/auth/sign-in`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
    }).then((r) => { if (r.status === 200) counts.ok += 1; else counts.other += 1; }, () => { counts.other += 1; });
  }, 1000 / perSecond);
  return { stop: () => clearInterval(timer), counts };
}

/** A stored (uncompressed) ZIP of `bytes` random bytes with a manifest, written in chunks. */
async function bigPackage(path, bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'portico-bench-pkg-'));
  writeFileSync(join(dir, 'portico-package.json'), JSON.stringify({ name: 'bench', version: '1.0.0' }));
  const fd = openSync(join(dir, 'payload.bin'), 'w');
  const chunk = Buffer.alloc(16 << 20);
  for (let written = 0; written < bytes; written += chunk.length) {
    for (let i = 0; i < chunk.length; i += 65536) chunk.fill(Math.random() * 256, i, i + 65536);
    writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  }
  closeSync(fd);
  await run('zip', ['-q', '-0', '-r', path, '.'], { cwd: dir });
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A ZIP of `count` empty stored entries, written directly (ZIP64 end records past 65,535), like
 * the API test's `zip_with_empty_entries`: its central directory alone is what a careless check
 * would parse into memory.
 */
function crowdedPackage(path, count) {
  const fd = openSync(path, 'w');
  const directory = [];
  let offset = 0;
  let pending = [];
  let pendingBytes = 0;
  const flush = () => { writeSync(fd, Buffer.concat(pending)); pending = []; pendingBytes = 0; };
  for (let i = 0; i < count; i += 1) {
    const name = Buffer.from(`f${i.toString(16)}`);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42);
    pending.push(local, name); pendingBytes += 30 + name.length;
    directory.push(central, name);
    offset += 30 + name.length;
    if (pendingBytes > (8 << 20)) flush();
  }
  flush();
  const directoryBytes = Buffer.concat(directory);
  writeSync(fd, directoryBytes);
  const zip64 = Buffer.alloc(56 + 20);
  zip64.writeUInt32LE(0x06064b50, 0); zip64.writeBigUInt64LE(44n, 4); zip64.writeUInt16LE(45, 12); zip64.writeUInt16LE(45, 14);
  zip64.writeBigUInt64LE(BigInt(count), 24); zip64.writeBigUInt64LE(BigInt(count), 32);
  zip64.writeBigUInt64LE(BigInt(directoryBytes.length), 40); zip64.writeBigUInt64LE(BigInt(offset), 48);
  zip64.writeUInt32LE(0x07064b50, 56); zip64.writeBigUInt64LE(BigInt(offset + directoryBytes.length), 64); zip64.writeUInt32LE(1, 72);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(0xffff, 8); end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(Math.min(directoryBytes.length, 0xffffffff), 12); end.writeUInt32LE(Math.min(offset, 0xffffffff), 16);
  writeSync(fd, Buffer.concat([zip64, end]));
  closeSync(fd);
}

/** Uploads the crowded package and follows the server's peak RSS until its deployment has ended. */
async function checkCrowded(url, guid, token, path, pid) {
  const before = rssKiB(pid, 'VmHWM');
  const uploaded = await upload(url, guid, token, path, pid);
  const id = uploaded.body?.id;
  let state = 'unknown';
  for (let i = 0; i < 600 && id; i += 1) {
    const response = await fetch(`${url}/api/v1/projects/${guid}/deployments`, { headers: { Authorization: `Bearer ${token}` } });
    state = (await response.json()).items.find((d) => d.id === id)?.state ?? state;
    if (!['queued', 'in_progress'].includes(state)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...uploaded, state, peakHwmMiB: rssKiB(pid, 'VmHWM') / 1024, beforeHwmMiB: before / 1024 };
}

async function upload(url, guid, token, path, pid) {
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, rssKiB(pid)); }, 20);
  const started = process.hrtime.bigint();
  const answer = join(tmpdir(), `portico-bench-answer-${process.pid}.json`);
  const { stdout } = await run('curl', [
    '-s', '-o', answer, '-w', '%{http_code}', '-X', 'POST', '-T', path,
    '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/zip',
    `${url}/api/deployment/upload/${guid}/qa`,
  ]);
  const secondsTaken = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  let body = null;
  try { body = JSON.parse(readFileSync(answer, 'utf8')); } catch { body = null; }
  rmSync(answer, { force: true });
  return { status: stdout, seconds: secondsTaken, peakRssMiB: peak / 1024, body };
}

/**
 * Runs `measure` against a release server of its own (fresh data folder, one provisioned
 * project and a deploy_qa token), so its memory figures start from a server that did nothing else.
 */
async function onOwnServer(name, extraEnv, measure) {
  const data = mkdtempSync(join(tmpdir(), `portico-bench-${name}-`));
  const server = await startRelease(data, { ...env, PORTICO_ADMIN_EMAIL: `admin@${name}.test`, ...extraEnv });
  try {
    const admin = await bootstrapAdministrator({ url: server.url }, mail, `admin@${name}.test`);
    const project = await projectWithOwner({ url: server.url }, mail, admin, `Bench ${name}`, `owner@${name}.test`);
    const { token } = await project.owner.post(`/api/v1/projects/${project.guid}/tokens`, { display_name: 'bench', permissions: ['deploy_qa'] });
    return await measure(server, project.guid, token);
  } finally {
    server.child.kill('SIGTERM');
    rmSync(data, { recursive: true, force: true });
  }
}

/**
 * The same package uploaded to a server whose packages live in an S3-compatible store (moto,
 * started by `just s3-start`, on the same 2 cores): the upload is streamed on as a multipart
 * upload, so the server's memory stays at a few parts.
 */
async function uploadToS3(pkg, size) {
  const { stdout } = await run('just', ['--quiet', 's3-start'], { cwd: repo });
  const s3 = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split('=')));
  const store = {
    PORTICO_PACKAGE_STORE: `s3://${s3.S3_BUCKET}`, AWS_ENDPOINT_URL: s3.S3_ENDPOINT, AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_ALLOW_HTTP: 'true',
  };
  try {
    return await onOwnServer('s3', store, async (server, guid, token) => {
      const before = rssKiB(server.child.pid) / 1024;
      const uploaded = await upload(server.url, guid, token, pkg, server.child.pid);
      const listed = await fetch(`${s3.S3_ENDPOINT}/${s3.S3_BUCKET}?list-type=2`).then((r) => r.text());
      const stored = Number(listed.match(/<Size>(\d+)<\/Size>/)?.[1] ?? 0);
      return { ...uploaded, size, before, stored, throughputMiBs: size / 1048576 / uploaded.seconds };
    });
  } finally {
    await run('just', ['--quiet', 's3-stop', s3.S3_DIR], { cwd: repo });
  }
}

/**
 * First visits in Chromium (a new context each time, the HTTP cache off): from navigation to
 * the sign-in form being usable, and to a signed-in project dashboard showing its project.
 * Timed by the page's own clock (`performance.now()` counts from the navigation's start), checked
 * every animation frame; the time seen from outside (Playwright's goto to the same moment, so
 * with the browser's own process start-up) is kept beside it.
 */
async function firstRender(url, project, name) {
  const browser = await chromium.launch(CHROMIUM);
  const cookies = [...project.owner.cookies].map(([cookie, value]) => ({ name: cookie, value, url }));
  const timed = async (ready, arg, path, signedIn) => {
    const inPage = [];
    const outside = [];
    for (let i = 0; i < 10; i += 1) {
      const context = await browser.newContext();
      if (signedIn) await context.addCookies(cookies);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const started = performance.now();
      await page.goto(`${url}${path}`, { waitUntil: 'commit' });
      const at = await page.waitForFunction(ready, arg, { polling: 'raf' });
      outside.push(performance.now() - started);
      inPage.push(await at.jsonValue());
      await context.close();
    }
    return { median: median(inPage), max: Math.max(...inPage), outsideMedian: median(outside) };
  };
  try {
    return {
      signIn: await timed(() => {
        const field = document.getElementById('identifier');
        return field && !field.disabled && field.offsetParent !== null ? performance.now() : false;
      }, null, '/sign-in', false),
      dashboard: await timed((title) => {
        const heading = document.querySelector('h1');
        return heading && heading.textContent.trim() === title ? performance.now() : false;
      }, name, `/${project.guid}/dashboard`, true),
    };
  } finally {
    await browser.close();
  }
}

/**
 * The browser app's files as built (frontend/build.sh puts them in `assets/app-<hash>/`): the
 * core (`main.wasm` and its JS), each split and shared chunk, raw, gzip and brotli; null when the
 * app is not built.
 */
function wasmSizes() {
  const assets = join(repo, 'frontend', 'dist', 'assets');
  if (!existsSync(assets)) return null;
  const app = readdirSync(assets).find((name) => name.startsWith('app-'));
  if (!app) return null;
  const size = (file) => (existsSync(file) ? statSync(file).size : 0);
  const files = readdirSync(join(assets, app))
    .filter((name) => name.endsWith('.wasm') || name.endsWith('.js'))
    .map((name) => {
      const file = join(assets, app, name);
      return { name, raw: size(file), gzip: size(`${file}.gz`), brotli: size(`${file}.br`) };
    })
    .sort((a, b) => b.gzip - a.gzip);
  const sum = (key, pick = () => true) => files.filter(pick).reduce((n, f) => n + f[key], 0);
  const core = (f) => f.name === 'main.wasm' || f.name === 'main.js' || f.name === '__wasm_split.js';
  return {
    files,
    core: { raw: sum('raw', core), gzip: sum('gzip', core), brotli: sum('brotli', core) },
    total: { raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') },
  };
}

function wasmTable(wasm) {
  if (!wasm) return ['The browser app was not built, so its sizes were not measured.', ''];
  const row = (what, f, target = '') => `| ${what} | ${f.raw} | ${f.gzip} | ${f.brotli} | ${target} |`;
  const purpose = (name) => {
    if (name === 'main.wasm') return 'core: what the sign-in, emailed-link and status pages load';
    if (name === 'main.js') return 'core: the wasm-bindgen glue';
    if (name === '__wasm_split.js') return 'core: the loader of splits';
    if (name.startsWith('split_')) return `split: the ${name.slice(6, -5)} pages, fetched on their first visit`;
    return 'shared chunk: code two or more splits use, fetched with the first of them';
  };
  const target = (name) => (name === 'main.wasm' ? '< 200 KiB (the build fails past it)' : name.endsWith('.wasm') ? '< 120 KiB' : '');
  return [
    '| file | raw bytes | gzip | brotli | gzip target |',
    '|---|---|---|---|---|',
    ...wasm.files.map((f) => row(`\`${f.name}\` (${purpose(f.name)})`, f, target(f.name))),
    row('**core in all** (the three core files)', wasm.core),
    row('**the whole app**', wasm.total, '< 450 KiB (the build fails past it)'),
    '',
  ];
}

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const round = (value, digits = 1) => Number(value).toFixed(digits);

const dataDir = mkdtempSync(join(tmpdir(), 'portico-bench-'));
const mail = await startMailSink();
const env = {
  PORTICO_SMTP_URL: `smtp://127.0.0.1:${mail.port}`, PORTICO_ADMIN_EMAIL: 'admin@bench.test', PORTICO_PROVISIONING_DELAY: '0s',
  PORTICO_CREDENTIAL_RATE_LIMIT: '1000000', PORTICO_LOCKOUT_THRESHOLD: '1000000', PORTICO_UPLOAD_LIMIT: '2GiB',
};
const { child, url, coldStartMs } = await startRelease(dataDir, env);
await new Promise((r) => setTimeout(r, 1000));
const idleRssMiB = rssKiB(child.pid) / 1024;
// What the idle RSS is made of: the binary's pages and libraries (file) and the heap, stacks and
// SQLite's page cache (anonymous).
const idleParts = { anon: rssKiB(child.pid, 'RssAnon') / 1024, file: rssKiB(child.pid, 'RssFile') / 1024 };
const results = {};
try {
  const admin = await bootstrapAdministrator({ url }, mail, 'admin@bench.test');
  const project = await projectWithOwner({ url }, mail, admin, 'Bench', 'owner@bench.test');
  const { token } = await project.owner.post(`/api/v1/projects/${project.guid}/tokens`, { display_name: 'bench', permissions: ['deploy_qa'] });
  const cookie = [...project.owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const reads = {
    'GET /healthz': [`${url}/healthz`, {}],
    'GET /api/v1/me (session)': [`${url}/api/v1/me`, { Cookie: cookie }],
    'GET /api/v1/projects/{guid}/deployments (token)': [`${url}/api/v1/projects/${project.guid}/deployments`, { Authorization: `Bearer ${token}` }],
    'GET /api/v1/projects/{guid}/members (session)': [`${url}/api/v1/projects/${project.guid}/members`, { Cookie: cookie }],
    'GET /api/v1/projects/{guid}/alerts (token)': [`${url}/api/v1/projects/${project.guid}/alerts`, { Authorization: `Bearer ${token}` }],
  };
  // Rounds alternate the requests, so a slow moment of the shared machine hits them alike.
  const quietRuns = Object.fromEntries(Object.keys(reads).map((name) => [name, []]));
  const busyRuns = Object.fromEntries(Object.keys(reads).map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, [target, headers]] of Object.entries(reads)) quietRuns[name].push(await wrk(target, headers));
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, [target, headers]] of Object.entries(reads)) {
      const load = signInLoad(url, 'owner@bench.test', 20);
      const result = await wrk(target, headers);
      load.stop();
      busyRuns[name].push({ ...result, signIns: { ...load.counts } });
    }
  }
  results.quiet = Object.fromEntries(Object.entries(quietRuns).map(([name, runs]) => [name, medianOf(runs)]));
  results.busy = Object.fromEntries(Object.entries(busyRuns).map(([name, runs]) => [name, medianOf(runs)]));
  results.firstRender = await firstRender(url, project, 'Bench');
  results.shares = Object.fromEntries(Object.entries(quietRuns).map(([name, runs]) => [
    name, median(runs.map((run, i) => run.rps / quietRuns['GET /healthz'][i].rps)),
  ]));
  const pkg = join(dataDir, 'big.zip');
  await bigPackage(pkg, 1 << 30);
  const size = statSync(pkg).size;
  const before = rssKiB(child.pid) / 1024;
  const uploaded = await upload(url, project.guid, token, pkg, child.pid);
  results.upload = { ...uploaded, size, before, throughputMiBs: size / 1048576 / uploaded.seconds };
  results.s3 = await uploadToS3(pkg, size);
  rmSync(pkg, { force: true });
  const crowded = join(dataDir, 'crowded.zip');
  crowdedPackage(crowded, 1_000_000);
  results.crowded = {
    ...(await onOwnServer('crowded', {}, (server, guid, token) => checkCrowded(server.url, guid, token, crowded, server.child.pid))),
    size: statSync(crowded).size,
  };
  rmSync(crowded, { force: true });
} finally {
  child.kill('SIGTERM');
  await mail.stop();
}
rmSync(dataDir, { recursive: true, force: true });

const wasm = wasmSizes();
const lines = [
  '# Benchmarks',
  '',
  `Produced by \`just bench\` (\`node e2e/bench/run.mjs\` after a release build) on ${new Date().toISOString().slice(0, 10)}:`,
  `${cpus().length} cores (${cpus()[0].model.trim()}), ${round(totalmem() / 2 ** 30, 0)} GiB RAM, SQLite, release build.`,
  `**The load generator (wrk, 2 threads, 32 connections, ${seconds} s per run) shares the same 2 cores as the server**, so`,
  'these are what one small box does with both sides on it. Criterion micro-benchmarks: `cargo bench -p portico-api` (below).',
  `Each read figure is the median of ${rounds} rounds that alternate the requests (requests/s of every round in brackets);`,
  'the share of /healthz is the median of the per-round ratios.',
  '',
  '## Reads',
  '',
  '| request | quiet: requests/s | p50 ms | p99 ms | with 20 sign-ins/s: requests/s | p50 ms | p99 ms | share of /healthz (quiet) |',
  '|---|---|---|---|---|---|---|---|',
  ...Object.keys(results.quiet).map((name) => {
    const q = results.quiet[name];
    const b = results.busy[name];
    const all = (r) => r.allRps.map((v) => round(v, 0)).join(', ');
    return `| \`${name}\` | ${round(q.rps, 0)} (${all(q)}) | ${round(q.p50, 2)} | ${round(q.p99, 2)} | ${round(b.rps, 0)} (${all(b)}) | ${round(b.p50, 2)} | ${round(b.p99, 2)} | ${round(results.shares[name] * 100, 0)} % |`;
  }),
  '',
  `Sign-ins answered during the busy runs (password step, argon2id behind the hashing cap), per request: ${Object.values(results.busy).map((b) => `${b.signIns.ok} ok / ${b.signIns.other} other`).join('; ')}.`,
  `Non-2xx answers during the read runs: ${Object.values(results.quiet).concat(Object.values(results.busy)).reduce((n, r) => n + r.non2xx, 0)}.`,
  '',
  '## Upload, start-up, size',
  '',
  '| measure | value | target |',
  '|---|---|---|',
  `| upload of a ${round(results.upload.size / 2 ** 30, 2)} GiB package (curl -T, loopback) | HTTP ${results.upload.status}, ${round(results.upload.seconds, 1)} s, ${round(results.upload.throughputMiBs, 0)} MiB/s | |`,
  `| server RSS during that upload | peak ${round(results.upload.peakRssMiB, 1)} MiB (before: ${round(results.upload.before, 1)} MiB) | < 100 MiB |`,
  `| the same upload with packages in S3 (moto on the same cores; ${results.s3.stored === results.s3.size ? 'the object in the bucket has every byte' : `the bucket holds ${results.s3.stored} bytes`}) | HTTP ${results.s3.status}, ${round(results.s3.seconds, 1)} s, ${round(results.s3.throughputMiBs, 0)} MiB/s | |`,
  `| server RSS during the S3 upload | peak ${round(results.s3.peakRssMiB, 1)} MiB (before: ${round(results.s3.before, 1)} MiB) | < 100 MiB |`,
  `| checking a package whose central directory lists 1,000,000 entries (${round(results.crowded.size / 2 ** 20, 0)} MiB) | deployment ${results.crowded.state}; peak RSS (VmHWM) of a server that did nothing else before ${round(results.crowded.peakHwmMiB, 1)} MiB (before the upload: ${round(results.crowded.beforeHwmMiB, 1)} MiB) | < 100 MiB |`,
  `| first visit to the sign-in page (Chromium, cache off, 10 runs): navigation start to a usable form, by the page's clock | median ${round(results.firstRender.signIn.median, 0)} ms, max ${round(results.firstRender.signIn.max, 0)} ms (seen from outside, with the browser's start-up of the page: median ${round(results.firstRender.signIn.outsideMedian, 0)} ms) | < 300 ms median |`,
  `| first visit to a project dashboard, signed in (same) | median ${round(results.firstRender.dashboard.median, 0)} ms, max ${round(results.firstRender.dashboard.max, 0)} ms (from outside: median ${round(results.firstRender.dashboard.outsideMedian, 0)} ms) | < 500 ms median |`,
  `| cold start (spawn to /readyz 200, fresh SQLite) | ${round(coldStartMs, 0)} ms | |`,
  `| idle RSS after start | ${round(idleRssMiB, 1)} MiB (${round(idleParts.file, 1)} MiB mapped from the binary and its libraries, ${round(idleParts.anon, 1)} MiB heap, stacks and caches) | < 32 MiB |`,
  '',
  '## The browser app',
  '',
  'Built by `frontend/build.sh` and split at every `#[wasm_split]` function (the account, a project, administration, MFA set-up, the recovered page, the waiting invitations); the',
  'server sends the brotli copy to browsers that accept it. Bytes:',
  '',
  ...wasmTable(wasm),
  '## Targets',
  '',
  `- PAT- and session-authenticated reads >= 60 % of /healthz throughput: session ${round(results.shares['GET /api/v1/me (session)'] * 100, 0)} %, token ${round(results.shares['GET /api/v1/projects/{guid}/deployments (token)'] * 100, 0)} %.`,
  `- Members (session) and alerts (token) >= 40 % of /healthz throughput: members ${round(results.shares['GET /api/v1/projects/{guid}/members (session)'] * 100, 0)} %, alerts ${round(results.shares['GET /api/v1/projects/{guid}/alerts (token)'] * 100, 0)} %.`,
  `- First render, median: sign-in form ${round(results.firstRender.signIn.median, 0)} ms (< 300 ms), signed-in dashboard ${round(results.firstRender.dashboard.median, 0)} ms (< 500 ms).`,
  `- Read p99 < 50 ms while sign-ins keep the hashing cap busy: ${Object.entries(results.busy).map(([name, b]) => `${name.split(' ')[1]} ${round(b.p99, 1)} ms`).join(', ')}.`,
  `- Upload RSS < 100 MiB: peak ${round(results.upload.peakRssMiB, 1)} MiB to the folder store, ${round(results.s3.peakRssMiB, 1)} MiB to S3.`,
  `- Checking a 1,000,000-entry package: peak RSS ${round(results.crowded.peakHwmMiB, 1)} MiB (< 100 MiB), deployment ${results.crowded.state}.`,
  wasm ? `- Browser app, gzip: core ${kib(wasm.core.gzip)} (< 200 KiB), largest chunk ${kib(Math.max(...wasm.files.filter((f) => f.name !== 'main.wasm' && f.name.endsWith('.wasm')).map((f) => f.gzip)))} (< 120 KiB), all ${kib(wasm.total.gzip)} (< 450 KiB).` : '- Browser app: not measured (not built).',
  '',
];
const criterion = process.env.BENCH_CRITERION_SUMMARY;
if (criterion) lines.push('## Micro-benchmarks (criterion)', '', criterion, '');
writeFileSync(join(repo, 'BENCHMARKS.md'), lines.join('\n'));
console.log(lines.join('\n'));

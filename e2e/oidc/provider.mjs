// A small, real OpenID Provider for Portico's tests, built on the certified `oidc-provider`.
// Portico's relying-party code is tested against the real protocol (discovery, code flow with
// PKCE S256, client_secret_basic, RS256 ID tokens checked against the JWKS), not against a mock
// that only says what the code already believes.
//
//   node e2e/oidc/provider.mjs --redirect-uri URI [--redirect-uri URI2 ...] [--port N]
//
// It listens on 127.0.0.1 only (port 0 or no --port: a free port) and, once listening, prints
// exactly one JSON line on stdout; everything else goes to stderr:
//   {"issuer":"http://127.0.0.1:PORT","client_id":"portico","client_secret":"portico-test-secret"}
// It exits when its stdin closes, so a test's child process dies with the test that spawned it
// (and so it exits at once when started with stdin at /dev/null), and on SIGTERM/SIGINT.
//
// The flow a machine client (cookie jar, redirects NOT followed) runs, ISSUER = the printed issuer:
//   1. GET  ISSUER/auth?client_id=portico&response_type=code&scope=openid%20email%20profile
//           &redirect_uri=URI&state=S&nonce=N&code_challenge=C&code_challenge_method=S256
//      → 303 Location: /interaction/UID; Set-Cookie _interaction (Path=/interaction/UID) and
//        _interaction_resume (Path=/auth/UID).
//   2. GET  ISSUER/interaction/UID                         (needs the _interaction cookie)
//      → 200 HTML "Test identity provider": <form method=post action="/interaction/UID/login">
//        with one <button name="login" value="alice|bob|carol|dave|erin|frank"> per account.
//   3. POST ISSUER/interaction/UID/login, application/x-www-form-urlencoded body `login=bob`
//           (needs the _interaction cookie)
//      → 303 Location: ISSUER/auth/UID
//   4. GET  ISSUER/auth/UID                                (needs the _interaction_resume cookie)
//      → 303 Location: URI?code=CODE&state=S&iss=ISSUER. This response also clears _session:
//        there is no single sign-on, every authorization request shows the account page again
//        (so prompt=none always answers login_required). There is no consent page.
//   5. POST ISSUER/token, Authorization: Basic base64(portico:portico-test-secret) (or
//           client_id and client_secret in the body), no cookies,
//           body grant_type=authorization_code&code=CODE&redirect_uri=URI&code_verifier=V
//      → 200 JSON { access_token, expires_in, id_token, scope, token_type }; the RS256 ID token
//        (JWKS at ISSUER/jwks) carries sub, email, email_verified, amr, auth_time, nonce.
//
// Negative tests: POST ISSUER/_test/mode {"id_token":"wrong_aud"|"wrong_nonce"|"bad_signature"}
// (→ 204) alters the id_token of the NEXT token response that carries one, then it is back to
// "normal". GET ISSUER/_test/mode shows the pending mode; GET ISSUER/_test/health → 200 "ok".
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import * as jose from 'jose';
import Provider from 'oidc-provider';

// stdout carries only the JSON line; oidc-provider prints its notices with console.info.
console.info = console.error;
console.log = console.error;
// A test fixture uses the in-memory store on purpose; its warning would repeat on every start.
const consoleWarn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('development-only in-memory adapter')) return;
  consoleWarn(...args);
};

const CLIENT_ID = 'portico';
const CLIENT_SECRET = 'portico-test-secret';

const { values: cli } = parseArgs({
  options: {
    'redirect-uri': { type: 'string', multiple: true },
    port: { type: 'string', default: '0' },
  },
});
const redirectUris = cli['redirect-uri'] ?? [];
const port = Number(cli.port);
if (redirectUris.length === 0 || !redirectUris.every((uri) => URL.canParse(uri))
  || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node e2e/oidc/provider.mjs --redirect-uri URI [--redirect-uri URI ...] [--port N]');
  process.exit(2);
}

// The fixed accounts, keyed by the login-form value. `sub` is also oidc-provider's accountId.
const ACCOUNTS = {
  alice: { sub: 'alice-sub', email: 'alice@example.test', email_verified: true, amr: ['pwd'] },
  bob: { sub: 'bob-sub', email: 'bob@example.test', email_verified: true, amr: ['pwd', 'mfa'] },
  carol: { sub: 'carol-sub', email: 'carol@example.test', email_verified: false, amr: ['pwd'] },
  dave: { sub: 'dave-sub', email: 'dave@other.test', email_verified: true, amr: ['pwd'] },
  erin: { sub: 'erin-sub', email: 'erin@example.test', email_verified: true, amr: ['pwd'] },
  frank: { sub: 'frank-sub', email: 'frank@example.test', email_verified: true, amr: ['pwd', 'mfa'] },
};
const ACCOUNT_BY_SUB = new Map(Object.entries(ACCOUNTS).map(([login, a]) => [a.sub, { login, ...a }]));

// The signing key is generated here rather than by oidc-provider so this script holds the
// private key and can re-sign a tampered ID token with the very key and kid the JWKS publishes.
const KID = `portico-test-${randomUUID()}`;
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: KID, alg: 'RS256', use: 'sig' };
// bad_signature signs with a key the JWKS does not hold, under the published kid.
const { privateKey: strangerKey } = await jose.generateKeyPair('RS256');

// The port is only known once listening (port 0), and the issuer contains it: listen first,
// then build the provider and hand it the server's requests.
const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // oidc-provider 9 takes client_secret_post for such a client as well (same secret).
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingJwk] },
  responseTypes: ['code'],
  pkce: { required: () => true }, // S256 is the only method oidc-provider 9 supports.
  scopes: ['openid', 'email', 'profile'],
  // `amr` and `auth_time` reach the ID token only when a granted scope lists them (or the claims
  // parameter asks); listing them under `openid` puts them in every ID token.
  claims: {
    openid: ['sub', 'auth_time', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username'],
  },
  // Put the scope claims (email, …) in the ID token even though an access token is issued too.
  conformIdTokenClaims: false,
  async findAccount(ctx, sub) {
    const account = ACCOUNT_BY_SUB.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub, email: account.email, email_verified: account.email_verified, preferred_username: account.login,
        };
      },
    };
  },
  // No consent page: grant whatever this request asks for. (There is never an earlier grant to
  // reuse: the session is forgotten at the end of every authorization, see below.)
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      accountId: ctx.oidc.account.accountId,
      clientId: ctx.oidc.client.clientId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
    grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  // Explicit values keep oidc-provider's "you SHOULD change" notices out of the logs.
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  clientBasedCORS: () => false,
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Error</h1><p>${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
  },
});

provider.on('server_error', (ctx, err) => console.error('oidc: server_error', err));
for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'discovery.error']) {
  provider.on(event, (ctx, err) => console.error(`oidc: ${event}: ${err.message} ${err.error_description ?? ''}`));
}

// Test controls and the login page; everything else is oidc-provider's.
const ID_TOKEN_MODES = new Set(['normal', 'wrong_aud', 'wrong_nonce', 'bad_signature']);
let idTokenMode = 'normal';

provider.use(async (ctx, next) => {
  if (ctx.path === '/_test/health' && ctx.method === 'GET') {
    ctx.type = 'text/plain';
    ctx.body = 'ok';
    return;
  }
  if (ctx.path === '/_test/mode') {
    if (ctx.method === 'GET') {
      ctx.body = { id_token: idTokenMode };
      return;
    }
    if (ctx.method === 'POST') {
      let mode;
      try {
        mode = JSON.parse(await readBody(ctx.req)).id_token;
      } catch {
        mode = undefined;
      }
      if (!ID_TOKEN_MODES.has(mode)) {
        ctx.status = 400;
        ctx.body = { error: `id_token must be one of ${[...ID_TOKEN_MODES].join(', ')}` };
        return;
      }
      idTokenMode = mode;
      console.error(`oidc: next id_token: ${mode}`);
      ctx.status = 204;
      return;
    }
  }

  const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
  if (interaction) {
    await handleInteraction(ctx, interaction[1], Boolean(interaction[2]));
    return;
  }

  await next();

  // No single sign-on: once the browser is sent back to the client, it forgets the provider's
  // session, so every authorization request shows the account page again and one browser can
  // sign in as alice, then as bob (switching accounts inside a live session would make
  // oidc-provider first run its logout form, which a machine client cannot follow).
  const location = ctx.response.get('location');
  if (ctx.method === 'GET' && /^\/auth(\/[^/]+)?$/.test(ctx.path) && location
    && redirectUris.some((uri) => location === uri || location.startsWith(`${uri}?`))) {
    ctx.cookies.set(provider.cookieName('session'), null, { path: '/', overwrite: true });
  }

  if (idTokenMode !== 'normal' && ctx.method === 'POST' && ctx.path === '/token'
    && ctx.status === 200 && typeof ctx.body?.id_token === 'string') {
    const mode = idTokenMode;
    idTokenMode = 'normal';
    ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token, mode) };
    console.error(`oidc: id_token altered: ${mode}`);
  }
});

async function handleInteraction(ctx, uid, isLogin) {
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    // No or expired interaction cookie: the flow has to restart at /auth.
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Error</h1><p>${escape(err.error_description ?? err.message)}</p>`);
    return;
  }
  if (details.uid !== uid || details.prompt.name !== 'login') {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('Error', '<h1>Error</h1><p>This sign-in request is not the current one.</p>');
    return;
  }

  if (!isLogin && ctx.method === 'GET') {
    const buttons = Object.entries(ACCOUNTS).map(([login, { email }]) => (
      `<button type="submit" name="login" value="${login}">Continue as ${escape(email)}</button>`
    )).join('\n');
    ctx.type = 'html';
    ctx.body = page('Test identity provider', `<h1>Test identity provider</h1>
<p>Choose the account to sign in with.</p>
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login">
${buttons}
</form>`);
    return;
  }

  if (isLogin && ctx.method === 'POST') {
    const login = new URLSearchParams(await readBody(ctx.req)).get('login');
    const account = Object.hasOwn(ACCOUNTS, login ?? '') ? ACCOUNTS[login] : undefined;
    if (!account) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Error', '<h1>Error</h1><p>Unknown account.</p>');
      return;
    }
    // The amr given here is what oidc-provider puts in the session, and from there in the ID token.
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId: account.sub, amr: account.amr },
    }, { mergeWithLastSubmission: false });
    console.error(`oidc: signed in as ${login}`);
    ctx.redirect(returnTo);
    ctx.status = 303;
    return;
  }

  ctx.status = 405;
}

// Re-signs with the real key and kid, so only the named claim is wrong (wrong_aud, wrong_nonce),
// or keeps header and payload and signs with a stranger key (bad_signature).
async function tamper(idToken, mode) {
  const header = jose.decodeProtectedHeader(idToken);
  const payload = jose.decodeJwt(idToken);
  let key = privateKey;
  if (mode === 'wrong_aud') payload.aud = 'someone-else';
  if (mode === 'wrong_nonce') payload.nonce = 'not-the-nonce';
  if (mode === 'bad_signature') key = strangerKey;
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header)
    .sign(key);
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="icon" href="data:,">
<style>body{font-family:sans-serif;margin:2rem}button{display:block;margin:.5rem 0;padding:.5rem 1rem;font-size:1rem}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

server.on('request', provider.callback());

function shutdown(why) {
  console.error(`oidc: exiting (${why})`);
  server.closeAllConnections();
  server.close();
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.stdin.on('end', () => shutdown('stdin closed'));
process.stdin.on('close', () => shutdown('stdin closed'));
process.stdin.on('error', () => shutdown('stdin error'));
process.stdin.resume();

process.stdout.write(`${JSON.stringify({ issuer, client_id: CLIENT_ID, client_secret: CLIENT_SECRET })}\n`);
console.error(`oidc: listening at ${issuer}, redirect_uris ${redirectUris.join(' ')}`);

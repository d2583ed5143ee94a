// Portico's HTTP API from Node, as a signed-in person would use it (a cookie jar and the CSRF
// header), for tests that set up data without a browser.
import { Authenticator } from './totp.mjs';
import { linkIn } from './mail.mjs';
import { eventually } from './wait.mjs';

export const PASSWORD = 'Correct-Horse-7';

export class ApiSession {
  constructor(origin) {
    this.origin = origin;
    this.cookies = new Map();
  }

  async request(method, path, body) {
    const headers = { 'X-Requested-With': 'portico' };
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.origin}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair.split('=');
      if (/Max-Age=0/i.test(cookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const json = text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
    if (!response.ok) throw Object.assign(new Error(`${method} ${path}: ${response.status} ${text}`), { status: response.status, body: json });
    return json;
  }

  get(path) { return this.request('GET', path); }
  post(path, body = {}) { return this.request('POST', path, body); }
  put(path, body) { return this.request('PUT', path, body); }
}

/** Registers from an emailed invitation link, sets up the authenticator and accepts the project invitation; returns the session. */
export async function registerFromMail(server, mail, { to, subject }) {
  const message = await mail.waitFor({ to, subject });
  const token = new URL(linkIn(message, 'invitations', server.url)).hash.slice(1);
  const session = new ApiSession(server.url);
  await session.post('/api/v1/invitations/register', { token, password: PASSWORD, first_name: 'Test', last_name: 'User' });
  const { secret } = await session.post('/api/v1/me/mfa/totp');
  session.authenticator = new Authenticator(secret);
  await session.post('/api/v1/me/mfa/totp/confirm', { code: session.authenticator.nextCode() });
  // Membership begins with Accept, as in the browser.
  for (const invitation of await session.get('/api/v1/me/invitations')) {
    await session.post(`/api/v1/me/invitations/${invitation.id}/accept`);
  }
  return session;
}

/** The built-in Administrator, set up from the first-start email. */
export function bootstrapAdministrator(server, mail, email) {
  return registerFromMail(server, mail, { to: email, subject: /Administrator/ });
}

/** A project created by `admin` whose primary contact has joined and which is provisioned. */
export async function projectWithOwner(server, mail, admin, name, ownerEmail) {
  const project = await admin.post('/api/v1/projects', {
    name, service_region: 'westeurope', service_plan: 'level_2', expires_on: '2030-12-31',
    primary_contact_email: ownerEmail, environments: ['stg'],
  });
  const owner = await registerFromMail(server, mail, { to: ownerEmail, subject: new RegExp(name) });
  await eventually(`project ${name} provisioned`, async () => {
    const current = await owner.get(`/api/v1/projects/${project.guid}`);
    return current.status !== 'provisioning';
  });
  return { guid: project.guid, owner };
}

import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { cookiesOf, form, type TestApp, testApp } from '../../../test/helpers.ts';
import { buildApp } from '../../app.ts';
import { one, rows, sql } from '../db/index.ts';
import { mailDelivery } from './index.ts';
import { safeNext } from './routes.ts';
import { createSession, createUser, ensureAdmin, findUserByEmail, throttleKey } from './service.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORD = 'ein langes Passwort 42';

/** One browser: a cookie jar and a client address (login limits are per address). */
class Browser {
  cookie = '';
  constructor(
    private readonly t: TestApp,
    readonly ip: string,
  ) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.t.app.inject({
      method: 'GET',
      url,
      headers: this.cookie ? { cookie: this.cookie } : {},
      remoteAddress: this.ip,
    });
    this.cookie = cookiesOf(res, this.cookie);
    return res;
  }

  /** Opens the page, reads its form token, posts the form like a browser would. */
  async submit(page: string, action: string, data: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.get(page);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    assert.ok(csrf, `no form token on ${page} (${res.statusCode})`);
    return this.post(action, { _csrf: csrf, ...data });
  }

  async post(url: string, data: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.t.app.inject({
      method: 'POST',
      url,
      headers: { ...FORM, ...(this.cookie ? { cookie: this.cookie } : {}) },
      payload: form(data),
      remoteAddress: this.ip,
    });
    this.cookie = cookiesOf(res, this.cookie);
    return res;
  }

  login(email: string, password: string, next = '') {
    return this.submit(next ? `/login?next=${encodeURIComponent(next)}` : '/login', '/login', {
      email,
      password,
      ...(next ? { next } : {}),
    });
  }

  get session(): string | undefined {
    return /(?:^|; )sp_session=([^;]+)/.exec(this.cookie)?.[1];
  }
}

let ipCounter = 10;
const nextIp = () => `10.0.0.${ipCounter++}`;

async function lastMail(t: TestApp, to: string) {
  return one<{ subject: string; text_body: string; purpose: string }>(
    t.database.db,
    sql`SELECT subject, text_body, purpose FROM mail_outbox WHERE lower(to_address) = lower(${to}) ORDER BY id DESC LIMIT 1`,
  );
}

function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^/\\s]+(${path.replace('/', '\\/')}\\?token=[A-Za-z0-9_-]+)`).exec(text);
  assert.ok(m, `no ${path} link in mail`);
  return m[1]!;
}

async function confirmedUser(t: TestApp, email = `p${Math.random().toString(36).slice(2, 9)}@example.org`) {
  const user = await createUser(t.database.db, {
    email,
    displayName: 'Erika Muster',
    password: PASSWORD,
    confirmed: true,
  });
  return { ...user, email };
}

describe('accounts', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => t.close());

  test('register → mail in outbox → confirm → login → account → logout', async () => {
    const b = new Browser(t, nextIp());
    const email = 'neu.person@example.org';
    const page = await b.get('/register');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1[^>]*>Registrieren<\/h1>/);
    assert.match(page.body, /name="consent"/);

    const res = await b.submit('/register', '/register', {
      email,
      displayName: 'Neue Person',
      password: PASSWORD,
      consent: 'ja',
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Bitte prüfen Sie Ihr Postfach/);
    const user = await findUserByEmail(t.database.db, email);
    assert.ok(user);
    assert.equal(user.email_confirmed_at, null);

    const mail = await lastMail(t, email);
    assert.equal(mail?.purpose, 'confirm_email');
    assert.match(mail!.text_body, /http:\/\/localhost:\d+\/confirm\?token=/);
    const confirmLink = linkIn(mail!.text_body, '/confirm');

    // Not confirmed yet: no login, but a way to get a new link.
    const early = await b.login(email, PASSWORD);
    assert.equal(early.statusCode, 422);
    assert.match(early.body, /bestätigen Sie zuerst Ihre E-Mail-Adresse/);
    assert.match(early.body, /action="\/confirm\/resend"/);
    assert.equal(b.session, undefined);

    // Opening the link (as a mail scanner would) confirms nothing; the button does.
    const opened = await b.get(confirmLink);
    assert.equal(opened.statusCode, 200);
    assert.match(opened.body, /<button[^>]*type="submit"[^>]*>[\s\S]*E-Mail-Adresse bestätigen/);
    assert.equal((await b.get(confirmLink)).statusCode, 200, 'the link still works after being opened');
    assert.equal((await b.login(email, PASSWORD)).statusCode, 422, 'still unconfirmed');
    const token = new URL(confirmLink, 'http://x').searchParams.get('token')!;
    const forged = await b.post('/confirm', { token });
    assert.equal(forged.statusCode, 403, 'the confirmation needs the form token');
    const confirmed = await b.submit(confirmLink, '/confirm', { token });
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /E-Mail-Adresse bestätigt/);
    const again = await b.get(confirmLink);
    assert.equal(again.statusCode, 410);
    assert.match(again.body, /schon verwendet/);
    assert.match(again.body, /Neuen Bestätigungslink anfordern/);

    const login = await b.login(email, PASSWORD);
    assert.equal(login.statusCode, 303);
    assert.equal(login.headers.location, '/account');
    const setCookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const session = setCookie.find((c) => c.startsWith('sp_session='));
    assert.ok(session);
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Lax/);
    assert.match(session, /Path=\//);
    assert.match(session, /Max-Age=1209600/);
    assert.doesNotMatch(session, /Secure/);
    assert.ok(
      setCookie.some((c) => /^sp_csrf=;/.test(c)),
      'the anonymous CSRF cookie is dropped',
    );
    assert.doesNotMatch(b.cookie, /sp_csrf/);

    const account = await b.get('/account');
    assert.equal(account.statusCode, 200);
    assert.match(account.body, /Neue Person/);
    assert.match(account.body, /neu\.person@example\.org/);
    assert.match(account.body, /keine Aufgaben in der Verwaltung/);

    const logout = await b.submit('/account', '/logout', {});
    assert.equal(logout.statusCode, 303);
    assert.equal(logout.headers.location, '/');
    assert.equal(b.session, undefined);
    const gone = await t.app.inject({
      url: '/account',
      headers: { cookie: `sp_session=${/sp_session=([^;]+)/.exec(session)![1]}` },
    });
    assert.equal(gone.statusCode, 303);
    assert.equal(gone.headers.location, '/login?next=%2Faccount');
  });

  test('registering a known address looks the same and mails the owner instead', async () => {
    const owner = await confirmedUser(t);
    const before = await rows(t.database.db, sql`SELECT id FROM users`);
    const b = new Browser(t, nextIp());
    const res = await b.submit('/register', '/register', {
      email: owner.email.toUpperCase(),
      displayName: 'Jemand Anderes',
      password: 'ganz anderes Passwort',
      consent: 'ja',
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Bitte prüfen Sie Ihr Postfach/);
    const after = await rows(t.database.db, sql`SELECT id FROM users`);
    assert.equal(after.length, before.length);
    const mail = await lastMail(t, owner.email);
    assert.equal(mail?.purpose, 'register_existing');
    assert.match(mail!.text_body, /jemand hat versucht/);
    assert.doesNotMatch(mail!.text_body, /token=/);
  });

  test('registration validates every field and keeps the input', async () => {
    const b = new Browser(t, nextIp());
    const res = await b.submit('/register', '/register', {
      email: 'keine-adresse',
      displayName: 'X',
      password: 'kurz',
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /Es gibt ein Problem/);
    assert.match(res.body, /href="#f-email"/);
    assert.match(res.body, /href="#f-displayName"/);
    assert.match(res.body, /mindestens 10 Zeichen/);
    assert.match(res.body, /Datenschutzhinweise gelesen haben/);
    assert.match(res.body, /value="keine-adresse"/);
    assert.doesNotMatch(res.body, /value="kurz"/, 'passwords are never echoed');

    const common = await b.submit('/register', '/register', {
      email: 'common@example.org',
      displayName: 'Common',
      password: '1234567890',
      consent: 'ja',
    });
    assert.equal(common.statusCode, 422);
    assert.match(common.body, /sehr verbreitet/);
    assert.equal(await findUserByEmail(t.database.db, 'common@example.org'), undefined);
  });

  test('a wrong password re-renders the form with an error summary and no session', async () => {
    const user = await confirmedUser(t);
    const b = new Browser(t, nextIp());
    const res = await b.login(user.email, 'falsches Passwort!');
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /Es gibt ein Problem/);
    assert.match(res.body, /E-Mail-Adresse oder Passwort sind falsch/);
    assert.match(res.body, new RegExp(`value="${user.email}"`));
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.ok(!setCookie.some((c) => c.startsWith('sp_session=')));

    const unknown = await b.login('niemand@example.org', 'irgendein Passwort');
    assert.equal(unknown.statusCode, 422);
    assert.match(unknown.body, /E-Mail-Adresse oder Passwort sind falsch/);
    assert.equal(b.session, undefined);
  });

  test('after N failures even the right password gets 429 with a readable page', async () => {
    const user = await confirmedUser(t);
    const b = new Browser(t, nextIp());
    const n = t.config.rateLimit.loginsPerWindow;
    for (let i = 0; i < n; i++) {
      const res = await b.login(user.email, `falsch ${i} falsch falsch`);
      assert.equal(res.statusCode, 422, `attempt ${i + 1}`);
    }
    const blocked = await b.login(user.email, PASSWORD);
    assert.equal(blocked.statusCode, 429);
    assert.match(blocked.body, /Zu viele Fehlversuche/);
    assert.match(blocked.body, /bitte warten Sie \d+ Minuten/i);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    assert.equal(b.session, undefined);

    // Another address is blocked as well: the limit is per account, not only per client.
    const other = new Browser(t, nextIp());
    assert.equal((await other.login(user.email, PASSWORD)).statusCode, 429);

    // Once the window has passed, the right password works again.
    await t.database.db.execute(
      sql`UPDATE login_failures SET created_at = now() - make_interval(mins => ${t.config.rateLimit.loginWindowMinutes + 1})`,
    );
    const ok = await b.login(user.email, PASSWORD);
    assert.equal(ok.statusCode, 303);
  });

  test('a client with many failures on many accounts is blocked too', async () => {
    const user = await confirmedUser(t);
    const ip = nextIp();
    const client = throttleKey(t.config.secret, 'client', ip);
    const n = t.config.rateLimit.loginsPerWindow * 4;
    for (let i = 0; i < n; i++) {
      await t.database.db.execute(
        sql`INSERT INTO login_failures (account_key, client_key) VALUES (${`other-${i}`}, ${client})`,
      );
    }
    const res = await new Browser(t, ip).login(user.email, PASSWORD);
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /Fehlversuche/);
    // The same account from elsewhere is fine.
    assert.equal((await new Browser(t, nextIp()).login(user.email, PASSWORD)).statusCode, 303);
  });

  test('?next= is followed for local paths only', async () => {
    const user = await confirmedUser(t);
    for (const evil of [
      '//evil.example',
      '//evil.example/aalen/',
      'https://evil.example/',
      '/\\evil.example',
    ]) {
      const b = new Browser(t, nextIp());
      const res = await b.login(user.email, PASSWORD, evil);
      assert.equal(res.statusCode, 303, evil);
      assert.equal(res.headers.location, '/account', evil);
    }
    const b = new Browser(t, nextIp());
    const res = await b.login(user.email, PASSWORD, '/aalen/angebote?q=pass');
    assert.equal(res.headers.location, '/aalen/angebote?q=pass');
    assert.equal(safeNext('//evil.example'), '');
    assert.equal(safeNext('/\t/evil.example'), '');
    assert.equal(safeNext('/ok'), '/ok');

    // Anonymous on a protected page: to the login form and back.
    const account = await t.app.inject('/account');
    assert.equal(account.statusCode, 303);
    assert.equal(account.headers.location, '/login?next=%2Faccount');
    const login = await t.app.inject('/login?next=%2F%2Fevil.example');
    assert.match(login.body, /<form method="post" action="\/login"/);
    assert.doesNotMatch(login.body, /name="next"/);
  });

  test('the login form has its own request limit per address', async () => {
    const ip = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/login',
        headers: FORM,
        payload: 'x=1',
        remoteAddress: ip,
      });
      statuses.push(res.statusCode);
    }
    assert.deepEqual(new Set(statuses.slice(0, 20)), new Set([403]));
    assert.equal(statuses[20], 429);
  });

  test('the last region admin cannot delete their account', async () => {
    const b = new Browser(t, nextIp());
    const email = 'einzige.admin@example.org';
    await ensureAdmin(t.database.db, email, PASSWORD);
    const others = await rows(
      t.database.db,
      sql`SELECT 1 FROM role_assignments WHERE role = 'admin' AND city_id IS NULL`,
    );
    assert.equal(others.length, 1);
    assert.equal((await b.login(email, PASSWORD)).statusCode, 303);
    const res = await b.submit('/account', '/account/delete', { confirm: 'ja' });
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /letzte Administration der ganzen Region/);
    assert.ok(await findUserByEmail(t.database.db, email));
  });

  test('login without CSRF token is refused with 403', async () => {
    const user = await confirmedUser(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: FORM,
      payload: form({ email: user.email, password: PASSWORD }),
      remoteAddress: nextIp(),
    });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Formular ist abgelaufen/);
    assert.equal(res.headers['set-cookie'], undefined);
  });

  test('password reset: expired link is explained, a valid one works once and ends old sessions', async () => {
    const user = await confirmedUser(t);
    const oldSession = await createSession(t.database.db, user.id);
    const b = new Browser(t, nextIp());

    // Unknown addresses get the same answer and no mail.
    const unknown = await b.submit('/password/forgot', '/password/forgot', {
      email: 'unbekannt@example.org',
    });
    assert.equal(unknown.statusCode, 200);
    assert.match(unknown.body, /Bitte prüfen Sie Ihr Postfach/);
    assert.equal(await lastMail(t, 'unbekannt@example.org'), undefined);

    // An expired link.
    await b.submit('/password/forgot', '/password/forgot', { email: user.email });
    const first = linkIn((await lastMail(t, user.email))!.text_body, '/password/reset');
    await t.database.db.execute(
      sql`UPDATE auth_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = ${user.id}`,
    );
    const expired = await b.get(first);
    assert.equal(expired.statusCode, 410);
    assert.match(expired.body, /abgelaufen/);
    assert.match(expired.body, /href="\/password\/forgot"/);

    // A fresh link.
    const answer = await b.submit('/password/forgot', '/password/forgot', { email: user.email });
    assert.match(answer.body, /Bitte prüfen Sie Ihr Postfach/);
    const mail = await lastMail(t, user.email);
    assert.equal(mail?.purpose, 'reset_password');
    const link = linkIn(mail!.text_body, '/password/reset');
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const formPage = await b.get(link);
    assert.equal(formPage.statusCode, 200);
    assert.match(formPage.body, /Neues Passwort festlegen/);

    // A weak password does not use up the link.
    const weak = await b.submit(link, '/password/reset', { token, password: 'qwertzuiop' });
    assert.equal(weak.statusCode, 422);
    assert.match(weak.body, /sehr verbreitet/);

    const newPassword = 'ein ganz neues Passwort';
    const done = await b.submit(link, '/password/reset', { token, password: newPassword });
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /Passwort geändert/);

    const old = await t.app.inject({ url: '/account', headers: { cookie: `sp_session=${oldSession}` } });
    assert.equal(old.statusCode, 303, 'sessions opened with the old password are gone');
    assert.equal((await new Browser(t, nextIp()).login(user.email, PASSWORD)).statusCode, 422);
    assert.equal((await new Browser(t, nextIp()).login(user.email, newPassword)).statusCode, 303);

    // The same link cannot be used twice.
    const reuse = await b.get(link);
    assert.equal(reuse.statusCode, 410);
    assert.match(reuse.body, /schon verwendet/);
    const repost = await b.post('/password/reset', {
      _csrf: /name="_csrf" value="([^"]+)"/.exec((await b.get('/password/forgot')).body)![1]!,
      token,
      password: 'noch ein anderes Passwort',
    });
    assert.equal(repost.statusCode, 410);
    assert.equal(
      (await new Browser(t, nextIp()).login(user.email, 'noch ein anderes Passwort')).statusCode,
      422,
    );

    const bogus = await b.get('/password/reset?token=gibt-es-nicht');
    assert.equal(bogus.statusCode, 404);
    assert.match(bogus.body, /kennen wir nicht/);
  });

  test('confirmation links: unknown and expired ones explain themselves and offer a new link', async () => {
    const b = new Browser(t, nextIp());
    const unknown = await b.get('/confirm?token=unsinn');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /kennen wir nicht/);
    assert.match(unknown.body, /Neuen Bestätigungslink anfordern/);

    const email = 'spaet@example.org';
    await b.submit('/register', '/register', {
      email,
      displayName: 'Späte Person',
      password: PASSWORD,
      consent: 'ja',
    });
    const link = linkIn((await lastMail(t, email))!.text_body, '/confirm');
    await t.database.db.execute(sql`UPDATE auth_tokens SET expires_at = now() - interval '1 hour'`);
    const expired = await b.get(link);
    assert.equal(expired.statusCode, 410);
    assert.match(expired.body, /abgelaufen/);

    const resend = await b.submit(link, '/confirm/resend', { email });
    assert.equal(resend.statusCode, 200);
    const fresh = linkIn((await lastMail(t, email))!.text_body, '/confirm');
    assert.notEqual(fresh, link);
    const token = new URL(fresh, 'http://x').searchParams.get('token')!;
    assert.equal((await b.submit(fresh, '/confirm', { token })).statusCode, 200);
    assert.equal((await b.login(email, PASSWORD)).statusCode, 303);
  });

  test('account page: change name and password, delete the account', async () => {
    const user = await confirmedUser(t);
    const other = await createSession(t.database.db, user.id);
    const b = new Browser(t, nextIp());
    assert.equal((await b.login(user.email, PASSWORD)).statusCode, 303);

    const badName = await b.submit('/account', '/account/name', { displayName: '' });
    assert.equal(badName.statusCode, 422);
    assert.match(badName.body, /Anzeigenamen mit 2 bis 60 Zeichen/);
    const name = await b.submit('/account', '/account/name', { displayName: 'Erika M.' });
    assert.equal(name.statusCode, 303);
    assert.equal(name.headers.location, '/account?gespeichert=name');
    const shown = await b.get('/account?gespeichert=name');
    assert.match(shown.body, /Erika M\./);
    assert.match(shown.body, /Anzeigename wurde gespeichert/);

    const wrong = await b.submit('/account', '/account/password', {
      currentPassword: 'nicht das Passwort',
      newPassword: 'ein neues langes Passwort',
    });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /aktuelle Passwort ist falsch/);
    const changed = await b.submit('/account', '/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'ein neues langes Passwort',
    });
    assert.equal(changed.statusCode, 303);
    assert.equal((await b.get('/account')).statusCode, 200, 'this browser stays signed in');
    const elsewhere = await t.app.inject({ url: '/account', headers: { cookie: `sp_session=${other}` } });
    assert.equal(elsewhere.statusCode, 303, 'other sessions end');

    const unconfirmed = await b.submit('/account', '/account/delete', {});
    assert.equal(unconfirmed.statusCode, 422);
    assert.match(unconfirmed.body, /Konto löschen möchten/);
    const deleted = await b.submit('/account', '/account/delete', { confirm: 'ja' });
    assert.equal(deleted.statusCode, 200);
    assert.match(deleted.body, /Konto wurde gelöscht/);
    assert.equal(b.session, undefined);
    assert.equal(await findUserByEmail(t.database.db, user.email), undefined);
  });

  test('English pages and redirects keep the language', async () => {
    const user = await confirmedUser(t);
    const b = new Browser(t, nextIp());
    const page = await b.get('/en/login');
    assert.match(page.body, /<html lang="en">/);
    assert.match(page.body, /Forgot your password\?/);
    const res = await b.submit('/en/login', '/en/login', { email: user.email, password: PASSWORD });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/en/account');
    assert.match((await b.get('/en/account')).body, /My account/);
    const anon = await t.app.inject('/en/account');
    assert.equal(anon.headers.location, '/en/login?next=%2Faccount');
  });

  test('ensureAdmin creates a confirmed region admin once and can log in', async () => {
    const email = 'admin@stadt.example';
    assert.deepEqual(await ensureAdmin(t.database.db, email, 'Admin-Passwort-123'), { created: true });
    assert.deepEqual(await ensureAdmin(t.database.db, email, 'anderes Passwort 123'), { created: false });
    const roles = await rows<{ role: string; city_id: number | null }>(
      t.database.db,
      sql`SELECT role, city_id FROM role_assignments ra JOIN users u ON u.id = ra.user_id WHERE u.email = ${email}`,
    );
    assert.deepEqual(roles, [{ role: 'admin', city_id: null }]);
    const b = new Browser(t, nextIp());
    assert.equal((await b.login(email, 'Admin-Passwort-123')).statusCode, 303, 'the first password stays');
    const admin = await b.get('/admin/');
    assert.equal(admin.statusCode, 200);
    assert.match(admin.body, /Mail-Ausgang/);
  });
});

/** A minimal SMTP server that accepts everything and keeps the messages. */
async function fakeSmtp() {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let data: string | undefined;
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data !== undefined) {
          if (line === '.') {
            messages.push(data);
            data = undefined;
            socket.write('250 queued\r\n');
          } else data += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'DATA') {
          data = '';
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else socket.write('250 ok\r\n');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => server.close() };
}

describe('mail delivery', () => {
  test('with SMTP_URL the outbox is sent in the background and marked as sent', async () => {
    const t = await testApp();
    const smtp = await fakeSmtp();
    const previous = mailDelivery.intervalMs;
    mailDelivery.intervalMs = 100;
    const app = await buildApp({ ...t.config, smtpUrl: smtp.url }, { database: t.database, logger: false });
    try {
      await app.ready();
      const b = new Browser({ ...t, app }, nextIp());
      await b.submit('/password/forgot', '/password/forgot', { email: (await confirmedUser(t)).email });
      for (let i = 0; i < 50 && smtp.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(smtp.messages.length, 1);
      assert.match(smtp.messages[0]!, /^To: p[a-z0-9]+@example\.org$/m);
      // On PostgreSQL the sender commits after talking to the server: wait for the mark.
      let sent: { sent_at: Date | null } | undefined;
      for (let i = 0; i < 50 && !sent?.sent_at; i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        sent = await one<{ sent_at: Date | null }>(t.database.db, sql`SELECT sent_at FROM mail_outbox`);
      }
      assert.ok(sent?.sent_at);
      assert.equal(smtp.messages.length, 1, 'each mail is sent once');
    } finally {
      mailDelivery.intervalMs = previous;
      await app.close();
      smtp.close();
      await t.close();
    }
  });
});

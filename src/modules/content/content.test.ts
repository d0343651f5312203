import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cityId, cookiesOf, form, type TestApp, testApp } from '../../../test/helpers.ts';
import { rows, sql } from '../../platform/db/index.ts';

const PAGES = [
  { path: '/impressum', de: 'Impressum', en: 'Legal notice' },
  { path: '/datenschutz', de: 'Datenschutzerklärung', en: 'Privacy policy' },
  { path: '/barrierefreiheit', de: 'Erklärung zur Barrierefreiheit', en: 'Accessibility statement' },
  // Leichte Sprache stays German in both languages.
  { path: '/leichte-sprache', de: 'Leichte Sprache', en: 'Leichte Sprache' },
];
const PLACES = ['', '/aalen', '/heidenheim'];

const h1Of = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];

interface FeedbackRow {
  id: string;
  city_id: number | null;
  name: string | null;
  email: string | null;
  page: string | null;
  message: string;
  locale: string;
  status: string;
}

describe('content: legal pages and accessibility feedback', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => t.close());

  /** An anonymous browser that opened the statement page: CSRF cookie and token. */
  async function openForm(place: string) {
    const res = await t.app.inject(`${place}/barrierefreiheit`);
    assert.equal(res.statusCode, 200);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    assert.ok(token, 'the feedback form carries a CSRF token');
    return { cookie: cookiesOf(res), token };
  }

  async function send(
    place: string,
    data: Record<string, string>,
    browser?: { cookie: string; token: string },
  ) {
    const b = browser ?? (await openForm(place));
    return t.app.inject({
      method: 'POST',
      url: `${place}/barrierefreiheit`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: b.cookie, accept: 'text/html' },
      payload: form({ _csrf: b.token, ...data }),
    });
  }

  const feedback = () =>
    rows<FeedbackRow>(t.database.db, sql`SELECT * FROM accessibility_feedback ORDER BY id`);
  const outbox = () =>
    rows<{ to_address: string; subject: string; text_body: string; purpose: string }>(
      t.database.db,
      sql`SELECT to_address, subject, text_body, purpose FROM mail_outbox
          WHERE purpose = 'accessibility_feedback' ORDER BY id`,
    );

  test('every page renders for the region and both cities with its h1, in German and English', async () => {
    for (const place of PLACES) {
      for (const page of PAGES) {
        const de = await t.app.inject(`${place}${page.path}`);
        assert.equal(de.statusCode, 200, `${place}${page.path}`);
        assert.equal(h1Of(de.body), page.de, `h1 of ${place}${page.path}`);
        assert.match(de.body, /<html lang="de">/);
        const en = await t.app.inject(`/en${place}${page.path}`);
        assert.equal(en.statusCode, 200, `/en${place}${page.path}`);
        assert.equal(h1Of(en.body), page.en, `h1 of /en${place}${page.path}`);
        assert.equal((de.body.match(/<h1[\s>]/g) ?? []).length, 1, 'exactly one h1');
      }
    }
  });

  test('an unknown city is a 404 on every page', async () => {
    for (const page of PAGES) {
      const res = await t.app.inject(`/atlantis${page.path}`);
      assert.equal(res.statusCode, 404, page.path);
      assert.match(res.body, /gibt es auf der Plattform nicht/);
    }
    assert.equal((await t.app.inject('/atlantis/barrierefreiheit/danke')).statusCode, 404);
    const post = await send('/atlantis', { message: 'x' }, { cookie: '', token: 'x' });
    assert.ok([403, 404].includes(post.statusCode));
  });

  test('Impressum names provider, representative, contact and content responsibility, marked as demo', async () => {
    const city = await t.app.inject('/aalen/impressum');
    assert.match(city.body, /Stadt Aalen \(Demo\)/);
    assert.match(city.body, /Marktplatz 30/);
    assert.match(city.body, /73430 Aalen/);
    assert.match(city.body, /Vertreten durch: Oberbürgermeister der Stadt Aalen/);
    assert.match(city.body, /§ 5 Digitale-Dienste-Gesetz/);
    assert.match(city.body, /§ 18 Abs\. 2 Medienstaatsvertrag/);
    assert.match(city.body, /href="mailto:info@aalen\.example"/);
    assert.match(city.body, /Demo-Installation/);
    assert.match(city.body, /href="\/impressum"/, 'links to the region imprint');
    const region = await t.app.inject('/impressum');
    assert.match(region.body, /Stadtplattform Ostwürttemberg \(Demo\)/);
    assert.match(region.body, /href="\/heidenheim\/impressum"/);
    const heidenheim = await t.app.inject('/heidenheim/impressum');
    assert.match(heidenheim.body, /Grabenstraße 15/);
    assert.match(heidenheim.body, /89522 Heidenheim an der Brenz/);
  });

  test('Datenschutz describes the cookies, logs and supervisory authority', async () => {
    const res = await t.app.inject('/heidenheim/datenschutz');
    for (const text of [
      'sp_session',
      'sp_csrf',
      'argon2id',
      'keine IP-Adressen',
      'Art. 15 DSGVO',
      'Art. 21 DSGVO',
      'Landesbeauftragte für den Datenschutz und die Informationsfreiheit Baden-Württemberg',
      'info@heidenheim.example',
    ]) {
      assert.ok(res.body.includes(text), `mentions ${text}`);
    }
    assert.match(res.body, /höchstens 14 Tage nach der Anmeldung/);
    assert.match(res.body, /Postausgang bleiben 30 Tage gespeichert/, 'the mail retention period (default)');
    assert.doesNotMatch(res.body, /Kartenkacheln/, 'no tile server configured, none mentioned');
    assert.doesNotMatch(res.body, /sp_oidc/, 'no external login configured, no sp_oidc cookie');
  });

  test('with an external login configured, Datenschutz names its sp_oidc cookie', async () => {
    // A second app on the same database: only its configuration differs.
    const withOidc = await testApp(
      { oidc: { issuer: 'https://id.example', clientId: 'sp', clientSecret: 'x', name: 'BundID' } },
      t.database,
    );
    try {
      const res = await withOidc.app.inject('/datenschutz');
      assert.match(res.body, /<code>sp_oidc<\/code>/);
      assert.match(res.body, /Anmeldung über BundID/);
    } finally {
      await withOidc.app.close();
    }
  });

  test('Barrierefreiheit: status, gaps, method, feedback, Schlichtung and Durchsetzung', async () => {
    const res = await t.app.inject('/aalen/barrierefreiheit');
    for (const text of [
      'teilweise vereinbar',
      'Deutscher Gebärdensprache',
      'Kartengrafik',
      'axe-core',
      'Tastatur',
      'innerhalb eines Monats',
      '§ 16 Behindertengleichstellungsgesetz',
      'https://www.schlichtungsstelle-bgg.de',
      'Landeszentrum Barrierefreiheit',
      'Durchsetzungsverfahren',
      '23. November 2026',
    ]) {
      assert.ok(res.body.includes(text), `mentions ${text}`);
    }
    assert.match(res.body, /<form method="post" action="\/aalen\/barrierefreiheit"/);
    assert.match(res.body, /<label class="kern-label" for="f-message">/);
    assert.match(res.body, /maxLength="5000"|maxlength="5000"/);
  });

  test('Leichte Sprache covers the four topics and DGS; stays German on /en', async () => {
    const res = await t.app.inject('/leichte-sprache');
    for (const heading of [
      'Was steht auf dieser Internet-Seite?',
      'So finden Sie sich zurecht',
      'Ist die Internet-Seite barriere-frei?',
      'Wo gibt es mehr Leichte Sprache?',
      'Gebärden-Sprache',
    ]) {
      assert.ok(res.body.includes(`>${heading}</h2>`), `section ${heading}`);
    }
    assert.match(res.body, /noch keine Filme in Gebärden-Sprache/);
    assert.match(res.body, /plattform@ostwuerttemberg\.example/);
    const city = await t.app.inject('/aalen/leichte-sprache');
    assert.match(city.body, /Angebote von der Stadt Aalen/);
    assert.match(city.body, /href="\/aalen\/angebote"/);
    const en = await t.app.inject('/en/aalen/leichte-sprache');
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /<div lang="de" class="sp-easy-language">/);
    assert.match(en.body, /only available in German/);
  });

  test('reading the pages sets no cookie; the page with the form sets only sp_csrf', async () => {
    for (const path of ['/impressum', '/aalen/datenschutz', '/heidenheim/leichte-sprache']) {
      assert.equal((await t.app.inject(path)).headers['set-cookie'], undefined, path);
    }
    const res = await t.app.inject('/barrierefreiheit');
    const names = (res.cookies as { name: string }[]).map((c) => c.name);
    assert.deepEqual(names, ['sp_csrf']);
  });

  test('feedback without a message is refused with 422, an error summary and field errors', async () => {
    const before = (await feedback()).length;
    const res = await send('/aalen', { name: 'Erika', email: 'erika@example.org', message: '   ' });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /<title>Es gibt ein Problem: Erklärung zur Barrierefreiheit/);
    assert.match(res.body, /class="kern-alert kern-alert--danger sp-error-summary"/);
    assert.match(res.body, /<a href="#f-message">Geben Sie Ihre Nachricht ein\.<\/a>/);
    assert.match(res.body, /id="f-message-error"/);
    assert.match(res.body, /aria-invalid="true"/);
    assert.match(res.body, /value="erika@example\.org"/, 'keeps what was typed');
    assert.equal((await feedback()).length, before);
  });

  test('a bad e-mail or an overlong message is refused; 5,000 characters with line breaks are fine', async () => {
    const bad = await send('', { email: 'not-an-address', message: 'Kontrast zu schwach' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /href="#f-email"/);
    const long = await send('', { message: 'x'.repeat(5001) });
    assert.equal(long.statusCode, 422);
    assert.match(long.body, /höchstens 5\.000 Zeichen/);
    // 2,500 CRLF line breaks + 2,500 letters: 7,500 bytes on the wire, 5,000 characters as text.
    const exact = await send('', { message: 'a\r\n'.repeat(2500).slice(0, 7500) });
    assert.equal(exact.statusCode, 303);
  });

  test('valid feedback is stored, the city is notified by mail, then 303 to the thank-you page', async () => {
    const res = await send('/aalen', {
      name: 'Erika Mustermann',
      email: 'erika@example.org',
      page: '/aalen/angebote',
      message: 'Der Kontrast der Schaltflächen ist zu schwach.',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/aalen/barrierefreiheit/danke');
    const stored = (await feedback()).at(-1)!;
    assert.equal(stored.city_id, await cityId(t.database, 'aalen'));
    assert.equal(stored.name, 'Erika Mustermann');
    assert.equal(stored.email, 'erika@example.org');
    assert.equal(stored.page, '/aalen/angebote');
    assert.equal(stored.message, 'Der Kontrast der Schaltflächen ist zu schwach.');
    assert.equal(stored.status, 'new');
    const mail = (await outbox()).at(-1)!;
    assert.equal(mail.to_address, 'info@aalen.example');
    assert.match(mail.subject, new RegExp(`#${stored.id} \\(Aalen\\)`));
    assert.match(mail.text_body, /Der Kontrast der Schaltflächen ist zu schwach\./);
    assert.match(mail.text_body, /erika@example\.org/);
    const thanks = await t.app.inject(res.headers.location as string);
    assert.equal(thanks.statusCode, 200);
    assert.equal(h1Of(thanks.body), 'Vielen Dank für Ihre Rückmeldung');
    assert.match(thanks.body, /innerhalb eines Monats/);
  });

  test('anonymous feedback on the region pages goes to the region; English keeps /en', async () => {
    const browser = await (async () => {
      const res = await t.app.inject('/en/barrierefreiheit');
      return { cookie: cookiesOf(res), token: /name="_csrf" value="([^"]+)"/.exec(res.body)![1]! };
    })();
    const res = await t.app.inject({
      method: 'POST',
      url: '/en/barrierefreiheit',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookie },
      payload: form({ _csrf: browser.token, message: 'The map has no text alternative.' }),
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/en/barrierefreiheit/danke');
    const stored = (await feedback()).at(-1)!;
    assert.equal(stored.city_id, null);
    assert.equal(stored.name, null);
    assert.equal(stored.email, null);
    assert.equal(stored.locale, 'en');
    const mail = (await outbox()).at(-1)!;
    assert.equal(mail.to_address, 'plattform@ostwuerttemberg.example');
    assert.match(mail.text_body, /keine Antwort möglich/);
    const thanks = await t.app.inject('/en/barrierefreiheit/danke');
    assert.equal(h1Of(thanks.body), 'Thank you for your feedback');
  });

  test('feedback without a CSRF token is refused with 403 and not stored', async () => {
    const before = (await feedback()).length;
    const { cookie } = await openForm('/heidenheim');
    const res = await t.app.inject({
      method: 'POST',
      url: '/heidenheim/barrierefreiheit',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' },
      payload: form({ message: 'Hallo' }),
    });
    assert.equal(res.statusCode, 403);
    // A token from another browser (other CSRF cookie) is worthless too.
    const other = await openForm('/heidenheim');
    const forged = await send('/heidenheim', { message: 'Hallo' }, { cookie, token: other.token });
    assert.equal(forged.statusCode, 403);
    assert.equal((await feedback()).length, before);
  });

  test('hostile text in feedback is stored as typed and never rendered unescaped', async () => {
    const payload = '<script>alert("xss")</script><img src=x onerror=alert(1)>';
    // Re-rendered after a validation error: escaped in the field.
    const invalid = await send('/aalen', { name: payload, email: 'x', page: payload, message: payload });
    assert.equal(invalid.statusCode, 422);
    assert.ok(!invalid.body.includes(payload), '422 page escapes the input');
    assert.ok(!invalid.body.includes('<img src=x'), 'no live img element');
    assert.ok(invalid.body.includes('&lt;script>alert('), 'shown as text');
    // Accepted: stored verbatim.
    const ok = await send('/aalen', { name: payload, page: payload, message: payload });
    assert.equal(ok.statusCode, 303);
    const stored = (await feedback()).at(-1)!;
    assert.equal(stored.message, payload);
    assert.equal(stored.name, payload);
    // Nowhere on the public pages, whichever language.
    for (const place of PLACES) {
      for (const path of [
        ...PAGES.map((p) => p.path),
        '/barrierefreiheit/danke',
        '/barrierefreiheit?seite=%3Cscript%3Ealert(%22xss%22)%3C%2Fscript%3E',
      ]) {
        for (const prefix of ['', '/en']) {
          const res = await t.app.inject(`${prefix}${place}${path}`);
          assert.ok(!res.body.includes('<script>alert'), `${prefix}${place}${path}`);
          assert.ok(!res.body.includes('<img src=x'), `${prefix}${place}${path}`);
        }
      }
    }
  });
});

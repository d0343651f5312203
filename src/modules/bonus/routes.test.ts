import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { one, sql } from '../../platform/db/index.ts';
import {
  approvePartner,
  checkinToken,
  createOffer,
  createPartner,
  createPlace,
  ledgerTotal,
  upsertAction,
  walletBalance,
} from './service.ts';

describe('bonus pages and JSON API', () => {
  let t: TestApp;
  let citizen: Agent;
  let partner: Agent;
  let staticToken: string;
  let offerId: number;

  before(async () => {
    t = await testApp();
    const db = t.database.db;
    const aalen = await cityId(t.database, 'aalen');
    const heidenheim = await cityId(t.database, 'heidenheim');
    const actionId = await upsertAction(db, {
      cityId: aalen,
      slug: 'wertstoffhof',
      name: 'Wertstoffhof besucht',
      points: 150,
      verification: 'checkin',
      limitPerDay: 1,
    });
    const place = await createPlace(db, {
      cityId: aalen,
      actionId,
      name: 'Wertstoffhof Aalen',
      codeKind: 'static',
    });
    staticToken = checkinToken(t.config.secret, place);
    citizen = await userAgent(t);
    partner = await userAgent(t, [{ role: 'partner', city: 'heidenheim' }]);
    const partnerId = await createPartner(db, {
      cityId: heidenheim,
      slug: 'weltladen',
      name: 'Weltladen Heidenheim',
      members: [partner.userId],
    });
    await approvePartner(db, partnerId, null);
    offerId = await createOffer(db, {
      partnerId,
      title: '1 € Gutschrift',
      kind: 'credit',
      creditCents: 100,
      pointsPrice: 100,
      status: 'approved',
    });
  });
  after(async () => {
    assert.equal(await ledgerTotal(t.database.db), 0);
    await t.close();
  });

  test('anonymous visitors see the introduction; scanning a code sends them to the login and back', async () => {
    const intro = await t.app.inject('/bonus');
    assert.equal(intro.statusCode, 200);
    assert.match(intro.body, /Stadttaler/);
    assert.match(intro.body, /Wertstoffhof besucht/);
    const scan = await t.app.inject(`/bonus/c/${staticToken}`);
    assert.equal(scan.statusCode, 303);
    assert.equal(scan.headers.location, `/login?next=${encodeURIComponent(`/bonus/c/${staticToken}`)}`);
  });

  test('a citizen checks in once by QR link, a replay and a forged code get a clear message', async () => {
    const ok = await t.app.inject({ url: `/bonus/c/${staticToken}`, headers: { cookie: citizen.cookie } });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /150 Punkte/);
    assert.equal(ok.headers['cache-control'], 'no-store');
    const replay = await t.app.inject({
      url: `/bonus/c/${staticToken}`,
      headers: { cookie: citizen.cookie },
    });
    assert.equal(replay.statusCode, 409);
    assert.match(replay.body, /heute schon eingecheckt/);
    const forged = await t.app.inject({
      url: `/bonus/c/${staticToken.slice(0, -4)}abcd`,
      headers: { cookie: citizen.cookie },
    });
    assert.equal(forged.statusCode, 422);
    assert.match(forged.body, /ungültig/);
    assert.equal(await walletBalance(t.database.db, citizen.userId), 150);

    const api = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/checkins',
      headers: { cookie: citizen.cookie, 'x-csrf-token': citizen.csrf },
      payload: { token: staticToken },
    });
    assert.equal(api.statusCode, 409);
    assert.equal(api.headers['content-type'], 'application/problem+json; charset=utf-8');
  });

  test('wallet page shows balance, history and offers; a voucher is taken by form and redeemed by the partner', async () => {
    const wallet = await t.app.inject({ url: '/aalen/bonus', headers: { cookie: citizen.cookie } });
    assert.equal(wallet.statusCode, 200);
    assert.match(wallet.body, /150 Punkte/);
    assert.match(wallet.body, /Wertstoffhof besucht/);
    assert.match(wallet.body, /Weltladen Heidenheim/);

    const take = await t.app.inject({
      method: 'POST',
      url: '/aalen/bonus/gutscheine',
      headers: { cookie: citizen.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: citizen.csrf, offerId: String(offerId) }),
    });
    assert.equal(take.statusCode, 303);
    const page = await t.app.inject({
      url: String(take.headers.location),
      headers: { cookie: citizen.cookie },
    });
    assert.equal(page.statusCode, 200);
    const code = /class="sp-voucher-code[^"]*">([A-Z0-9]{5}-[A-Z0-9]{5})</.exec(page.body)?.[1];
    assert.ok(code, 'the voucher page shows the code');
    assert.equal(await walletBalance(t.database.db, citizen.userId), 50);

    // Not enough points left for a second one: the form re-renders with the reason.
    const again = await t.app.inject({
      method: 'POST',
      url: '/aalen/bonus/gutscheine',
      headers: { cookie: citizen.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: citizen.csrf, offerId: String(offerId) }),
    });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /Guthaben reicht/);

    // The citizen cannot redeem; the partner of the other city can, once.
    const byCitizen = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/redemptions',
      headers: { cookie: citizen.cookie, 'x-csrf-token': citizen.csrf },
      payload: { code },
    });
    assert.equal(byCitizen.statusCode, 403);
    const redeemPage = await t.app.inject({
      method: 'POST',
      url: '/partner/einloesen',
      headers: { cookie: partner.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: partner.csrf, code: code!.toLowerCase() }),
    });
    assert.equal(redeemPage.statusCode, 200);
    assert.match(redeemPage.body, /Eingelöst/);
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/redemptions',
      headers: { cookie: partner.cookie, 'x-csrf-token': partner.csrf },
      payload: { code },
    });
    assert.equal(second.statusCode, 409);
    assert.match(second.json().detail, /bereits eingelöst/);
  });

  test('JSON API: wallet, vouchers with idempotency key, redemption; listed in the OpenAPI document', async () => {
    const anon = await t.app.inject('/api/v1/bonus/wallet');
    assert.equal(anon.statusCode, 401);
    const other = await userAgent(t);
    const noPoints = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/vouchers',
      headers: { cookie: other.cookie, 'x-csrf-token': other.csrf },
      payload: { offerId },
    });
    assert.equal(noPoints.statusCode, 409);

    const scan = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/checkins',
      headers: { cookie: other.cookie, 'x-csrf-token': other.csrf },
      payload: { token: staticToken },
    });
    assert.equal(scan.statusCode, 201);
    assert.equal(scan.json().balance, 150);

    const headers = { cookie: other.cookie, 'x-csrf-token': other.csrf, 'idempotency-key': 'order-0001' };
    const v1 = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/vouchers',
      headers,
      payload: { offerId },
    });
    const v2 = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/vouchers',
      headers,
      payload: { offerId },
    });
    assert.equal(v1.statusCode, 201);
    assert.equal(v2.json().id, v1.json().id);
    assert.match(v1.json().displayCode, /^[A-Z0-9]{5}-[A-Z0-9]{5}$/);

    const wallet = await t.app.inject({ url: '/api/v1/bonus/wallet', headers: { cookie: other.cookie } });
    assert.equal(wallet.statusCode, 200);
    const w = wallet.json();
    assert.equal(w.balance, 50);
    assert.equal(w.vouchers.length, 1);
    assert.equal(w.scheme.pointsPerEuro, 100);

    const redeemed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/redemptions',
      headers: { cookie: partner.cookie, 'x-csrf-token': partner.csrf },
      payload: { code: v1.json().displayCode },
    });
    assert.equal(redeemed.statusCode, 200);
    assert.equal(redeemed.json().points, 100);

    const doc = (await t.app.inject('/api/openapi.json')).json();
    for (const path of [
      '/api/v1/bonus/wallet',
      '/api/v1/bonus/checkins',
      '/api/v1/bonus/vouchers',
      '/api/v1/bonus/redemptions',
    ])
      assert.ok(doc.paths[path], `${path} in the OpenAPI document`);
  });

  test('staff get printable check-in URLs and a stele view whose code works only now', async () => {
    const db = t.database.db;
    const aalen = await cityId(t.database, 'aalen');
    const actionId = await upsertAction(db, {
      cityId: aalen,
      slug: 'rad-parken',
      name: 'Rad geparkt',
      points: 15,
      verification: 'checkin',
    });
    const stele = await createPlace(db, {
      cityId: aalen,
      actionId,
      name: 'Stele Bahnhof',
      codeKind: 'rotating',
    });
    const editor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    const otherCity = await userAgent(t, [{ role: 'editor', city: 'heidenheim' }]);

    const list = await t.app.inject({ url: '/admin/bonus', headers: { cookie: editor.cookie } });
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(`http://localhost:3000/bonus/c/${staticToken}`), 'printed URL listed');
    const forCitizen = await t.app.inject({ url: '/admin/bonus', headers: { cookie: citizen.cookie } });
    assert.equal(forCitizen.statusCode, 403);

    const denied = await t.app.inject({
      url: `/admin/bonus/orte/${stele.id}/stele`,
      headers: { cookie: otherCity.cookie },
    });
    assert.equal(denied.statusCode, 403);
    const view = await t.app.inject({
      url: `/admin/bonus/orte/${stele.id}/stele`,
      headers: { cookie: editor.cookie },
    });
    assert.equal(view.statusCode, 200);
    const seconds = Number(view.headers.refresh);
    assert.ok(seconds >= 1 && seconds <= 30, `refresh after ${seconds} s`);
    const url = /(\/bonus\/c\/r\.[^<"]+)/.exec(view.body)?.[1];
    assert.ok(url, 'the stele shows a rotating check-in URL');
    const scan = await t.app.inject({ url: url!, headers: { cookie: citizen.cookie } });
    assert.equal(scan.statusCode, 200);
    assert.match(scan.body, /15 Punkte/);
  });

  test('check-in scans are rate limited per person, also as GET links', async () => {
    const scanner = await userAgent(t);
    const codes = await Promise.all(
      Array.from({ length: 31 }, () =>
        t.app
          .inject({ url: '/bonus/c/s.1.1.AAAAAAAAAAAAAAAAAAAAAA', headers: { cookie: scanner.cookie } })
          .then((r) => r.statusCode),
      ),
    );
    assert.equal(codes.filter((c) => c === 429).length, 1);
    assert.equal(codes.filter((c) => c === 422).length, 30);
    // Another person is not affected.
    const other = await t.app.inject({ url: `/bonus/c/${staticToken}`, headers: { cookie: partner.cookie } });
    assert.notEqual(other.statusCode, 429);
  });

  test('a city admin books a correction with a reason; it is audited, errors are explained', async () => {
    const admin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    const address = `korrektur-${Date.now()}@example.org`;
    const person = await userAgent(t, [], address);
    const post = (data: Record<string, string>, who = admin) =>
      t.app.inject({
        method: 'POST',
        url: '/admin/bonus/korrektur',
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: who.csrf, ...data }),
      });

    const bad = await post({ email: 'nobody@example.org', city: 'heidenheim', points: 'viele', reason: '' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /kein Konto/);
    assert.match(bad.body, /Stadt, für die Sie zuständig sind/);
    assert.match(bad.body, /ganze Zahl/);
    assert.match(bad.body, /Grund an/);

    const ok = await post({
      email: address,
      city: 'aalen',
      points: '75',
      reason: 'Stand auf dem Wochenmarkt',
    });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Neues Guthaben: 75 Punkte/);
    const tooMuch = await post({ email: address, city: 'aalen', points: '-100', reason: 'Doppelt gebucht' });
    assert.equal(tooMuch.statusCode, 422);
    assert.match(tooMuch.body, /Guthaben reicht/);
    assert.equal(await walletBalance(t.database.db, person.userId), 75);
    const audited = await one<{ n: number; reason: string }>(
      t.database.db,
      sql`SELECT count(*)::int AS n, max(details->>'reason') AS reason FROM audit_log
          WHERE action = 'bonus.adjust' AND actor_id = ${admin.userId}`,
    );
    assert.deepEqual(audited, { n: 1, reason: 'Stand auf dem Wochenmarkt' });

    const forCitizen = await post(
      { email: address, city: 'aalen', points: '5', reason: 'Selbst gebucht' },
      citizen,
    );
    assert.equal(forCitizen.statusCode, 403);
  });

  test('the partner page is only for partners', async () => {
    const res = await t.app.inject({ url: '/partner/einloesen', headers: { cookie: citizen.cookie } });
    assert.equal(res.statusCode, 403);
    const ok = await t.app.inject({
      url: '/partner/einloesen?code=ABCDE23456',
      headers: { cookie: partner.cookie },
    });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /value="ABCDE23456"/);
  });
});

describe('bonus demo data', () => {
  test('seeds actions, places, partners and offers in both cities, once', async () => {
    const { seedBonus } = await import('./seed.ts');
    const t = await testApp();
    try {
      const first = await seedBonus(t.database.db);
      assert.ok(first.places >= 6 && first.partners === 4 && first.offers >= 6, JSON.stringify(first));
      const again = await seedBonus(t.database.db);
      assert.equal(again.places, 0);
      assert.equal(again.partners, 0);
      const intro = await t.app.inject('/heidenheim/bonus');
      assert.match(intro.body, /Stadtbibliothek besucht/);
      assert.match(intro.body, /<summary>In Leichter Sprache<\/summary>/);
    } finally {
      await t.close();
    }
  });
});

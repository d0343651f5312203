import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Agent, cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { type Db, one, sql } from '../../platform/db/index.ts';
import { memberCode } from './partner.ts';
import {
  approvePartner,
  createOffer,
  createPartner,
  createPlace,
  fundingAccount,
  issueVoucher,
  ledgerTotal,
  postTransaction,
  redeemVoucher,
  upsertAction,
  walletAccount,
  walletBalance,
} from './service.ts';

const postForm = (url: string, agent: Agent, data: Record<string, string>) => ({
  method: 'POST' as const,
  url,
  headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  payload: form({ _csrf: agent.csrf, ...data }),
});

describe('bonus partner portal, member code, statistics, settlement pages', () => {
  let t: TestApp;
  let db: Db;
  let citizen: Agent;
  let partner: Agent;
  let cityAdmin: Agent;
  let regionAdmin: Agent;
  let partnerId: number;
  let repairId: number;
  let placeId: number;

  async function earn(userId: string, city: number, points: number, at?: Date) {
    await postTransaction(db, {
      key: `t:${randomBytes(6).toString('hex')}`,
      kind: 'earn',
      cityId: city,
      ...(at ? { at } : {}),
      entries: [
        { accountId: await fundingAccount(db, city), amount: -points },
        { accountId: await walletAccount(db, userId), amount: points },
      ],
    });
  }

  before(async () => {
    t = await testApp();
    db = t.database.db;
    const aalen = await cityId(t.database, 'aalen');
    const heidenheim = await cityId(t.database, 'heidenheim');
    citizen = await userAgent(t);
    partner = await userAgent(t, [{ role: 'partner', city: 'heidenheim' }]);
    cityAdmin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    regionAdmin = await userAgent(t, [{ role: 'admin', city: null }]);
    partnerId = await createPartner(db, {
      cityId: heidenheim,
      slug: 'repair-cafe-hdh',
      name: 'Repair-Café Heidenheim',
      members: [partner.userId],
    });
    await approvePartner(db, partnerId, null);
    await db.execute(
      sql`UPDATE bonus_partners SET location = ST_SetSRID(ST_MakePoint(10.152, 48.677), 4326) WHERE id = ${partnerId}`,
    );
    repairId = await upsertAction(db, {
      cityId: heidenheim,
      slug: 'repair-cafe',
      name: 'Im Repair-Café repariert',
      points: 100,
      co2Grams: 5000,
      verification: 'partner',
      limitPerMonth: 2,
    });
    const bib = await upsertAction(db, {
      cityId: aalen,
      slug: 'bib',
      name: 'Bibliothek',
      points: 10,
      verification: 'checkin',
    });
    placeId = (
      await createPlace(db, { cityId: aalen, actionId: bib, name: 'Bibliothek Aalen', codeKind: 'static' })
    ).id;
  });
  after(async () => {
    assert.equal(await ledgerTotal(db), 0);
    await t.close();
  });

  test('the partner portal is for partners; it confirms an action by member code once per form', async () => {
    assert.equal(
      (await t.app.inject({ url: '/partner', headers: { cookie: citizen.cookie } })).statusCode,
      403,
    );
    const home = await t.app.inject({ url: '/partner', headers: { cookie: partner.cookie } });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Repair-Café Heidenheim/);
    assert.match(home.body, /href="\/partner\/bestaetigen"/);

    const page = await t.app.inject({ url: '/partner/bestaetigen', headers: { cookie: partner.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['permissions-policy'] as string, /camera=\(self\)/);
    const requestKey = /name="requestKey" value="([^"]+)"/.exec(page.body)![1]!;

    const empty = await t.app.inject(
      postForm('/partner/bestaetigen', partner, {
        partner: String(partnerId),
        action: String(repairId),
        code: '',
        requestKey,
      }),
    );
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Mitgliedscode der Person ein/);

    const code = await memberCode(db, citizen.userId);
    const data = { partner: String(partnerId), action: String(repairId), code, requestKey };
    const ok = await t.app.inject(postForm('/partner/bestaetigen', partner, data));
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /100 Punkte gutgeschrieben/);
    const twice = await t.app.inject(postForm('/partner/bestaetigen', partner, data));
    assert.match(twice.body, /schon gebucht/);
    assert.equal(await walletBalance(db, citizen.userId), 100);

    const own = await t.app.inject(
      postForm('/partner/bestaetigen', partner, {
        ...data,
        code: await memberCode(db, partner.userId),
        requestKey: 'abcdefgh12',
      }),
    );
    assert.equal(own.statusCode, 403);
    assert.match(own.body, /für sich selbst/);

    const api = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/confirmations',
      headers: { cookie: partner.cookie, 'x-csrf-token': partner.csrf, 'idempotency-key': 'api-key-0001' },
      payload: { partnerId, actionId: repairId, memberCode: code },
    });
    assert.equal(api.statusCode, 200);
    assert.equal(api.json().status, 'awarded');
    const limit = await t.app.inject({
      method: 'POST',
      url: '/api/v1/bonus/confirmations',
      headers: { cookie: partner.cookie, 'x-csrf-token': partner.csrf, 'idempotency-key': 'api-key-0002' },
      payload: { partnerId, actionId: repairId, memberCode: code },
    });
    assert.equal(limit.statusCode, 409, 'the monthly limit of the action applies');
    const home2 = await t.app.inject({ url: '/partner', headers: { cookie: partner.cookie } });
    assert.match(home2.body, /Bestätigt: Im Repair-Café repariert/);
  });

  test('citizens see and renew their member code (with QR) and download their data', async () => {
    const wallet = await t.app.inject({ url: '/bonus', headers: { cookie: citizen.cookie } });
    const code = await memberCode(db, citizen.userId);
    assert.match(wallet.body, new RegExp(`${code.slice(0, 4)}-${code.slice(4)}`));
    const page = await t.app.inject({ url: '/bonus/mitgliedscode', headers: { cookie: citizen.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<svg[^>]*viewBox/);
    const renewed = await t.app.inject(postForm('/bonus/mitgliedscode', citizen, {}));
    assert.equal(renewed.statusCode, 200);
    assert.notEqual(await memberCode(db, citizen.userId), code);

    const json = await t.app.inject({ url: '/bonus/export.json', headers: { cookie: citizen.cookie } });
    assert.equal(json.statusCode, 200);
    assert.match(String(json.headers['content-disposition']), /attachment/);
    const data = json.json();
    assert.equal(data.balance, await walletBalance(db, citizen.userId));
    assert.ok(data.awards.some((a: { action: string }) => a.action === 'Im Repair-Café repariert'));
    const csv = await t.app.inject({ url: '/bonus/export.csv', headers: { cookie: citizen.cookie } });
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(csv.body, /earn,100,Im Repair-Café repariert/);
    assert.equal((await t.app.inject('/bonus/export.json')).statusCode, 303, 'anonymous: to the login');
  });

  test('public statistics per region and city; counts of few people are not shown', async () => {
    const region = await t.app.inject('/bonus/statistik');
    assert.equal(region.statusCode, 200);
    assert.match(region.body, /Stadttaler in Zahlen/);
    assert.match(region.body, /weniger als 5/);
    assert.match(region.body, /Repair-Café Heidenheim/);
    assert.match(region.body, /class="sp-minimap__point"/);
    assert.doesNotMatch(region.body, /@example\.org/);
    const city = await t.app.inject('/heidenheim/bonus/statistik');
    assert.equal(city.statusCode, 200);
    assert.match(city.body, /Heidenheim/);
    const api = await t.app.inject('/api/v1/bonus/statistics?city=heidenheim');
    assert.equal(api.statusCode, 200);
    assert.ok(api.json().pointsIssued >= 200);
    assert.equal(api.json().activeParticipants30d, null);
    assert.equal((await t.app.inject('/api/v1/bonus/statistics?city=nirgendwo')).statusCode, 404);
    const doc = (await t.app.inject('/api/openapi.json')).json();
    for (const p of ['/api/v1/bonus/statistics', '/api/v1/bonus/member-code', '/api/v1/bonus/confirmations'])
      assert.ok(doc.paths[p], `${p} in the OpenAPI document`);
  });

  test('settlement pages and CSV; only region admins close a month; closing is final', async () => {
    const heidenheim = await cityId(t.database, 'heidenheim');
    const aalen = await cityId(t.database, 'aalen');
    const other = await userAgent(t);
    const at = new Date('2022-05-10T10:00:00Z');
    await earn(other.userId, aalen, 50, at);
    const offerId = await createOffer(db, {
      partnerId,
      title: '50 Punkte Gutschrift',
      kind: 'credit',
      creditCents: 50,
      pointsPrice: 50,
      status: 'approved',
    });
    const v = await issueVoucher(db, { userId: other.userId, offerId, now: at });
    await redeemVoucher(db, { code: v.code, actorId: partner.userId, now: new Date(at.getTime() + 60_000) });

    assert.equal(
      (await t.app.inject({ url: '/admin/bonus/abrechnung', headers: { cookie: citizen.cookie } }))
        .statusCode,
      403,
    );
    const list = await t.app.inject({
      url: '/admin/bonus/abrechnung',
      headers: { cookie: cityAdmin.cookie },
    });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /href="\/admin\/bonus\/abrechnung\/2022-05"/);
    const cityView = await t.app.inject({
      url: '/admin/bonus/abrechnung/2022-05',
      headers: { cookie: cityAdmin.cookie },
    });
    assert.equal(cityView.statusCode, 200);
    assert.doesNotMatch(
      cityView.body,
      /Repair-Café Heidenheim<\/td>/,
      'an Aalen admin sees no Heidenheim partner',
    );
    assert.match(cityView.body, /Aalen zahlt an Heidenheim: 50 Punkte/);
    assert.match(cityView.body, /Administratorinnen und Administratoren der Region/);
    const forbidden = await t.app.inject(
      postForm('/admin/bonus/abrechnung/2022-05/abschliessen', cityAdmin, { confirm: 'yes' }),
    );
    assert.equal(forbidden.statusCode, 403);

    const view = await t.app.inject({
      url: '/admin/bonus/abrechnung/2022-05',
      headers: { cookie: regionAdmin.cookie },
    });
    assert.match(view.body, /Repair-Café Heidenheim<\/td>/);
    const csv = await t.app.inject({
      url: '/admin/bonus/abrechnung/2022-05/partner.csv',
      headers: { cookie: regionAdmin.cookie },
    });
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(
      csv.body,
      new RegExp(`2022-05,open,${partnerId},Repair-Café Heidenheim,Heidenheim,1,50,0\\.50`),
    );
    const matrix = await t.app.inject({
      url: '/admin/bonus/abrechnung/2022-05/clearing.csv',
      headers: { cookie: regionAdmin.cookie },
    });
    assert.match(matrix.body, /2022-05,open,Aalen,Heidenheim,50,0\.50/);

    const unconfirmed = await t.app.inject(
      postForm('/admin/bonus/abrechnung/2022-05/abschliessen', regionAdmin, {}),
    );
    assert.equal(unconfirmed.statusCode, 422);
    assert.match(unconfirmed.body, /endgültig abschließen/);
    const closed = await t.app.inject(
      postForm('/admin/bonus/abrechnung/2022-05/abschliessen', regionAdmin, { confirm: 'yes' }),
    );
    assert.equal(closed.statusCode, 303);
    const after = await t.app.inject({
      url: '/admin/bonus/abrechnung/2022-05',
      headers: { cookie: regionAdmin.cookie },
    });
    assert.match(after.body, /Diese Zahlen ändern sich nicht mehr/);
    assert.doesNotMatch(after.body, /name="confirm"/);
    const again = await t.app.inject(
      postForm('/admin/bonus/abrechnung/2022-05/abschliessen', regionAdmin, { confirm: 'yes' }),
    );
    assert.equal(again.statusCode, 409);
    const current = new Date().toISOString().slice(0, 7);
    const early = await t.app.inject(
      postForm(`/admin/bonus/abrechnung/${current}/abschliessen`, regionAdmin, { confirm: 'yes' }),
    );
    assert.equal(early.statusCode, 422);
    assert.equal(
      (
        await t.app.inject({
          url: '/admin/bonus/abrechnung/2022-13',
          headers: { cookie: regionAdmin.cookie },
        })
      ).statusCode,
      404,
    );
    assert.ok(heidenheim);
  });

  test('city admins approve partners and add the people who act for them', async () => {
    const aalen = await cityId(t.database, 'aalen');
    const shop = await createPartner(db, { cityId: aalen, slug: 'bioladen', name: 'Bioladen Aalen' });
    const page = await t.app.inject({ url: '/admin/bonus/partner', headers: { cookie: cityAdmin.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Bioladen Aalen/);
    assert.doesNotMatch(page.body, /Repair-Café Heidenheim/, 'only partners of the own city');
    const approve = await t.app.inject(postForm(`/admin/bonus/partner/${shop}/freigeben`, cityAdmin, {}));
    assert.equal(approve.statusCode, 200);
    assert.match(approve.body, /ist freigegeben/);
    const foreign = await t.app.inject(
      postForm(`/admin/bonus/partner/${partnerId}/freigeben`, cityAdmin, {}),
    );
    assert.equal(foreign.statusCode, 403);
    const unknown = await t.app.inject(
      postForm(`/admin/bonus/partner/${shop}/mitglieder`, cityAdmin, {
        [`email-${shop}`]: 'niemand@example.org',
      }),
    );
    assert.equal(unknown.statusCode, 422);
    assert.match(unknown.body, /kein Konto/);
    const cashier = await userAgent(t, [], 'kasse.bioladen@example.org');
    const added = await t.app.inject(
      postForm(`/admin/bonus/partner/${shop}/mitglieder`, cityAdmin, {
        [`email-${shop}`]: 'kasse.bioladen@example.org',
      }),
    );
    assert.match(added.body, /handelt jetzt für/);
    assert.equal(
      (await t.app.inject({ url: '/partner', headers: { cookie: cashier.cookie } })).statusCode,
      200,
    );
    const log = await one(
      db,
      sql`SELECT 1 FROM audit_log WHERE action = 'bonus.partner.member.add' AND entity_id = ${String(shop)}`,
    );
    assert.ok(log);
  });

  test('staff: anomalies, campaigns and printable QR codes', async () => {
    const anomalies = await t.app.inject({
      url: '/admin/bonus/auffaelligkeiten',
      headers: { cookie: cityAdmin.cookie },
    });
    assert.equal(anomalies.statusCode, 200);
    assert.match(anomalies.body, /Auffälligkeiten/);

    const bad = await t.app.inject(
      postForm('/admin/bonus/kampagnen', cityAdmin, {
        label: '',
        city: 'heidenheim',
        action: '',
        percent: '5',
        starts: '2026-05-01',
        ends: 'morgen',
      }),
    );
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /sp-error-summary/);
    assert.match(bad.body, /zuständig/);
    const ok = await t.app.inject(
      postForm('/admin/bonus/kampagnen', cityAdmin, {
        label: 'Aktionswoche Lesen',
        city: 'aalen',
        action: '',
        percent: '200',
        starts: '2030-05-01',
        ends: '2030-05-07',
      }),
    );
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Aktionswoche Lesen/);
    const row = await one<{ percent: number; ends_at: Date }>(
      db,
      sql`SELECT percent, ends_at FROM bonus_multipliers WHERE label = 'Aktionswoche Lesen'`,
    );
    assert.equal(row!.percent, 200);
    assert.equal(
      new Date(row!.ends_at).toISOString(),
      '2030-05-07T22:00:00.000Z',
      'end of the last day, Berlin',
    );
    const audited = await one(db, sql`SELECT 1 FROM audit_log WHERE action = 'bonus.multiplier.create'`);
    assert.ok(audited);

    const qr = await t.app.inject({
      url: `/admin/bonus/orte/${placeId}/qr.svg`,
      headers: { cookie: cityAdmin.cookie },
    });
    assert.equal(qr.statusCode, 200);
    assert.match(String(qr.headers['content-type']), /image\/svg\+xml/);
    assert.match(qr.body, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const foreign = await t.app.inject({
      url: `/admin/bonus/orte/${placeId}/qr.svg`,
      headers: { cookie: partner.cookie },
    });
    assert.equal(foreign.statusCode, 403);
  });
});

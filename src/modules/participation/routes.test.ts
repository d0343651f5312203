import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { one, sql } from '../../platform/db/index.ts';
import { seedParticipation } from './seed.ts';
import { measureBySlug, upsertProcess } from './service.ts';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const day = 86_400_000;

describe('participation pages, forms, staff and JSON API', () => {
  let t: TestApp;
  let citizen: Agent;
  let other: Agent;
  let modAalen: Agent;
  let editorHdh: Agent;

  const post = (agent: Agent, url: string, data: Record<string, string | string[]>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: agent.csrf, ...data }),
    });
  const get = (url: string, agent?: Agent) =>
    t.app.inject({ url, headers: agent ? { cookie: agent.cookie } : {} });

  before(async () => {
    t = await testApp();
    await seedParticipation(t.database.db);
    citizen = await userAgent(t);
    other = await userAgent(t);
    modAalen = await userAgent(t, [
      { role: 'moderator', city: 'aalen' },
      { role: 'editor', city: 'aalen' },
    ]);
    editorHdh = await userAgent(t, [{ role: 'editor', city: 'heidenheim' }]);
    // Accounts older than a week may post links; the XSS test posts one.
    await t.database.db.execute(sql`UPDATE users SET created_at = now() - interval '30 days'`);
  });
  after(async () => t.close());

  test('public pages render: overview, measures with dashboard and filters, measure, process, idea, surveys, Fragestunde', async () => {
    const overview = await get('/aalen/beteiligung');
    assert.equal(overview.statusCode, 200);
    assert.match(overview.body, /Innenstadt 2030/);
    const list = await get('/aalen/massnahmen?feld=Digitale+Orte');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Stadt-Plattform inkl\. digitales städteübergreifendes Bonussystem/);
    assert.match(list.body, /März 2025 – Juni 2027/);
    assert.doesNotMatch(list.body, /Parkleitsystem/, 'field filter');
    assert.match(list.body, /Stand nach Handlungsfeld/);
    const measure = await get('/aalen/massnahmen/stadt-plattform-bonussystem');
    assert.equal(measure.statusCode, 200);
    assert.match(measure.body, /Personen gefällt das/);
    assert.match(measure.body, /finden das wichtig/);
    assert.match(measure.body, /Antwort der Stadt/);
    assert.equal(
      (await get('/heidenheim/massnahmen/parkleitsystem-aalen')).statusCode,
      404,
      'Aalen-only measure',
    );
    const process = await get('/aalen/beteiligung/innenstadt-2030?sortierung=unterstuetzt');
    assert.equal(process.statusCode, 200);
    assert.match(process.body, /80 Ideen/);
    assert.match(process.body, /aria-current="step"/);
    const map = await get('/aalen/beteiligung/innenstadt-2030?ansicht=karte');
    assert.match(map.body, /Karte der Ideen/);
    const ideaPath = /href="(\/aalen\/beteiligung\/innenstadt-2030\/ideen\/\d+)"/.exec(process.body)![1]!;
    assert.equal((await get(ideaPath)).statusCode, 200);
    const survey = await get('/heidenheim/umfragen/mobilitaet-innenstadt');
    assert.equal(survey.statusCode, 200);
    assert.match(survey.body, /Ergebnisse \(140 Antworten\)/);
    assert.doesNotMatch(survey.body, /Mehr Radwege bitte/, 'free text not public');
    assert.equal((await get('/aalen/fragestunde')).statusCode, 200);
    const archive = await get('/heidenheim/fragestunde/fragestunde-fruehjahr');
    assert.match(archive.body, /ganzjährig/);
    assert.match(archive.body, /beantwortet/);
    assert.equal((await get('/en/aalen/massnahmen')).statusCode, 200);
  });

  test('react to a measure by form: once per person, toggles back', async () => {
    const before = (await measureBySlug(t.database.db, 'urbane-datenplattform'))!;
    const url = '/aalen/massnahmen/urbane-datenplattform/reaktion';
    const r1 = await post(citizen, url, { kind: 'like', on: '1' });
    assert.equal(r1.statusCode, 303);
    await post(citizen, url, { kind: 'like', on: '1' });
    assert.equal((await measureBySlug(t.database.db, 'urbane-datenplattform'))!.likes, before.likes + 1);
    const page = await get('/aalen/massnahmen/urbane-datenplattform', citizen);
    assert.match(page.body, /aria-pressed="true"/);
    assert.match(page.body, new RegExp(`${before.likes + 1} Personen gefällt das`));
    await post(citizen, url, { kind: 'like', on: '0' });
    assert.equal((await measureBySlug(t.database.db, 'urbane-datenplattform'))!.likes, before.likes);
    const anon = await t.app.inject({ method: 'POST', url, payload: { kind: 'like' } });
    assert.equal(anon.statusCode, 401);
  });

  test('comment, reply, flag, moderate: the hidden comment shows the reason; other city moderators get 403', async () => {
    const m = (await measureBySlug(t.database.db, 'urbane-datenplattform'))!;
    const ret = '/aalen/massnahmen/urbane-datenplattform';
    const c = await post(citizen, '/beteiligung/kommentare', {
      targetKind: 'measure',
      targetId: String(m.id),
      return: ret,
      body: 'Wo finde ich die Daten?',
    });
    assert.equal(c.statusCode, 303);
    const id = Number(/kommentar-(\d+)/.exec(String(c.headers.location))![1]);
    const reply = await post(other, '/beteiligung/kommentare', {
      targetKind: 'measure',
      targetId: String(m.id),
      parentId: String(id),
      return: ret,
      body: 'Das ist Spam und beleidigend',
    });
    assert.equal(reply.statusCode, 303);
    const replyId = Number(/kommentar-(\d+)/.exec(String(reply.headers.location))![1]);
    const empty = await post(citizen, '/beteiligung/kommentare', {
      targetKind: 'measure',
      targetId: String(m.id),
      return: ret,
      body: '',
    });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Bitte schreiben Sie einen Kommentar/);
    const honeypot = await post(citizen, '/beteiligung/kommentare', {
      targetKind: 'measure',
      targetId: String(m.id),
      return: ret,
      body: 'Bot',
      homepage: 'http://spam',
    });
    assert.equal(honeypot.statusCode, 303);
    assert.equal(
      (await one<{ n: number }>(
        t.database.db,
        sql`SELECT count(*)::int AS n FROM participation_comments WHERE body = 'Bot'`,
      ))!.n,
      0,
    );
    const evil = await post(citizen, '/beteiligung/kommentare', {
      targetKind: 'measure',
      targetId: String(m.id),
      return: 'https://evil.example/',
      body: 'Weiterleitung?',
    });
    assert.equal(evil.statusCode, 303);
    assert.ok(String(evil.headers.location).startsWith('/?ok='), 'no open redirect');

    // Official answers: only a moderator of the city can mark one; a citizen's flag is ignored.
    await post(modAalen, '/beteiligung/kommentare', {
      targetKind: 'measure',
      targetId: String(m.id),
      return: ret,
      body: 'Amtliche Antwort',
      official: '1',
    });
    await post(citizen, '/beteiligung/kommentare', {
      targetKind: 'measure',
      targetId: String(m.id),
      return: ret,
      body: 'Keine amtliche Antwort',
      official: '1',
    });
    const officials = await one<{ a: boolean; b: boolean }>(
      t.database.db,
      sql`SELECT bool_or(official) FILTER (WHERE body = 'Amtliche Antwort') AS a,
            bool_or(official) FILTER (WHERE body = 'Keine amtliche Antwort') AS b FROM participation_comments`,
    );
    assert.deepEqual(officials, { a: true, b: false });

    const flag = await post(citizen, `/beteiligung/kommentare/${replyId}/melden`, {
      reason: 'beleidigend',
      return: ret,
    });
    assert.equal(flag.statusCode, 303);
    const queue = await get('/admin/beteiligung', modAalen);
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, /Das ist Spam und beleidigend/);
    assert.equal((await get('/admin/beteiligung', citizen)).statusCode, 403);
    const hdhTry = await post(editorHdh, `/admin/beteiligung/kommentare/${replyId}`, {
      action: 'hide',
      reason: 'x',
    });
    assert.equal(hdhTry.statusCode, 403);
    const noReason = await post(modAalen, `/admin/beteiligung/kommentare/${replyId}`, { action: 'hide' });
    assert.equal(noReason.statusCode, 422);
    const hide = await post(modAalen, `/admin/beteiligung/kommentare/${replyId}`, {
      action: 'hide',
      [`reason-${replyId}`]: 'Beleidigung entfernt',
    });
    assert.equal(hide.statusCode, 303);
    const page = await get(ret);
    assert.match(page.body, /Von der Moderation ausgeblendet\. Grund: Beleidigung entfernt/);
    assert.doesNotMatch(page.body, /Das ist Spam und beleidigend/);
    const api = await get(`/api/v1/participation/comments?targetKind=measure&targetId=${m.id}`);
    assert.equal(api.statusCode, 200);
    const hidden = (
      api.json() as {
        comments: { id: number; replies: { id: number; body: string | null; status: string }[] }[];
      }
    ).comments
      .find((x) => x.id === id)!
      .replies.find((r) => r.id === replyId)!;
    assert.equal(hidden.status, 'hidden');
    assert.equal(hidden.body, null);
  });

  test('ideas: submit in the collecting phase, support refused outside rating with the reason, support in rating', async () => {
    const aalen = await cityId(t.database, 'aalen');
    const now = Date.now();
    await upsertProcess(t.database.db, {
      cityId: aalen,
      slug: 'sammeln-test',
      title: 'Sammeln (Test)',
      description: '',
      categories: ['Grün'],
      premoderation: false,
      phases: [
        {
          kind: 'collect',
          title: 'Ideen sammeln',
          startsAt: new Date(now - day),
          endsAt: new Date(now + day),
        },
      ],
    });
    const bad = await post(citizen, '/aalen/beteiligung/sammeln-test/ideen/neu', {
      title: 'Kurz',
      body: 'x',
      category: 'Rot',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Der Titel hat 5 bis 150 Zeichen/);
    assert.match(bad.body, /Wählen Sie ein Thema/);
    const ok = await post(citizen, '/aalen/beteiligung/sammeln-test/ideen/neu', {
      title: `Idee ${XSS}`,
      body: `Beschreibung ${XSS} lang genug`,
      category: 'Grün',
      lat: '48,8378',
      lon: '10.0936',
    });
    assert.equal(ok.statusCode, 303);
    const ideaUrl = String(ok.headers.location).split('?')[0]!;
    const page = await get(ideaUrl);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /<script>alert/);
    assert.doesNotMatch(page.body, /<img src=x/);
    assert.match(page.body, /&lt;script>/);
    const refused = await post(other, `${ideaUrl}/unterstuetzen`, { on: '1' });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /Unterstützen ist nur in der Phase „Bewerten“ möglich/);

    // The seeded Aalen process is rating: support works once.
    const list = await get('/aalen/beteiligung/innenstadt-2030');
    const seededIdea = /href="(\/aalen\/beteiligung\/innenstadt-2030\/ideen\/(\d+))"/.exec(list.body)!;
    const before = (await one<{ supports: number }>(
      t.database.db,
      sql`SELECT supports FROM participation_ideas WHERE id = ${Number(seededIdea[2])}`,
    ))!.supports;
    assert.equal((await post(other, `${seededIdea[1]}/unterstuetzen`, { on: '1' })).statusCode, 303);
    assert.equal((await post(other, `${seededIdea[1]}/unterstuetzen`, { on: '1' })).statusCode, 303);
    const afterSupport = (await one<{ supports: number }>(
      t.database.db,
      sql`SELECT supports FROM participation_ideas WHERE id = ${Number(seededIdea[2])}`,
    ))!.supports;
    assert.equal(afterSupport, before + 1);
    const api = await t.app.inject({
      method: 'POST',
      url: `/api/v1/participation/ideas/${seededIdea[2]}/supports`,
      headers: { cookie: other.cookie, 'x-csrf-token': other.csrf },
      payload: { on: true },
    });
    assert.equal(api.statusCode, 200);
    assert.equal(api.json().changed, false);
  });

  test('XSS in comments, questions and survey text stays inert', async () => {
    const m = (await measureBySlug(t.database.db, 'maengelmelder'))!;
    const ret = '/aalen/massnahmen/maengelmelder';
    await post(citizen, '/beteiligung/kommentare', {
      targetKind: 'measure',
      targetId: String(m.id),
      return: ret,
      body: `Hallo ${XSS} [x](javascript:alert(3))`,
    });
    const page = await get(ret);
    assert.doesNotMatch(page.body, /<script>alert|<img src=x|href="javascript/);
    const q = await post(citizen, '/aalen/fragestunde/fragestunde-oberbuergermeister/fragen', {
      body: `Frage ${XSS}`,
    });
    assert.equal(q.statusCode, 303);
    const own = await get('/aalen/fragestunde/fragestunde-oberbuergermeister', citizen);
    assert.match(own.body, /wartet auf Freigabe/);
    assert.doesNotMatch(own.body, /<script>alert/);
    assert.doesNotMatch(
      (await get('/aalen/fragestunde/fragestunde-oberbuergermeister', other)).body,
      /Frage &lt;script/,
      'pending question hidden from others',
    );
  });

  test('survey by form: errors re-render with the summary, one response per account', async () => {
    const page = await get('/aalen/umfragen/stadt-plattform', citizen);
    const ids = [...page.body.matchAll(/name="(q\d+)"/g)].map((m) => m[1]!);
    const [q1, , q3] = [...new Set(ids)];
    const bad = await post(citizen, '/aalen/umfragen/stadt-plattform', {});
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Bitte wählen Sie eine Antwort/);
    const ok = await post(citizen, '/aalen/umfragen/stadt-plattform', { [q1!]: '1', [q3!]: '5' });
    assert.equal(ok.statusCode, 303);
    const again = await post(citizen, '/aalen/umfragen/stadt-plattform', { [q1!]: '1', [q3!]: '5' });
    assert.equal(again.statusCode, 409);
    const live = await get('/aalen/umfragen/stadt-plattform', citizen);
    assert.match(live.body, /Sie haben an dieser Umfrage teilgenommen/);
    assert.match(live.body, /Ergebnisse \(1 Antworten\)/);
  });

  test('Fragestunde: support once, moderators approve and answer; staff CSV export only for the own city', async () => {
    const session = '/aalen/fragestunde/fragestunde-oberbuergermeister';
    const page = await get(session, other);
    const action =
      /action="(\/aalen\/fragestunde\/fragestunde-oberbuergermeister\/fragen\/(\d+)\/unterstuetzen)"/.exec(
        page.body,
      )!;
    const before = (await one<{ supports: number }>(
      t.database.db,
      sql`SELECT supports FROM participation_questions WHERE id = ${Number(action[2])}`,
    ))!.supports;
    await Promise.all([post(other, action[1]!, { on: '1' }), post(other, action[1]!, { on: '1' })]);
    const now = (await one<{ supports: number }>(
      t.database.db,
      sql`SELECT supports FROM participation_questions WHERE id = ${Number(action[2])}`,
    ))!.supports;
    assert.equal(now, before + 1);
    assert.equal(
      (await post(citizen, `${session}/fragen`, { body: 'Wann kommt der neue Radweg?' })).statusCode,
      303,
    );
    const pending = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id::int FROM participation_questions WHERE body = 'Wann kommt der neue Radweg?'`,
    ))!;
    assert.equal(
      (await post(modAalen, `/admin/beteiligung/fragen/${pending.id}`, { action: 'approve' })).statusCode,
      303,
    );
    assert.equal(
      (
        await post(modAalen, `/admin/beteiligung/fragen/${pending.id}`, {
          action: 'answer',
          [`answer-${pending.id}`]: 'Die Antwort.',
        })
      ).statusCode,
      303,
    );
    assert.match((await get(session)).body, /Die Antwort\./);

    const hdhSurvey = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM participation_surveys WHERE slug = 'mobilitaet-innenstadt'`,
    ))!.id;
    const csv = await get(`/admin/beteiligung/umfragen/${hdhSurvey}/antworten.csv`, editorHdh);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.equal(csv.body.trim().split('\n').length, 141);
    assert.equal(
      (await get(`/admin/beteiligung/umfragen/${hdhSurvey}/antworten.csv`, modAalen)).statusCode,
      403,
    );
  });

  test('JSON API: measures per city with filters, a measure, ideas page, reactions need a session', async () => {
    const r = await get('/api/v1/participation/measures?city=heidenheim&status=in_umsetzung');
    assert.equal(r.statusCode, 200);
    const { measures } = r.json() as { measures: { slug: string; cities: string[]; status: string }[] };
    assert.ok(measures.length > 0);
    assert.ok(measures.every((m) => m.cities.includes('heidenheim') && m.status === 'in_umsetzung'));
    const one1 = await get('/api/v1/participation/measures/stadt-plattform-bonussystem');
    assert.equal(one1.json().periodStart, '2025-03-01');
    assert.ok(one1.json().milestones.length >= 3);
    const pid = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM participation_processes WHERE slug = 'innenstadt-2030'`,
    ))!.id;
    const ideas = await get(`/api/v1/participation/processes/${pid}/ideas?sort=unterstuetzt&page=2`);
    assert.equal(ideas.statusCode, 200);
    assert.equal(ideas.json().total, 80);
    assert.equal(ideas.json().ideas.length, 20);
    const anon = await t.app.inject({
      method: 'POST',
      url: '/api/v1/participation/measures/maengelmelder/reactions',
      payload: { kind: 'like', on: true },
    });
    assert.equal(anon.statusCode, 401);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/participation/measures/maengelmelder/reactions',
      headers: { cookie: citizen.cookie, 'x-csrf-token': citizen.csrf },
      payload: { kind: 'love', on: true },
    });
    assert.equal(bad.statusCode, 400);
    const spec = await get('/api/openapi.json');
    assert.match(spec.body, /\/api\/v1\/participation\/measures/);
  });
});

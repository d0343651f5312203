import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { one, rows, sql } from '../../platform/db/index.ts';
import { seedReports } from '../reports/seed.ts';
import { berlinMidnight } from './editing.ts';
import { seedParticipation } from './seed.ts';
import { deliverNotifications, listMeasures } from './service.ts';

const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe('participation staff forms, region measures page, following a Fragestunde', () => {
  let t: TestApp;
  let edAalen: Agent;
  let edRegion: Agent;
  let citizen: Agent;
  let modAalen: Agent;
  let aalen: number;
  let heidenheim: number;

  const post = (agent: Agent, url: string, data: Record<string, string | string[]>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: agent.csrf, ...data }),
    });
  const get = (url: string, agent?: Agent) =>
    t.app.inject({ url, headers: agent ? { cookie: agent.cookie } : {} });
  const audits = (action: string, entityId: number) =>
    rows<{ actor_id: string; city_id: number }>(
      t.database.db,
      sql`SELECT actor_id, city_id FROM audit_log WHERE action = ${action} AND entity_id = ${String(entityId)}`,
    );
  const idFrom = (location: unknown) => Number(/\/(\d+)\/bearbeiten/.exec(String(location))![1]);
  const inert = (body: string) => {
    assert.doesNotMatch(body, /<script>alert|<img src=x/);
    assert.match(body, /&lt;script>/);
  };

  before(async () => {
    t = await testApp();
    await seedParticipation(t.database.db);
    aalen = await cityId(t.database, 'aalen');
    heidenheim = await cityId(t.database, 'heidenheim');
    edAalen = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    edRegion = await userAgent(t, [{ role: 'editor', city: null }]);
    citizen = await userAgent(t);
    modAalen = await userAgent(t, [{ role: 'moderator', city: 'aalen' }]);
  });
  after(async () => t.close());

  const measure = {
    cityId: '',
    title: `Sensorik ${XSS}`,
    slug: '',
    fieldOfAction: 'Umwelt',
    cityIds: [] as string[],
    periodStart: '2025-04',
    periodEnd: '2026-09',
    status: 'geplant',
    progress: '10',
    summary: 'Messen, was los ist.',
    description: `Beschreibung ${XSS}`,
    responsibleOffice: 'Amt für Umwelt',
    links: 'Offene Daten | /opendata\nDatensatz | https://daten.example.org/luft',
    'milestone-0-title': 'Ausschreibung',
    'milestone-0-dueOn': '2025-06-30',
    'milestone-1-title': 'Sensoren montiert',
    'milestone-1-dueOn': '2025-10-31',
    'milestone-1-doneOn': '2025-10-20',
  };

  test('measures: create with milestones and links, edit, remove a milestone; audited; XSS inert', async () => {
    const form1 = await get('/admin/beteiligung/massnahmen/neu', edAalen);
    assert.equal(form1.statusCode, 200);
    assert.match(form1.body, /name="milestone-2-title"/);
    const created = await post(edAalen, '/admin/beteiligung/massnahmen/neu', {
      ...measure,
      cityId: String(aalen),
      cityIds: [String(heidenheim)],
    });
    assert.equal(created.statusCode, 303, created.body.slice(0, 500));
    const id = idFrom(created.headers.location);
    const m = (await one<{ slug: string; city_ids: number[]; period_end: string; links: unknown }>(
      t.database.db,
      sql`SELECT slug, city_ids, period_end::text, links FROM participation_measures WHERE id = ${id}`,
    ))!;
    assert.equal(m.slug, 'sensorik-script-alert-1-script-img-src-x-onerror-alert-2');
    assert.deepEqual([...m.city_ids].sort(), [aalen, heidenheim].sort(), 'maintaining city added');
    assert.equal(m.period_end, '2026-09-30');
    assert.deepEqual(m.links, [
      { label: 'Offene Daten', href: '/opendata' },
      { label: 'Datensatz', href: 'https://daten.example.org/luft' },
    ]);
    assert.equal((await audits('participation.measure.create', id)).length, 1);
    const pub = await get(`/heidenheim/massnahmen/${m.slug}`);
    assert.equal(pub.statusCode, 200);
    inert(pub.body);
    assert.match(pub.body, /Sensoren montiert/);
    const edit = await get(`/admin/beteiligung/massnahmen/${id}/bearbeiten?gespeichert=1`, edAalen);
    assert.match(edit.body, /Gespeichert\./);
    inert(edit.body);
    const ms = await rows<{ id: number; title: string }>(
      t.database.db,
      sql`SELECT id, title FROM participation_milestones WHERE measure_id = ${id} ORDER BY due_on`,
    );
    assert.equal(ms.length, 2);
    const edited = await post(edAalen, `/admin/beteiligung/massnahmen/${id}/bearbeiten`, {
      ...measure,
      title: 'Sensorik im Stadtgebiet',
      slug: m.slug,
      cityIds: [String(aalen)],
      status: 'in_umsetzung',
      progress: '40',
      'milestone-0-id': String(ms[0]!.id),
      'milestone-0-remove': '1',
      'milestone-1-id': String(ms[1]!.id),
      'milestone-2-title': 'Daten offen',
      'milestone-2-dueOn': '2026-03-31',
    });
    assert.equal(edited.statusCode, 303, edited.body.slice(0, 500));
    const after1 = (await one<{ status: string; progress: number; city_ids: number[] }>(
      t.database.db,
      sql`SELECT status, progress, city_ids FROM participation_measures WHERE id = ${id}`,
    ))!;
    assert.deepEqual(after1, { status: 'in_umsetzung', progress: 40, city_ids: [aalen] });
    const titles = await rows<{ id: number; title: string }>(
      t.database.db,
      sql`SELECT id, title FROM participation_milestones WHERE measure_id = ${id} ORDER BY due_on`,
    );
    assert.deepEqual(
      titles.map((x) => x.title),
      ['Sensoren montiert', 'Daten offen'],
    );
    assert.equal(titles[0]!.id, ms[1]!.id, 'the kept milestone keeps its id');
    assert.equal((await audits('participation.measure.edit', id)).length, 1);
  });

  test('measures: an update from the staff form lands in the timeline, notifies followers, is audited', async () => {
    const m = (await one<{ id: number; slug: string }>(
      t.database.db,
      sql`SELECT id, slug FROM participation_measures WHERE slug = 'urbane-datenplattform'`,
    ))!;
    await post(citizen, `/aalen/massnahmen/${m.slug}/folgen`, { on: '1' });
    const bad = await post(edAalen, `/admin/beteiligung/massnahmen/${m.id}`, {
      status: 'in_umsetzung',
      progress: '55',
      title: '',
      body: '',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /sp-error-summary/);
    const ok = await post(edAalen, `/admin/beteiligung/massnahmen/${m.id}`, {
      status: 'in_umsetzung',
      progress: '55',
      title: `Erste Daten offen ${XSS}`,
      body: 'Luftqualität jetzt im Katalog.',
    });
    assert.equal(ok.statusCode, 303);
    const pub = await get(`/aalen/massnahmen/${m.slug}`);
    assert.match(pub.body, /Erste Daten offen/);
    inert(pub.body);
    const note = await one<{ subject: string; text_body: string }>(
      t.database.db,
      sql`SELECT subject, text_body FROM participation_notifications WHERE user_id = ${citizen.userId}
          AND scope = ${`measure:${m.id}`}`,
    );
    assert.match(note!.text_body, /Luftqualität jetzt im Katalog\./);
    assert.equal((await audits('participation.measure.update', m.id)).length, 1);
    assert.equal((await get(`/admin/beteiligung/massnahmen/${m.id}`, edAalen)).statusCode, 200);
    const en = await get(`/en/admin/beteiligung/massnahmen/${m.id}/bearbeiten`, edAalen);
    assert.equal(en.statusCode, 200);
    assert.match(en.body, /Save measure/);
  });

  test('measures over the JSON API: create and replace with the form schema; 403 for another city; 422 with field errors', async () => {
    const api = (agent: Agent, method: 'POST' | 'PUT', url: string, payload: unknown) =>
      t.app.inject({
        method,
        url,
        headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrf },
        payload: payload as object,
      });
    const body = {
      cityId: aalen,
      cityIds: [aalen],
      slug: 'api-massnahme',
      title: 'Über die API angelegt',
      fieldOfAction: 'Verwaltung',
      periodStart: '2026-01',
      periodEnd: '2026-12',
      status: 'geplant',
      progress: 0,
      summary: '',
      description: '',
      responsibleOffice: 'Hauptamt',
      links: [{ label: 'Offene Daten', href: '/opendata' }],
      milestones: [{ id: null, title: 'Start', dueOn: '2026-01-15', doneOn: null }],
    };
    const created = await api(edAalen, 'POST', '/api/v1/participation/measures', body);
    assert.equal(created.statusCode, 201, created.body);
    const { id } = created.json() as { id: number };
    assert.equal((await audits('participation.measure.create', id)).length, 1);
    const replaced = await api(edAalen, 'PUT', `/api/v1/participation/measures/${id}`, {
      ...body,
      status: 'umgesetzt',
      progress: 100,
      milestones: [],
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    const json = (await get('/api/v1/participation/measures/api-massnahme')).json() as {
      status: string;
      milestones: unknown[];
    };
    assert.deepEqual([json.status, json.milestones.length], ['umgesetzt', 0]);
    const other = await api(edAalen, 'POST', '/api/v1/participation/measures', {
      ...body,
      cityId: heidenheim,
      slug: 'api-fremd',
    });
    assert.equal(other.statusCode, 403);
    const order = await api(edAalen, 'POST', '/api/v1/participation/measures', {
      ...body,
      slug: 'api-reihenfolge',
      periodStart: '2027-01',
    });
    assert.equal(order.statusCode, 422);
    assert.match(order.headers['content-type'] as string, /problem\+json/);
    assert.equal(
      (order.json() as { errors: Record<string, string> }).errors.periodEnd,
      'Das Ende liegt vor dem Beginn.',
    );
    const shape = await api(edAalen, 'POST', '/api/v1/participation/measures', { ...body, progress: 'viel' });
    assert.equal(shape.statusCode, 400);
  });

  test('measures: invalid input re-renders with the error summary (422) and saves nothing', async () => {
    const before = (await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM participation_measures`,
    ))!.n;
    const bad = await post(edAalen, '/admin/beteiligung/massnahmen/neu', {
      ...measure,
      cityId: String(aalen),
      title: 'x',
      periodStart: '2025-13',
      periodEnd: '2025-01',
      progress: '150',
      links: 'kaputt | javascript:alert(1)',
      'milestone-0-dueOn': 'gestern',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /class="kern-alert kern-alert--danger sp-error-summary"/);
    assert.match(bad.body, /Geben Sie einen Titel mit 3 bis 200 Zeichen ein/);
    assert.match(bad.body, /href="#f-periodStart"/);
    assert.match(bad.body, /Der Fortschritt ist eine ganze Zahl von 0 bis 100/);
    assert.match(bad.body, /href="#f-links"/);
    assert.match(bad.body, /href="#f-milestone-0-dueOn"/);
    assert.match(bad.body, /value="150"/, 'typed values stay');
    const order = await post(edAalen, '/admin/beteiligung/massnahmen/neu', {
      ...measure,
      cityId: String(aalen),
      title: 'Reihenfolge',
      periodStart: '2026-01',
      periodEnd: '2025-01',
    });
    assert.equal(order.statusCode, 422);
    assert.match(order.body, /Das Ende liegt vor dem Beginn/);
    const taken = await post(edAalen, '/admin/beteiligung/massnahmen/neu', {
      ...measure,
      cityId: String(aalen),
      slug: 'maengelmelder',
    });
    assert.equal(taken.statusCode, 422);
    assert.match(taken.body, /URL-Kürzel ist schon vergeben/);
    assert.equal(
      (await one<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM participation_measures`))!
        .n,
      before,
    );
  });

  test('measures: an Aalen editor gets 403 on a Heidenheim measure and cannot create for Heidenheim', async () => {
    const hdh = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM participation_measures WHERE city_id = ${heidenheim} ORDER BY id LIMIT 1`,
    ))!.id;
    assert.equal((await get(`/admin/beteiligung/massnahmen/${hdh}/bearbeiten`, edAalen)).statusCode, 403);
    assert.equal(
      (await post(edAalen, `/admin/beteiligung/massnahmen/${hdh}/bearbeiten`, { ...measure, slug: 'x-y' }))
        .statusCode,
      403,
    );
    const other = await post(edAalen, '/admin/beteiligung/massnahmen/neu', {
      ...measure,
      cityId: String(heidenheim),
      slug: 'fremde-stadt',
    });
    assert.equal(other.statusCode, 422);
    assert.match(other.body, /Wählen Sie eine Stadt, für die Sie zuständig sind/);
    assert.equal((await get('/admin/beteiligung/massnahmen/neu', citizen)).statusCode, 403);
    assert.equal((await get('/admin/beteiligung/massnahmen/neu')).statusCode, 303, 'anonymous → login');
    // Region-wide editors edit everywhere.
    assert.equal((await get(`/admin/beteiligung/massnahmen/${hdh}/bearbeiten`, edRegion)).statusCode, 200);
  });

  test('processes: phases with allowed actions, pre-moderation; overlap refused; other city 403', async () => {
    const page = await get('/admin/beteiligung/verfahren/neu', edAalen);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Bewerten \(unterstützen, kommentieren\)/);
    const data = {
      cityId: String(aalen),
      title: `Radwege ${XSS}`,
      slug: 'radwege',
      description: 'Wo fehlen Radwege?',
      categories: 'Radweg\nAbstellanlage',
      premoderation: '1',
      'phase-0-kind': 'collect',
      'phase-0-title': 'Ideen sammeln',
      'phase-0-startsOn': '2026-01-01',
      'phase-0-endsOn': '2026-01-31',
      'phase-1-kind': 'rate',
      'phase-1-title': 'Bewerten',
      'phase-1-startsOn': '2026-02-01',
      'phase-1-endsOn': '2026-02-28',
    };
    const overlap = await post(edAalen, '/admin/beteiligung/verfahren/neu', {
      ...data,
      'phase-1-startsOn': '2026-01-15',
    });
    assert.equal(overlap.statusCode, 422);
    assert.match(overlap.body, /Phase 2 beginnt, bevor Phase 1 endet/);
    assert.match(overlap.body, /href="#f-phase-1-startsOn"/);
    const none = await post(edAalen, '/admin/beteiligung/verfahren/neu', {
      cityId: String(aalen),
      title: 'Ohne Phasen',
    });
    assert.equal(none.statusCode, 422);
    assert.match(none.body, /mindestens eine Phase/);
    const ok = await post(edAalen, '/admin/beteiligung/verfahren/neu', data);
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
    const id = idFrom(ok.headers.location);
    const phases = await rows<{ kind: string; starts_at: Date; ends_at: Date }>(
      t.database.db,
      sql`SELECT kind, starts_at, ends_at FROM participation_phases WHERE process_id = ${id} ORDER BY starts_at`,
    );
    assert.deepEqual(
      phases.map((p) => p.kind),
      ['collect', 'rate'],
    );
    assert.equal(new Date(phases[0]!.starts_at).getTime(), berlinMidnight('2026-01-01').getTime());
    assert.equal(new Date(phases[0]!.ends_at).getTime(), berlinMidnight('2026-02-01').getTime());
    assert.equal(new Date(phases[0]!.starts_at).toISOString(), '2025-12-31T23:00:00.000Z');
    const pub = await get('/aalen/beteiligung/radwege');
    assert.equal(pub.statusCode, 200);
    inert(pub.body);
    assert.equal((await audits('participation.process.create', id)).length, 1);
    const edit = await get(`/admin/beteiligung/verfahren/${id}/bearbeiten`, edAalen);
    assert.match(edit.body, /value="2026-01-31"/, 'last day shown as entered');
    const off = await post(edAalen, `/admin/beteiligung/verfahren/${id}/bearbeiten`, {
      ...data,
      premoderation: '',
    });
    assert.equal(off.statusCode, 303);
    assert.equal(
      (await one<{ p: boolean }>(
        t.database.db,
        sql`SELECT premoderation AS p FROM participation_processes WHERE id = ${id}`,
      ))!.p,
      false,
    );
    assert.equal((await audits('participation.process.edit', id)).length, 1);
    const hdh = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM participation_processes WHERE slug = 'stadtklima'`,
    ))!.id;
    assert.equal((await get(`/admin/beteiligung/verfahren/${hdh}/bearbeiten`, edAalen)).statusCode, 403);
    assert.equal(
      (await post(edAalen, `/admin/beteiligung/verfahren/${hdh}/bearbeiten`, data)).statusCode,
      403,
    );
  });

  const survey = {
    title: `Umfrage ${XSS}`,
    slug: 'umfrage-test',
    description: 'Kurz',
    mode: 'token',
    liveResults: '1',
    opensOn: '2020-01-01',
    closesOn: '2099-12-31',
    'question-0-kind': 'single',
    'question-0-prompt': `Wie oft ${XSS}?`,
    'question-0-options': 'täglich\nselten',
    'question-0-required': '1',
    'question-1-kind': 'multiple',
    'question-1-prompt': 'Womit?',
    'question-1-options': 'Rad\nBus\nAuto',
    'question-2-kind': 'text',
    'question-2-prompt': 'Was noch?',
    'question-3-kind': 'scale',
    'question-3-prompt': 'Wie zufrieden?',
    'question-4-kind': 'ranking',
    'question-4-prompt': 'Was zuerst?',
    'question-4-options': 'Radwege\nBusse\nParkplätze',
  };

  test('surveys: five question kinds; options required for choices; questions frozen once answered', async () => {
    const bad = await post(edAalen, '/admin/beteiligung/umfragen/neu', {
      ...survey,
      cityId: String(aalen),
      'question-0-options': 'nur eine',
      closesOn: '2019-01-01',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Frage 1 braucht mindestens zwei Antwortmöglichkeiten/);
    assert.match(bad.body, /Der letzte Tag liegt vor dem ersten/);
    const ok = await post(edAalen, '/admin/beteiligung/umfragen/neu', { ...survey, cityId: String(aalen) });
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
    const id = idFrom(ok.headers.location);
    const qs = await rows<{ kind: string; options: string[]; required: boolean }>(
      t.database.db,
      sql`SELECT kind, options, required FROM participation_survey_questions WHERE survey_id = ${id} ORDER BY position`,
    );
    assert.deepEqual(
      qs.map((q) => [q.kind, q.options.length, q.required]),
      [
        ['single', 2, true],
        ['multiple', 3, false],
        ['text', 0, false],
        ['scale', 0, false],
        ['ranking', 3, false],
      ],
    );
    assert.equal((await audits('participation.survey.create', id)).length, 1);
    const pub = await get('/aalen/umfragen/umfrage-test');
    assert.equal(pub.statusCode, 200);
    inert(pub.body);
    // Before any response the questions can change.
    const changed = await post(edAalen, `/admin/beteiligung/umfragen/${id}/bearbeiten`, {
      ...survey,
      'question-4-prompt': '',
      'question-4-options': '',
    });
    assert.equal(changed.statusCode, 303);
    await t.database.db.execute(
      sql`INSERT INTO participation_survey_responses (survey_id, answers) VALUES (${id}, '{}'::jsonb)`,
    );
    const frozen = await get(`/admin/beteiligung/umfragen/${id}/bearbeiten`, edAalen);
    assert.match(frozen.body, /1 Antworten liegen vor\. Die Fragen können nicht mehr geändert werden/);
    assert.doesNotMatch(frozen.body, /name="question-0-prompt"/);
    const refused = await post(edAalen, `/admin/beteiligung/umfragen/${id}/bearbeiten`, survey);
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /weil schon Antworten vorliegen/);
    const retitled = await post(edAalen, `/admin/beteiligung/umfragen/${id}/bearbeiten`, {
      title: 'Neuer Titel',
      slug: 'umfrage-test',
      description: '',
      liveResults: '0',
      opensOn: '2020-01-01',
      closesOn: '2099-12-31',
    });
    assert.equal(retitled.statusCode, 303, retitled.body.slice(0, 600));
    assert.equal(
      (await one<{ n: number }>(
        t.database.db,
        sql`SELECT count(*)::int AS n FROM participation_survey_questions WHERE survey_id = ${id}`,
      ))!.n,
      4,
    );
    const hdh = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM participation_surveys WHERE slug = 'mobilitaet-innenstadt'`,
    ))!.id;
    assert.equal((await get(`/admin/beteiligung/umfragen/${hdh}/bearbeiten`, edAalen)).statusCode, 403);
  });

  test('Fragestunden: create, edit state; invalid time re-rendered; other city 403', async () => {
    const bad = await post(edAalen, '/admin/beteiligung/fragestunde/neu', {
      cityId: String(aalen),
      title: 'Fragestunde Herbst',
      heldOn: '2026-10-01',
      heldTime: '25:00',
      state: 'open',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Uhrzeit im Format HH:MM/);
    const ok = await post(edAalen, '/admin/beteiligung/fragestunde/neu', {
      cityId: String(aalen),
      title: `Fragestunde Herbst ${XSS}`,
      slug: 'fragestunde-herbst',
      heldOn: '2026-10-01',
      heldTime: '18:30',
      state: 'open',
    });
    assert.equal(ok.statusCode, 303);
    const id = idFrom(ok.headers.location);
    const s = (await one<{ held_at: Date; state: string }>(
      t.database.db,
      sql`SELECT held_at, state FROM participation_question_sessions WHERE id = ${id}`,
    ))!;
    assert.equal(new Date(s.held_at).toISOString(), '2026-10-01T16:30:00.000Z');
    inert((await get('/aalen/fragestunde/fragestunde-herbst')).body);
    const edit = await post(edAalen, `/admin/beteiligung/fragestunde/${id}/bearbeiten`, {
      title: 'Fragestunde Herbst',
      slug: 'fragestunde-herbst',
      heldOn: '2026-10-01',
      heldTime: '18:30',
      state: 'live',
    });
    assert.equal(edit.statusCode, 303);
    assert.equal((await audits('participation.session.edit', id)).length, 1);
    const hdh = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM participation_question_sessions WHERE slug = 'fragestunde-fruehjahr'`,
    ))!.id;
    assert.equal((await get(`/admin/beteiligung/fragestunde/${hdh}/bearbeiten`, edAalen)).statusCode, 403);
    const overview = await get('/admin/beteiligung', edAalen);
    assert.match(overview.body, /\/admin\/beteiligung\/fragestunde\/\d+\/bearbeiten/);
    assert.match(overview.body, /Neue Umfrage/);
  });

  test('region measures page: all cities, filters by field, city and status, progress summary; linked in the navigation', async () => {
    const all = await get('/massnahmen');
    assert.equal(all.statusCode, 200);
    assert.match(all.body, /<h1[^>]*>Maßnahmen der Region</);
    assert.match(all.body, /Stand nach Handlungsfeld/);
    const total = (await listMeasures(t.database.db)).length;
    assert.match(all.body, new RegExp(`${total} Maßnahmen`));
    assert.match(all.body, /href="\/aalen\/massnahmen\/parkleitsystem-aalen"/);
    const hdhOnly = await one<{ slug: string }>(
      t.database.db,
      sql`SELECT slug FROM participation_measures WHERE city_ids = ARRAY[${heidenheim}::int] LIMIT 1`,
    );
    if (hdhOnly) assert.match(all.body, new RegExp(`href="/heidenheim/massnahmen/${hdhOnly.slug}"`));

    const hdh = await get('/massnahmen?stadt=heidenheim');
    const expected = await listMeasures(t.database.db, { cityId: heidenheim });
    assert.match(hdh.body, new RegExp(`${expected.length} Maßnahmen`));
    assert.doesNotMatch(hdh.body, /Parkleitsystem/, 'Aalen-only measure filtered out');
    assert.match(hdh.body, /<option value="heidenheim" selected/);

    const m = expected.find((x) => x.status === 'in_umsetzung')!;
    const both = await get(
      `/massnahmen?feld=${encodeURIComponent(m.field_of_action)}&status=in_umsetzung&stadt=heidenheim`,
    );
    const narrow = await listMeasures(t.database.db, {
      cityId: heidenheim,
      field: m.field_of_action,
      status: 'in_umsetzung',
    });
    assert.ok(narrow.length >= 1 && narrow.length < total);
    assert.match(both.body, new RegExp(`${narrow.length} Maßnahmen`));
    for (const x of narrow) assert.ok(both.body.includes(x.slug));
    const unknown = await get('/massnahmen?stadt=atlantis&status=bogus');
    assert.match(unknown.body, new RegExp(`${total} Maßnahmen`), 'unknown filters are ignored');

    const en = await get('/en/massnahmen?stadt=aalen');
    assert.equal(en.statusCode, 200);
    assert.match(en.body, /Measures of the region/);
    const start = await get('/');
    assert.match(start.body, /<a href="\/massnahmen"[^>]*>Maßnahmen</);
  });

  test('follow a Fragestunde: followers hear when it goes live and when a question is answered', async () => {
    const follower = await userAgent(t);
    const path = '/aalen/fragestunde/fragestunde-oberbuergermeister';
    const session = (await one<{ id: number; state: string }>(
      t.database.db,
      sql`SELECT id, state FROM participation_question_sessions WHERE slug = 'fragestunde-oberbuergermeister'`,
    ))!;
    assert.match((await get(path, follower)).body, /Fragestunde folgen/);
    assert.doesNotMatch((await get(path)).body, /Fragestunde folgen/, 'only for signed-in people');
    const anon = await t.app.inject({ method: 'POST', url: `${path}/folgen` });
    assert.equal(anon.statusCode, 303, 'anonymous: to the login');
    assert.match(String(anon.headers.location), /^\/login/);
    const f = await post(follower, `${path}/folgen`, { on: '1' });
    assert.equal(f.statusCode, 303);
    assert.match(String(f.headers.location), /ok=gespeichert#folgen/);
    const page = await get(path, follower);
    assert.match(page.body, /aria-pressed="true"[^>]*><span class="kern-label">Nicht mehr folgen/);

    const news = () =>
      rows<{ text_body: string; scope: string }>(
        t.database.db,
        sql`SELECT text_body, scope FROM participation_notifications WHERE user_id = ${follower.userId} ORDER BY id`,
      );
    assert.equal(session.state, 'open');
    const live = await post(modAalen, `/admin/beteiligung/fragestunde/${session.id}`, {
      [`state-${session.id}`]: 'live',
    });
    assert.equal(live.statusCode, 303);
    const q = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id::int FROM participation_questions WHERE session_id = ${session.id} AND status = 'approved' LIMIT 1`,
    ))!;
    await post(modAalen, `/admin/beteiligung/fragen/${q.id}`, {
      action: 'answer',
      [`answer-${q.id}`]: 'Im Frühjahr.',
    });
    const got = await news();
    assert.equal(got.length, 2);
    assert.ok(got.every((n) => n.scope === `session:${session.id}`));
    assert.match(got[0]!.text_body, /läuft jetzt[\s\S]*\/aalen\/fragestunde\/fragestunde-oberbuergermeister/);
    assert.match(got[1]!.text_body, /Antwort: Im Frühjahr\./);
    // A follower who never opened the notification settings still gets the mail.
    const mails = await deliverNotifications(t.database.db, 'http://localhost');
    assert.ok(mails >= 1, `${mails} mails`);
    const mail = await one<{ subject: string; text_body: string }>(
      t.database.db,
      sql`SELECT subject, text_body FROM mail_outbox WHERE purpose = 'participation_notification'
          AND to_address = (SELECT email FROM users WHERE id = ${follower.userId})`,
    );
    assert.match(mail!.subject, /2 Neuigkeiten: Neuigkeit zur Fragestunde/);
    assert.match(mail!.text_body, /Abmelden: http:\/\/localhost\/beteiligung\/abmelden\/[0-9a-f]{64}/);

    await post(follower, `${path}/folgen`, { on: '0' });
    await post(modAalen, `/admin/beteiligung/fragestunde/${session.id}`, { [`state-${session.id}`]: 'open' });
    assert.equal((await news()).length, 2, 'no news after unfollowing');
  });

  test('comments on a published Mängelmelder report: thread on the report page, moderated by the city', async () => {
    await seedReports(t.database.db);
    const [r, hidden] = await rows<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM reports WHERE city_id = ${aalen} AND published_at IS NOT NULL ORDER BY id LIMIT 2`,
    );
    const path = `/aalen/maengel/${r!.id}`;
    assert.match((await get(path, citizen)).body, /Kommentar senden/);
    const c = await post(citizen, '/beteiligung/kommentare', {
      targetKind: 'report',
      targetId: String(r!.id),
      return: path,
      body: `Hier ist es auch gefährlich ${XSS}`,
    });
    assert.equal(c.statusCode, 303);
    assert.ok(String(c.headers.location).startsWith(`${path}?ok=kommentar#kommentar-`));
    const id = Number(/kommentar-(\d+)/.exec(String(c.headers.location))![1]);
    const page = await get(path);
    assert.match(page.body, /Hier ist es auch gefährlich/);
    inert(page.body);
    // The city's moderators look after it: flagged, it is in the Aalen queue; hidden, the reason shows.
    await post(citizen, `/beteiligung/kommentare/${id}/melden`, { reason: 'Test', return: path });
    assert.match((await get('/admin/beteiligung', modAalen)).body, new RegExp(`id="k-${id}"`));
    await post(modAalen, `/admin/beteiligung/kommentare/${id}`, {
      action: 'hide',
      [`reason-${id}`]: 'Doppelt gemeldet',
    });
    assert.match((await get(path)).body, /Von der Moderation ausgeblendet\. Grund: Doppelt gemeldet/);
    // An unpublished report has no public discussion.
    await t.database.db.execute(sql`UPDATE reports SET published_at = NULL WHERE id = ${hidden!.id}`);
    const refused = await post(citizen, '/beteiligung/kommentare', {
      targetKind: 'report',
      targetId: String(hidden!.id),
      return: path,
      body: 'Geht das?',
    });
    assert.equal(refused.statusCode, 404);
    const api = await get(`/api/v1/participation/comments?targetKind=report&targetId=${r!.id}`);
    assert.equal(api.statusCode, 200);
    const mine = (
      api.json() as { comments: { id: number; body: string | null; status: string }[] }
    ).comments.find((x) => x.id === id)!;
    assert.deepEqual([mine.status, mine.body], ['hidden', null]);
    const viaApi = await t.app.inject({
      method: 'POST',
      url: '/api/v1/participation/comments',
      headers: { cookie: citizen.cookie, 'x-csrf-token': citizen.csrf },
      payload: { targetKind: 'report', targetId: hidden!.id, body: 'Über die API' },
    });
    assert.equal(viaApi.statusCode, 404);
    assert.equal(
      (await get(`/api/v1/participation/comments?targetKind=report&targetId=${hidden!.id}`)).statusCode,
      404,
    );
  });
});

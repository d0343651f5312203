import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { rows, sql } from '../../platform/db/index.ts';
import { seedDirectory } from './seed.ts';
import { getOfferBySlug } from './service.ts';
import { offerInput } from './test-fixtures.ts';
import { JSON_FORMAT } from './transfer.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };

/** A complete, valid offer as the admin form sends it. */
function offerForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    kind: 'counselling',
    status: 'draft',
    title: 'Energieberatung im Rathaus',
    slug: '',
    summary: 'Kostenlose Beratung zum Energiesparen für Mieter und Eigentümer.',
    body: '## Ablauf\n\nTermin vereinbaren.',
    easyLanguage: '',
    categories: ['umwelt', 'bauen'],
    lifeSituations: ['bauen'],
    targetGroups: ['buerger'],
    tags: 'Energie, Heizung',
    provider: 'Stadtwerke',
    'contact.phone': '07361 52-0',
    'contact.email': '',
    'contact.website': '',
    'address.street': '',
    'address.postalCode': '',
    'address.locality': '',
    'location.lat': '',
    'location.lon': '',
    openingHours: '',
    'accessibility.stepFree': '',
    'accessibility.toilet': '',
    'accessibility.hearingLoop': '',
    onlineServiceUrl: '',
    leikaKey: '',
    lastReviewed: '',
    ...overrides,
  };
}

function apiOffer(overrides: Record<string, unknown> = {}) {
  return offerInput({
    slug: 'api-angebot',
    title: 'Beratung per API',
    summary: 'Eine Beratung, die über die Schnittstelle angelegt wurde.',
    ...overrides,
  });
}

/** multipart/form-data body with text fields and at most one file. */
function multipart(fields: Record<string, string>, file?: { name: string; type: string; content: string }) {
  const boundary = `----sp${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  if (file) {
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n${file.content}\r\n`,
    );
  }
  return {
    payload: `${parts.join('')}--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
  };
}

describe('directory staff pages and APIs', () => {
  let t: TestApp;
  let aalenEditor: Agent;
  let heidenheimEditor: Agent;
  let regionEditor: Agent;
  let citizen: Agent;
  let aalen: number;
  let heidenheim: number;
  let heidenheimOfferId: string;
  let aalenOfferId: string;

  before(async () => {
    t = await testApp();
    await seedDirectory(t.database.db);
    aalen = await cityId(t.database, 'aalen');
    heidenheim = await cityId(t.database, 'heidenheim');
    aalenEditor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    heidenheimEditor = await userAgent(t, [{ role: 'editor', city: 'heidenheim' }]);
    regionEditor = await userAgent(t, [{ role: 'editor', city: null }]);
    citizen = await userAgent(t, []);
    heidenheimOfferId = (await getOfferBySlug(t.database.db, heidenheim, 'wohngeld'))!.id;
    aalenOfferId = (await getOfferBySlug(t.database.db, aalen, 'hundesteuer'))!.id;
  });
  after(async () => t.close());

  const get = (url: string, agent?: Agent) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: agent ? { cookie: agent.cookie, accept: 'text/html' } : { accept: 'text/html' },
    });
  const post = (
    url: string,
    agent: Agent | undefined,
    data: Record<string, string | string[]>,
    csrf = true,
  ) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...FORM, ...(agent ? { cookie: agent.cookie } : {}) },
      payload: form(csrf && agent ? { ...data, _csrf: agent.csrf } : data),
    });
  const api = (
    method: 'POST' | 'PUT' | 'DELETE',
    url: string,
    agent: Agent | undefined,
    body?: unknown,
    csrf = true,
  ) =>
    t.app.inject({
      method,
      url,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(agent ? { cookie: agent.cookie } : {}),
        ...(agent && csrf ? { 'x-csrf-token': agent.csrf } : {}),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  async function auditActions(entityId: string): Promise<string[]> {
    const r = await rows<{ action: string }>(
      t.database.db,
      sql`SELECT action FROM audit_log WHERE entity_id = ${entityId} ORDER BY id`,
    );
    return r.map((x) => x.action);
  }

  // ---- access ----

  test('anonymous visitors are sent to the login; citizens get 403', async () => {
    const anon = await get('/admin/angebote');
    assert.equal(anon.statusCode, 303);
    assert.match(anon.headers.location as string, /^\/login\?next=%2Fadmin%2Fangebote/);
    assert.equal((await get('/admin/angebote', citizen)).statusCode, 403);
    assert.equal((await get('/admin/angebote/neu', citizen)).statusCode, 403);
    assert.equal((await get(`/admin/angebote/${aalenOfferId}`, citizen)).statusCode, 403);
  });

  test('the list shows only the editor’s own city; search, city and status filters work', async () => {
    const res = await get('/admin/angebote', aalenEditor);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Hundesteuer/);
    assert.doesNotMatch(res.body, /Wohngeld – Zuschuss zur Miete/, 'a Heidenheim offer');
    assert.match(res.body, /<h1[^>]*>Angebote &amp; Dienste<\/h1>/);

    const search = await get('/admin/angebote?q=hunde', aalenEditor);
    assert.match(search.body, /Hundesteuer/);
    assert.doesNotMatch(search.body, /Bürgerbüro im Rathaus Aalen/);
    assert.match(search.body, />1 Treffer</);

    // Region editors see everything, and can narrow it down.
    const region = await get('/admin/angebote?stadt=heidenheim&q=wohngeld', regionEditor);
    assert.match(region.body, /Wohngeld – Zuschuss zur Miete/);
    assert.doesNotMatch(region.body, /Wohngeld beantragen/, 'the Aalen one is filtered out');
    const drafts = await get('/admin/angebote?status=draft', regionEditor);
    assert.match(drafts.body, />0 Treffer</);
    // An Aalen editor asking for Heidenheim gets nothing, not Heidenheim's offers.
    const other = await get('/admin/angebote?stadt=heidenheim', aalenEditor);
    assert.match(other.body, /Keine Angebote gefunden/);
    // A LIKE wildcard is a literal character.
    const wildcard = await get('/admin/angebote?q=%25', aalenEditor);
    assert.match(wildcard.body, /Keine Angebote gefunden/);
  });

  test('create: the form offers only editable cities; success redirects with a notice; audited', async () => {
    const page = await get('/admin/angebote/neu', aalenEditor);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<option value="aalen"/);
    assert.doesNotMatch(page.body, /<option value="heidenheim"/);
    assert.doesNotMatch(page.body, /<option value="region"/);
    assert.match(page.body, /name="_csrf"/);
    const regionPage = await get('/admin/angebote/neu', regionEditor);
    assert.match(regionPage.body, /<option value="region"/);
    assert.match(regionPage.body, /<option value="heidenheim"/);

    const res = await post('/admin/angebote/neu', aalenEditor, offerForm({ city: 'aalen' }));
    assert.equal(res.statusCode, 303, res.body);
    const location = res.headers.location as string;
    assert.match(location, /^\/admin\/angebote\/[0-9a-f-]{36}\?angelegt=1$/);
    const created = await getOfferBySlug(t.database.db, aalen, 'energieberatung-im-rathaus');
    assert.ok(created, 'slug derived from the title');
    assert.deepEqual(created.tags, ['Energie', 'Heizung']);
    assert.deepEqual(created.contact, { phone: '07361 52-0' });
    assert.equal(created.status, 'draft');
    const next = await get(location, aalenEditor);
    assert.equal(next.statusCode, 200);
    assert.match(next.body, /Das Angebot wurde angelegt/);
    assert.match(next.body, /value="Energie, Heizung"/);
    assert.deepEqual(await auditActions(created.id), ['offer.create']);

    const forbidden = await post(
      '/admin/angebote/neu',
      aalenEditor,
      offerForm({ city: 'heidenheim', slug: 'x-1' }),
    );
    assert.equal(forbidden.statusCode, 403);
    assert.equal(await getOfferBySlug(t.database.db, heidenheim, 'x-1'), undefined);
    const regionWide = await post(
      '/admin/angebote/neu',
      aalenEditor,
      offerForm({ city: 'region', slug: 'x-2' }),
    );
    assert.equal(regionWide.statusCode, 403);
  });

  test('validation: 422 page with error summary, field errors and everything typed kept', async () => {
    const typed = offerForm({
      city: 'aalen',
      title: 'ab',
      slug: 'Ungültig Kürzel',
      summary: 'Kurztext, der lang genug ist, aber mit falscher Adresse.',
      body: 'Mein **langer** Text\nmit zwei Zeilen <b>und</b> "Zeichen" & mehr',
      kind: 'facility',
      'contact.email': 'keine-mail',
      'address.street': 'Marktplatz 1',
      'address.postalCode': '123',
      'address.locality': 'Aalen',
      'location.lat': 'achtundvierzig',
      'location.lon': '10.09',
      openingHours: 'immer offen',
      'accessibility.stepFree': 'nein',
      categories: [],
      lifeSituations: ['umzug'],
      tags: 'eins, zwei',
      leikaKey: '123',
    });
    const res = await post('/admin/angebote/neu', aalenEditor, typed);
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /class="kern-alert kern-alert--danger sp-error-summary"/);
    for (const [id, message] of [
      ['f-title', 'Titel mit 3 bis 120 Zeichen'],
      ['f-slug', 'URL-Kürzel aus Kleinbuchstaben'],
      ['f-contact-email', 'name@beispiel.de'],
      ['f-address-postalCode', 'fünfstellige Postleitzahl'],
      ['f-location', 'Breiten- und Längengrad als Zahlen'],
      ['f-categories', 'Wählen Sie mindestens eine Kategorie aus'],
      ['f-leikaKey', 'genau 14 Ziffern'],
    ] as const) {
      assert.match(res.body, new RegExp(`href="#${id}">[^<]*${message}`), id);
      assert.match(res.body, new RegExp(`id="${id}"`), `${id} exists`);
    }
    // Every value comes back as typed (escaped).
    assert.match(res.body, /value="ab"/);
    assert.match(res.body, /value="Ungültig Kürzel"/);
    assert.match(res.body, /value="keine-mail"/);
    assert.match(res.body, /value="123"/);
    assert.match(res.body, /value="achtundvierzig"/);
    assert.match(res.body, /value="immer offen"/);
    assert.match(res.body, /value="eins, zwei"/);
    assert.match(
      res.body,
      /Mein \*\*langer\*\* Text\nmit zwei Zeilen &lt;b>und&lt;\/b> (&quot;|")Zeichen(&quot;|") &amp; mehr<\/textarea>/,
    );
    assert.match(res.body, /<option value="facility" selected/);
    assert.match(res.body, /<option value="nein" selected/);
    assert.match(res.body, /value="umzug" checked/);
    assert.equal((await rows(t.database.db, sql`SELECT 1 FROM offers WHERE title = 'ab'`)).length, 0);
  });

  test('edit: own city 200 and saved with a notice; another city’s offer is 403 for page and post', async () => {
    const page = await get(`/admin/angebote/${aalenOfferId}`, aalenEditor);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="slug" value="hundesteuer"/);
    assert.equal((await get(`/admin/angebote/${heidenheimOfferId}`, aalenEditor)).statusCode, 403);
    assert.equal((await get(`/admin/angebote/${heidenheimOfferId}/loeschen`, aalenEditor)).statusCode, 403);
    const before = await getOfferBySlug(t.database.db, heidenheim, 'wohngeld');
    const hostile = await post(
      `/admin/angebote/${heidenheimOfferId}`,
      aalenEditor,
      offerForm({ title: 'Gekapert', slug: 'wohngeld' }),
    );
    assert.equal(hostile.statusCode, 403);
    const hostileStatus = await post(`/admin/angebote/${heidenheimOfferId}/status`, aalenEditor, {
      status: 'draft',
    });
    assert.equal(hostileStatus.statusCode, 403);
    const hostileDelete = await post(`/admin/angebote/${heidenheimOfferId}/loeschen`, aalenEditor, {});
    assert.equal(hostileDelete.statusCode, 403);
    assert.deepEqual(await getOfferBySlug(t.database.db, heidenheim, 'wohngeld'), before);
    assert.equal(
      (await get('/admin/angebote/00000000-0000-0000-0000-000000000000', aalenEditor)).statusCode,
      404,
    );

    // Region editors may edit both cities.
    const region = await get(`/admin/angebote/${heidenheimOfferId}`, regionEditor);
    assert.equal(region.statusCode, 200);

    const offer = (await getOfferBySlug(t.database.db, aalen, 'hundesteuer'))!;
    const values = {
      kind: offer.kind,
      status: offer.status,
      title: 'Hundesteuer an- und abmelden',
      slug: offer.slug,
      summary: offer.summary,
      body: offer.body,
      easyLanguage: offer.easyLanguage,
      categories: offer.categories,
      lifeSituations: offer.lifeSituations,
      targetGroups: offer.targetGroups,
      tags: offer.tags.join(', '),
      provider: offer.provider,
      'contact.phone': offer.contact.phone ?? '',
      'contact.email': offer.contact.email ?? '',
      'contact.website': offer.contact.website ?? '',
      onlineServiceUrl: offer.onlineServiceUrl ?? '',
      leikaKey: offer.leikaKey ?? '',
      lastReviewed: offer.lastReviewed ?? '',
    };
    const res = await post(`/admin/angebote/${offer.id}`, aalenEditor, values);
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `/admin/angebote/${offer.id}?gespeichert=1`);
    const saved = (await getOfferBySlug(t.database.db, aalen, 'hundesteuer'))!;
    assert.equal(saved.title, 'Hundesteuer an- und abmelden');
    assert.deepEqual(saved.tags, offer.tags);
    assert.equal(saved.body, offer.body);
    assert.match(
      (await get(res.headers.location as string, aalenEditor)).body,
      /Ihre Änderungen wurden gespeichert/,
    );
    assert.deepEqual(await auditActions(offer.id), ['offer.update']);
  });

  test('publish / unpublish and delete with a confirmation page', async () => {
    const created = await post(
      '/admin/angebote/neu',
      aalenEditor,
      offerForm({ city: 'aalen', slug: 'zu-loeschen' }),
    );
    assert.equal(created.statusCode, 303);
    const id = (created.headers.location as string).split('/')[3]!.split('?')[0]!;

    const publish = await post(`/admin/angebote/${id}/status`, aalenEditor, { status: 'published' });
    assert.equal(publish.statusCode, 303);
    assert.equal(publish.headers.location, `/admin/angebote/${id}?veroeffentlicht=1`);
    assert.equal((await getOfferBySlug(t.database.db, aalen, 'zu-loeschen'))?.status, 'published');
    assert.equal((await get('/aalen/angebote/zu-loeschen')).statusCode, 200);
    const unpublish = await post(`/admin/angebote/${id}/status`, aalenEditor, { status: 'draft' });
    assert.equal(unpublish.headers.location, `/admin/angebote/${id}?zurueckgezogen=1`);
    assert.equal((await get('/aalen/angebote/zu-loeschen')).statusCode, 404);
    assert.match((await get(unpublish.headers.location as string, aalenEditor)).body, /jetzt ein Entwurf/);

    const confirm = await get(`/admin/angebote/${id}/loeschen`, aalenEditor);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /endgültig gelöscht/);
    assert.match(confirm.body, new RegExp(`action="/admin/angebote/${id}/loeschen"`));
    const del = await post(`/admin/angebote/${id}/loeschen`, aalenEditor, {});
    assert.equal(del.statusCode, 303);
    assert.equal(del.headers.location, '/admin/angebote?geloescht=1');
    assert.equal(await getOfferBySlug(t.database.db, aalen, 'zu-loeschen'), undefined);
    assert.match((await get('/admin/angebote?geloescht=1', aalenEditor)).body, /Das Angebot wurde gelöscht/);
    assert.deepEqual(await auditActions(id), [
      'offer.create',
      'offer.update',
      'offer.update',
      'offer.delete',
    ]);
  });

  test('CSRF: a staff form post without _csrf is 403; a JSON write with session but no header is 403', async () => {
    const res = await post(
      '/admin/angebote/neu',
      aalenEditor,
      offerForm({ city: 'aalen', slug: 'ohne-token' }),
      false,
    );
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Formular ist abgelaufen/);
    const wrong = await post(
      `/admin/angebote/${aalenOfferId}/loeschen`,
      aalenEditor,
      { _csrf: heidenheimEditor.csrf },
      false,
    );
    assert.equal(wrong.statusCode, 403);
    assert.ok(await getOfferBySlug(t.database.db, aalen, 'hundesteuer'));

    const json = await api(
      'POST',
      '/api/v1/offers',
      aalenEditor,
      { city: 'aalen', ...apiOffer({ slug: 'ohne-header' }) },
      false,
    );
    assert.equal(json.statusCode, 403);
    assert.match(json.headers['content-type'] as string, /problem\+json/);
    const put = await api('PUT', `/api/v1/offers/${aalenOfferId}`, aalenEditor, apiOffer(), false);
    assert.equal(put.statusCode, 403);
    const del = await api('DELETE', `/api/v1/offers/${aalenOfferId}`, aalenEditor, undefined, false);
    assert.equal(del.statusCode, 403);
    const imp = await t.app.inject({
      method: 'POST',
      url: '/api/v1/offers/import?city=aalen',
      headers: { 'content-type': 'application/json', cookie: aalenEditor.cookie },
      payload: JSON.stringify({ format: JSON_FORMAT, leistungen: [] }),
    });
    assert.equal(imp.statusCode, 403);
    // The multipart import form takes its token from the URL.
    const { payload, headers } = multipart({ city: 'aalen', format: 'json', text: '{}' });
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/admin/angebote/import',
      headers: { ...headers, cookie: aalenEditor.cookie },
      payload,
    });
    assert.equal(noToken.statusCode, 403);
  });

  test('API role isolation: 401 anonymous, 403 for another city, region editors write both', async () => {
    assert.equal(
      (await api('POST', '/api/v1/offers', undefined, { city: 'aalen', ...apiOffer() })).statusCode,
      401,
    );
    assert.equal((await api('PUT', `/api/v1/offers/${aalenOfferId}`, undefined, apiOffer())).statusCode, 401);
    assert.equal((await api('DELETE', `/api/v1/offers/${aalenOfferId}`, undefined)).statusCode, 401);

    const put = await api(
      'PUT',
      `/api/v1/offers/${heidenheimOfferId}`,
      aalenEditor,
      apiOffer({ slug: 'wohngeld' }),
    );
    assert.equal(put.statusCode, 403);
    assert.match(put.headers['content-type'] as string, /problem\+json/);
    assert.equal((await api('DELETE', `/api/v1/offers/${heidenheimOfferId}`, aalenEditor)).statusCode, 403);
    const post403 = await api('POST', '/api/v1/offers', aalenEditor, { city: 'heidenheim', ...apiOffer() });
    assert.equal(post403.statusCode, 403);
    assert.equal(
      (await api('POST', '/api/v1/offers', citizen, { city: 'aalen', ...apiOffer() })).statusCode,
      403,
    );

    const inAalen = await api('POST', '/api/v1/offers', regionEditor, {
      city: 'aalen',
      ...apiOffer({ slug: 'region-a' }),
    });
    assert.equal(inAalen.statusCode, 201, inAalen.body);
    const inHeidenheim = await api('POST', '/api/v1/offers', regionEditor, {
      city: 'heidenheim',
      ...apiOffer({ slug: 'region-h' }),
    });
    assert.equal(inHeidenheim.statusCode, 201);
    const id = inHeidenheim.json().id as string;
    const update = await api(
      'PUT',
      `/api/v1/offers/${id}`,
      regionEditor,
      apiOffer({ slug: 'region-h', title: 'Neu benannt' }),
    );
    assert.equal(update.statusCode, 200);
    assert.equal(update.json().title, 'Neu benannt');
    const regionWide = await api('POST', '/api/v1/offers', regionEditor, {
      city: null,
      ...apiOffer({ slug: 'region-r' }),
    });
    assert.equal(regionWide.statusCode, 201);
    assert.equal((await api('DELETE', `/api/v1/offers/${id}`, regionEditor)).statusCode, 204);
    assert.deepEqual(await auditActions(id), ['offer.create', 'offer.update', 'offer.delete']);
    // And the Heidenheim editor may change the Heidenheim offer the Aalen editor could not.
    const own = await api('PUT', `/api/v1/offers/${heidenheimOfferId}`, heidenheimEditor, {
      ...apiOffer(),
      ...pick(
        (await getOfferBySlug(t.database.db, heidenheim, 'wohngeld')) as unknown as Record<string, unknown>,
      ),
    });
    assert.equal(own.statusCode, 200, own.body);
  });

  test('API validation: 422 problem+json listing the field messages', async () => {
    const res = await api('POST', '/api/v1/offers', aalenEditor, {
      city: 'aalen',
      ...apiOffer({
        slug: 'Bad Slug',
        title: 'x',
        categories: ['nope', 'nada'],
        contact: { email: 'nope', website: 'javascript:alert(1)' },
        kind: 'online_service',
      }),
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    const body = res.json();
    assert.equal(body.status, 422);
    assert.match(body.errors.slug, /URL-Kürzel/);
    assert.match(body.errors.title, /3 bis 120 Zeichen/);
    assert.match(body.errors.categories, /Kategorien aus der Liste/);
    assert.match(body.errors['contact.email'], /name@beispiel\.de/);
    assert.match(body.errors['contact.website'], /http:\/\/ oder https:\/\//);
  });

  // ---- import and export ----

  const leistung = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    typ: 'beratung',
    status: 'veroeffentlicht',
    bezeichnung: `Import ${id}`,
    kurztext: 'Ein importiertes Angebot mit Beschreibung.',
    kategorien: ['soziales'],
    ...extra,
  });

  test('import page: upload a file or paste text; the report lists rows and reasons; re-import unchanged', async () => {
    const page = await get('/admin/angebote/import', aalenEditor);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /enctype="multipart\/form-data"/);
    const action = /action="([^"]+)" enctype/.exec(page.body)![1]!.replace(/&amp;/g, '&');
    assert.match(action, /^\/admin\/angebote\/import\?_csrf=/);

    const file = JSON.stringify({
      format: JSON_FORMAT,
      leistungen: [leistung('upload-ok'), leistung('upload-bad', { kategorien: [] }), leistung('upload-ok')],
    });
    const upload = multipart(
      { city: 'aalen', format: '' },
      { name: 'angebote.json', type: 'application/json', content: file },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...upload.headers, cookie: aalenEditor.cookie },
      payload: upload.payload,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /1 angelegt, 0 geändert, 0 unverändert, 2 abgelehnt/);
    assert.match(
      res.body,
      /<th class="kern-table__cell" scope="row">2<\/th><td class="kern-table__cell">upload-bad/,
    );
    assert.match(res.body, /mindestens eine Kategorie/);
    assert.match(res.body, /schon in Eintrag 1/);
    assert.ok(await getOfferBySlug(t.database.db, aalen, 'upload-ok'));

    const again = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...upload.headers, cookie: aalenEditor.cookie },
      payload: upload.payload,
    });
    assert.match(again.body, /0 angelegt, 0 geändert, 1 unverändert, 2 abgelehnt/);
    assert.match(again.body, /Letzte Importe/);

    const csv =
      'id;typ;bezeichnung;kurztext;kategorien\r\npasted;beratung;Eingefügt per Text;Dieser Eintrag kam aus dem Textfeld.;soziales|familie\r\n';
    const pasted = multipart({ city: 'aalen', format: '', text: csv });
    const res2 = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...pasted.headers, cookie: aalenEditor.cookie },
      payload: pasted.payload,
    });
    assert.equal(res2.statusCode, 200);
    assert.match(res2.body, /1 angelegt/);
    assert.deepEqual((await getOfferBySlug(t.database.db, aalen, 'pasted'))?.categories, [
      'soziales',
      'familie',
    ]);
    assert.equal((await getOfferBySlug(t.database.db, aalen, 'pasted'))?.status, 'draft');

    // Whole-file problems come back on the form (400) with what was pasted.
    const broken = multipart({ city: 'aalen', format: 'csv', text: 'titel\nx' });
    const res3 = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...broken.headers, cookie: aalenEditor.cookie },
      payload: broken.payload,
    });
    assert.equal(res3.statusCode, 400);
    assert.match(res3.body, /Kopfzeile der CSV-Datei passt nicht/);
    assert.match(res3.body, /titel\nx<\/textarea>/);

    // Another city's import is refused.
    const other = multipart({ city: 'heidenheim', format: 'json', text: file });
    const res4 = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...other.headers, cookie: aalenEditor.cookie },
      payload: other.payload,
    });
    assert.equal(res4.statusCode, 403);
    assert.equal(await getOfferBySlug(t.database.db, heidenheim, 'upload-ok'), undefined);

    // Over 5 MB: 413 with a readable page.
    const big = multipart(
      { city: 'aalen', format: 'json' },
      { name: 'gross.json', type: 'application/json', content: 'x'.repeat(5 * 1024 * 1024 + 10) },
    );
    const res5 = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { ...big.headers, cookie: aalenEditor.cookie },
      payload: big.payload,
    });
    assert.equal(res5.statusCode, 413);
    assert.match(res5.body, /größer als 5 MB/);
  });

  test('import API: JSON or CSV body, report per row, 401/403/413, audited', async () => {
    const body = JSON.stringify({
      format: JSON_FORMAT,
      leistungen: [leistung('api-import'), leistung('api-bad', { typ: 'zauberei' })],
    });
    const anon = await t.app.inject({
      method: 'POST',
      url: '/api/v1/offers/import?city=aalen',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(anon.statusCode, 401);
    const send = (agent: Agent, url: string, type: string, payload: string) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': type, cookie: agent.cookie, 'x-csrf-token': agent.csrf },
        payload,
      });
    assert.equal(
      (await send(aalenEditor, '/api/v1/offers/import?city=heidenheim', 'application/json', body)).statusCode,
      403,
    );
    assert.equal(
      (await send(aalenEditor, '/api/v1/offers/import?city=region', 'application/json', body)).statusCode,
      403,
    );

    const res = await send(aalenEditor, '/api/v1/offers/import?city=aalen', 'application/json', body);
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json();
    assert.equal(report.created, 1);
    assert.equal(report.rejected, 1);
    assert.deepEqual(report.rows[1], {
      row: 2,
      slug: 'api-bad',
      status: 'rejected',
      errors: { typ: 'Wählen Sie eine Art des Angebots aus.' },
    });
    const [entry] = await rows<{ action: string; actor_id: string }>(
      t.database.db,
      sql`SELECT action, actor_id FROM audit_log WHERE entity_type = 'offer_import' AND entity_id = ${String(report.id)}`,
    );
    assert.equal(entry?.action, 'offer.import');
    assert.equal(entry?.actor_id, aalenEditor.userId);

    const csv =
      'id,typ,bezeichnung,kurztext,kategorien\napi-csv,beratung,Per CSV importiert,Ein Angebot aus einer CSV-Datei.,soziales\n';
    const csvRes = await send(aalenEditor, '/api/v1/offers/import?city=aalen', 'text/csv', csv);
    assert.equal(csvRes.statusCode, 200, csvRes.body);
    assert.equal(csvRes.json().created, 1);

    const invalid = await send(aalenEditor, '/api/v1/offers/import?city=aalen', 'application/json', '{nope');
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.json().detail, /kein gültiges JSON/);

    const big = `{"format":"${JSON_FORMAT}","leistungen":[],"x":"${'x'.repeat(5 * 1024 * 1024)}"}`;
    const tooBig = await send(aalenEditor, '/api/v1/offers/import?city=aalen', 'application/json', big);
    assert.equal(tooBig.statusCode, 413);
    assert.match(tooBig.headers['content-type'] as string, /problem\+json/);
  });

  test('exports: staff export with drafts as a download; public export published only, in the OpenAPI doc', async () => {
    await post(
      '/admin/angebote/neu',
      aalenEditor,
      offerForm({ city: 'aalen', slug: 'nur-entwurf', status: 'draft' }),
    );
    const staff = await get('/admin/angebote/export?format=csv&city=aalen', aalenEditor);
    assert.equal(staff.statusCode, 200);
    assert.match(staff.headers['content-type'] as string, /text\/csv/);
    assert.match(
      staff.headers['content-disposition'] as string,
      /^attachment; filename="angebote-aalen-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    assert.match(staff.body, /nur-entwurf/);
    assert.equal(
      (await get('/admin/angebote/export?format=csv&city=heidenheim', aalenEditor)).statusCode,
      403,
    );
    assert.equal((await get('/admin/angebote/export?format=json&city=aalen')).statusCode, 303);

    const pub = await t.app.inject('/api/v1/offers/export?city=aalen&format=json');
    assert.equal(pub.statusCode, 200);
    assert.match(
      pub.headers['content-disposition'] as string,
      /^attachment; filename="angebote-aalen-.*\.json"$/,
    );
    const doc = pub.json();
    assert.equal(doc.format, JSON_FORMAT);
    assert.ok(doc.leistungen.length >= 80, `published Aalen offers: ${doc.leistungen.length}`);
    assert.ok(
      doc.leistungen.every((l: { status: string }) => l.status === 'veroeffentlicht'),
      'published only',
    );
    assert.ok(!doc.leistungen.some((l: { id: string }) => l.id === 'nur-entwurf'), 'no draft');
    const csv = await t.app.inject('/api/v1/offers/export?city=heidenheim&format=csv');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.body, /^\uFEFFid,typ,status,bezeichnung/);
    assert.equal((await t.app.inject('/api/v1/offers/export?city=atlantis')).statusCode, 404);
    assert.equal((await t.app.inject('/api/v1/offers/export?city=aalen&format=xml')).statusCode, 400);
    const region = await t.app.inject('/api/v1/offers/export?city=region&format=json');
    assert.ok(
      region.json().leistungen.every((l: { stadt: string | null }) => l.stadt === null),
      'region-wide only',
    );

    const openapi = (await t.app.inject('/api/openapi.json')).json();
    assert.ok(openapi.paths['/api/v1/offers/export']?.get, 'export documented');
    assert.ok(openapi.paths['/api/v1/offers/import']?.post, 'import documented');
    assert.ok(
      !Object.keys(openapi.paths).some((p) => p.startsWith('/admin/angebote')),
      'no staff pages in the API doc',
    );
  });
});

function pick(o: Record<string, unknown> | undefined) {
  if (!o) return {};
  const { id: _i, cityId: _c, city: _s, createdAt: _a, updatedAt: _u, publishedAt: _p, ...input } = o;
  return input;
}

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { type TestApp, testApp } from '../../../test/helpers.ts';
import { createUser } from '../../platform/auth/service.ts';
import { AALEN, HEIDENHEIM, STUTTGART } from './fixtures.ts';
import { toXml } from './open311.ts';
import { changeStatus, createApiKeyUnchecked, createReport, seedCategories } from './service.ts';

/** shared/ lies beside the checkout (main, CI clone) or two levels up (a worktree under wt/). */
const STANDARD = ['../../../../shared/', '../../../../../shared/']
  .map((p) => new URL(`${p}standards/open311-georeport-v2/`, import.meta.url))
  .find((u) => existsSync(u))!;
const schema = (name: string) => JSON.parse(readFileSync(new URL(name, STANDARD), 'utf8'));

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
for (const name of ['service.json', 'request.json']) ajv.addSchema(schema(name), name);
const validators = {
  services: ajv.compile(schema('services.json')),
  definition: ajv.compile(schema('service-definition.json')),
  requests: ajv.compile(schema('requests.json')),
};

function assertValid(kind: keyof typeof validators, data: unknown) {
  const v = validators[kind];
  assert.ok(v(data), `${kind}: ${ajv.errorsText(v.errors)}`);
}

/**
 * Well-formedness check for our XML: one root, every start tag closed in order, only the five
 * predefined entities, no stray '<' or '&'. Enough for output we generate ourselves.
 */
export function assertWellFormedXml(xml: string): string {
  assert.match(xml, /^<\?xml version="1\.0" encoding="utf-8"\?>\n/);
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  const stack: string[] = [];
  let root = '';
  let roots = 0;
  const re = /<(\/?)([A-Za-z_][\w.-]*)(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    m = re.exec(body);
    assert.ok(m, `unexpected markup at ${pos}: ${body.slice(pos, pos + 40)}`);
    pos = re.lastIndex;
    if (m[4] !== undefined) {
      assert.ok(stack.length > 0, 'text outside the root element');
      assert.doesNotMatch(m[4], /&(?!(lt|gt|amp|quot|apos);)/, 'bare & in text');
      continue;
    }
    const [, close, name, selfClose] = m;
    if (close) {
      assert.equal(stack.pop(), name, `closing </${name}> matches`);
    } else {
      if (stack.length === 0) {
        roots++;
        root = name!;
      }
      if (!selfClose) stack.push(name!);
    }
  }
  assert.equal(stack.length, 0, 'all elements closed');
  assert.equal(roots, 1, 'exactly one root element');
  return root;
}

describe('Open311 GeoReport v2', () => {
  let t: TestApp;
  let key: string;
  let aalenKey: string;
  let openId: number;
  let closedId: number;
  before(async () => {
    t = await testApp();
    await seedCategories(t.database.db);
    key = await createApiKeyUnchecked(t.database.db, 'Test-App', null);
    const cities = (await t.app.tenancy()).cities;
    const aalen = cities.find((c) => c.slug === 'aalen')!;
    aalenKey = await createApiKeyUnchecked(t.database.db, 'Aalen-App', aalen.id);
    const a = await createReport(t.database.db, {
      fallbackCity: aalen,
      categoryCode: 'schlagloch',
      description: 'Schlagloch <groß> & tief',
      ...AALEN,
      reporter: { name: 'Paula Privat', email: 'paula.privat@example.org' },
      source: 'web',
      trusted: true,
      baseUrl: '',
    });
    openId = a.id;
    const b = await createReport(t.database.db, {
      fallbackCity: aalen,
      categoryCode: 'muell',
      description: 'Müll an der Bushaltestelle',
      ...AALEN,
      reporter: {},
      source: 'web',
      trusted: true,
      baseUrl: '',
    });
    closedId = b.id;
    const u = await createUser(t.database.db, {
      email: 'sb@example.org',
      displayName: 'SB',
      password: 'correct horse battery',
      confirmed: true,
    });
    const worker = {
      id: u.id,
      email: 'sb@example.org',
      displayName: 'SB',
      roles: new Map([[aalen.id, new Set(['case_worker'])]]),
    };
    await changeStatus(t.database.db, worker, b.id, { to: 'erledigt', publicNote: 'Abgeholt.' }, '');
  });
  after(async () => t.close());

  const get = (url: string) => t.app.inject(url);

  test('discovery in JSON and XML', async () => {
    const json = await get('/open311/v2/discovery.json');
    assert.equal(json.statusCode, 200);
    assert.ok(json.json().endpoints[0].url.endsWith('/open311/v2'));
    const xml = await get('/open311/v2/discovery.xml');
    assert.match(xml.headers['content-type'] as string, /application\/xml/);
    assert.equal(assertWellFormedXml(xml.body), 'discovery');
  });

  test('services and service definition validate; XML uses the spec names', async () => {
    const res = await get('/open311/v2/services.json?jurisdiction_id=aalen');
    assert.equal(res.statusCode, 200);
    assertValid('services', res.json());
    assert.equal(res.json().length, 8);
    const xml = await get('/open311/v2/services.xml?jurisdiction_id=aalen');
    assert.equal(assertWellFormedXml(xml.body), 'services');
    assert.match(
      xml.body,
      /<service><service_code>schlagloch<\/service_code><service_name>Schlagloch<\/service_name>/,
    );
    const def = await get('/open311/v2/services/schlagloch.json?jurisdiction_id=aalen');
    assert.equal(def.statusCode, 200);
    assertValid('definition', def.json());
    const defXml = await get('/open311/v2/services/schlagloch.xml?jurisdiction_id=aalen');
    assert.equal(assertWellFormedXml(defXml.body), 'service_definition');
  });

  test('errors: spec error lists with 400/403/404 in JSON and XML', async () => {
    const missing = await get('/open311/v2/services.json');
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json()[0].code, 400);
    assert.match(missing.json()[0].description, /jurisdiction_id/);
    const unknown = await get('/open311/v2/services.xml?jurisdiction_id=atlantis');
    assert.equal(unknown.statusCode, 404);
    assert.equal(assertWellFormedXml(unknown.body), 'errors');
    assert.match(unknown.body, /<error><code>404<\/code><description>/);
    assert.equal((await get('/open311/v2/services/nix.json?jurisdiction_id=aalen')).statusCode, 404);
    assert.equal((await get('/open311/v2/requests/999999.json?jurisdiction_id=aalen')).statusCode, 404);
    assert.equal((await get('/open311/v2/tokens/abc.xml?jurisdiction_id=aalen')).statusCode, 404);
    assert.equal(
      (await get('/open311/v2/requests.json?jurisdiction_id=aalen&status=kaputt')).statusCode,
      400,
    );
    assert.equal(
      (await get('/open311/v2/requests.json?jurisdiction_id=aalen&start_date=gestern')).statusCode,
      400,
    );
    assert.equal(
      (await get('/open311/v2/requests.json?jurisdiction_id=aalen&page_size=5000')).statusCode,
      400,
    );
    assert.equal((await get('/open311/v2/requests.json?jurisdiction_id=aalen&bbox=1,2,3')).statusCode, 400);
  });

  test('requests: list, filters, extensions; schema-valid; no personal data', async () => {
    const res = await get('/open311/v2/requests.json?jurisdiction_id=aalen');
    assert.equal(res.statusCode, 200);
    const list = res.json();
    assertValid('requests', list);
    assert.deepEqual(
      list.map((r: { service_request_id: string }) => r.service_request_id).sort(),
      [String(openId), String(closedId)].sort(),
    );
    assert.doesNotMatch(res.body, /Paula|paula\.privat/);
    const open = (await get('/open311/v2/requests.json?jurisdiction_id=aalen&status=open')).json();
    assert.deepEqual(
      open.map((r: { service_request_id: string }) => r.service_request_id),
      [String(openId)],
    );
    const byCode = (await get('/open311/v2/requests.json?jurisdiction_id=aalen&service_code=muell')).json();
    assert.equal(byCode.length, 1);
    const byId = (
      await get(`/open311/v2/requests.json?jurisdiction_id=aalen&service_request_id=${openId}`)
    ).json();
    assert.equal(byId.length, 1);
    const future = (
      await get('/open311/v2/requests.json?jurisdiction_id=aalen&start_date=2099-01-01T00:00:00Z')
    ).json();
    assert.equal(future.length, 0);
    const near = (
      await get(
        `/open311/v2/requests.json?jurisdiction_id=aalen&lat=${AALEN.lat}&long=${AALEN.lon}&radius=100`,
      )
    ).json();
    assert.equal(near.length, 2);
    const far = (
      await get(
        `/open311/v2/requests.json?jurisdiction_id=aalen&lat=${AALEN.lat + 0.05}&long=${AALEN.lon}&radius=100`,
      )
    ).json();
    assert.equal(far.length, 0);
    const inBox = (
      await get(
        `/open311/v2/requests.json?jurisdiction_id=aalen&bbox=${AALEN.lon - 0.01},${AALEN.lat - 0.01},${AALEN.lon + 0.01},${AALEN.lat + 0.01}`,
      )
    ).json();
    assert.equal(inBox.length, 2);
    const paged = await get('/open311/v2/requests.json?jurisdiction_id=aalen&page=2&page_size=1');
    assert.equal(paged.json().length, 1);
    assert.equal(paged.headers['x-total-count'], '2');
    const ext = (
      await get(
        `/open311/v2/requests.json?jurisdiction_id=aalen&extensions=true&service_request_id=${openId}`,
      )
    ).json();
    assertValid('requests', ext);
    assert.equal(ext[0].extended_attributes.detailed_status, 'EINGEGANGEN');
    assert.equal((await get('/open311/v2/requests.json?jurisdiction_id=heidenheim')).json().length, 0);
    const xml = await get('/open311/v2/requests.xml?jurisdiction_id=aalen');
    assert.equal(assertWellFormedXml(xml.body), 'service_requests');
    assert.match(xml.body, /Schlagloch &lt;groß&gt; &amp; tief/);
    assert.doesNotMatch(xml.body, /Paula|paula\.privat/);
  });

  test('requests/{id} in JSON and XML', async () => {
    const res = await get(`/open311/v2/requests/${openId}.json?jurisdiction_id=aalen`);
    assert.equal(res.statusCode, 200);
    assertValid('requests', res.json());
    assert.equal(res.json()[0].status, 'open');
    assert.equal(res.json()[0].lat, AALEN.lat);
    const xml = await get(`/open311/v2/requests/${openId}.xml?jurisdiction_id=aalen`);
    assert.equal(assertWellFormedXml(xml.body), 'service_requests');
    assert.match(xml.body, new RegExp(`<service_request_id>${openId}</service_request_id>`));
    // The id belongs to Aalen: asked in Heidenheim it is not there.
    assert.equal(
      (await get(`/open311/v2/requests/${openId}.json?jurisdiction_id=heidenheim`)).statusCode,
      404,
    );
  });

  test('POST requests: api_key, routing by location, token lookup; JSON and XML', async () => {
    const post = (format: string, data: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `/open311/v2/requests.${format}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(data).toString(),
      });
    const base = {
      jurisdiction_id: 'heidenheim',
      service_code: 'verkehrszeichen',
      description: 'Stoppschild verdreht',
      lat: String(HEIDENHEIM.lat),
      long: String(HEIDENHEIM.lon),
    };
    const noKey = await post('json', base);
    assert.equal(noKey.statusCode, 403);
    assert.equal(noKey.json()[0].code, 403);
    const wrongCity = await post('xml', { ...base, api_key: aalenKey });
    assert.equal(wrongCity.statusCode, 403);
    assert.equal(assertWellFormedXml(wrongCity.body), 'errors');
    assert.equal((await post('json', { ...base, api_key: key, service_code: 'nix' })).statusCode, 404);
    assert.equal(
      (await post('json', { ...base, api_key: key, lat: String(STUTTGART.lat), long: String(STUTTGART.lon) }))
        .statusCode,
      400,
    );
    const elsewhere = await post('json', {
      ...base,
      api_key: key,
      lat: String(AALEN.lat),
      long: String(AALEN.lon),
    });
    assert.equal(elsewhere.statusCode, 400);
    assert.match(elsewhere.json()[0].description, /aalen/);
    assert.equal(
      (
        await post('json', {
          jurisdiction_id: 'heidenheim',
          service_code: 'verkehrszeichen',
          description: 'Schild',
          api_key: key,
        })
      ).statusCode,
      400,
    );
    const ok = await post('json', { ...base, api_key: key, email: 'app@example.org', first_name: 'Anna' });
    assert.equal(ok.statusCode, 201, ok.body);
    const [created] = ok.json();
    assert.match(created.service_request_id, /^\d+$/);
    const tok = await get(`/open311/v2/tokens/${created.token}.json?jurisdiction_id=heidenheim`);
    assert.equal(tok.statusCode, 200);
    assert.equal(tok.json()[0].service_request_id, created.service_request_id);
    const tokXml = await get(`/open311/v2/tokens/${created.token}.xml?jurisdiction_id=heidenheim`);
    assert.equal(assertWellFormedXml(tokXml.body), 'service_requests');
    const okXml = await post('xml', { ...base, api_key: key });
    assert.equal(okXml.statusCode, 201);
    assert.equal(assertWellFormedXml(okXml.body), 'service_requests');
    const fetched = await get(
      `/open311/v2/requests/${created.service_request_id}.json?jurisdiction_id=heidenheim`,
    );
    assertValid('requests', fetched.json());
    assert.doesNotMatch(fetched.body, /app@example|Anna/);
  });

  test('servicerequestupdates extension in JSON and XML', async () => {
    const res = await get(
      `/open311/v2/servicerequestupdates.json?jurisdiction_id=aalen&service_request_id=${closedId}`,
    );
    assert.equal(res.statusCode, 200);
    const updates = res.json();
    assert.deepEqual(
      updates.map((u: { status: string }) => u.status),
      ['open', 'closed'],
    );
    assert.equal(updates[1].description, 'Abgeholt.');
    assert.match(updates[1].updated_datetime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const xml = await get('/open311/v2/servicerequestupdates.xml?jurisdiction_id=aalen');
    assert.equal(assertWellFormedXml(xml.body), 'service_request_updates');
    assert.match(xml.body, /<request_update><update_id>/);
    assert.equal((await get('/open311/v2/servicerequestupdates.json')).statusCode, 400);
  });

  test('admins manage API keys on a page: shown once, revocable, audited', async () => {
    const { userAgent, csrfFrom, form } = await import('../../../test/helpers.ts');
    const admin = await userAgent(t, [{ role: 'admin', city: null }]);
    const page = await t.app.inject({
      url: '/admin/maengel/api-schluessel',
      headers: { cookie: admin.cookie },
    });
    assert.equal(page.statusCode, 200);
    const csrf = await csrfFrom(t.app, '/admin/maengel/api-schluessel', admin.cookie);
    const created = await t.app.inject({
      method: 'POST',
      url: '/admin/maengel/api-schluessel',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: csrf, name: 'Stadt-App', city: 'aalen' }),
    });
    assert.equal(created.statusCode, 200);
    const newKey = /<code>(sp311_[^<]+)<\/code>/.exec(created.body)![1]!;
    const body = {
      jurisdiction_id: 'aalen',
      service_code: 'graffiti',
      description: 'Graffiti am Rathaus',
      lat: String(AALEN.lat),
      long: String(AALEN.lon),
      api_key: newKey,
    };
    const post = () =>
      t.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(body).toString(),
      });
    assert.equal((await post()).statusCode, 201);
    const listed = await t.app.inject({
      url: '/admin/maengel/api-schluessel',
      headers: { cookie: admin.cookie },
    });
    assert.doesNotMatch(listed.body, new RegExp(newKey), 'the key is not shown again');
    const id = /api-schluessel\/(\d+)\/widerrufen/.exec(listed.body)![1]!;
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/admin/maengel/api-schluessel/${id}/widerrufen`,
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: csrf }),
    });
    assert.equal(revoked.statusCode, 303);
    assert.equal((await post()).statusCode, 403);
    const worker = await userAgent(t, [{ role: 'case_worker', city: 'aalen' }]);
    assert.equal(
      (await t.app.inject({ url: '/admin/maengel/api-schluessel', headers: { cookie: worker.cookie } }))
        .statusCode,
      403,
    );
  });

  test('the XML serializer escapes markup', () => {
    const xml = toXml('x', { a: '<b>&"\'', list: { item: ['1', '2'] }, empty: null });
    assert.equal(assertWellFormedXml(xml), 'x');
    assert.match(
      xml,
      /<a>&lt;b&gt;&amp;&quot;&apos;<\/a><list><item>1<\/item><item>2<\/item><\/list><empty\/>/,
    );
  });
});

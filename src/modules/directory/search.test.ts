import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cityId, type TestApp, testApp, testDatabase } from '../../../test/helpers.ts';
import type { Database } from '../../platform/db/index.ts';
import { isOpenAt } from './opening-hours.ts';
import { seedDirectory } from './seed.ts';
import { type Offer, type SearchParams, searchOffers, upsertOfferAsSystem } from './service.ts';
import { offerInput } from './test-fixtures.ts';

describe('directory search on the demo data', () => {
  let database: Database;
  let aalen: number;
  let heidenheim: number;
  before(async () => {
    database = await testDatabase();
    await seedDirectory(database.db);
    aalen = await cityId(database, 'aalen');
    heidenheim = await cityId(database, 'heidenheim');
  });
  after(async () => database.close());

  const slugs = (offers: Offer[]) => offers.map((o) => o.slug);

  /** Every hit of a search, page by page (the API caps a page at 100). */
  async function all(params: SearchParams): Promise<Offer[]> {
    const out: Offer[] = [];
    for (let page = 1; ; page++) {
      const r = await searchOffers(database.db, { ...params, page, perPage: 100 });
      out.push(...r.offers);
      if (page >= r.pages) return out;
    }
  }

  test('a typo ("Persoalausweis") still finds the Personalausweis offer in the top 3', async () => {
    const r = await searchOffers(database.db, { q: 'Persoalausweis', perPage: 3 });
    assert.ok(slugs(r.offers).includes('personalausweis-beantragen'), slugs(r.offers).join(', '));
    const inAalen = await searchOffers(database.db, { q: 'Persoalausweis', cityId: aalen, perPage: 3 });
    assert.equal(inAalen.offers[0]?.slug, 'personalausweis-beantragen');
    assert.equal(inAalen.offers[0]?.city, 'aalen');
  });

  test('"Umzug" finds the registration (Ummeldung/Wohnsitz) offer near the top', async () => {
    for (const city of [aalen, heidenheim]) {
      const r = await searchOffers(database.db, { q: 'Umzug', cityId: city, perPage: 5 });
      assert.ok(slugs(r.offers).includes('wohnsitz-anmelden'), slugs(r.offers).join(', '));
    }
  });

  test('"Wohngeld" ranks the Wohngeld offer first, in the region and in each city', async () => {
    const region = await searchOffers(database.db, { q: 'Wohngeld', perPage: 5 });
    assert.equal(region.offers[0]?.slug, 'wohngeld');
    for (const [city, slug] of [
      [aalen, 'aalen'],
      [heidenheim, 'heidenheim'],
    ] as const) {
      const r = await searchOffers(database.db, { q: 'Wohngeld', cityId: city, perPage: 5 });
      assert.equal(r.offers[0]?.slug, 'wohngeld');
      assert.equal(r.offers[0]?.city, slug);
    }
  });

  test('German stemming and other everyday words', async () => {
    const sperr = await searchOffers(database.db, { q: 'Sperrmüll', cityId: heidenheim, perPage: 3 });
    assert.equal(sperr.offers[0]?.slug, 'sperrmuell');
    const hund = await searchOffers(database.db, { q: 'Hund', cityId: aalen, perPage: 3 });
    assert.equal(hund.offers[0]?.slug, 'hundesteuer');
    const none = await searchOffers(database.db, { q: 'xyzzyquux' });
    assert.equal(none.total, 0);
    assert.deepEqual(none.offers, []);
  });

  test('the city filter keeps that city and the region-wide offers', async () => {
    const everything = await all({});
    const inAalen = await all({ cityId: aalen });
    assert.ok(inAalen.length < everything.length);
    assert.ok(inAalen.every((o) => o.city === 'aalen' || o.city === null));
    assert.ok(
      inAalen.some((o) => o.city === null),
      'region-wide offers are included',
    );
    assert.equal(inAalen.length, everything.filter((o) => o.city === 'aalen' || o.city === null).length);
  });

  test('kind, category, life situation and online filters narrow the results', async () => {
    const base = await all({ cityId: heidenheim });
    const cases: [SearchParams, (o: Offer) => boolean][] = [
      [{ kinds: ['facility'] }, (o) => o.kind === 'facility'],
      [{ kinds: ['facility', 'contact_point'] }, (o) => o.kind === 'facility' || o.kind === 'contact_point'],
      [{ categories: ['familie'] }, (o) => (o.categories as string[]).includes('familie')],
      [{ lifeSituations: ['umzug'] }, (o) => (o.lifeSituations as string[]).includes('umzug')],
      [{ online: true }, (o) => o.onlineServiceUrl !== null],
      [
        { kinds: ['online_service'], categories: ['buergerservice'] },
        (o) => o.kind === 'online_service' && (o.categories as string[]).includes('buergerservice'),
      ],
    ];
    for (const [params, expected] of cases) {
      const r = await all({ cityId: heidenheim, ...params });
      assert.ok(r.length > 0, JSON.stringify(params));
      assert.ok(r.length < base.length, JSON.stringify(params));
      assert.ok(r.every(expected), JSON.stringify(params));
      assert.equal(r.length, base.filter(expected).length, JSON.stringify(params));
    }
  });

  test('facets count exactly the offers that match the other filters', async () => {
    const params: SearchParams = { cityId: aalen, categories: ['soziales'] };
    const r = await searchOffers(database.db, { ...params, perPage: 1 });
    const offers = await all(params);
    assert.equal(r.total, offers.length);
    const count = (pick: (o: Offer) => string[]) => {
      const m: Record<string, number> = {};
      for (const o of offers) for (const v of pick(o)) m[v] = (m[v] ?? 0) + 1;
      return m;
    };
    assert.deepEqual(
      r.facets.kind,
      count((o) => [o.kind]),
    );
    assert.deepEqual(
      r.facets.category,
      count((o) => o.categories),
    );
    assert.deepEqual(
      r.facets.life,
      count((o) => o.lifeSituations),
    );
    assert.deepEqual(
      r.facets.city,
      count((o) => [o.city ?? 'region']),
    );
    assert.equal(r.facets.category.soziales, r.total);
    // A full-text search facets over its hits only.
    const q = await searchOffers(database.db, { q: 'Wohngeld', perPage: 1 });
    const qAll = await all({ q: 'Wohngeld' });
    const kinds = Object.values(q.facets.kind).reduce((a, b) => a + b, 0);
    assert.equal(kinds, qAll.length);
  });

  test('paging: stable total, disjoint pages, the last page holds the rest', async () => {
    const first = await searchOffers(database.db, { cityId: aalen, perPage: 20, page: 1 });
    const second = await searchOffers(database.db, { cityId: aalen, perPage: 20, page: 2 });
    assert.equal(first.total, second.total);
    assert.equal(first.pages, Math.ceil(first.total / 20));
    assert.equal(first.offers.length, 20);
    const overlap = first.offers.filter((o) => second.offers.some((p) => p.id === o.id));
    assert.deepEqual(overlap, []);
    const last = await searchOffers(database.db, { cityId: aalen, perPage: 20, page: first.pages });
    assert.equal(last.offers.length, first.total - 20 * (first.pages - 1));
    const beyond = await searchOffers(database.db, { cityId: aalen, perPage: 20, page: first.pages + 1 });
    assert.deepEqual(beyond.offers, []);
    assert.equal(beyond.total, first.total);
    const capped = await searchOffers(database.db, { perPage: 10_000 });
    assert.equal(capped.perPage, 100);
  });

  test('"open now" is evaluated at the given time (Europe/Berlin)', async () => {
    // Monday 23 November 2026, 10:00 in Berlin (09:00 UTC): an ordinary working day.
    const mondayMorning = new Date('2026-11-23T09:00:00Z');
    // Sunday 22 November 2026, 10:00 in Berlin.
    const sundayMorning = new Date('2026-11-22T09:00:00Z');
    // Monday 23 November 2026, 23:30 in Berlin.
    const mondayNight = new Date('2026-11-23T22:30:00Z');
    const open = await all({ cityId: aalen, openNow: true, now: mondayMorning });
    assert.ok(open.length > 0);
    assert.ok(open.every((o) => isOpenAt(o.openingHours, mondayMorning) === true));
    assert.ok(slugs(open).includes('buergerbuero'), 'the Bürgerbüro opens Mo 07:30-16:00');
    const withHours = (await all({ cityId: aalen })).filter((o) => o.openingHours);
    assert.equal(open.length, withHours.filter((o) => isOpenAt(o.openingHours, mondayMorning)).length);

    const sunday = await all({ cityId: aalen, openNow: true, now: sundayMorning });
    assert.ok(!slugs(sunday).includes('buergerbuero'));
    assert.ok(sunday.length < open.length);
    const night = await all({ cityId: aalen, openNow: true, now: mondayNight });
    assert.ok(night.length < open.length);
    assert.ok(night.every((o) => isOpenAt(o.openingHours, mondayNight) === true));
    // Facets follow the filter.
    const r = await searchOffers(database.db, {
      cityId: aalen,
      openNow: true,
      now: mondayMorning,
      perPage: 1,
    });
    assert.equal(r.total, open.length);
    assert.equal(
      Object.values(r.facets.kind).reduce((a, b) => a + b, 0),
      open.length,
    );
  });

  test('drafts stay out of public search', async () => {
    const r = await all({});
    assert.ok(r.every((o) => o.status === 'published'));
  });

  test('cached facet counts and totals follow every write at once', async () => {
    const before = await searchOffers(database.db, { cityId: aalen, categories: ['freizeit'] });
    const again = await searchOffers(database.db, { cityId: aalen, categories: ['freizeit'], page: 2 });
    assert.equal(again.total, before.total);
    const offer = offerInput({
      slug: 'boule-platz-stadtgarten',
      title: 'Boule-Treff im Stadtgarten',
      summary: 'Offener Boule-Treff für alle, jeden Mittwoch.',
      categories: ['freizeit'],
    });
    assert.equal(await upsertOfferAsSystem(database.db, aalen, offer), 'created');
    const after = await searchOffers(database.db, { cityId: aalen, categories: ['freizeit'] });
    assert.equal(after.total, before.total + 1);
    assert.equal(after.facets.kind.counselling, (before.facets.kind.counselling ?? 0) + 1);
    assert.equal(await upsertOfferAsSystem(database.db, aalen, { ...offer, status: 'draft' }), 'updated');
    const hidden = await searchOffers(database.db, { cityId: aalen, categories: ['freizeit'] });
    assert.equal(hidden.total, before.total);
  });
});

describe('"Meinten Sie …?"', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
    await seedDirectory(t.database.db);
  });
  after(async () => t.close());

  test('unknown words are replaced by the closest known word, the rest stays as typed', async () => {
    const db = t.database.db;
    const cases: [string, string | undefined][] = [
      ['Persoalausweis', 'Personalausweis'],
      ['persoalausweis in Aalen', 'personalausweis in Aalen'],
      ['Personalausweis', undefined],
      ['"Persoalausweis"', undefined],
      ['Persoalausweis -Reisepass', undefined],
      ['xyzzyquux', undefined],
    ];
    for (const [q, expected] of cases) {
      assert.equal((await searchOffers(db, { q })).suggestion, expected, q);
    }
  });

  test('the results page links the suggestion, the API returns it', async () => {
    const page = await t.app.inject('/aalen/angebote?q=Persoalausweis');
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /Meinten Sie <a class="kern-link" href="\/aalen\/angebote\?q=Personalausweis">Personalausweis<\/a>\?/,
    );
    const english = await t.app.inject('/en/aalen/angebote?q=Persoalausweis');
    assert.match(english.body, /Did you mean <a[^>]*href="\/en\/aalen\/angebote\?q=Personalausweis"/);
    const api = await t.app.inject('/api/v1/offers?q=Persoalausweis&city=aalen');
    assert.equal(api.json().suggestion, 'Personalausweis');
    const known = await t.app.inject('/api/v1/offers?q=Personalausweis');
    assert.equal('suggestion' in known.json(), false);
    const plain = await t.app.inject('/aalen/angebote?q=Personalausweis');
    assert.doesNotMatch(plain.body, /Meinten Sie/);
  });
});

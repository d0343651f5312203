import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cityId, testDatabase } from '../../../test/helpers.ts';
import { type Database, rows, sql } from '../../platform/db/index.ts';
import * as q from './queries.ts';
import { currentIndex, loadIndex, parseTsvector, type SearchIndex, searchIndex } from './search-index.ts';
import { seedDirectory } from './seed.ts';
import { searchOffers, upsertOfferAsSystem } from './service.ts';
import { offerInput } from './test-fixtures.ts';
import { matchAll, parseTsquery, rankAll, TsqueryError } from './tsquery.ts';

/** Search texts as people type them: words, typos, compounds, phrases, exclusions, "or", stop words. */
const TEXTS = [
  'Beratung',
  'Antrag',
  'Persoalausweis',
  'Personalausweis beantragen',
  'Umzug',
  '"Wohngeld beantragen"',
  'Pass -Reisepass',
  'Hund or Katze',
  'E-Mail Anmeldung',
  'Kita Anmeldung',
  'Bürgerbüro Öffnungszeiten',
  'der die das',
  'xyzzyquux',
  // Characters with a meaning in tsquery syntax, quotes and backslashes.
  "O'Reilly Straße",
  'C:\\Pfad\\Datei',
  '"" - or',
  'a & b | !c <-> d:* (Amt)',
  'info@aalen.de Bürgerbüro-Öffnungszeiten',
  '100 % sicher, 2.000 € Zuschuss',
];

/** Queries offer_search_query never builds, for the corners of the evaluator. */
const TSQUERIES = [
  "'berat':*",
  "'berat':A",
  "'berat':BD",
  "'aal' <2> 'stadt'",
  "'stadt' <-> 'aal' | 'wohngeld'",
  "!'berat' & 'aal'",
  "'pass' & !( 'reis' <-> 'pass' )",
  "( 'familienberat' | 'elternberat' ) <-> 'stell'",
  "'aal' <-> !'stadt'",
  "!'aal' <-> 'stadt'",
  "'wohngeld' & 'antrag' | 'hund':* & 'steu':*",
];

describe('in-process search index against PostgreSQL', () => {
  let database: Database;
  before(async () => {
    database = await testDatabase();
    await seedDirectory(database.db);
  });
  after(async () => database.close());

  async function sqlMatches(tsquery: string, rank: string) {
    return rows<{ id: string; rank: number }>(
      database.db,
      sql`SELECT id::text AS id, ts_rank_cd(search, ${rank}::tsquery, 32) AS rank
        FROM offers WHERE status = 'published' AND search @@ ${tsquery}::tsquery`,
    );
  }

  async function compare(label: string, match: string, rank: string) {
    const { index } = await currentIndex(database.db);
    const set = matchAll(index, parseTsquery(match));
    const docs = Int32Array.from(set.keys()).filter((d) => set[d] === 1);
    const ranks = rankAll(index, parseTsquery(rank), docs);
    const mine = new Map(Array.from(docs, (d, k) => [index.ids[d]!, ranks[k]!]));
    const theirs = await sqlMatches(match, rank);
    assert.deepEqual([...mine.keys()].sort(), theirs.map((r) => r.id).sort(), `${label}: matches`);
    for (const r of theirs) {
      assert.ok(
        Math.abs(mine.get(r.id)! - r.rank) < 1e-6,
        `${label}: rank of ${r.id} ${mine.get(r.id)} vs ${r.rank}`,
      );
    }
    return theirs.length;
  }

  test('matching (@@) and ranking (ts_rank_cd) equal PostgreSQL for typed search texts', async () => {
    let matched = 0;
    for (const text of TEXTS) {
      const c = await q.compileText(database.db, text);
      matched += await compare(text, c.match, c.rank);
      // Rank every match by the match query too: its ORs, phrases and ANDs go through the covers.
      if (c.match) await compare(`${text} (ranked by match)`, c.match, c.match);
    }
    assert.ok(matched > 100, `the texts match enough offers to mean something (${matched})`);
  });

  test('prefixes, weights, distances and negations equal PostgreSQL', async () => {
    for (const tsquery of TSQUERIES) await compare(tsquery, tsquery, tsquery);
  });

  test('served order: rank first, then title in German order, then id', async () => {
    for (const text of ['Beratung', 'Antrag', 'Umzug']) {
      const c = await q.compileText(database.db, text);
      const theirs = await sqlMatches(c.match, c.rank);
      const titles = new Map(
        (
          await rows<{ id: string; title: string }>(
            database.db,
            sql`SELECT id::text AS id, title FROM offers`,
          )
        ).map((r) => [r.id, r.title]),
      );
      const collator = new Intl.Collator('de', { sensitivity: 'variant', numeric: true });
      const expected = theirs
        .sort(
          (a, b) =>
            b.rank - a.rank ||
            collator.compare(titles.get(a.id)!, titles.get(b.id)!) ||
            (a.id < b.id ? -1 : 1),
        )
        .map((r) => r.id);
      const served: string[] = [];
      for (let page = 1; ; page++) {
        const r = await searchOffers(database.db, { q: text, page, perPage: 7 });
        served.push(...r.offers.map((o) => o.id));
        if (page >= r.pages) break;
      }
      // Ranks equal in float4 may differ in the last bit of the double above; compare as sets of ties.
      assert.equal(served.length, expected.length, text);
      assert.deepEqual(served.slice(0, 3), expected.slice(0, 3), text);
      assert.deepEqual([...served].sort(), [...expected].sort(), text);
    }
  });

  test('browsing without text lists by title in German order (Ä with A, not after Z)', async () => {
    const aalen = await cityId(database, 'aalen');
    const { index } = await currentIndex(database.db);
    const r = searchIndex(index, {
      cityId: aalen,
      kinds: [],
      categories: [],
      lifeSituations: [],
      online: false,
    });
    const titles = Array.from(r.order, (d) => index.ids[d]!);
    const byId = new Map(
      (
        await rows<{ id: string; title: string }>(database.db, sql`SELECT id::text AS id, title FROM offers`)
      ).map((x) => [x.id, x.title]),
    );
    const names = titles.map((id) => byId.get(id)!);
    const collator = new Intl.Collator('de', { sensitivity: 'variant', numeric: true });
    assert.deepEqual(names, [...names].sort(collator.compare));
    assert.ok(
      names.some((n) => /^[ÄÖÜ]/.test(n)),
      'the demo data has titles with umlauts',
    );
  });

  test('a write by SQL alone (another instance, an import) shows in the very next search', async () => {
    const before = await searchOffers(database.db, { q: 'Wohngeld' });
    assert.ok(before.total > 0);
    await database.db.execute(sql`UPDATE offers SET status = 'draft' WHERE slug = 'wohngeld'`);
    const hidden = await searchOffers(database.db, { q: 'Wohngeld' });
    assert.ok(!hidden.offers.some((o) => o.slug === 'wohngeld'));
    assert.ok(hidden.total < before.total);
    await database.db.execute(sql`UPDATE offers SET status = 'published' WHERE slug = 'wohngeld'`);
    const back = await searchOffers(database.db, { q: 'Wohngeld' });
    assert.equal(back.total, before.total);
    // A new offer's new word: the dictionary of look-alikes changes with it, so compiled texts go too.
    const aalen = await cityId(database, 'aalen');
    const none = await searchOffers(database.db, { q: 'Bouleban' });
    assert.equal(none.total, 0);
    await upsertOfferAsSystem(
      database.db,
      aalen,
      offerInput({
        slug: 'boulebahn-stadtgarten',
        title: 'Boulebahn im Stadtgarten',
        summary: 'Öffentliche Boulebahn, frei nutzbar.',
        categories: ['freizeit'],
      }),
    );
    const found = await searchOffers(database.db, { q: 'Boulebahn' });
    assert.equal(found.offers[0]?.slug, 'boulebahn-stadtgarten');
    // The same typed text as before the write: compiled anew, now with the new word as a look-alike.
    const typo = await searchOffers(database.db, { q: 'Bouleban' });
    assert.equal(typo.offers[0]?.slug, 'boulebahn-stadtgarten');
  });
});

describe('patching the index after writes', () => {
  let database: Database;
  before(async () => {
    database = await testDatabase();
    await seedDirectory(database.db);
  });
  after(async () => database.close());

  /** What a search shows: ids in order and the facets, for one filter. */
  async function view(index: SearchIndex, text: string, cityId?: number, categories: string[] = []) {
    const c = text ? await q.compileText(database.db, text) : undefined;
    const r = searchIndex(index, {
      cityId,
      kinds: [],
      categories,
      lifeSituations: [],
      online: false,
      text: c && { match: parseTsquery(c.match), rank: parseTsquery(c.rank) },
    });
    return { ids: Array.from(r.order, (d) => index.ids[d]), facets: r.facets };
  }

  test('a patched index answers exactly like one loaded afresh', async () => {
    const db = database.db;
    const aalen = await cityId(database, 'aalen');
    const first = await currentIndex(db);
    const before = first.index.version;
    // Renamed (moves in title order), recategorised, unpublished, republished, deleted, new.
    await db.execute(sql`UPDATE offers SET title = 'Ämterlotse ' || title WHERE slug = 'wohngeld'`);
    await db.execute(sql`UPDATE offers SET categories = '{freizeit}' WHERE slug = 'hundesteuer'`);
    await db.execute(sql`UPDATE offers SET status = 'draft' WHERE slug = 'sperrmuell'`);
    await db.execute(sql`UPDATE offers SET status = 'draft' WHERE slug = 'buergerbuero'`);
    await db.execute(sql`UPDATE offers SET status = 'published' WHERE slug = 'buergerbuero'`);
    await db.execute(
      sql`DELETE FROM offers WHERE slug = 'personalausweis-beantragen' AND city_id = ${aalen}`,
    );
    await db.execute(sql`INSERT INTO offers (city_id, slug, kind, status, title, summary, categories)
      VALUES (${aalen}, 'beratung-zum-umzug', 'counselling', 'published', 'Beratung zum Umzug',
        'Wir beraten Sie beim Umzug nach Aalen.', '{soziales}')`);
    const patched = (await currentIndex(db)).index;
    assert.equal(patched, first.index, 'patched in place, not reloaded');
    assert.notEqual(patched.version, before);
    assert.ok(patched.dead >= 5, `old slots are dead (${patched.dead})`);
    const fresh = await loadIndex(db);
    assert.equal(fresh.version, patched.version);
    for (const [text, city, categories] of [
      ['', undefined, []],
      ['', aalen, []],
      ['', aalen, ['freizeit']],
      ['Beratung', undefined, []],
      ['Umzug', aalen, []],
      ['Wohngeld', undefined, []],
      ['Personalausweis', aalen, []],
      ['Bürgerbüro', undefined, []],
    ] as [string, number | undefined, string[]][]) {
      assert.deepEqual(
        await view(patched, text, city, categories),
        await view(fresh, text, city, categories),
        `${text || '(no text)'} ${city ?? ''} ${categories}`,
      );
    }
    // German order: "Ämterlotse …" among the A titles, not after Z as in byte order.
    const titles = Array.from(
      (await view(patched, '', aalen)).ids,
      (id) => patched.titles[patched.slotOf.get(id!)!]!,
    );
    const at = titles.findIndex((t) => t.startsWith('Ämterlotse'));
    assert.ok(
      at >= 0 && at < titles.findIndex((t) => t.startsWith('B')),
      titles.slice(0, at + 2).join(' | '),
    );
  });

  test('the deletion log stays bounded; an index older than its trimmed part loads afresh', async () => {
    const db = database.db;
    const aalen = await cityId(database, 'aalen');
    await db.execute(sql`INSERT INTO offers (city_id, slug, kind, status, title, summary)
      SELECT ${aalen}, 'massenangebot-' || g, 'counselling', 'published', 'Massenangebot ' || g,
        'Ein Angebot, das gleich wieder geht.' FROM generate_series(1, 2000) g`);
    const stale = await currentIndex(db);
    assert.equal((await view(stale.index, 'Massenangebot', aalen)).ids.length, 2000);
    // 2,000 deletions in one statement stay logged; one more tips the log over its bound.
    await db.execute(sql`DELETE FROM offers WHERE slug LIKE 'massenangebot-%'`);
    await db.execute(sql`DELETE FROM offers WHERE slug = 'hundesteuer'`);
    const [log] = await rows<{ n: number; full_from: string; version: string }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM offers_deleted) AS n, full_from::text, version::text
        FROM offers_version`,
    );
    assert.ok(log!.n <= 1000, `log trimmed to the newest deletions (${log!.n})`);
    assert.ok(BigInt(log!.full_from) > BigInt(stale.index.version), 'older indexes must reload');
    // The log alone now names only the last deletion: patching from it would keep 2,000 ghosts.
    const next = await currentIndex(db);
    assert.notEqual(next.index, stale.index, 'loaded afresh, not patched');
    assert.equal(next.index.version, log!.version);
    assert.deepEqual((await view(next.index, 'Massenangebot', aalen)).ids, []);
    assert.deepEqual(await view(next.index, 'Hundesteuer'), await view(await loadIndex(db), 'Hundesteuer'));
  });
});

describe('tsquery and tsvector text', () => {
  test('parses operators with PostgreSQL precedence', () => {
    assert.deepEqual(parseTsquery("'a' | 'b' & !'c' <-> 'd'"), {
      op: 'or',
      left: { op: 'term', id: 0, lexeme: 'a', prefix: false, weights: 0 },
      right: {
        op: 'and',
        left: { op: 'term', id: 1, lexeme: 'b', prefix: false, weights: 0 },
        right: {
          op: 'phrase',
          distance: 1,
          left: { op: 'not', arg: { op: 'term', id: 2, lexeme: 'c', prefix: false, weights: 0 } },
          right: { op: 'term', id: 3, lexeme: 'd', prefix: false, weights: 0 },
        },
      },
    });
    assert.deepEqual(parseTsquery("'it''s':*AB"), {
      op: 'term',
      id: 0,
      lexeme: "it's",
      prefix: true,
      weights: (1 << 3) | (1 << 2),
    });
    assert.equal(parseTsquery(''), null);
    assert.throws(() => parseTsquery("'a' &"), TsqueryError);
    assert.throws(() => parseTsquery("( 'a'"), TsqueryError);
  });

  test('parses tsvectors with weights, quotes and backslashes', () => {
    assert.deepEqual(parseTsvector("'a':1A,5 'it''s':3B 'x\\\\y':2C 'z'"), [
      ['a', [(1 << 2) | 3, 5 << 2]],
      ["it's", [(3 << 2) | 2]],
      ['x\\y', [(2 << 2) | 1]],
      ['z', []],
    ]);
  });
});

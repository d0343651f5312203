import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cityId, testDatabase } from '../../../test/helpers.ts';
import { type Database, rows, sql } from '../../platform/db/index.ts';
import { searchOffers, upsertOfferAsSystem } from './service.ts';
import { offerInput } from './test-fixtures.ts';

/** Migration 0007: the dictionary of offer words behind typo and compound matching. */
describe('search dictionary (offer_words)', () => {
  let database: Database;
  let aalen: number;
  const offer = (slug: string, title: string, tags: string[]) =>
    offerInput({
      slug,
      kind: 'online_service',
      title,
      summary: 'Ein Angebot der Stadt, online zu erledigen.',
      categories: ['umwelt'],
      tags,
      onlineServiceUrl: 'https://www.aalen.example/dienst',
    });
  const words = async () =>
    (await rows<{ word: string }>(database.db, sql`SELECT word FROM offer_words`)).map((r) => r.word);
  const slugs = async (q: string) =>
    (await searchOffers(database.db, { q, cityId: aalen })).offers.map((o) => o.slug);

  before(async () => {
    database = await testDatabase();
    aalen = await cityId(database, 'aalen');
  });
  after(async () => database.close());

  test('words of new and changed offers join the dictionary', async () => {
    await upsertOfferAsSystem(
      database.db,
      aalen,
      offer('sperrmuell', 'Sperrmüllabholung bestellen', ['Wertstoffe']),
    );
    const first = await words();
    for (const w of ['sperrmüllabholung', 'bestellen', 'wertstoffe', 'umwelt'])
      assert.ok(first.includes(w), w);
    await upsertOfferAsSystem(database.db, aalen, offer('sperrmuell', 'Grünschnitt abholen lassen', []));
    assert.ok((await words()).includes('grünschnitt'));
  });

  test('typos and parts of compounds find the offer; the exact word ranks first', async () => {
    await upsertOfferAsSystem(database.db, aalen, offer('hundesteuer', 'Hundesteuer anmelden', ['Hund']));
    await upsertOfferAsSystem(database.db, aalen, offer('grundsteuer', 'Grundsteuer zahlen', ['Steuer']));
    await upsertOfferAsSystem(database.db, aalen, offer('kehrwoche', 'Kehrwoche und Winterdienst', []));
    assert.deepEqual(await slugs('Grünschnit'), ['sperrmuell']);
    assert.deepEqual(await slugs('Hundesteur'), ['hundesteuer']);
    // Both compounds match; the offer tagged with the very word comes first.
    assert.deepEqual(await slugs('Steuer'), ['grundsteuer', 'hundesteuer']);
    assert.deepEqual(await slugs('Winterdienst'), ['kehrwoche']);
  });

  test('stop words alone and unknown words find nothing, without errors', async () => {
    assert.equal((await searchOffers(database.db, { q: 'und' })).total, 0);
    assert.equal((await searchOffers(database.db, { q: 'xyzzyquux' })).total, 0);
    assert.equal((await searchOffers(database.db, { q: '"(&|!:*\'\\' })).total, 0);
  });
});

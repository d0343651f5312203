import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabase } from '../../../test/helpers.ts';
import { cityAt } from '../tenancy/service.ts';
import { type Database, one, rows, sql } from './index.ts';
import { listMigrations, migrate } from './migrate.ts';

describe(`database (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: Database;
  before(async () => {
    database = await testDatabase();
  });
  after(async () => database.close());

  test('every committed migration is applied, and applying again changes nothing', async () => {
    const applied = await rows<{ name: string }>(
      database.db,
      sql`SELECT name FROM schema_migrations ORDER BY name`,
    );
    assert.deepEqual(
      applied.map((r) => r.name),
      listMigrations().map((m) => m.name),
    );
    assert.deepEqual(await migrate(database), []);
  });

  test('PostGIS and pg_trgm are available', async () => {
    const r = await one<{ d: number; s: number }>(
      database.db,
      sql`SELECT ST_Distance(ST_MakePoint(10.09, 48.84)::geography, ST_MakePoint(10.15, 48.68)::geography) AS d,
        similarity('Persoalausweis', 'Personalausweis') AS s`,
    );
    assert.ok(r!.d > 15_000 && r!.d < 20_000, `Aalen–Heidenheim distance ${r!.d} m`);
    assert.ok(r!.s > 0.5);
  });

  test('German full-text search stems words', async () => {
    const r = await one<{ m: boolean }>(
      database.db,
      sql`SELECT to_tsvector('german', 'Personalausweise beantragen') @@ websearch_to_tsquery('german', 'Personalausweis') AS m`,
    );
    assert.equal(r!.m, true);
  });

  test('the responsible city is found by point-in-polygon', async () => {
    assert.equal((await cityAt(database.db, 10.0936, 48.8373))?.slug, 'aalen');
    assert.equal((await cityAt(database.db, 10.1527, 48.6767))?.slug, 'heidenheim');
    assert.equal(await cityAt(database.db, 9.18, 48.78), undefined, 'Stuttgart is outside the region');
  });

  test('a failing transaction leaves nothing behind', async () => {
    await assert.rejects(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO audit_log (action, entity_type) VALUES ('test.rollback', 'test')`);
        throw new Error('boom');
      }),
      /boom/,
    );
    const r = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.rollback'`,
    );
    assert.equal(r!.n, 0);
  });

  test('LISTEN/NOTIFY delivers payloads', async () => {
    const received: string[] = [];
    const unlisten = await database.listen('sp_test_channel', (p) => received.push(p));
    await database.notify('sp_test_channel', 'hallo');
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await unlisten();
    assert.deepEqual(received, ['hallo']);
    await assert.rejects(database.notify('bad channel; drop table x', 'x'), /invalid channel/);
  });

  test('ping answers', async () => {
    assert.equal(await database.ping(), true);
  });
});

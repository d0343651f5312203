import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabase } from '../../../test/helpers.ts';
import { type Database, one, rows, sql } from '../../platform/db/index.ts';
import { seedReports } from './seed.ts';
import { STATUSES } from './service.ts';

describe('Mängelmelder demo data', () => {
  let database: Database;
  let created: number;
  before(async () => {
    database = await testDatabase();
    created = (await seedReports(database.db)).created;
  });
  after(async () => database.close());

  test('about 200 reports in both cities, every status', async () => {
    assert.ok(created >= 180 && created <= 220, `created ${created}`);
    const perCity = await rows<{ slug: string; n: number }>(
      database.db,
      sql`SELECT c.slug, count(*)::int AS n FROM reports r JOIN cities c ON c.id = r.city_id GROUP BY c.slug ORDER BY c.slug`,
    );
    assert.deepEqual(
      perCity.map((r) => r.slug),
      ['aalen', 'heidenheim'],
    );
    const statuses = await rows<{ status: string }>(
      database.db,
      sql`SELECT DISTINCT status FROM reports ORDER BY status`,
    );
    assert.deepEqual(statuses.map((s) => s.status).sort(), [...STATUSES].sort());
  });

  test('locations lie inside the city they belong to', async () => {
    const wrong = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM reports r JOIN cities c ON c.id = r.city_id
          WHERE r.location IS NOT NULL AND NOT ST_Contains(c.boundary, r.location)`,
    );
    assert.equal(wrong!.n, 0);
  });

  test('timelines: within six months, in order, closed reports have a closing entry', async () => {
    const bad = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM report_history h JOIN reports r ON r.id = h.report_id
          WHERE h.at < r.created_at OR h.at > now() OR r.created_at < now() - interval '181 days'`,
    );
    assert.equal(bad!.n, 0);
    const closedWithout = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM reports r WHERE r.status IN ('erledigt', 'abgelehnt', 'duplikat', 'weitergeleitet')
          AND (r.closed_at IS NULL OR NOT EXISTS (SELECT 1 FROM report_history h WHERE h.report_id = r.id AND h.to_status = r.status))`,
    );
    assert.equal(closedWithout!.n, 0);
    const rejectedWithoutReason = await one<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM report_history WHERE to_status = 'abgelehnt' AND coalesce(public_note, '') = ''`,
    );
    assert.equal(rejectedWithoutReason!.n, 0);
  });

  test('seeding again changes nothing', async () => {
    assert.equal((await seedReports(database.db)).created, 0);
  });
});

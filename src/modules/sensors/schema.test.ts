import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { testDatabase } from '../../../test/helpers.ts';
import { type Database, rows, sql } from '../../platform/db/index.ts';
import * as schema from './schema.ts';

const tables = (Object.values(schema) as unknown[]).filter(
  (v): v is PgTable => typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in v,
);

let database: Database;
before(async () => {
  database = await testDatabase();
});
after(async () => database.close());

test('sensors Drizzle definitions match 0010_sensors.sql, 0019_sensors_daily.sql and 0023_sensors_multi_datastreams.sql', async () => {
  assert.equal(tables.length, 17);
  for (const table of tables) {
    const config = getTableConfig(table);
    const actual = await rows<{ column_name: string; is_nullable: string }>(
      database.db,
      sql`SELECT column_name, is_nullable FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = ${config.name} ORDER BY column_name`,
    );
    const expected = config.columns
      .map((c) => ({ column_name: c.name, is_nullable: c.notNull ? 'NO' : 'YES' }))
      .sort((a, b) => a.column_name.localeCompare(b.column_name));
    assert.deepEqual(actual, expected, `columns of ${config.name}`);
  }
});

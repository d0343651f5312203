import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { testDatabase } from '../../../test/helpers.ts';
import * as directory from '../../modules/directory/schema.ts';
import { type Database, rows, sql } from './index.ts';
import * as platform from './schema.ts';

const tables = ([...Object.values(platform), ...Object.values(directory)] as unknown[]).filter(
  (v): v is PgTable => typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in v,
);

describe('Drizzle definitions match the SQL migrations', () => {
  let database: Database;
  before(async () => {
    database = await testDatabase();
  });
  after(async () => database.close());

  test('same tables, columns and nullability', async () => {
    assert.ok(tables.length >= 11, `found ${tables.length} table definitions`);
    for (const table of tables) {
      const config = getTableConfig(table);
      const actual = await rows<{ column_name: string; is_nullable: string }>(
        database.db,
        sql`SELECT column_name, is_nullable FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = ${config.name} ORDER BY column_name`,
      );
      assert.ok(actual.length > 0, `table ${config.name} exists`);
      const expected = config.columns
        .map((c) => ({ column_name: c.name, is_nullable: c.notNull ? 'NO' : 'YES' }))
        .sort((a, b) => a.column_name.localeCompare(b.column_name));
      assert.deepEqual(actual, expected, `columns of ${config.name}`);
    }
  });
});

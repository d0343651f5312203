import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabase } from '../../../test/helpers.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { createAuthToken, createSession, createUser, recordFailure } from '../auth/service.ts';
import { type Database, one, sql } from '../db/index.ts';
import { enqueue } from '../jobs/service.ts';
import { queueMail } from '../mail/service.ts';
import { DEFAULT_RETENTION, purgeExpired } from './service.ts';

describe('deleting expired data', () => {
  let database: Database;
  before(async () => {
    database = await testDatabase();
  });
  after(async () => database.close());

  const count = async (table: string) =>
    (await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`))!.n;

  test('removes only what is past its period, and nothing twice', async () => {
    const db = database.db;
    const user = await createUser(db, { email: 'frist@example.org', displayName: 'Frist' });
    await createSession(db, user.id);
    await createSession(db, user.id);
    await db.execute(sql`UPDATE sessions SET expires_at = now() - interval '1 minute'
      WHERE token_hash = (SELECT token_hash FROM sessions ORDER BY created_at LIMIT 1)`);
    await createAuthToken(db, user.id, 'confirm_email');
    await createAuthToken(db, user.id, 'reset_password');
    await db.execute(
      sql`UPDATE auth_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'reset_password'`,
    );
    await recordFailure(db, { account: 'a', client: 'c' });
    await recordFailure(db, { account: 'a', client: 'c' });
    await db.execute(sql`UPDATE login_failures SET created_at = now() - interval '25 hours'
      WHERE id = (SELECT min(id) FROM login_failures)`);
    await queueMail(db, { to: 'frist@example.org', subject: 'alt', text: 'x', purpose: 'test' });
    await queueMail(db, { to: 'frist@example.org', subject: 'neu', text: 'x', purpose: 'test' });
    await db.execute(
      sql`UPDATE mail_outbox SET created_at = now() - interval '31 days' WHERE subject = 'alt'`,
    );
    await enqueue(db, 'retention-test', { n: 1 });
    await enqueue(db, 'retention-test', { n: 2 });
    await enqueue(db, 'retention-test', { n: 3 });
    // Done long ago, done yesterday, and still pending although old: only the first goes.
    await db.execute(sql`UPDATE jobs SET done_at = now() - interval '15 days' WHERE payload->>'n' = '1'`);
    await db.execute(sql`UPDATE jobs SET done_at = now() - interval '1 day' WHERE payload->>'n' = '2'`);
    await db.execute(sql`UPDATE jobs SET run_at = now() - interval '30 days' WHERE payload->>'n' = '3'`);

    const before = {
      sessions: await count('sessions'),
      tokens: await count('auth_tokens'),
      failures: await count('login_failures'),
      mails: await count('mail_outbox'),
      jobs: await count('jobs'),
    };
    const first = await purgeExpired(db);
    assert.deepEqual(first, { sessions: 1, authTokens: 1, loginFailures: 1, mails: 1, jobs: 1 });
    assert.equal(await count('sessions'), before.sessions - 1);
    assert.equal(await count('auth_tokens'), before.tokens - 1);
    assert.equal(await count('login_failures'), before.failures - 1);
    assert.equal(await count('mail_outbox'), before.mails - 1);
    assert.equal(await count('jobs'), before.jobs - 1);
    const left = await one<{ subject: string }>(
      db,
      sql`SELECT subject FROM mail_outbox WHERE to_address = 'frist@example.org'`,
    );
    assert.equal(left?.subject, 'neu');

    assert.deepEqual(await purgeExpired(db), {
      sessions: 0,
      authTokens: 0,
      loginFailures: 0,
      mails: 0,
      jobs: 0,
    });
    // A shorter period set by the operator takes the newer mail too.
    const stricter = await purgeExpired(db, new Date(Date.now() + 60_000), {
      ...DEFAULT_RETENTION,
      mailDays: 0,
    });
    assert.ok(stricter.mails >= 1);
    assert.equal(await count('mail_outbox'), 0);
  });
});

describe('deletion periods from the environment', () => {
  const env = (extra: Record<string, string>) => ({
    SECRET: 'x'.repeat(32),
    DATA_DIR: '/nonexistent',
    ...extra,
  });

  test('whole days are taken, empty means the default', () => {
    const c = loadConfig(env({ MAIL_RETENTION_DAYS: '7', JOB_RETENTION_DAYS: '' }));
    assert.equal(c.retention.mailDays, 7);
    assert.equal(c.retention.jobDays, DEFAULT_RETENTION.jobDays);
  });

  test('anything else stops the start with the name of the setting', () => {
    for (const [name, value] of [
      ['MAIL_RETENTION_DAYS', 'dreißig'],
      ['MAIL_RETENTION_DAYS', '-1'],
      ['JOB_RETENTION_DAYS', '2.5'],
    ] as const) {
      assert.throws(
        () => loadConfig(env({ [name]: value })),
        (err: unknown) =>
          err instanceof ConfigError && err.message.includes(name) && err.message.includes(value),
        `${name}=${value}`,
      );
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabase } from '../../../test/helpers.ts';
import { type Database, one, sql } from '../db/index.ts';
import { claim, enqueue, type Job, startWorker } from './service.ts';

describe('job queue', () => {
  let database: Database;
  before(async () => {
    database = await testDatabase();
  });
  after(async () => database.close());

  test('a job runs once; a duplicate key is enqueued once', async () => {
    const seen: unknown[] = [];
    const worker = await startWorker(
      database,
      { 'test.echo': async (job) => void seen.push(job.payload) },
      { intervalMs: 60_000 },
    );
    const first = await enqueue(database.db, 'test.echo', { n: 1 }, { dedupeKey: 'same' });
    const second = await enqueue(database.db, 'test.echo', { n: 2 }, { dedupeKey: 'same' });
    assert.ok(first);
    assert.equal(second, undefined);
    await worker.drain();
    await worker.drain();
    await worker.stop();
    assert.deepEqual(seen, [{ n: 1 }]);
  });

  test('a failing job is retried with backoff and marked failed after max attempts', async () => {
    let calls = 0;
    const worker = await startWorker(
      database,
      {
        'test.fail': async () => {
          calls++;
          throw new Error('kaputt');
        },
      },
      { intervalMs: 60_000 },
    );
    const id = await enqueue(database.db, 'test.fail', {}, { maxAttempts: 2 });
    await worker.drain();
    // Due again: skip the backoff wait.
    await database.db.execute(sql`UPDATE jobs SET run_at = now() WHERE id = ${id!}`);
    await worker.drain();
    await worker.stop();
    const row = await one<{ attempts: number; failed: boolean; last_error: string }>(
      database.db,
      sql`SELECT attempts, failed_at IS NOT NULL AS failed, last_error FROM jobs WHERE id = ${id!}`,
    );
    assert.equal(calls, 2);
    assert.deepEqual(row, { attempts: 2, failed: true, last_error: 'kaputt' });
  });

  test('jobs due later are not claimed early; claimed jobs are not claimed twice', async () => {
    await enqueue(database.db, 'test.later', {}, { runAt: new Date(Date.now() + 3_600_000) });
    assert.equal((await claim(database.db, ['test.later'], 10)).length, 0);
    await enqueue(database.db, 'test.once', {});
    const a: Job[] = await claim(database.db, ['test.once'], 10);
    const b: Job[] = await claim(database.db, ['test.once'], 10);
    assert.equal(a.length, 1);
    assert.equal(b.length, 0);
  });

  test('NOTIFY wakes an idle worker', async () => {
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const worker = await startWorker(
      database,
      { 'test.wake': async () => resolve() },
      { intervalMs: 60_000 },
    );
    await enqueue(database.db, 'test.wake', {});
    await Promise.race([
      done,
      new Promise((_, reject) => setTimeout(() => reject(new Error('not woken')), 5_000)),
    ]);
    await worker.stop();
  });
});

/**
 * Benchmark: the iCalendar feed and the "upcoming events" list (recurrence expanded in Europe/Berlin)
 * for a city with many events. The physical limit, measured in the same run on the same database: the
 * plain SELECT of exactly the rows the feed is built from (no expansion, no serialisation, no HTTP).
 * The ratio says what our work on top of reading the rows costs.
 *
 *   npx tsx bench/content.ts            (PGlite; DATABASE_URL=postgres://… for PostgreSQL)
 *   EVENTS=5000 ROUNDS=10 npx tsx bench/content.ts
 */
import { performance } from 'node:perf_hooks';
import { upcomingEvents } from '../src/modules/content/service.ts';
import { rows, sql } from '../src/platform/db/index.ts';
import { testApp } from '../test/helpers.ts';

const EVENTS = Number(process.env.EVENTS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const best: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    best.push(performance.now() - t0);
  }
  return Math.min(...best);
}

const t = await testApp({}, undefined);
const db = t.database.db;
const city = (await rows<{ id: number }>(db, sql`SELECT id FROM cities WHERE slug = 'aalen'`))[0]!.id;
// A quarter are weekly series over a year (52 dates each), the rest single dates spread over a year.
await db.execute(sql`
  INSERT INTO events (city_id, status, title, description, starts_at, ends_at, rrule, last_ends_at, place_name,
    categories, price_cents, publish_at)
  SELECT ${city}, 'published', 'Veranstaltung ' || g, 'Beschreibung mit Umlauten: Äpfel, Öl; und Kommas ' || g,
    now() + (g % 365) * interval '1 day', now() + (g % 365) * interval '1 day' + interval '2 hours',
    CASE WHEN g % 4 = 0 THEN 'FREQ=WEEKLY;UNTIL=' || to_char((now() + interval '1 year') AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"') END,
    CASE WHEN g % 4 = 0 THEN now() + interval '1 year' ELSE now() + (g % 365) * interval '1 day' + interval '2 hours' END,
    'Ort ' || g, ARRAY['culture'], 0, now() - interval '1 day'
  FROM generate_series(1, ${EVENTS}) g`);

const floorMs = await time(() =>
  rows(
    db,
    sql`SELECT * FROM events WHERE city_id = ${city} AND status = 'published' AND last_ends_at > now()`,
  ),
);
let bytes = 0;
const icsMs = await time(async () => {
  const res = await t.app.inject('/aalen/events.ics');
  if (res.statusCode !== 200) throw new Error(`events.ics: ${res.statusCode}`);
  bytes = res.rawPayload.length;
});
const upcomingMs = await time(() => upcomingEvents(db, { cityId: city, limit: 100 }));
await t.close();

const fmt = (n: number) => n.toFixed(1);
console.log(`content benchmark (${t.database.kind}, ${EVENTS} events, best of ${ROUNDS})`);
console.log(`  floor: SELECT of the feed's rows           ${fmt(floorMs)} ms`);
console.log(
  `  GET /aalen/events.ics (${(bytes / 1024).toFixed(0)} KB)        ${fmt(icsMs)} ms  = ${fmt(icsMs / floorMs)} × floor`,
);
console.log(
  `  upcomingEvents (100, series expanded)    ${fmt(upcomingMs)} ms  = ${fmt(upcomingMs / floorMs)} × floor`,
);

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import ICAL from 'ical.js';
import sharp from 'sharp';
import { cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { createUser } from '../../platform/auth/service.ts';
import { one, rows, sql } from '../../platform/db/index.ts';
import { checkIn, checkinToken, createPlace, upsertAction } from '../bonus/service.ts';
import { eventInput, expandLastEnd, newsInput, saveCampaign, saveEvent, saveNews } from './editorial.ts';
import { calendar } from './ical.ts';
import type { EventItem } from './model.ts';
import { berlinParts, berlinToDate, expand } from './recurrence.ts';
import { seedContent } from './seed.ts';
import { activeCampaignMessages, activeMultiplier, latestNews, upcomingEvents } from './service.ts';

const SYSTEM = { id: undefined };
const BERLIN = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
const local = (y: number, m: number, d: number, hh = 0, mm = 0) =>
  berlinToDate({ ...BERLIN, year: y, month: m, day: d, hour: hh, minute: mm });

/** Parses iCalendar text with ical.js (a full RFC 5545 parser), with the feed's own VTIMEZONE registered. */
function parseCalendar(text: string) {
  const comp = new ICAL.Component(ICAL.parse(text));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return comp;
}

/** Occurrence starts (UTC ms) as ical.js expands them. */
function icalStarts(vevent: ICAL.Component, max = 500): number[] {
  const event = new ICAL.Event(vevent);
  const it = event.iterator();
  const out: number[] = [];
  for (let next = it.next(); next && out.length < max; next = it.next()) out.push(next.toJSDate().getTime());
  return out;
}

describe('content: news, events, campaigns', () => {
  let t: TestApp;
  let aalen: number;
  let heidenheim: number;
  before(async () => {
    t = await testApp();
    aalen = await cityId(t.database, 'aalen');
    heidenheim = await cityId(t.database, 'heidenheim');
  });
  after(async () => t.close());

  const db = () => t.database.db;
  const news = (over: Record<string, string>, cityIdValue: number | null = aalen) => {
    const { input, errors } = newsInput(
      {
        title: 'Neue Radwege',
        teaser: 'Die Stadt baut Radwege.',
        body: 'Text',
        status: 'published',
        ...over,
      },
      { cityId: cityIdValue, hasImage: false },
    );
    assert.deepEqual(errors, {});
    return input;
  };

  test('recurrence keeps Berlin wall-clock time across DST and matches ical.js expansion', () => {
    // Weekly on Tuesdays and Thursdays at 18:30 from mid-October to mid-November: crosses 25 Oct 2026.
    const startsAt = local(2026, 10, 13, 18, 30);
    const endsAt = local(2026, 10, 13, 20, 0);
    const { input, errors } = eventInput(
      {
        title: 'Lauftreff',
        placeName: 'Stadtgarten',
        startDate: '2026-10-13',
        startTime: '18:30',
        endDate: '2026-10-13',
        endTime: '20:00',
        repeat: 'WEEKLY',
        byDay: ['TU', 'TH'],
        repeatUntil: '2026-11-12',
        status: 'published',
      },
      { cityId: aalen, hasImage: false },
    );
    assert.deepEqual(errors, {});
    assert.equal(input.startsAt.getTime(), startsAt.getTime());
    assert.equal(input.endsAt.getTime(), endsAt.getTime());
    assert.match(input.rrule!, /^FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261112T225900Z$/);
    const ours = expand(input);
    assert.equal(ours.length, 10);
    for (const o of ours) {
      const p = berlinParts(o.start);
      assert.deepEqual([p.hour, p.minute], [18, 30], 'always 18:30 local');
      assert.equal(o.end.getTime() - o.start.getTime(), 90 * 60_000);
    }
    // Before the change 16:30 UTC, after it 17:30 UTC.
    assert.equal(ours[0]!.start.toISOString(), '2026-10-13T16:30:00.000Z');
    assert.equal(ours.at(-1)!.start.toISOString(), '2026-11-12T17:30:00.000Z');
    assert.equal(input.lastEndsAt.getTime(), ours.at(-1)!.end.getTime());

    const event = {
      ...input,
      id: 7,
      city: 'aalen',
      revision: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
      offer: null,
      imageId: null,
    } as unknown as EventItem;
    const comp = parseCalendar(calendar([event], { name: 'Test', baseUrl: 'https://example.org' }));
    const vevent = comp.getFirstSubcomponent('vevent')!;
    assert.equal(vevent.getFirstProperty('dtstart')!.getParameter('tzid'), 'Europe/Berlin');
    assert.deepEqual(
      icalStarts(vevent),
      ours.map((o) => o.start.getTime()),
    );
  });

  test('monthly series skip months without the day; all-day multi-day events use DATE values', () => {
    const e = {
      startsAt: local(2027, 1, 31, 10),
      endsAt: local(2027, 1, 31, 11),
      allDay: false,
      rrule: 'FREQ=MONTHLY;COUNT=4',
    };
    const starts = expand(e).map((o) => berlinParts(o.start));
    assert.deepEqual(
      starts.map((p) => `${p.month}/${p.day}`),
      ['1/31', '3/31', '5/31', '7/31'],
    );

    const { input, errors } = eventInput(
      {
        title: 'Stadtfest',
        placeName: 'Marktplatz',
        allDay: 'on',
        startDate: '2027-03-27',
        endDate: '2027-03-28',
        status: 'published',
      },
      { cityId: aalen, hasImage: false },
    );
    assert.deepEqual(errors, {});
    const event = {
      ...input,
      id: 8,
      city: 'aalen',
      revision: 2,
      createdAt: new Date(),
      updatedAt: new Date(),
      offer: null,
      imageId: null,
    } as unknown as EventItem;
    const text = calendar([event], { name: 'Test', baseUrl: 'https://example.org' });
    assert.match(text, /DTSTART;VALUE=DATE:20270327\r\n/);
    assert.match(text, /DTEND;VALUE=DATE:20270329\r\n/, 'exclusive end: the day after the last');
    const ev = new ICAL.Event(parseCalendar(text).getFirstSubcomponent('vevent')!);
    assert.equal(ev.startDate.isDate, true);
    assert.equal(ev.endDate.toString(), '2027-03-29');
    assert.equal(ev.duration.days, 2);
    // Spans the spring DST change (28 March 2027): still two whole local days.
    assert.equal(expandLastEnd(input).getTime(), local(2027, 3, 29).getTime());
  });

  test('iCal folds long lines on octet boundaries and escapes text', () => {
    const long = 'Ärger über Äpfel; Birnen, Kürbisse\\ und Öl '.repeat(6);
    const event = {
      ...news({}),
      id: 9,
      city: null,
      title: long,
      description: 'Zeile 1\nZeile 2',
      startsAt: local(2027, 5, 1, 10),
      endsAt: local(2027, 5, 1, 12),
      allDay: false,
      rrule: null,
      placeName: 'Ort, mit Komma',
      address: '',
      location: { lat: 48.8, lon: 10.09 },
      categories: ['culture'],
      priceCents: 500,
      priceNote: '',
      organiser: '',
      revision: 1,
      status: 'cancelled',
      createdAt: new Date(),
      updatedAt: new Date(),
      offer: null,
      imageId: null,
    } as unknown as EventItem;
    const text = calendar([event], { name: 'Test', baseUrl: 'https://example.org' });
    for (const line of text.split('\r\n'))
      assert.ok(Buffer.byteLength(line) <= 75, `line within 75 octets: ${line}`);
    const ev = new ICAL.Event(parseCalendar(text).getFirstSubcomponent('vevent')!);
    assert.equal(ev.summary, long);
    assert.equal(ev.location, 'Ort, mit Komma');
    assert.match(ev.description, /^Zeile 1\nZeile 2/);
    assert.equal(ev.component.getFirstPropertyValue('status'), 'CANCELLED');
    assert.deepEqual(ev.component.getFirstPropertyValue('geo'), [48.8, 10.09]);
  });

  test('demo seed: news, events and a climate campaign in both cities; idempotent', async () => {
    const first = await seedContent(db());
    assert.equal(first.campaigns, 2);
    assert.ok(first.news >= 7 && first.events >= 12, JSON.stringify(first));
    const again = await seedContent(db());
    assert.deepEqual(again, { news: 0, events: 0, campaigns: 0 });
    for (const id of [aalen, heidenheim]) {
      assert.ok((await latestNews(db(), { cityId: id, limit: 10 })).length >= 4);
      assert.ok((await upcomingEvents(db(), { cityId: id, limit: 50 })).length >= 6);
    }
  });

  test('coming events: a short list is the start of the long one (series expanded only as needed)', async () => {
    const key = (e: { id: number; startsAt: Date }) => `${e.id}@${e.startsAt.toISOString()}`;
    for (const cityId of [aalen, heidenheim, null]) {
      const all = (await upcomingEvents(db(), { cityId, limit: 1000 })).map(key);
      const later = (await upcomingEvents(db(), { cityId, limit: 1000 })).filter(
        (e) => e.startsAt.getTime() > Date.now() + 14 * 86_400_000,
      );
      assert.ok(later.length > 0, 'the long list reaches beyond the first two weeks');
      for (const k of [1, 3, 7, 20]) {
        const short = (await upcomingEvents(db(), { cityId, limit: k })).map(key);
        assert.deepEqual(short, all.slice(0, k), `city ${cityId}, ${k}`);
      }
    }
  });

  test('/{city}/events.ics and per-event .ics parse with ical.js; recurrence matches the page', async () => {
    const res = await t.app.inject('/aalen/events.ics');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/calendar; charset=utf-8/);
    const comp = parseCalendar(res.body);
    assert.equal(comp.getFirstPropertyValue('version'), '2.0');
    const vevents = comp.getAllSubcomponents('vevent');
    assert.ok(vevents.length >= 6);
    const titles = vevents.map((v) => String(v.getFirstPropertyValue('summary')));
    assert.ok(titles.includes('Repair-Café'));
    assert.ok(!titles.some((x) => x.includes('Heidenheim') || x.includes('Brenz')), 'no other city');
    const uids = new Set(vevents.map((v) => String(v.getFirstPropertyValue('uid'))));
    assert.equal(uids.size, vevents.length, 'unique UIDs');
    const repair = vevents.find((v) => v.getFirstPropertyValue('summary') === 'Repair-Café')!;
    assert.match(String(repair.getFirstPropertyValue('rrule')), /FREQ=MONTHLY/);
    const id = Number(/event-(\d+)@/.exec(String(repair.getFirstPropertyValue('uid')))![1]);
    const occurrences = icalStarts(repair);
    assert.ok(occurrences.length >= 10);
    const page = await t.app.inject(`/aalen/veranstaltungen/${id}`);
    assert.equal(page.statusCode, 200);
    // The page lists the same first dates (as <time datetime>) that ical.js computes.
    const times = [...page.body.matchAll(/<time dateTime="([^"]+)"|<time datetime="([^"]+)"/g)].map((m) =>
      Date.parse(m[1] ?? m[2]!),
    );
    assert.deepEqual(times.slice(0, 5), occurrences.filter((x) => x > Date.now() - 4 * 3600_000).slice(0, 5));

    const single = await t.app.inject(`/aalen/veranstaltungen/${id}.ics`);
    assert.equal(single.statusCode, 200);
    assert.equal(parseCalendar(single.body).getAllSubcomponents('vevent').length, 1);
    assert.equal((await t.app.inject(`/heidenheim/veranstaltungen/${id}.ics`)).statusCode, 404, 'wrong city');
    const region = parseCalendar((await t.app.inject('/events.ics')).body);
    assert.ok(region.getAllSubcomponents('vevent').length > vevents.length, 'region feed has both cities');
  });

  test('event page carries schema.org Event JSON-LD', async () => {
    const [e] = await upcomingEvents(db(), { cityId: aalen, limit: 1 });
    const res = await t.app.inject(e!.url);
    const blocks = [...res.body.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map(
      (m) => JSON.parse(m[1]!),
    );
    const ev = blocks.find((b) => b['@type'] === 'Event');
    assert.ok(ev, 'has an Event');
    assert.equal(ev.name, e!.title);
    assert.equal(ev['@context'], 'https://schema.org');
    assert.match(ev.eventStatus, /EventScheduled/);
    assert.equal(ev.location['@type'], 'Place');
    assert.ok(ev.startDate);
  });

  test('Atom feed parses, has the published items only, and escapes content', async () => {
    const hostile = await saveNews(
      db(),
      SYSTEM,
      undefined,
      news({ slug: 'xss', title: 'Ä <b>&</b>', body: '<script>alert(1)</script>\n\n**fett**' }),
      {},
    );
    await saveNews(
      db(),
      SYSTEM,
      undefined,
      news({ slug: 'entwurf', title: 'Geheimer Entwurf', status: 'draft' }),
      {},
    );
    const res = await t.app.inject('/aalen/aktuelles/feed.atom');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/atom\+xml/);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(res.body);
    assert.equal(doc.feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
    const entries = [doc.feed.entry].flat();
    assert.ok(entries.length >= 4);
    for (const e of entries) {
      assert.ok(e.id && e.title !== undefined && e.updated && e.link['@_href'], 'required Atom elements');
      assert.ok(!Number.isNaN(Date.parse(e.updated)));
    }
    const x = entries.find((e) => e.link['@_href'].endsWith('/aalen/aktuelles/xss'));
    assert.equal(x.title, 'Ä <b>&</b>', 'title is text, escaped on the wire');
    assert.ok(!String(x.content['#text']).includes('<script'), 'sanitised HTML content');
    assert.match(String(x.content['#text']), /<strong>fett<\/strong>/);
    assert.ok(!res.body.includes('Geheimer Entwurf'));
    const page = await t.app.inject(`/aalen/aktuelles/${hostile.slug}`);
    assert.ok(!page.body.includes('<script>alert(1)'));
    assert.match(page.body, /Ä &lt;b>&amp;&lt;\/b>/);
  });

  test('scheduled publishing: invisible everywhere until publish_at, then visible without a job', async () => {
    const future = new Date(Date.now() + 3 * 86_400_000);
    const item = await saveNews(
      db(),
      SYSTEM,
      undefined,
      { ...news({ slug: 'geplant', title: 'Geplante Meldung' }), publishAt: future },
      {},
    );
    const hidden = async () => {
      assert.equal((await t.app.inject('/aalen/aktuelles/geplant')).statusCode, 404);
      assert.ok(!(await t.app.inject('/aalen/aktuelles')).body.includes('Geplante Meldung'));
      assert.ok(!(await t.app.inject('/aalen/aktuelles/feed.atom')).body.includes('Geplante Meldung'));
      assert.ok(!(await t.app.inject('/api/v1/news?city=aalen')).body.includes('Geplante Meldung'));
      assert.ok(!(await latestNews(db(), { cityId: aalen, limit: 100 })).some((n) => n.id === item.id));
    };
    await hidden();
    // Time passes: move publish_at into the past (the clock is not mocked; visibility is a query).
    await db().execute(
      sql`UPDATE news_items SET publish_at = now() - interval '1 minute' WHERE id = ${item.id}`,
    );
    assert.equal((await t.app.inject('/aalen/aktuelles/geplant')).statusCode, 200);
    assert.ok((await latestNews(db(), { cityId: aalen, limit: 100 })).some((n) => n.id === item.id));
    assert.ok((await t.app.inject('/aalen/aktuelles/feed.atom')).body.includes('Geplante Meldung'));
  });

  test('editor: draft, schedule via form, preview, revisions, lost-update guard; other city is 403', async () => {
    const editor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    const post = (url: string, data: Record<string, string | string[]>, agent = editor) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: agent.cookie },
        payload: form({ _csrf: agent.csrf, ...data } as Record<string, string>),
      });
    const missing = await post('/admin/inhalte/aktuelles/neu', {
      city: 'aalen',
      title: '',
      teaser: '',
      status: 'draft',
    });
    assert.equal(missing.statusCode, 422);
    assert.match(missing.body, /href="#f-title"/);
    assert.match(missing.body, /Geben Sie einen Titel ein/);
    const created = await post('/admin/inhalte/aktuelles/neu', {
      city: 'aalen',
      title: 'Wochenmarkt zieht um',
      teaser: 'Ab Mai auf dem Spritzenhausplatz.',
      body: 'Mehr Platz für Stände.',
      status: 'draft',
    });
    assert.equal(created.statusCode, 303);
    const id = Number(/aktuelles\/(\d+)/.exec(String(created.headers.location))![1]);
    assert.equal(
      (await t.app.inject('/aalen/aktuelles/wochenmarkt-zieht-um')).statusCode,
      404,
      'draft invisible',
    );
    const preview = await t.app.inject({
      url: `/admin/inhalte/aktuelles/${id}/vorschau`,
      headers: { cookie: editor.cookie },
    });
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /Dies ist ein Entwurf/);
    const anonymous = await t.app.inject(`/admin/inhalte/aktuelles/${id}/vorschau`);
    assert.equal(anonymous.statusCode, 303, 'anonymous → login');
    assert.match(String(anonymous.headers.location), /^\/login\?next=/);

    const publishAt = new Date(Date.now() + 2 * 86_400_000);
    const p = berlinParts(publishAt);
    const when = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}T09:00`;
    const scheduled = await post(`/admin/inhalte/aktuelles/${id}`, {
      title: 'Wochenmarkt zieht um',
      teaser: 'Ab Mai auf dem Spritzenhausplatz.',
      body: 'Mehr Platz für Stände. Jetzt mit Plan.',
      status: 'published',
      publishAt: when,
      revision: '1',
    });
    assert.equal(scheduled.statusCode, 303);
    const row = await one<{ status: string; publish_at: Date; revision: number }>(
      db(),
      sql`SELECT status, publish_at, revision FROM news_items WHERE id = ${id}`,
    );
    assert.equal(row!.status, 'published');
    assert.equal(
      new Date(row!.publish_at).getTime(),
      local(p.year, p.month, p.day, 9).getTime(),
      'form time is Berlin time',
    );
    assert.equal(row!.revision, 2);
    assert.equal(
      (await t.app.inject('/aalen/aktuelles/wochenmarkt-zieht-um')).statusCode,
      404,
      'scheduled: still invisible',
    );
    const list = await t.app.inject({ url: '/admin/inhalte/aktuelles', headers: { cookie: editor.cookie } });
    assert.match(list.body, /Geplant ab/);

    const stale = await post(`/admin/inhalte/aktuelles/${id}`, {
      title: 'Alt',
      teaser: 'Alt',
      status: 'draft',
      revision: '1',
    });
    assert.equal(stale.statusCode, 409, 'saving over a newer version is refused');
    assert.match(stale.body, /inzwischen gespeichert/);

    const history = await t.app.inject({
      url: `/admin/inhalte/aktuelles/${id}/versionen`,
      headers: { cookie: editor.cookie },
    });
    assert.equal(history.statusCode, 200);
    assert.match(history.body, /Version<\/?[^>]*>? ?2|Version 2/);
    const restore = await t.app.inject({
      url: `/admin/inhalte/aktuelles/${id}?version=1`,
      headers: { cookie: editor.cookie },
    });
    assert.match(restore.body, /Version 1 ist ins Formular geladen/);
    assert.match(restore.body, />Mehr Platz für Stände\.<\/textarea>/);
    assert.match(restore.body, /name="revision" value="2"/);
    const revs = await rows<{ revision: number }>(
      db(),
      sql`SELECT revision FROM content_revisions WHERE entity_type = 'news' AND entity_id = ${id} ORDER BY revision`,
    );
    assert.deepEqual(
      revs.map((r) => r.revision),
      [1, 2],
    );
    const audits = await rows<{ action: string }>(
      db(),
      sql`SELECT action FROM audit_log WHERE entity_type = 'news' AND entity_id = ${String(id)} ORDER BY id`,
    );
    assert.deepEqual(
      audits.map((a) => a.action),
      ['news.create', 'news.update'],
    );

    const other = await userAgent(t, [{ role: 'editor', city: 'heidenheim' }]);
    assert.equal(
      (await t.app.inject({ url: `/admin/inhalte/aktuelles/${id}`, headers: { cookie: other.cookie } }))
        .statusCode,
      403,
    );
    assert.equal(
      (await post(`/admin/inhalte/aktuelles/${id}`, { title: 'x', teaser: 'y', status: 'draft' }, other))
        .statusCode,
      403,
    );
    assert.equal(
      (await post('/admin/inhalte/aktuelles/neu', { city: 'aalen', title: 'x', teaser: 'y' }, other))
        .statusCode,
      403,
    );
    assert.equal(
      (await post('/admin/inhalte/aktuelles/neu', { city: 'region', title: 'x', teaser: 'y' }, other))
        .statusCode,
      403,
    );
  });

  test('an image needs alt text; uploads are re-encoded without metadata', async () => {
    const editor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a7' } })
      .withMetadata({ exif: { IFD0: { Copyright: 'secret-exif-marker' } } })
      .jpeg()
      .toBuffer();
    const multipart = (fields: Record<string, string>) => {
      const boundary = '----sp-test';
      const parts = Object.entries({ _csrf: editor.csrf, ...fields }).map(
        ([k, x]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${x}\r\n`,
      );
      const payload = Buffer.concat([
        Buffer.from(parts.join('')),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
        ),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return t.app.inject({
        method: 'POST',
        url: '/admin/inhalte/aktuelles/neu',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: editor.cookie },
        payload,
      });
    };
    const noAlt = await multipart({
      city: 'aalen',
      title: 'Mit Bild',
      teaser: 'Ein Bild',
      status: 'published',
    });
    assert.equal(noAlt.statusCode, 422);
    assert.match(noAlt.body, /Alternativtext/);
    const ok = await multipart({
      city: 'aalen',
      title: 'Mit Bild',
      teaser: 'Ein Bild',
      status: 'published',
      imageAlt: 'Grüne Fläche',
    });
    assert.equal(ok.statusCode, 303);
    const page = await t.app.inject('/aalen/aktuelles/mit-bild');
    const src = /<img src="(\/inhalte\/bilder\/[^"]+)" alt="Grüne Fläche"/.exec(page.body)?.[1];
    assert.ok(src, 'image with its alt text');
    const img = await t.app.inject(src!);
    assert.equal(img.headers['content-type'], 'image/webp');
    assert.ok(!img.rawPayload.includes(Buffer.from('secret-exif-marker')), 'metadata stripped');
    await assert.rejects(
      db().execute(sql`UPDATE news_items SET image_alt = '' WHERE slug = 'mit-bild'`),
      'the database refuses an image without alt text too',
    );
  });

  test('registration with capacity, waitlist, cancellation link and promotion', async () => {
    const { input } = eventInput(
      {
        title: 'Führung durch das Rathaus',
        placeName: 'Rathaus',
        startDate: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10),
        startTime: '15:00',
        endTime: '16:00',
        registration: 'internal',
        capacity: '3',
        waitlist: 'on',
        status: 'published',
      },
      { cityId: aalen, hasImage: false },
    );
    const event = await saveEvent(db(), SYSTEM, undefined, input, {});
    const url = `/aalen/veranstaltungen/${event.id}`;
    const page = await t.app.inject(url);
    assert.match(page.body, /Noch 3 von 3 Plätzen frei/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const reg = (data: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `${url}/anmelden`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        payload: form({ _csrf: csrf, ...data }),
      });
    const bad = await reg({ name: '', email: 'kein-mail', seats: '11' });
    assert.equal(bad.statusCode, 422);
    for (const f of ['name', 'email', 'seats']) assert.match(bad.body, new RegExp(`href="#f-${f}"`));
    assert.equal((await reg({ name: 'Anna', email: 'anna@example.org', seats: '2' })).statusCode, 200);
    const dup = await reg({ name: 'Anna', email: 'ANNA@example.org', seats: '1' });
    assert.equal(dup.statusCode, 422, 'one registration per address');
    const bert = await reg({ name: 'Bert', email: 'bert@example.org', seats: '1' });
    assert.match(bert.body, /Sie sind angemeldet/);
    const cem = await reg({ name: 'Cem', email: 'cem@example.org', seats: '1' });
    assert.match(cem.body, /Platz 1 der Warteliste/);
    const dora = await reg({ name: 'Dora', email: 'dora@example.org', seats: '1' });
    assert.match(dora.body, /Platz 2 der Warteliste/);
    assert.match((await t.app.inject(url)).body, /ausgebucht/);

    const mails = await rows<{ to_address: string; subject: string; text_body: string }>(
      db(),
      sql`SELECT to_address, subject, text_body FROM mail_outbox WHERE purpose = 'event_registration' ORDER BY id`,
    );
    assert.equal(mails.length, 4);
    const bertMail = mails.find((m) => m.to_address === 'bert@example.org')!;
    assert.match(bertMail.subject, /Anmeldung bestätigt/);
    const link = /(\/aalen\/veranstaltungen\/\d+\/abmelden\?t=[\w-]+)/.exec(bertMail.text_body)![1]!;
    // GET only asks (mail scanners follow links); POST cancels.
    const ask = await t.app.inject(link);
    assert.equal(ask.statusCode, 200);
    assert.match(ask.body, /Bert, möchten Sie Ihre Anmeldung wirklich zurückziehen/);
    assert.equal(
      (await one<{ status: string }>(
        db(),
        sql`SELECT status FROM event_registrations WHERE email = 'bert@example.org'`,
      ))!.status,
      'confirmed',
    );
    const token = new URL(link, 'http://x').searchParams.get('t')!;
    const askCsrf = /name="_csrf" value="([^"]+)"/.exec(ask.body)![1]!;
    const askCookie = String(ask.headers['set-cookie']).split(';')[0]!;
    const cancel = await t.app.inject({
      method: 'POST',
      url: `${url}/abmelden`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: askCookie },
      payload: form({ _csrf: askCsrf, t: token }),
    });
    assert.equal(cancel.statusCode, 200);
    assert.match(cancel.body, /Sie sind abgemeldet/);
    const states = await rows<{ email: string; status: string }>(
      db(),
      sql`SELECT email, status FROM event_registrations WHERE event_id = ${event.id} ORDER BY id`,
    );
    assert.deepEqual(
      states.map((s) => `${s.email}:${s.status}`),
      [
        'anna@example.org:confirmed',
        'bert@example.org:cancelled',
        'cem@example.org:confirmed',
        'dora@example.org:waitlisted',
      ],
    );
    const promoted = await one<{ subject: string }>(
      db(),
      sql`SELECT subject FROM mail_outbox WHERE to_address = 'cem@example.org' ORDER BY id DESC LIMIT 1`,
    );
    assert.match(promoted!.subject, /Platz frei/);
    assert.equal((await t.app.inject(`${url}/abmelden?t=falsch`)).statusCode, 404);
    // Staff see the list; no names on the public page.
    assert.ok(!(await t.app.inject(url)).body.includes('anna@example.org'));
    const editor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    const list = await t.app.inject({
      url: `/admin/inhalte/veranstaltungen/${event.id}/anmeldungen`,
      headers: { cookie: editor.cookie },
    });
    assert.match(list.body, /anna@example\.org/);
    assert.match(list.body, /3 von 3 Plätzen vergeben, 1 auf der Warteliste/);
  });

  test('campaign: a published campaign doubles the check-in points of a linked action in its period only', async () => {
    const actionId = await upsertAction(db(), {
      cityId: aalen,
      slug: 'kampagnen-checkin',
      name: 'Besuch im Freibad',
      points: 10,
      verification: 'checkin',
    });
    const place = await createPlace(db(), {
      cityId: aalen,
      actionId,
      name: 'Freibad Hirschbach',
      codeKind: 'static',
    });
    const secret = 'campaign-test-secret-campaign-test-secret';
    const token = checkinToken(secret, place);
    const checkInAt = async (now: Date) =>
      (
        await checkIn(db(), {
          secret,
          token,
          userId: (
            await createUser(db(), {
              email: `k${now.getTime()}@example.org`,
              displayName: 'K',
              confirmed: true,
            })
          ).id,
          now,
        })
      ).points;
    const input = {
      cityId: aalen,
      slug: 'freibadwoche',
      title: 'Freibadwoche',
      theme: 'Baden',
      teaser: '',
      body: '',
      startsAt: local(2031, 7, 1),
      endsAt: local(2031, 7, 8),
      multiplierPercent: 200,
      bonusActionIds: [actionId],
      eventIds: [],
      steleMessages: [],
      status: 'draft' as const,
      publishAt: null,
    };
    const draft = await saveCampaign(db(), SYSTEM, undefined, input, {});
    assert.equal(await checkInAt(local(2031, 7, 2, 12)), 10, 'a draft does not count');
    const published = await saveCampaign(
      db(),
      SYSTEM,
      draft.id,
      { ...input, status: 'published', publishAt: new Date() },
      { expectedRevision: draft.revision },
    );
    assert.equal(await checkInAt(local(2031, 7, 3, 12)), 20, 'doubled within the period');
    assert.equal(await checkInAt(local(2031, 6, 30, 12)), 10, 'not before');
    assert.equal(await checkInAt(local(2031, 7, 8, 0)), 10, 'not from the end on');
    // Saving it again as a draft withdraws the multiplier; the bonus module is the one that applies it.
    await saveCampaign(db(), SYSTEM, draft.id, input, { expectedRevision: published.revision });
    assert.equal(await checkInAt(local(2031, 7, 4, 12)), 10, 'withdrawn with the campaign');
  });

  test('campaign: multiplier for linked actions during the period, stele messages, page', async () => {
    const action = await one<{ id: number }>(
      db(),
      sql`INSERT INTO bonus_actions (city_id, slug, name, points, verification)
      VALUES (${aalen}, 'test-aktion', 'Test-Aktion', 10, 'checkin') RETURNING id`,
    );
    const other = await one<{ id: number }>(
      db(),
      sql`INSERT INTO bonus_actions (city_id, slug, name, points, verification)
      VALUES (${aalen}, 'andere-aktion', 'Andere', 10, 'checkin') RETURNING id`,
    );
    const startsAt = local(2030, 6, 1);
    const endsAt = local(2030, 6, 8);
    const c = await saveCampaign(
      db(),
      SYSTEM,
      undefined,
      {
        cityId: aalen,
        slug: 'hitzewoche',
        title: 'Hitzewoche',
        theme: 'Kühl bleiben',
        teaser: '',
        body: '',
        startsAt,
        endsAt,
        multiplierPercent: 300,
        bonusActionIds: [action!.id],
        eventIds: [],
        steleMessages: ['Trinken Sie genug Wasser!'],
        status: 'published',
        publishAt: new Date(),
      },
      {},
    );
    assert.equal(await activeMultiplier(db(), aalen, action!.id, local(2030, 6, 3, 12)), 3);
    assert.equal(await activeMultiplier(db(), aalen, other!.id, local(2030, 6, 3, 12)), 1, 'unlinked action');
    assert.equal(
      await activeMultiplier(db(), aalen, action!.id, local(2030, 6, 8, 0)),
      1,
      'period end is exclusive',
    );
    assert.equal(await activeMultiplier(db(), heidenheim, action!.id, local(2030, 6, 3)), 1, 'other city');
    const msgs = await activeCampaignMessages(db(), { cityId: aalen, at: local(2030, 6, 2) });
    assert.deepEqual(
      msgs.filter((m) => m.campaignId === c.id),
      [{ campaignId: c.id, title: 'Hitzewoche', message: 'Trinken Sie genug Wasser!' }],
    );
    assert.deepEqual(await activeCampaignMessages(db(), { cityId: heidenheim, at: local(2030, 6, 2) }), []);
    const page = await t.app.inject('/aalen/aktionen/hitzewoche');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /3-fache Stadttaler-Punkte/);
    assert.match(page.body, /Test-Aktion/);
    // A Heidenheim editor cannot link Aalen's actions to a Heidenheim campaign.
    await assert.rejects(
      saveCampaign(
        db(),
        SYSTEM,
        undefined,
        {
          ...c,
          cityId: heidenheim,
          slug: 'x',
          bonusActionIds: [action!.id],
          status: 'draft',
          publishAt: null,
        },
        {},
      ),
      /nicht gültig/,
    );
  });

  test('lists: filters, calendar and map views; region pages; JSON API in OpenAPI', async () => {
    const list = await t.app.inject('/aalen/veranstaltungen?kategorie=music');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Konzert/);
    assert.ok(!list.body.includes('Lauftreff'));
    const free = await t.app.inject('/aalen/veranstaltungen?kostenlos=1');
    assert.ok(!free.body.includes('Konzert: Sinfonie'));
    const cal = await t.app.inject('/aalen/veranstaltungen?ansicht=kalender');
    assert.match(cal.body, /<table class="sp-calendar"/);
    const map = await t.app.inject('/heidenheim/veranstaltungen?ansicht=karte');
    assert.match(map.body, /<svg viewBox="0 0 600/);
    assert.match(map.body, /Lauftreff am Brenzufer/);
    assert.equal((await t.app.inject('/veranstaltungen')).statusCode, 200);
    assert.equal((await t.app.inject('/aktuelles')).statusCode, 200);
    assert.equal((await t.app.inject('/en/aalen/veranstaltungen')).statusCode, 200);
    assert.equal((await t.app.inject('/atlantis/aktuelles')).statusCode, 404);
    const api = await t.app.inject('/api/v1/events?city=heidenheim&limit=5');
    assert.equal(api.statusCode, 200);
    const items = api.json().items as { startsAt: string; city: string }[];
    assert.equal(items.length, 5);
    assert.ok(
      items.every((i, n) => n === 0 || i.startsAt >= items[n - 1]!.startsAt),
      'sorted',
    );
    const newsApi = (await t.app.inject('/api/v1/news?city=aalen&limit=2')).json();
    assert.equal(newsApi.items.length, 2);
    const spec = (await t.app.inject('/api/openapi.json')).json();
    assert.ok(
      spec.paths['/api/v1/news'] && spec.paths['/api/v1/events'] && spec.paths['/api/v1/events/{id}'],
    );
    assert.equal((await t.app.inject('/api/v1/events?from=gestern')).statusCode, 400);
  });

  test('admins add text to the legal pages per city; editors may not', async () => {
    const admin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    const editor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    const url = '/admin/inhalte/seiten?stadt=aalen&seite=gebaerdensprache';
    const page = await t.app.inject({ url, headers: { cookie: admin.cookie } });
    assert.equal(page.statusCode, 200);
    assert.equal((await t.app.inject({ url, headers: { cookie: editor.cookie } })).statusCode, 403);
    const save = (agent: typeof admin, body: string, revision = '') =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: agent.cookie },
        payload: form({ _csrf: agent.csrf, body, revision }),
      });
    assert.equal((await save(editor, 'x')).statusCode, 403);
    const ok = await save(admin, 'Im Bürgerbüro gibt es **Termine mit Gebärdensprach-Dolmetschung**.');
    assert.equal(ok.statusCode, 303);
    const easy = await t.app.inject('/aalen/leichte-sprache');
    assert.match(easy.body, /<strong>Termine mit Gebärdensprach-Dolmetschung<\/strong>/);
    assert.ok(
      !(await t.app.inject('/heidenheim/leichte-sprache')).body.includes('Gebärdensprach-Dolmetschung'),
    );
    assert.equal((await save(admin, 'Neu', '1')).statusCode, 303);
    assert.equal((await save(admin, 'Veraltet', '1')).statusCode, 409, 'stale revision');
  });

  test('comments: only where allowed, signed in, shown after a moderator of that city approves', async () => {
    const item = await saveNews(
      db(),
      SYSTEM,
      undefined,
      { ...news({ slug: 'mit-kommentaren', title: 'Diskutieren Sie mit' }), commentsEnabled: true },
      {},
    );
    const url = '/aalen/aktuelles/mit-kommentaren';
    assert.match((await t.app.inject(url)).body, /Zum Kommentieren melden Sie sich bitte an/);
    const citizen = await userAgent(t);
    const send = (body: string, path = `${url}/kommentare`) =>
      t.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: citizen.cookie },
        payload: form({ _csrf: citizen.csrf, comment: body }),
      });
    const empty = await send('   ');
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /href="#f-comment"/);
    const hostile = '<img src=x onerror=alert(1)> Gute Idee!';
    const ok = await send(hostile);
    assert.equal(ok.statusCode, 303);
    assert.match(String(ok.headers.location), /kommentar=eingegangen/);
    assert.ok(!(await t.app.inject(url)).body.includes('Gute Idee'), 'not shown before moderation');
    // No comments where the editors did not allow them.
    assert.equal((await send('Hallo', '/aalen/aktuelles/xss/kommentare')).statusCode, 409);

    const pending = await one<{ id: number }>(
      db(),
      sql`SELECT id::int FROM news_comments WHERE news_id = ${item.id}`,
    );
    const moderate = (agent: { cookie: string; csrf: string }, decision: string) =>
      t.app.inject({
        method: 'POST',
        url: `/admin/inhalte/kommentare/${pending!.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: agent.cookie },
        payload: form({ _csrf: agent.csrf, decision }),
      });
    const otherCity = await userAgent(t, [{ role: 'moderator', city: 'heidenheim' }]);
    assert.equal((await moderate(otherCity, 'approved')).statusCode, 403);
    assert.ok(
      !(
        await t.app.inject({ url: '/admin/inhalte/kommentare', headers: { cookie: otherCity.cookie } })
      ).body.includes('Gute Idee'),
    );
    const moderator = await userAgent(t, [{ role: 'moderator', city: 'aalen' }]);
    assert.match(
      (await t.app.inject({ url: '/admin/inhalte/kommentare', headers: { cookie: moderator.cookie } })).body,
      /Gute Idee/,
    );
    assert.equal((await moderate(moderator, 'approved')).statusCode, 303);
    const page = (await t.app.inject(url)).body;
    assert.match(page, /Kommentare \(1\)/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)> Gute Idee!/, 'shown as text');
    assert.ok(!page.includes('<img src=x'));
  });
});

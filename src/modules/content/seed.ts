/**
 * Demo news, events and a climate-week campaign for Aalen and Heidenheim (and a region item). Dates
 * are relative to the day of seeding so the demo always has something upcoming. Idempotent: an item
 * that exists (same city and slug, or same city and title for events) is left alone.
 */
import sharp from 'sharp';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { listCities } from '../../platform/tenancy/service.ts';
import { findAction } from '../bonus/service.ts';
import {
  type CampaignInput,
  type EventInput,
  expandLastEnd,
  type NewsInput,
  saveCampaign,
  saveEvent,
  saveNews,
} from './editorial.ts';
import { berlinParts, berlinToDate } from './recurrence.ts';

const SYSTEM = { id: undefined };

/** Local Berlin time `days` from today at hh:mm. */
function at(days: number, time = '00:00'): Date {
  const p = berlinParts(new Date());
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return berlinToDate({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: hh,
    minute: mm,
  });
}

/** Days from today until the next Monday (at least 3 days ahead, so the week is still to come). */
function nextMonday(): number {
  const p = berlinParts(new Date());
  const wd = (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7;
  const n = 7 - wd;
  return n < 3 ? n + 7 : n;
}

/** A simple illustration (colour field with shapes; no text, so no font lookup), generated so the demo ships no photos. */
async function illustration(label: string, hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},55%,42%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},60%,30%)"/>
    </linearGradient></defs>
    <rect width="1200" height="675" fill="url(#g)"/>
    <circle cx="980" cy="160" r="110" fill="rgba(255,255,255,0.18)"/>
    <circle cx="260" cy="470" r="170" fill="rgba(255,255,255,0.12)"/>
    <rect x="80" y="560" width="${Math.min(1040, 40 * label.length)}" height="36" rx="18" fill="rgba(255,255,255,0.8)"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

interface SeedNews {
  slug: string;
  title: string;
  teaser: string;
  body: string;
  easyLanguage?: string;
  tags: string[];
  daysAgo: number;
  image?: { label: string; hue: number; alt: string };
}

function newsFor(city: { slug: string; name: string }): SeedNews[] {
  const n = city.name;
  return [
    {
      slug: 'klimawoche-programm-steht',
      title: `Das Programm der Klimawoche ${city.slug === 'aalen' ? 'Aalen' : 'Heidenheim'} steht`,
      teaser: `Eine Woche lang Radtouren, Repair-Café, Vorträge und ein Markt: Die Stadt ${n} lädt zur Klimawoche ein. Wer mitmacht, sammelt doppelte Stadttaler.`,
      body: [
        'Die **Klimawoche** bringt Vereine, Betriebe und die Stadtverwaltung zusammen. Alle Veranstaltungen sind kostenlos, die meisten ohne Anmeldung.',
        '',
        '## Was Sie erwartet',
        '',
        '- eine geführte Radtour zu Orten der Energiewende',
        '- das Repair-Café mit Fachleuten für Elektrogeräte und Fahrräder',
        '- ein Vortrag über Hitzeschutz in der eigenen Wohnung',
        '',
        'Während der Aktion gibt es für Radfahren in die Innenstadt und Reparieren doppelte Punkte im Stadttaler.',
        '',
        '*Dies ist ein Beispieltext der Demo-Installation.*',
      ].join('\n'),
      easyLanguage: [
        'Bald ist die Klima-Woche.',
        '',
        'Klima-Woche bedeutet: Eine Woche lang gibt es viele Angebote zum Thema Klima.',
        'Zum Beispiel: Fahrrad fahren. Sachen reparieren.',
        '',
        'Alle Angebote kosten nichts.',
      ].join('\n'),
      tags: ['klima', 'umwelt', 'stadttaler'],
      daysAgo: 2,
      image: { label: 'Klimawoche', hue: 130, alt: 'Demo-Grafik: grüne Farbfläche mit hellen Kreisen' },
    },
    {
      slug: 'sanierung-stadtbibliothek',
      title: 'Stadtbibliothek: neue Lernplätze und längere Öffnungszeiten',
      teaser:
        'Nach dem Umbau hat die Stadtbibliothek zwölf neue Lernplätze, einen stufenlosen Eingang und ist donnerstags bis 20 Uhr geöffnet.',
      body: [
        'Der Umbau ist abgeschlossen. Neu sind:',
        '',
        '1. zwölf Lernplätze mit Steckdosen und WLAN,',
        '2. ein stufenloser Eingang mit automatischer Tür,',
        '3. eine induktive Höranlage an der Ausleihtheke.',
        '',
        'Donnerstags ist die Bibliothek jetzt bis 20 Uhr geöffnet.',
      ].join('\n'),
      tags: ['bildung', 'barrierefreiheit'],
      daysAgo: 6,
      image: { label: 'Stadtbibliothek', hue: 210, alt: 'Demo-Grafik: blaue Farbfläche mit hellen Kreisen' },
    },
    {
      slug: 'baustelle-innenstadt',
      title: 'Umleitung wegen Leitungsarbeiten in der Innenstadt',
      teaser:
        'Wegen Arbeiten an Wasserleitungen ist eine Straße der Innenstadt drei Wochen lang nur in einer Richtung befahrbar. Busse fahren eine Umleitung.',
      body: 'Die Arbeiten dauern voraussichtlich drei Wochen. Fußwege bleiben offen, Radfahrende werden auf der Fahrbahn geführt. Aktuelle Hinweise stehen an den Haltestellen.',
      tags: ['verkehr'],
      daysAgo: 9,
    },
  ];
}

interface SeedEvent {
  title: string;
  description: string;
  start: [number, string];
  end: [number, string];
  allDay?: boolean;
  rrule?: { freq: 'WEEKLY' | 'MONTHLY'; byDay?: string[]; untilDays: number };
  offer?: string;
  placeName?: string;
  address?: string;
  location?: { lat: number; lon: number };
  organiser: string;
  categories: EventInput['categories'];
  priceCents: number | null;
  accessibility: EventInput['accessibility'];
  capacity?: number;
  climate?: boolean;
}

function eventsFor(city: { slug: string; name: string }, monday: number): SeedEvent[] {
  const aalen = city.slug === 'aalen';
  const centre = aalen ? { lat: 48.8373, lon: 10.0936 } : { lat: 48.6767, lon: 10.1527 };
  return [
    {
      title: 'Radtour zu Orten der Energiewende',
      description:
        'Eine geführte Tour (etwa 25 km, flach) zu Solardächern, einem Nahwärmenetz und dem Wasserkraftwerk. Bitte mit verkehrssicherem Fahrrad und Helm.',
      start: [monday + 1, '16:00'],
      end: [monday + 1, '19:00'],
      placeName: 'Treffpunkt Rathaus',
      address: aalen ? 'Marktplatz 30, 73430 Aalen' : 'Grabenstraße 15, 89522 Heidenheim an der Brenz',
      location: centre,
      organiser: 'Allgemeiner Deutscher Fahrrad-Club, Ortsgruppe (Demo)',
      categories: ['environment', 'sport'],
      priceCents: 0,
      accessibility: ['assistance_dogs'],
      capacity: 3,
      climate: true,
    },
    {
      title: 'Repair-Café',
      description:
        'Bringen Sie kaputte Elektrogeräte, Kleidung oder Fahrräder mit. Ehrenamtliche helfen beim Reparieren. Kaffee und Kuchen gegen Spende.',
      start: [monday + 3, '14:00'],
      end: [monday + 3, '18:00'],
      rrule: { freq: 'MONTHLY', untilDays: monday + 3 + 330 },
      placeName: aalen ? 'Bürgerspital' : 'Haus der Familie',
      address: aalen ? 'Spitalstraße 6, 73430 Aalen' : 'Karlstraße 10, 89518 Heidenheim an der Brenz',
      location: aalen ? { lat: 48.8379, lon: 10.0948 } : { lat: 48.6784, lon: 10.1551 },
      organiser: 'Repair-Café-Initiative (Demo)',
      categories: ['environment', 'family'],
      priceCents: 0,
      accessibility: ['step_free', 'wheelchair_toilet', 'seating'],
      climate: true,
    },
    {
      title: 'Vortrag: Hitzeschutz in der eigenen Wohnung',
      description:
        'Was hilft an heißen Tagen wirklich? Die Energieberatung erklärt einfache Maßnahmen für Mietwohnungen und Eigenheime. Mit Fragerunde.',
      start: [monday + 2, '19:00'],
      end: [monday + 2, '20:30'],
      offer: 'volkshochschule',
      placeName: aalen ? 'Volkshochschule' : 'Volkshochschule Heidenheim',
      address: aalen ? 'Gmünder Straße 9, 73430 Aalen' : 'Merkurstraße 1, 89522 Heidenheim an der Brenz',
      location: aalen ? { lat: 48.8354, lon: 10.0898 } : { lat: 48.6788, lon: 10.1496 },
      organiser: 'Volkshochschule (Demo)',
      categories: ['education', 'environment'],
      priceCents: 0,
      accessibility: ['step_free', 'hearing_loop', 'seating'],
      capacity: 40,
      climate: true,
    },
    {
      title: 'Klimamarkt auf dem Marktplatz',
      description:
        'Zwei Tage Markt mit regionalen Erzeugern, Beratung zu Förderprogrammen und Mitmachangeboten für Kinder.',
      start: [monday + 5, '00:00'],
      end: [monday + 6, '00:00'],
      allDay: true,
      placeName: aalen ? 'Marktplatz Aalen' : 'Eugen-Jaekle-Platz',
      address: aalen ? 'Marktplatz, 73430 Aalen' : 'Eugen-Jaekle-Platz, 89518 Heidenheim an der Brenz',
      location: aalen ? { lat: 48.8371, lon: 10.0932 } : { lat: 48.6786, lon: 10.1536 },
      organiser: `Stadt ${city.name} (Demo)`,
      categories: ['market', 'environment', 'family'],
      priceCents: 0,
      accessibility: ['step_free', 'wheelchair_toilet'],
      climate: true,
    },
    {
      title: aalen ? 'Lauftreff im Stadtgarten' : 'Lauftreff am Brenzufer',
      description:
        'Gemeinsam laufen in zwei Tempogruppen, etwa 45 Minuten. Für alle, auch für Anfängerinnen und Anfänger.',
      start: [1, '18:30'],
      end: [1, '19:30'],
      rrule: { freq: 'WEEKLY', byDay: undefined, untilDays: 180 },
      placeName: aalen ? 'Stadtgarten, Eingang Bahnhofstraße' : 'Brenzpark, Haupteingang',
      location: aalen ? { lat: 48.8395, lon: 10.0917 } : { lat: 48.6843, lon: 10.1528 },
      organiser: 'Lauftreff (Demo)',
      categories: ['sport'],
      priceCents: 0,
      accessibility: [],
    },
    {
      title: aalen ? 'Konzert: Sinfonieorchester im Theater' : 'Konzert: Kammermusik im Konzerthaus',
      description: 'Werke von Mozart und Fanny Hensel. Einlass 30 Minuten vor Beginn.',
      start: [12, '19:30'],
      end: [12, '21:30'],
      offer: aalen ? 'theater-der-stadt-aalen' : undefined,
      placeName: aalen ? 'Theater der Stadt Aalen' : 'Konzerthaus Heidenheim',
      address: aalen ? 'Ulmer Straße 130, 73431 Aalen' : 'Hugo-Rupf-Platz 1, 89522 Heidenheim an der Brenz',
      location: aalen ? { lat: 48.8296, lon: 10.0848 } : { lat: 48.6762, lon: 10.1507 },
      organiser: 'Kulturamt (Demo)',
      categories: ['culture', 'music'],
      priceCents: 1800,
      accessibility: ['step_free', 'wheelchair_toilet', 'hearing_loop', 'seating'],
    },
  ];
}

export async function seedContent(db: Db): Promise<{ news: number; events: number; campaigns: number }> {
  const cities = await listCities(db);
  const counts = { news: 0, events: 0, campaigns: 0 };
  const monday = nextMonday();
  const images = new Map<string, Buffer>();
  for (const city of cities.filter((c) => c.slug === 'aalen' || c.slug === 'heidenheim')) {
    for (const n of newsFor(city)) {
      if (await one(db, sql`SELECT 1 FROM news_items WHERE city_id = ${city.id} AND slug = ${n.slug}`))
        continue;
      let upload: Buffer | undefined;
      if (n.image) {
        upload = images.get(n.image.label) ?? (await illustration(n.image.label, n.image.hue));
        images.set(n.image.label, upload);
      }
      const input: NewsInput = {
        cityId: city.id,
        slug: n.slug,
        title: n.title,
        teaser: n.teaser,
        body: n.body,
        easyLanguage: n.easyLanguage ?? '',
        tags: n.tags,
        imageAlt: n.image?.alt ?? '',
        commentsEnabled: false,
        removeImage: false,
        status: 'published',
        publishAt: at(-n.daysAgo, '09:00'),
      };
      await saveNews(db, SYSTEM, undefined, input, { upload });
      counts.news++;
    }
    const offers = new Map(
      (
        await rows<{ slug: string; id: string }>(
          db,
          sql`SELECT slug, id FROM offers WHERE city_id = ${city.id} AND status = 'published'`,
        )
      ).map((o) => [o.slug, o.id]),
    );
    const climateEvents: number[] = [];
    for (const e of eventsFor(city, monday)) {
      const existing = await one<{ id: number }>(
        db,
        sql`SELECT id FROM events WHERE city_id = ${city.id} AND title = ${e.title}`,
      );
      if (existing) {
        if (e.climate) climateEvents.push(existing.id);
        continue;
      }
      const startsAt = at(e.start[0], e.start[1]);
      const endsAt = e.allDay ? at(e.end[0] + 1) : at(e.end[0], e.end[1]);
      const rrule = e.rrule
        ? `FREQ=${e.rrule.freq}${e.rrule.byDay ? `;BYDAY=${e.rrule.byDay.join(',')}` : ''};UNTIL=${at(
            e.rrule.untilDays,
            '23:59',
          )
            .toISOString()
            .replace(/[-:]/g, '')
            .replace(/\.\d{3}/, '')}`
        : null;
      const input: EventInput = {
        cityId: city.id,
        title: e.title,
        description: `${e.description}\n\n*Beispielveranstaltung der Demo-Installation.*`,
        startsAt,
        endsAt,
        allDay: e.allDay ?? false,
        rrule,
        lastEndsAt: expandLastEnd({ startsAt, endsAt, allDay: e.allDay ?? false, rrule }),
        offerId: (e.offer && offers.get(e.offer)) || null,
        placeName: e.placeName ?? '',
        address: e.address ?? '',
        location: e.location ?? null,
        organiser: e.organiser,
        organiserUrl: null,
        categories: e.categories,
        priceCents: e.priceCents,
        priceNote: '',
        accessibility: e.accessibility,
        registration: e.capacity ? 'internal' : 'none',
        capacity: e.capacity ?? null,
        waitlist: true,
        registrationUrl: null,
        imageAlt: '',
        removeImage: false,
        cancelled: false,
        status: 'published',
        publishAt: at(-3, '08:00'),
      };
      const saved = await saveEvent(db, SYSTEM, undefined, input, {});
      if (e.climate) climateEvents.push(saved.id);
      counts.events++;
    }
    if (!(await one(db, sql`SELECT 1 FROM campaigns WHERE city_id = ${city.id} AND slug = 'klimawoche'`))) {
      const actions = (
        await Promise.all(['rad-statt-auto', 'repair-cafe'].map((slug) => findAction(db, city.id, slug)))
      ).filter((a) => a !== undefined);
      const input: CampaignInput = {
        cityId: city.id,
        slug: 'klimawoche',
        title: `Klimawoche ${city.shortName}`,
        theme: 'Gemeinsam fürs Klima: Rad fahren, reparieren, Energie sparen',
        teaser: `Eine Woche mit Radtour, Repair-Café, Vortrag und Klimamarkt – und doppelten Stadttalern für Radfahren und Reparieren.`,
        body: [
          `Die Klimawoche ${city.shortName} zeigt, was jede und jeder für das Klima tun kann – ohne erhobenen Zeigefinger.`,
          '',
          'Alle Veranstaltungen der Woche stehen unten. Die meisten sind kostenlos und ohne Anmeldung.',
          '',
          '*Demo-Aktion der Beispielinstallation.*',
        ].join('\n'),
        startsAt: at(monday),
        endsAt: at(monday + 7),
        multiplierPercent: 200,
        bonusActionIds: actions.map((a) => a.id),
        eventIds: climateEvents,
        steleMessages: [
          `Klimawoche ${city.shortName}: doppelte Stadttaler fürs Radfahren!`,
          'Repair-Café: reparieren statt wegwerfen – diese Woche doppelte Punkte.',
          'Klimamarkt am Wochenende auf dem Marktplatz.',
        ],
        status: 'published',
        publishAt: at(-3, '08:00'),
      };
      await saveCampaign(db, SYSTEM, undefined, input, {});
      counts.campaigns++;
    }
  }
  // One item for the whole region.
  if (
    !(await one(db, sql`SELECT 1 FROM news_items WHERE city_id IS NULL AND slug = 'stadtplattform-startet'`))
  ) {
    await saveNews(
      db,
      SYSTEM,
      undefined,
      {
        cityId: null,
        slug: 'stadtplattform-startet',
        title: 'Die Stadtplattform der Region startet',
        teaser:
          'Aalen und Heidenheim an der Brenz bieten Angebote, Mängelmelder, Veranstaltungen und den Stadttaler jetzt auf einer gemeinsamen Plattform an.',
        body: 'Die Plattform ist freie Software (EUPL-1.2). Weitere Städte der Region können sich anschließen.\n\n*Dies ist ein Beispieltext der Demo-Installation.*',
        easyLanguage: '',
        tags: ['digitales'],
        imageAlt: '',
        commentsEnabled: false,
        removeImage: false,
        status: 'published',
        publishAt: at(-12, '10:00'),
      },
      {},
    );
    counts.news++;
  }
  return counts;
}

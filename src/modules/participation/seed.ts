/**
 * Demo data for Beteiligung: the measures of a smart-city programme of Aalen and Heidenheim with
 * milestones and updates, an idea process with about 80 ideas and their discussion, a closed survey
 * with results, an open survey and two Fragestunden. All marked as demo. Deterministic and
 * idempotent: measures and processes are upserted, ideas, responses and questions only seeded once.
 */
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { listCities } from '../../platform/tenancy/service.ts';
import {
  createSurvey,
  type MeasureInput,
  upsertMeasure,
  upsertProcess,
  upsertQuestionSession,
} from './service.ts';

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type M = Omit<MeasureInput, 'cityId' | 'cityIds'> & {
  cities: ('aalen' | 'heidenheim')[];
  milestones: [string, string, boolean][];
  updates: [string, string, string][];
};

const PROGRAMME = 'Smarte Region Aalen-Heidenheim (Demo)';

const MEASURES: M[] = [
  {
    cities: ['aalen', 'heidenheim'],
    slug: 'stadt-plattform-bonussystem',
    title: 'Stadt-Plattform inkl. digitales städteübergreifendes Bonussystem',
    fieldOfAction: 'Digitale Orte',
    periodStart: '2025-03-01',
    periodEnd: '2027-06-30',
    status: 'in_umsetzung',
    progress: 45,
    summary:
      'Eine gemeinsame Plattform für Angebote, Beteiligung und Mängelmelder beider Städte – mit dem Stadttaler als Bonusprogramm für Engagement vor Ort.',
    description:
      'Aalen und Heidenheim bauen eine gemeinsame, quelloffene Stadt-Plattform. Sie bündelt die digitalen Angebote der Verwaltungen, den Mängelmelder und die Bürgerbeteiligung.\n\nDas **städteübergreifende Bonussystem** „Stadttaler“ belohnt Engagement – etwa den Besuch des Wertstoffhofs oder die Teilnahme an Beteiligungsverfahren – mit Punkten, die bei Partnern in beiden Innenstädten eingelöst werden können.',
    responsibleOffice:
      'Stabsstelle Digitalisierung Aalen, gemeinsam mit dem Amt für Digitalisierung Heidenheim',
    links: [
      { label: 'Stadttaler', href: '/bonus' },
      { label: 'Angebote & Dienste', href: '/angebote' },
    ],
    milestones: [
      ['Anforderungen mit Bürgerinnen und Bürgern erhoben', '2025-05-31', true],
      ['Erste Version der Plattform online', '2025-11-30', true],
      ['Bonussystem mit 30 Partnern in beiden Städten', '2026-06-30', false],
      ['Übergabe in den Regelbetrieb', '2027-06-30', false],
    ],
    updates: [
      [
        '2025-05-20',
        'Werkstätten abgeschlossen',
        'In vier Werkstätten haben 120 Menschen Wünsche an die Plattform gesammelt.',
      ],
      [
        '2025-12-02',
        'Plattform ist online',
        'Angebote, Mängelmelder und Beteiligung sind für beide Städte erreichbar.',
      ],
      [
        '2026-03-15',
        'Erste Partner im Stadttaler',
        'Zwölf Geschäfte in Aalen und neun in Heidenheim nehmen bereits teil.',
      ],
    ],
  },
  {
    cities: ['aalen', 'heidenheim'],
    slug: 'urbane-datenplattform',
    title: 'Urbane Datenplattform mit offenen Schnittstellen',
    fieldOfAction: 'Verwaltung',
    periodStart: '2025-01-01',
    periodEnd: '2026-12-31',
    status: 'in_umsetzung',
    progress: 60,
    summary:
      'Sensordaten und Verwaltungsdaten beider Städte an einem Ort, offen nach SensorThings und DCAT-AP.de.',
    description:
      'Die Datenplattform sammelt Messwerte (Luft, Lärm, Parken, Pegel) und veröffentlicht sie als offene Daten. Schnittstellen folgen offenen Standards, damit andere Kommunen sie nachnutzen können.',
    responsibleOffice: 'Amt für Digitalisierung Heidenheim',
    links: [{ label: 'Offene Daten', href: '/opendata' }],
    milestones: [
      ['Ausschreibung Betrieb vergeben', '2025-04-30', true],
      ['Erste Sensoren angebunden', '2025-09-30', true],
      ['Open-Data-Katalog veröffentlicht', '2026-05-31', false],
    ],
    updates: [['2025-10-01', 'Erste Messwerte', 'Die ersten 40 Sensoren liefern Daten an die Plattform.']],
  },
  {
    cities: ['aalen', 'heidenheim'],
    slug: 'digitale-stelen',
    title: 'Digitale Informationsstelen in den Innenstädten',
    fieldOfAction: 'Digitale Orte',
    periodStart: '2025-06-01',
    periodEnd: '2026-09-30',
    status: 'in_umsetzung',
    progress: 30,
    summary:
      'Barrierearme Stelen zeigen Termine, Abfahrten, Parkplätze und Luftwerte – auch in Leichter Sprache.',
    description:
      'An sechs Orten in Aalen und vier in Heidenheim entstehen Informationsstelen. Sie sind unterfahrbar, haben eine Vorlesefunktion und zeigen Inhalte der Stadt-Plattform.',
    responsibleOffice: 'Stadtmarketing Aalen e. V. und Stadt Heidenheim, Citymanagement',
    links: [],
    milestones: [
      ['Standorte mit Behindertenbeirat abgestimmt', '2025-10-31', true],
      ['Erste Stele am Aalener Marktplatz', '2026-03-31', false],
      ['Alle zehn Stelen in Betrieb', '2026-09-30', false],
    ],
    updates: [['2025-11-05', 'Standorte stehen fest', 'Der Behindertenbeirat hat alle Standorte begangen.']],
  },
  {
    cities: ['aalen'],
    slug: 'parkleitsystem-aalen',
    title: 'Smartes Parkleitsystem Innenstadt Aalen',
    fieldOfAction: 'Mobilität',
    periodStart: '2025-04-01',
    periodEnd: '2026-10-31',
    status: 'in_umsetzung',
    progress: 55,
    summary:
      'Freie Plätze in Parkhäusern und an der Straße in Echtzeit – weniger Suchverkehr in der Altstadt.',
    description:
      'Sensoren erfassen die Belegung der Parkhäuser und ausgewählter Straßenabschnitte. Die Daten erscheinen auf der Plattform, den Stelen und den Anzeigetafeln an den Einfallstraßen.',
    responsibleOffice: 'Amt für Verkehr und Mobilität, Stadt Aalen',
    links: [],
    milestones: [
      ['Parkhäuser angebunden', '2025-09-30', true],
      ['Straßensensoren Altstadt', '2026-04-30', false],
      ['Anzeigetafeln an Einfallstraßen', '2026-10-31', false],
    ],
    updates: [['2025-10-10', 'Parkhäuser live', 'Alle fünf Parkhäuser melden ihre freien Plätze.']],
  },
  {
    cities: ['aalen', 'heidenheim'],
    slug: 'luft-und-laerm',
    title: 'Messnetz für Luftqualität und Lärm',
    fieldOfAction: 'Umwelt',
    periodStart: '2024-10-01',
    periodEnd: '2026-03-31',
    status: 'umgesetzt',
    progress: 100,
    summary: '30 Messpunkte an Schulen, Hauptstraßen und in Wohngebieten – die Werte sind öffentlich.',
    description:
      'Kleine, geprüfte Sensoren messen Feinstaub, Stickstoffdioxid und Lärm. Die Messwerte fließen in die Verkehrsplanung und sind für alle einsehbar.',
    responsibleOffice: 'Umweltamt Aalen, Fachbereich Umwelt Heidenheim',
    links: [],
    milestones: [
      ['Standorte festgelegt', '2024-12-15', true],
      ['Messnetz in Betrieb', '2025-06-30', true],
      ['Erster Jahresbericht', '2026-03-31', true],
    ],
    updates: [
      ['2025-07-01', 'Messnetz vollständig', 'Alle 30 Messpunkte liefern Daten.'],
      [
        '2026-03-20',
        'Jahresbericht erschienen',
        'Die Werte liegen überall unter den Grenzwerten; an zwei Kreuzungen nahe daran.',
      ],
    ],
  },
  {
    cities: ['heidenheim'],
    slug: 'stadtbaeume-bodenfeuchte',
    title: 'Bodenfeuchte-Sensoren für Stadtbäume',
    fieldOfAction: 'Umwelt',
    periodStart: '2025-03-01',
    periodEnd: '2026-06-30',
    status: 'in_umsetzung',
    progress: 70,
    summary: 'Bäume melden, wann sie Wasser brauchen: gezieltes Gießen im Brenzpark und in der Innenstadt.',
    description:
      'Sensoren in 150 Baumscheiben messen die Bodenfeuchte. Der Bauhof gießt dort, wo es nötig ist; Gießpatinnen und -paten sehen die Werte in der Plattform.',
    responsibleOffice: 'Grünflächenamt Heidenheim',
    links: [],
    milestones: [
      ['50 Sensoren im Brenzpark', '2025-06-30', true],
      ['150 Sensoren in der Innenstadt', '2026-04-30', false],
    ],
    updates: [['2025-08-12', 'Erster Sommer', 'Im Brenzpark wurde 30 % weniger Wasser gebraucht.']],
  },
  {
    cities: ['aalen', 'heidenheim'],
    slug: 'maengelmelder',
    title: 'Digitaler Mängelmelder',
    fieldOfAction: 'Verwaltung',
    periodStart: '2024-09-01',
    periodEnd: '2025-06-30',
    status: 'umgesetzt',
    progress: 100,
    summary: 'Schlaglöcher, defekte Laternen und wilder Müll lassen sich online melden und verfolgen.',
    description:
      'Der Mängelmelder leitet Meldungen direkt an die zuständige Stelle und zeigt öffentlich, was erledigt ist.',
    responsibleOffice: 'Bürgeramt Aalen, Bürgerbüro Heidenheim',
    links: [{ label: 'Mängelmelder Aalen', href: '/aalen/maengel' }],
    milestones: [
      ['Start in Aalen', '2025-01-15', true],
      ['Start in Heidenheim', '2025-04-01', true],
    ],
    updates: [['2025-06-30', 'Abgeschlossen', 'Der Mängelmelder ist im Regelbetrieb.']],
  },
  {
    cities: ['heidenheim'],
    slug: 'mobilitaetsstationen',
    title: 'Mobilitätsstationen mit E-Bike-Verleih',
    fieldOfAction: 'Mobilität',
    periodStart: '2026-01-01',
    periodEnd: '2027-06-30',
    status: 'geplant',
    progress: 5,
    summary:
      'Bus, Leihrad und Carsharing an einem Ort: vier Stationen an Bahnhof, Hochschule und Schlosspark.',
    description: 'Die Stationen verbinden den Busverkehr mit Leihrädern, Lastenrädern und Carsharing.',
    responsibleOffice: 'Stadtplanungsamt Heidenheim',
    links: [],
    milestones: [
      ['Standortuntersuchung', '2026-06-30', false],
      ['Erste Station am Bahnhof', '2027-03-31', false],
    ],
    updates: [],
  },
  {
    cities: ['aalen'],
    slug: 'digitale-sprechstunde',
    title: 'Digitale Sprechstunde im Bürgerbüro',
    fieldOfAction: 'Verwaltung',
    periodStart: '2025-09-01',
    periodEnd: '2026-12-31',
    status: 'pausiert',
    progress: 20,
    summary: 'Beratung per Video für Anliegen, die keinen Besuch vor Ort brauchen.',
    description:
      'Das Vorhaben ruht, bis die landesweite Lösung für Videoberatung bereitsteht; so muss nichts doppelt gebaut werden.',
    responsibleOffice: 'Bürgeramt Aalen',
    links: [],
    milestones: [['Pilot mit dem Standesamt', '2025-12-31', true]],
    updates: [['2026-02-01', 'Pausiert', 'Wir warten auf die Landeslösung, die im Herbst kommen soll.']],
  },
  {
    cities: ['heidenheim'],
    slug: 'freies-wlan',
    title: 'Freies WLAN in Innenstadt, Bädern und Bibliothek',
    fieldOfAction: 'Digitale Orte',
    periodStart: '2025-02-01',
    periodEnd: '2026-04-30',
    status: 'in_umsetzung',
    progress: 80,
    summary: 'Kostenloses WLAN ohne Anmeldung an zwölf öffentlichen Orten.',
    description: 'Das WLAN speichert keine persönlichen Daten und ist ohne Registrierung nutzbar.',
    responsibleOffice: 'Amt für Digitalisierung Heidenheim',
    links: [],
    milestones: [
      ['Innenstadt', '2025-07-31', true],
      ['Bäder und Bibliothek', '2026-04-30', false],
    ],
    updates: [
      ['2025-08-01', 'Innenstadt versorgt', 'Zwischen Rathaus und Brenzpark gibt es jetzt freies WLAN.'],
    ],
  },
  {
    cities: ['aalen', 'heidenheim'],
    slug: 'digitaler-zwilling-hochwasser',
    title: 'Digitaler Zwilling für den Hochwasserschutz an Kocher und Brenz',
    fieldOfAction: 'Umwelt',
    periodStart: '2026-03-01',
    periodEnd: '2027-06-30',
    status: 'geplant',
    progress: 0,
    summary: 'Pegel, Niederschlag und Geländemodell zusammen: frühere Warnungen und bessere Planung.',
    description: 'Ein digitales Modell beider Flüsse hilft, Starkregen und Hochwasser früher zu erkennen.',
    responsibleOffice: 'Tiefbauamt Aalen, Tiefbauamt Heidenheim',
    links: [],
    milestones: [['Projektstart', '2026-03-01', false]],
    updates: [],
  },
];

const IDEA_ACTIONS: [string, string, string][] = [
  ['Mehr Sitzbänke', 'Aufenthalt', 'Zum Ausruhen fehlen Bänke, besonders für ältere Menschen.'],
  ['Trinkbrunnen aufstellen', 'Aufenthalt', 'Im Sommer wäre kostenloses Trinkwasser eine große Hilfe.'],
  ['Bäume pflanzen', 'Grün & Klima', 'Mehr Schatten würde den Platz im Sommer deutlich angenehmer machen.'],
  [
    'Sichere Fahrradständer',
    'Mobilität',
    'Es fehlen überdachte Fahrradständer, an denen man das Rad anschließen kann.',
  ],
  ['Tempo 20 einführen', 'Mobilität', 'Die Autos sind hier oft zu schnell, Fußgänger fühlen sich unsicher.'],
  ['Spielgeräte für Kinder', 'Familie', 'Familien würden länger bleiben, wenn Kinder hier spielen könnten.'],
  ['Öffentliche Toilette', 'Aufenthalt', 'Eine barrierefreie Toilette fehlt in der Nähe.'],
  ['Bessere Beleuchtung', 'Sicherheit', 'Abends ist es hier sehr dunkel; bessere Beleuchtung würde helfen.'],
  ['Wochenmarkt am Abend', 'Handel & Kultur', 'Ein Feierabendmarkt würde Leben in die Innenstadt bringen.'],
  [
    'Kostenloses WLAN',
    'Digitales',
    'Freies WLAN würde den Ort für junge Leute und Gäste attraktiver machen.',
  ],
  ['Blühwiese anlegen', 'Grün & Klima', 'Statt Rasen eine Blühwiese – gut für Insekten und schön anzusehen.'],
  ['Überdachte Bushaltestelle', 'Mobilität', 'Bei Regen steht man hier ohne Schutz.'],
  [
    'Bühne für Straßenmusik',
    'Handel & Kultur',
    'Eine kleine Bühne würde Musik und Kultur in die Stadt holen.',
  ],
  ['Abstellplatz für Lastenräder', 'Mobilität', 'Lastenräder passen nicht in normale Ständer.'],
  ['Wasserspiel für heiße Tage', 'Grün & Klima', 'Ein Wasserspiel kühlt und freut Kinder wie Erwachsene.'],
  ['Digitale Infotafel', 'Digitales', 'Abfahrtszeiten und Veranstaltungen auf einen Blick wären praktisch.'],
  [
    'Leerstand für Pop-up-Läden nutzen',
    'Handel & Kultur',
    'Leere Läden könnten Start-ups und Vereinen befristet zur Verfügung stehen.',
  ],
  [
    'Zebrastreifen einrichten',
    'Sicherheit',
    'Die Straße ist hier schwer zu überqueren, besonders für Kinder.',
  ],
  ['Urban Gardening Beete', 'Grün & Klima', 'Gemeinsame Hochbeete würden Nachbarn zusammenbringen.'],
  ['Schachtische aufstellen', 'Aufenthalt', 'Fest eingebaute Schachtische laden zum Verweilen ein.'],
];

const PLACES_AALEN: [string, number, number][] = [
  ['am Marktplatz', 10.0936, 48.8375],
  ['am Spritzenhausplatz', 10.0929, 48.8369],
  ['im Stadtgarten', 10.0905, 48.8357],
  ['am Bahnhof', 10.0981, 48.8412],
  ['in der Radgasse', 10.0946, 48.8381],
  ['am Kocherufer', 10.0968, 48.8322],
  ['am Gmünder Tor', 10.0912, 48.8386],
  ['in der Reichsstädter Straße', 10.0941, 48.8372],
  ['am Rathaus', 10.0932, 48.8364],
  ['in Wasseralfingen', 10.1008, 48.8606],
];

const COMMENT_TEXTS = [
  'Gute Idee, das würde ich sofort unterstützen.',
  'Das wünsche ich mir schon lange!',
  'Wer soll das bezahlen? Ich fände es wichtiger, erst die bestehenden Anlagen zu pflegen.',
  'Ich wohne in der Nähe und kann das nur bestätigen.',
  'Vielleicht ließe sich das mit der Neugestaltung im nächsten Jahr verbinden.',
  'Bitte auch an Menschen mit Rollator und Kinderwagen denken.',
  'In Heidenheim gibt es so etwas schon, das funktioniert gut.',
  'Ich bin skeptisch, ob das dort genug Platz hat.',
  'Sehr gerne – am besten mit einer Patenschaft aus der Nachbarschaft.',
  'Das wäre auch für Touristen ein Gewinn.',
];
const REPLY_TEXTS = [
  'Das sehe ich genauso.',
  'Guter Punkt, daran hatte ich nicht gedacht.',
  'Die Kosten wären überschaubar, wenn man Fördermittel nutzt.',
  'Da stimme ich nicht ganz zu, aber einen Versuch wäre es wert.',
];

const DEMO_PEOPLE = [
  'Anna K.',
  'Mehmet Y.',
  'Sabine R.',
  'Jonas W.',
  'Elena P.',
  'Thomas B.',
  'Fatma D.',
  'Lukas M.',
  'Ingrid S.',
  'Paul H.',
  'Marie L.',
  'Stefan G.',
];

async function demoUsers(db: Db): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, name] of DEMO_PEOPLE.entries()) {
    const email = `beteiligung-demo-${i + 1}@demo.stadtplattform.example`;
    // No password: demo people cannot sign in; they only carry the demo content.
    const r = await one<{ id: string }>(
      db,
      sql`WITH ins AS (
            INSERT INTO users (email, display_name, email_confirmed_at, created_at)
            VALUES (${email}, ${name}, now(), now() - interval '400 days')
            ON CONFLICT ((lower(email))) DO NOTHING RETURNING id)
          SELECT id FROM ins UNION ALL SELECT id FROM users WHERE lower(email) = ${email} LIMIT 1`,
    );
    ids.push(r!.id);
  }
  return ids;
}

const day = 86_400_000;

export interface ParticipationSeedCounts {
  measures: number;
  ideas: number;
  comments: number;
  responses: number;
}

export async function seedParticipation(database: Db, now = new Date()): Promise<ParticipationSeedCounts> {
  // One transaction: a few hundred statements with one commit instead of one each (fast on PostgreSQL).
  return database.transaction((tx) => seedAll(tx as unknown as Db, now));
}

async function seedAll(db: Db, now: Date): Promise<ParticipationSeedCounts> {
  const cities = await listCities(db);
  const idOf = (slug: string) => cities.find((c) => c.slug === slug)?.id;
  const aalen = idOf('aalen');
  const heidenheim = idOf('heidenheim');
  if (!aalen || !heidenheim) return { measures: 0, ideas: 0, comments: 0, responses: 0 };
  const counts: ParticipationSeedCounts = { measures: 0, ideas: 0, comments: 0, responses: 0 };
  const rand = prng(20250301);

  // Measures: upserted every time; milestones and updates replaced so the seed stays in step.
  for (const m of MEASURES) {
    const cityIds = m.cities.map((c) => idOf(c)!);
    const id = await upsertMeasure(db, {
      ...m,
      cityId: cityIds[0]!,
      cityIds,
      description: `${m.description}\n\nTeil des Programms „${PROGRAMME}“.`,
    });
    await db.execute(sql`DELETE FROM participation_milestones WHERE measure_id = ${id}`);
    await db.execute(sql`DELETE FROM participation_measure_updates WHERE measure_id = ${id}`);
    for (const [title, due, done] of m.milestones)
      await db.execute(sql`INSERT INTO participation_milestones (measure_id, title, due_on, done_on)
        VALUES (${id}, ${title}, ${due}::date, ${done ? sql`${due}::date` : sql`NULL`})`);
    for (const [at, title, body] of m.updates)
      await db.execute(sql`INSERT INTO participation_measure_updates (measure_id, at, title, body)
        VALUES (${id}, ${`${at}T10:00:00+01:00`}::timestamptz, ${title}, ${body})`);
    counts.measures++;
  }

  const people = await demoUsers(db);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;

  // Aalen: a process in its rating phase with ~80 ideas and a discussion.
  const categories = [...new Set(IDEA_ACTIONS.map((a) => a[1]))].sort();
  const aalenProcess = await upsertProcess(db, {
    cityId: aalen,
    slug: 'innenstadt-2030',
    title: 'Innenstadt 2030: Ideen für eine lebendige Altstadt',
    description:
      'Wie soll die Aalener Innenstadt im Jahr 2030 aussehen? Die Stadt hat Ideen gesammelt und diskutiert; jetzt können Sie die Ideen unterstützen, die Ihnen am wichtigsten sind. Der Gemeinderat berät im Herbst über die Vorschläge mit der meisten Unterstützung. (Demo)',
    categories,
    premoderation: false,
    phases: [
      {
        kind: 'collect',
        title: 'Ideen sammeln',
        startsAt: new Date(now.getTime() - 70 * day),
        endsAt: new Date(now.getTime() - 30 * day),
      },
      {
        kind: 'discuss',
        title: 'Diskutieren',
        startsAt: new Date(now.getTime() - 30 * day),
        endsAt: new Date(now.getTime() - 5 * day),
      },
      {
        kind: 'rate',
        title: 'Bewerten',
        startsAt: new Date(now.getTime() - 5 * day),
        endsAt: new Date(now.getTime() + 25 * day),
      },
      {
        kind: 'result',
        title: 'Ergebnis',
        startsAt: new Date(now.getTime() + 25 * day),
        endsAt: new Date(now.getTime() + 120 * day),
      },
    ],
  });
  // Heidenheim: a process collecting ideas right now.
  await upsertProcess(db, {
    cityId: heidenheim,
    slug: 'stadtklima',
    title: 'Stadtklima: Ideen für mehr Grün und Schatten',
    description:
      'Heidenheim wird wärmer. Wo fehlen Bäume, Schatten oder Wasser? Reichen Sie Ihre Ideen ein – in dieser Phase werden neue Kommentare vor der Veröffentlichung geprüft. (Demo)',
    categories: ['Bäume & Schatten', 'Wasser', 'Entsiegelung', 'Sonstiges'],
    premoderation: true,
    phases: [
      {
        kind: 'collect',
        title: 'Ideen sammeln',
        startsAt: new Date(now.getTime() - 10 * day),
        endsAt: new Date(now.getTime() + 20 * day),
      },
      {
        kind: 'discuss',
        title: 'Diskutieren',
        startsAt: new Date(now.getTime() + 20 * day),
        endsAt: new Date(now.getTime() + 40 * day),
      },
      {
        kind: 'rate',
        title: 'Bewerten',
        startsAt: new Date(now.getTime() + 40 * day),
        endsAt: new Date(now.getTime() + 60 * day),
      },
      {
        kind: 'result',
        title: 'Ergebnis',
        startsAt: new Date(now.getTime() + 60 * day),
        endsAt: new Date(now.getTime() + 150 * day),
      },
    ],
  });

  const hasIdeas = await one(
    db,
    sql`SELECT 1 FROM participation_ideas WHERE process_id = ${aalenProcess} LIMIT 1`,
  );
  if (!hasIdeas) {
    const pairs = new Set<string>();
    while (pairs.size < 80)
      pairs.add(`${Math.floor(rand() * IDEA_ACTIONS.length)}:${Math.floor(rand() * PLACES_AALEN.length)}`);
    const measureParking = (await one<{ id: number }>(
      db,
      sql`SELECT id FROM participation_measures WHERE slug = 'parkleitsystem-aalen'`,
    ))!.id;
    let n = 0;
    for (const pair of pairs) {
      const [a, p] = pair.split(':').map(Number) as [number, number];
      const [what, category, why] = IDEA_ACTIONS[a]!;
      const [where, lon, lat] = PLACES_AALEN[p]!;
      const located = rand() < 0.8;
      const created = new Date(now.getTime() - (70 - (n * 40) / 80) * day);
      const status =
        n % 17 === 3
          ? 'angenommen'
          : n % 19 === 5
            ? 'abgelehnt'
            : n % 7 === 2
              ? 'in_pruefung'
              : 'eingereicht';
      const answer =
        status === 'angenommen'
          ? 'Vielen Dank! Die Idee wird im Rahmen der Maßnahme umgesetzt; den Stand sehen Sie dort.'
          : status === 'abgelehnt'
            ? 'Vielen Dank für den Vorschlag. Der Ort ist wegen Leitungen im Boden leider nicht geeignet; wir prüfen einen Platz in der Nähe.'
            : status === 'in_pruefung'
              ? 'Das Tiefbauamt prüft, ob die Idee umsetzbar ist.'
              : null;
      const supports = Math.floor(rand() ** 2 * 120);
      const r = await one<{ id: number }>(
        db,
        sql`INSERT INTO participation_ideas (process_id, author_id, title, body, category, location, status, answer,
              measure_id, supports, created_at)
            VALUES (${aalenProcess}, ${pick(people)}, ${`${what} ${where}`},
              ${`${why} Mein Vorschlag: ${what.toLowerCase()} ${where}. (Demo-Idee)`}, ${category},
              ${located ? sql`ST_SetSRID(ST_MakePoint(${lon + (rand() - 0.5) * 0.002}, ${lat + (rand() - 0.5) * 0.002}), 4326)` : sql`NULL`},
              ${status}, ${answer}, ${status === 'angenommen' ? measureParking : null}, ${supports}, ${created})
            RETURNING id::int`,
      );
      // Supports from the demo people, so the counter matches real rows where possible.
      const supporters = people.slice(0, Math.min(supports, people.length));
      await db.execute(sql`INSERT INTO participation_reactions (target_kind, target_id, user_id, kind)
        SELECT 'idea', ${r!.id}, u, 'support' FROM unnest(${sql.param(supporters)}::uuid[]) u ON CONFLICT DO NOTHING`);
      // Discussion: 0–4 comments, some with a reply.
      const k = Math.floor(rand() * 5);
      for (let c = 0; c < k; c++) {
        const at = new Date(created.getTime() + (c + 1) * 3600_000 * (1 + rand() * 20));
        const parent = await one<{ id: number }>(
          db,
          sql`INSERT INTO participation_comments (target_kind, target_id, city_id, author_id, body, ups, downs, created_at)
              VALUES ('idea', ${r!.id}, ${aalen}, ${pick(people)}, ${pick(COMMENT_TEXTS)}, ${Math.floor(rand() * 12)},
                ${Math.floor(rand() * 3)}, ${at}) RETURNING id::int`,
        );
        counts.comments++;
        if (rand() < 0.35) {
          await db.execute(sql`INSERT INTO participation_comments (target_kind, target_id, city_id, parent_id, depth,
              author_id, body, created_at)
            VALUES ('idea', ${r!.id}, ${aalen}, ${parent!.id}, 1, ${pick(people)}, ${pick(REPLY_TEXTS)},
              ${new Date(at.getTime() + 7200_000)})`);
          counts.comments++;
        }
      }
      if (status === 'in_pruefung' || status === 'angenommen') {
        await db.execute(sql`INSERT INTO participation_comments (target_kind, target_id, city_id, author_id, body, official, created_at)
          VALUES ('idea', ${r!.id}, ${aalen}, NULL, ${'Antwort der Stadtverwaltung: Wir haben die Idee an das zuständige Amt gegeben und melden uns hier mit dem Ergebnis. (Demo)'}, true,
            ${new Date(created.getTime() + 5 * day)})`);
        counts.comments++;
      }
      n++;
    }
    await db.execute(sql`UPDATE participation_ideas i SET comment_count = (SELECT count(*) FROM participation_comments c
      WHERE c.target_kind = 'idea' AND c.target_id = i.id AND c.status = 'visible') WHERE i.process_id = ${aalenProcess}`);
    counts.ideas = n;
    // A few reactions and comments on measures.
    const ms = await rows<{ id: number }>(db, sql`SELECT id FROM participation_measures ORDER BY id`);
    for (const m of ms) {
      await db.execute(sql`INSERT INTO participation_reactions (target_kind, target_id, user_id, kind)
        SELECT 'measure', ${m.id}, u, 'like' FROM unnest(${sql.param(people.slice(0, 2 + Math.floor(rand() * 10)))}::uuid[]) u
        ON CONFLICT DO NOTHING`);
      await db.execute(sql`INSERT INTO participation_reactions (target_kind, target_id, user_id, kind)
        SELECT 'measure', ${m.id}, u, 'important' FROM unnest(${sql.param(people.slice(0, Math.floor(rand() * 8)))}::uuid[]) u
        ON CONFLICT DO NOTHING`);
    }
    const first = ms[0]!.id;
    await db.execute(sql`INSERT INTO participation_comments (target_kind, target_id, city_id, author_id, body, created_at)
      VALUES ('measure', ${first}, ${aalen}, ${people[0]!}, ${'Kann man die Stadttaler auch im Nachbarort einlösen?'}, ${new Date(now.getTime() - 20 * day)})`);
    const q = await one<{ id: number }>(
      db,
      sql`SELECT id::int FROM participation_comments WHERE target_kind = 'measure' AND target_id = ${first} ORDER BY id LIMIT 1`,
    );
    await db.execute(sql`INSERT INTO participation_comments (target_kind, target_id, city_id, parent_id, depth, body, official, created_at)
      VALUES ('measure', ${first}, ${aalen}, ${q!.id}, 1, ${'Ja – der Stadttaler gilt bei allen Partnern in Aalen und Heidenheim. (Antwort der Stabsstelle Digitalisierung, Demo)'}, true, ${new Date(now.getTime() - 19 * day)})`);
    await db.execute(sql`UPDATE participation_measures m SET
        likes = (SELECT count(*) FROM participation_reactions r WHERE r.target_kind = 'measure' AND r.target_id = m.id AND r.kind = 'like'),
        importants = (SELECT count(*) FROM participation_reactions r WHERE r.target_kind = 'measure' AND r.target_id = m.id AND r.kind = 'important'),
        comment_count = (SELECT count(*) FROM participation_comments c WHERE c.target_kind = 'measure' AND c.target_id = m.id AND c.status = 'visible')`);
  }

  // Surveys: a closed one with results (Heidenheim) and an open one (Aalen).
  const closed = await createSurvey(db, {
    cityId: heidenheim,
    slug: 'mobilitaet-innenstadt',
    title: 'Wie kommen Sie in die Innenstadt?',
    description:
      'Umfrage zur Mobilität in der Heidenheimer Innenstadt. Die Ergebnisse fließen in die Planung der Mobilitätsstationen ein. (Demo)',
    mode: 'account',
    liveResults: false,
    opensAt: new Date(now.getTime() - 60 * day),
    closesAt: new Date(now.getTime() - 14 * day),
    questions: [
      {
        kind: 'single',
        prompt: 'Wie kommen Sie meistens in die Innenstadt?',
        options: ['Zu Fuß', 'Fahrrad', 'Bus', 'Auto', 'Anders'],
        required: true,
      },
      {
        kind: 'multiple',
        prompt: 'Was würde Ihnen helfen, öfter ohne Auto zu kommen?',
        options: ['Häufigere Busse', 'Sichere Radwege', 'Leihräder', 'Günstigere Tickets', 'Nichts davon'],
      },
      {
        kind: 'scale',
        prompt: 'Wie zufrieden sind Sie mit dem Parkangebot? (1 = gar nicht, 5 = sehr)',
        required: true,
      },
      {
        kind: 'ranking',
        prompt: 'Was ist Ihnen am wichtigsten?',
        options: ['Schnell ankommen', 'Günstig', 'Umweltfreundlich', 'Bequem'],
      },
      { kind: 'text', prompt: 'Was möchten Sie uns noch sagen?' },
    ],
  });
  const hasResponses = await one(
    db,
    sql`SELECT 1 FROM participation_survey_responses WHERE survey_id = ${closed} LIMIT 1`,
  );
  if (!hasResponses) {
    const qs = await rows<{ id: number }>(
      db,
      sql`SELECT id FROM participation_survey_questions WHERE survey_id = ${closed} ORDER BY position`,
    );
    const weighted = (weights: number[]) => {
      const total = weights.reduce((a, b) => a + b, 0);
      let x = rand() * total;
      for (const [i, w] of weights.entries()) {
        x -= w;
        if (x < 0) return i;
      }
      return weights.length - 1;
    };
    const values: string[] = [];
    for (let i = 0; i < 140; i++) {
      const order = [0, 1, 2, 3].sort(() => rand() - 0.5);
      const multi = [0, 1, 2, 3].filter(() => rand() < 0.4);
      const answers: Record<string, unknown> = {
        [qs[0]!.id]: weighted([25, 18, 22, 30, 5]),
        [qs[2]!.id]: 1 + weighted([10, 20, 30, 25, 15]),
        [qs[3]!.id]: order,
      };
      if (multi.length) answers[qs[1]!.id] = multi;
      if (rand() < 0.2)
        answers[qs[4]!.id] = pick(['Mehr Radwege bitte.', 'Der Bus am Abend fehlt.', 'Parken ist zu teuer.']);
      values.push(JSON.stringify(answers));
    }
    await db.execute(sql`INSERT INTO participation_survey_responses (survey_id, answers, submitted_on)
      SELECT ${closed}, a::jsonb, (${now}::timestamptz - interval '30 days')::date FROM unnest(${sql.param(values)}::text[]) a`);
    counts.responses = values.length;
  }
  await createSurvey(db, {
    cityId: aalen,
    slug: 'stadt-plattform',
    title: 'Wie gefällt Ihnen die Stadt-Plattform?',
    description: 'Helfen Sie uns, die Plattform besser zu machen. Die Umfrage dauert zwei Minuten. (Demo)',
    mode: 'account',
    liveResults: true,
    opensAt: new Date(now.getTime() - 7 * day),
    closesAt: new Date(now.getTime() + 60 * day),
    questions: [
      {
        kind: 'single',
        prompt: 'Wie oft nutzen Sie die Plattform?',
        options: ['Täglich', 'Wöchentlich', 'Seltener', 'Heute zum ersten Mal'],
        required: true,
      },
      {
        kind: 'multiple',
        prompt: 'Welche Bereiche nutzen Sie?',
        options: ['Angebote & Dienste', 'Mängelmelder', 'Beteiligung', 'Stadttaler'],
      },
      {
        kind: 'scale',
        prompt: 'Wie leicht finden Sie sich zurecht? (1 = schwer, 5 = sehr leicht)',
        required: true,
      },
      { kind: 'text', prompt: 'Was sollen wir verbessern?' },
    ],
  });

  // Fragestunde: an upcoming one in Aalen taking questions, an archived one in Heidenheim.
  const upcoming = await upsertQuestionSession(db, {
    cityId: aalen,
    slug: 'fragestunde-oberbuergermeister',
    title: 'Fragestunde mit dem Oberbürgermeister (Demo)',
    heldAt: new Date(now.getTime() + 12 * day),
    state: 'open',
  });
  const archived = await upsertQuestionSession(db, {
    cityId: heidenheim,
    slug: 'fragestunde-fruehjahr',
    title: 'Fragestunde mit dem Oberbürgermeister im Frühjahr (Demo)',
    heldAt: new Date(now.getTime() - 40 * day),
    state: 'closed',
  });
  const hasQuestions = await one(
    db,
    sql`SELECT 1 FROM participation_questions WHERE session_id = ${upcoming} LIMIT 1`,
  );
  if (!hasQuestions) {
    const open: [string, number][] = [
      ['Wann wird die Bahnhofstraße endlich saniert?', 34],
      ['Wie geht es mit dem Hallenbad weiter?', 51],
      ['Warum fährt der Stadtbus sonntags nur stündlich?', 27],
      ['Kann die Stadt mehr Kita-Plätze in Wasseralfingen schaffen?', 44],
      ['Wird es in der Innenstadt mehr Trinkbrunnen geben?', 12],
    ];
    for (const [body, supports] of open)
      await db.execute(sql`INSERT INTO participation_questions (session_id, author_id, body, status, supports)
        VALUES (${upcoming}, ${pick(people)}, ${`${body} (Demo)`}, 'approved', ${supports})`);
    const answered: [string, string, number][] = [
      [
        'Wann wird der Brenzpark wieder ganzjährig geöffnet?',
        'Ab April ist der Park wieder täglich geöffnet, im Winter am Wochenende.',
        41,
      ],
      [
        'Wie viele neue Radwege entstehen in diesem Jahr?',
        'Sieben Kilometer, davon drei entlang der Brenz.',
        29,
      ],
      [
        'Was passiert mit dem leeren Kaufhaus in der Hauptstraße?',
        'Die Stadt ist mit dem Eigentümer im Gespräch über eine gemischte Nutzung mit Wohnungen.',
        58,
      ],
    ];
    for (const [body, answer, supports] of answered)
      await db.execute(sql`INSERT INTO participation_questions (session_id, author_id, body, status, answer, supports, answered_at)
        VALUES (${archived}, ${pick(people)}, ${`${body} (Demo)`}, 'answered', ${answer}, ${supports}, ${new Date(now.getTime() - 40 * day)})`);
  }
  return counts;
}

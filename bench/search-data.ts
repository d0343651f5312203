/**
 * Deterministic test data for the search benchmark: realistic, varied German offers of the directory
 * (all 12 categories, all 15 life situations, both cities and the region) and a mixed query set.
 * Same seed → same offers and queries, so runs are comparable.
 */
import { readFileSync } from 'node:fs';
import { type OfferInput, validateOfferInput } from '../src/modules/directory/model.ts';
import type { SearchParams } from '../src/modules/directory/service.ts';
import {
  keywordsFor,
  LIFE_SITUATIONS,
  OFFER_KINDS,
  type OfferKind,
} from '../src/modules/directory/taxonomy.ts';
import { type Db, sql } from '../src/platform/db/index.ts';

/** mulberry32: small, fast, seedable. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const some = <T>(xs: readonly T[], min: number, max: number): T[] => {
    const n = Math.min(xs.length, min + int(max - min + 1));
    const copy = [...xs];
    const out: T[] = [];
    while (out.length < n) out.push(copy.splice(int(copy.length), 1)[0]!);
    return out;
  };
  return { next, int, pick, some, chance: (p: number) => next() < p };
}
export type Rng = ReturnType<typeof rng>;

interface CategoryVocabulary {
  subjects: string[];
  actions: string[];
  /** Names of places that offer it (facilities, contact points). */
  places: string[];
  providers: string[];
  life: string[];
  groups: string[];
  kinds: OfferKind[];
}

const VOCABULARY: Record<string, CategoryVocabulary> = {
  buergerservice: {
    subjects: [
      'Personalausweis',
      'Reisepass',
      'Kinderreisepass',
      'Meldebescheinigung',
      'Führungszeugnis',
      'Wohnsitzanmeldung',
      'Ummeldung',
      'Beglaubigung',
      'Briefwahl',
      'Melderegisterauskunft',
      'Geburtsurkunde',
      'Sterbeurkunde',
      'Namensänderung',
      'Aufenthaltstitel',
      'Einbürgerung',
    ],
    actions: ['beantragen', 'abholen', 'verlängern', 'online beantragen', 'Termin vereinbaren', 'ändern'],
    places: ['Bürgerbüro', 'Bürgeramt', 'Standesamt', 'Ausländerbehörde', 'Rathaus'],
    providers: ['Bürgerbüro', 'Standesamt', 'Ausländerbehörde', 'Amt für Bürgerdienste'],
    life: ['umzug', 'heirat', 'geburt', 'todesfall', 'zuwanderung', 'auto'],
    groups: ['buerger', 'zugewanderte', 'familien'],
    kinds: ['online_service', 'online_service', 'contact_point', 'contact_point', 'facility'],
  },
  familie: {
    subjects: [
      'Kita-Platz',
      'Kindergarten',
      'Kindertagespflege',
      'Elterngeld',
      'Kindergeld',
      'Familienpass',
      'Spielplatz',
      'Ferienbetreuung',
      'Hebammensprechstunde',
      'Familienzentrum',
      'Krabbelgruppe',
      'Elternberatung',
      'Tagesmutter',
      'Kinderzuschlag',
    ],
    actions: ['beantragen', 'anmelden', 'finden', 'Beratung', 'Informationen', 'vormerken'],
    places: ['Familienzentrum', 'Kinderhaus', 'Kindertagesstätte', 'Spielplatz', 'Eltern-Kind-Treff'],
    providers: ['Amt für Familie und Soziales', 'Jugendamt', 'Caritas Ost-Württemberg', 'Familienzentrum'],
    life: ['geburt', 'schule', 'finanzielle-hilfe', 'umzug'],
    groups: ['familien', 'kinder'],
    kinds: ['facility', 'counselling', 'online_service', 'contact_point'],
  },
  soziales: {
    subjects: [
      'Wohngeld',
      'Bürgergeld',
      'Schuldnerberatung',
      'Sozialpass',
      'Tafelladen',
      'Seniorenberatung',
      'Migrationsberatung',
      'Suchtberatung',
      'Wohnungslosenhilfe',
      'Grundsicherung',
      'Bildungspaket',
      'Schwerbehindertenausweis',
      'Sozialberatung',
    ],
    actions: ['beantragen', 'Beratung', 'Hilfe', 'Sprechstunde', 'Antrag stellen', 'Informationen'],
    places: ['Beratungsstelle', 'Sozialamt', 'Tafelladen', 'Begegnungsstätte', 'Sozialstation'],
    providers: ['Sozialamt', 'Diakonie Ostalb', 'Caritas Ost-Württemberg', 'Landratsamt', 'Jobcenter'],
    life: ['finanzielle-hilfe', 'arbeit', 'senioren', 'behinderung', 'zuwanderung', 'pflege'],
    groups: ['buerger', 'senioren', 'menschen-mit-behinderung', 'zugewanderte', 'familien'],
    kinds: ['counselling', 'counselling', 'contact_point', 'online_service'],
  },
  bildung: {
    subjects: [
      'Stadtbibliothek',
      'Volkshochschule',
      'Musikschule',
      'Sprachkurs',
      'Integrationskurs',
      'Museum',
      'Stadtarchiv',
      'Theater',
      'Jugendkunstschule',
      'Schulanmeldung',
      'Hausaufgabenhilfe',
      'Leseförderung',
      'Computerkurs',
    ],
    actions: [
      'anmelden',
      'Kursprogramm',
      'Öffnungszeiten',
      'Führung buchen',
      'Ausweis beantragen',
      'Angebote',
    ],
    places: ['Stadtbibliothek', 'Volkshochschule', 'Musikschule', 'Museum', 'Stadtarchiv', 'Kulturbahnhof'],
    providers: ['Kulturamt', 'Volkshochschule', 'Stadtbibliothek', 'Schulamt', 'Musikschule'],
    life: ['schule', 'zuwanderung', 'senioren', 'ehrenamt'],
    groups: ['buerger', 'jugendliche', 'kinder', 'studierende', 'senioren'],
    kinds: ['facility', 'facility', 'counselling', 'digital_offer', 'online_service'],
  },
  freizeit: {
    subjects: [
      'Hallenbad',
      'Freibad',
      'Sporthalle',
      'Jugendhaus',
      'Vereinsförderung',
      'Skatepark',
      'Wanderweg',
      'Bolzplatz',
      'Eisstadion',
      'Kletterhalle',
      'Ferienprogramm',
      'Sportabzeichen',
      'Minigolf',
    ],
    actions: ['Öffnungszeiten', 'Eintritt', 'Hallenbelegung', 'anmelden', 'Programm', 'buchen'],
    places: ['Hallenbad', 'Freibad', 'Sporthalle', 'Jugendhaus', 'Sportpark', 'Stadion'],
    providers: ['Amt für Sport und Freizeit', 'Stadtwerke', 'Stadtjugendring', 'Sportverband'],
    life: ['ehrenamt', 'senioren', 'schule'],
    groups: ['buerger', 'jugendliche', 'kinder', 'familien'],
    kinds: ['facility', 'facility', 'online_service', 'contact_point'],
  },
  umwelt: {
    subjects: [
      'Sperrmüll',
      'Biotonne',
      'Gelber Sack',
      'Wertstoffhof',
      'Altkleider',
      'Grüngut',
      'Abfallkalender',
      'Baumpflanzung',
      'Energieberatung',
      'Streuobstwiese',
      'Umweltbildung',
      'Restmülltonne',
      'Elektroschrott',
      'Photovoltaik',
    ],
    actions: ['anmelden', 'Abholtermin', 'bestellen', 'Beratung', 'Öffnungszeiten', 'Förderung'],
    places: ['Wertstoffhof', 'Grüngutplatz', 'Recyclinghof', 'Umweltzentrum', 'Energieagentur'],
    providers: ['Abfallwirtschaft', 'Umweltamt', 'Energieagentur Ostalb', 'Stadtwerke'],
    life: ['umzug', 'bauen', 'ehrenamt'],
    groups: ['buerger', 'unternehmen', 'familien'],
    kinds: ['online_service', 'facility', 'counselling', 'digital_offer'],
  },
  bauen: {
    subjects: [
      'Bauantrag',
      'Bauvoranfrage',
      'Baugenehmigung',
      'Bebauungsplan',
      'Wohnberechtigungsschein',
      'Mietspiegel',
      'Sanierungsförderung',
      'Bauplatz',
      'Denkmalschutz',
      'Hausnummer',
      'Abbruchgenehmigung',
      'Bauberatung',
      'Grundsteuer',
    ],
    actions: ['einreichen', 'beantragen', 'einsehen', 'Beratung', 'online stellen', 'Unterlagen'],
    places: ['Baurechtsamt', 'Stadtplanungsamt', 'Bauberatung', 'Wohnungsamt', 'Vermessungsamt'],
    providers: ['Baurechtsamt', 'Stadtplanungsamt', 'Amt für Wohnen', 'Vermessungsamt'],
    life: ['bauen', 'umzug', 'finanzielle-hilfe'],
    groups: ['buerger', 'unternehmen', 'familien'],
    kinds: ['online_service', 'online_service', 'counselling', 'contact_point'],
  },
  mobilitaet: {
    subjects: [
      'Bewohnerparkausweis',
      'Fahrzeugzulassung',
      'Kennzeichen',
      'Führerschein',
      'Schülerbeförderung',
      'Fahrradverleih',
      'Carsharing',
      'Ladesäule',
      'Parkhaus',
      'Busfahrplan',
      'Halteverbot',
      'Rufbus',
      'Schwerbehindertenparkplatz',
    ],
    actions: ['beantragen', 'reservieren', 'verlängern', 'Tarife', 'online beantragen', 'Informationen'],
    places: ['Zulassungsstelle', 'Parkhaus', 'Mobilitätszentrale', 'Fahrradstation', 'Busbahnhof'],
    providers: ['Straßenverkehrsamt', 'Zulassungsstelle', 'Stadtwerke', 'Verkehrsverbund OstalbMobil'],
    life: ['auto', 'umzug', 'behinderung', 'schule'],
    groups: ['buerger', 'jugendliche', 'menschen-mit-behinderung', 'studierende'],
    kinds: ['online_service', 'online_service', 'facility', 'digital_offer'],
  },
  wirtschaft: {
    subjects: [
      'Gewerbeanmeldung',
      'Gewerbeabmeldung',
      'Gründungsberatung',
      'Wirtschaftsförderung',
      'Gaststättenerlaubnis',
      'Marktstand',
      'Ausbildungsplatz',
      'Fachkräfteberatung',
      'Reisegewerbe',
      'Existenzgründung',
      'Gewerbeflächen',
      'Stellenangebote',
    ],
    actions: ['beantragen', 'online anmelden', 'Beratung', 'Förderprogramme', 'Sprechtag', 'Informationen'],
    places: ['Gründerzentrum', 'Wirtschaftsförderung', 'Gewerbeamt', 'Jobcenter', 'Innovationszentrum'],
    providers: [
      'Wirtschaftsförderung',
      'Gewerbeamt',
      'IHK Ostwürttemberg',
      'Agentur für Arbeit',
      'Jobcenter',
    ],
    life: ['unternehmen', 'arbeit', 'zuwanderung'],
    groups: ['unternehmen', 'buerger', 'studierende', 'zugewanderte'],
    kinds: ['online_service', 'counselling', 'counselling', 'contact_point'],
  },
  gesundheit: {
    subjects: [
      'Pflegestützpunkt',
      'Gesundheitsamt',
      'Impfberatung',
      'Schwangerschaftsberatung',
      'Hospizdienst',
      'Demenzberatung',
      'Tagespflege',
      'Hausnotruf',
      'Selbsthilfegruppe',
      'Trinkwasser',
      'Pflegeberatung',
      'Nachbarschaftshilfe',
      'Kurzzeitpflege',
    ],
    actions: ['Beratung', 'Sprechstunde', 'Termin vereinbaren', 'Informationen', 'Angebote', 'Hilfe'],
    places: ['Pflegestützpunkt', 'Gesundheitsamt', 'Sozialstation', 'Tagespflege', 'Hospiz'],
    providers: ['Gesundheitsamt', 'Pflegestützpunkt', 'Diakoniestation', 'Malteser Hilfsdienst', 'DRK'],
    life: ['pflege', 'senioren', 'geburt', 'todesfall', 'behinderung'],
    groups: ['senioren', 'familien', 'menschen-mit-behinderung', 'buerger'],
    kinds: ['counselling', 'counselling', 'facility', 'contact_point'],
  },
  digital: {
    subjects: [
      'Bürgerportal',
      'Online-Terminvergabe',
      'WLAN',
      'Mängelmelder',
      'Digitalsprechstunde',
      'Ratsinformationssystem',
      'Newsletter',
      'Stadt-App',
      'Open Data',
      'Onlinebibliothek',
      'Smartphonekurs',
      'Servicekonto',
    ],
    actions: ['nutzen', 'registrieren', 'Anleitung', 'herunterladen', 'Hilfe', 'einrichten'],
    places: ['Digitallotsen-Treff', 'Medienzentrum', 'Bürgerbüro', 'Stadtbibliothek'],
    providers: ['Digitalisierungsstelle', 'Hauptamt', 'Stadtbibliothek', 'Volkshochschule'],
    life: ['senioren', 'ehrenamt', 'zuwanderung', 'umzug'],
    groups: ['buerger', 'senioren', 'jugendliche', 'unternehmen'],
    kinds: ['digital_offer', 'digital_offer', 'online_service', 'counselling'],
  },
  sicherheit: {
    subjects: [
      'Fundbüro',
      'Ordnungsamt',
      'Lärmbeschwerde',
      'Feuerwehr',
      'Waffenschein',
      'Veranstaltungsgenehmigung',
      'Hundeanmeldung',
      'Hundesteuer',
      'Bevölkerungsschutz',
      'Sirenenwarnung',
      'Falschparker',
      'Sondernutzung',
      'Brandschutz',
    ],
    actions: ['melden', 'beantragen', 'Informationen', 'online melden', 'Kontakt', 'anmelden'],
    places: ['Ordnungsamt', 'Fundbüro', 'Feuerwache', 'Polizeiposten', 'Rathaus'],
    providers: ['Ordnungsamt', 'Feuerwehr', 'Bürgerbüro', 'Amt für öffentliche Ordnung'],
    life: ['umzug', 'unternehmen', 'ehrenamt', 'auto'],
    groups: ['buerger', 'unternehmen'],
    kinds: ['online_service', 'contact_point', 'facility', 'online_service'],
  },
};

interface CityData {
  slug: string;
  name: string;
  locality: string;
  host: string;
  phone: string;
  postalCodes: string[];
  districts: string[];
  streets: string[];
  /** Outer ring of the boundary, [lon, lat] pairs. */
  ring: [number, number][];
}

const boundaries = JSON.parse(
  readFileSync(new URL('../src/platform/tenancy/seed/boundaries.json', import.meta.url), 'utf8'),
) as Record<string, { coordinates: [number, number][][] }>;

export const CITIES: CityData[] = [
  {
    slug: 'aalen',
    name: 'Aalen',
    locality: 'Aalen',
    host: 'aalen.example',
    phone: '07361 52-',
    postalCodes: ['73430', '73431', '73432', '73433', '73434'],
    districts: [
      'Innenstadt',
      'Wasseralfingen',
      'Unterkochen',
      'Fachsenfeld',
      'Dewangen',
      'Ebnat',
      'Waldhausen',
      'Hofen',
      'Unterrombach',
      'Hofherrnweiler',
      'Galgenberg',
      'Pelzwasen',
    ],
    streets: [
      'Marktplatz',
      'Bahnhofstraße',
      'Gartenstraße',
      'Stuttgarter Straße',
      'Ulmer Straße',
      'Wilhelm-Merz-Straße',
      'Friedhofstraße',
      'Hirschbachstraße',
      'Curfeßstraße',
      'Wellandstraße',
      'Karlstraße',
      'Weidenfelder Straße',
    ],
    ring: boundaries.aalen!.coordinates[0]!,
  },
  {
    slug: 'heidenheim',
    name: 'Heidenheim an der Brenz',
    locality: 'Heidenheim an der Brenz',
    host: 'heidenheim.example',
    phone: '07321 327-',
    postalCodes: ['89518', '89520', '89522'],
    districts: [
      'Innenstadt',
      'Mergelstetten',
      'Schnaitheim',
      'Oggenhausen',
      'Großkuchen',
      'Aufhausen',
      'Zanger Berg',
      'Mittelrain',
      'Reutenen',
      'Osterholz',
      'Voithsiedlung',
    ],
    streets: [
      'Grabenstraße',
      'Hauptstraße',
      'Karlstraße',
      'Olgastraße',
      'Wilhelmstraße',
      'Schnaitheimer Straße',
      'Clichystraße',
      'Bergstraße',
      'Brenzstraße',
      'Felsenstraße',
      'Friedrichstraße',
    ],
    ring: boundaries.heidenheim!.coordinates[0]!,
  },
];

function inRing(ring: [number, number][], lon: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A point inside the city boundary (rejection sampling in its bounding box, 4 decimals ≈ 10 m). */
function pointIn(r: Rng, city: CityData): { lat: number; lon: number } {
  const lons = city.ring.map((p) => p[0]);
  const lats = city.ring.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  for (let i = 0; i < 1000; i++) {
    const lon = Number((x0 + r.next() * (x1 - x0)).toFixed(4));
    const lat = Number((y0 + r.next() * (y1 - y0)).toFixed(4));
    if (inRing(city.ring, lon, lat)) return { lat, lon };
  }
  throw new Error(`no point found inside ${city.slug}`);
}

const OPENING_HOURS = [
  'Mo-Fr 08:00-12:00; Th 14:00-18:00; PH off',
  'Mo,Tu,We 07:30-16:00; Th 07:30-18:00; Fr 07:30-12:30; PH off',
  'Mo-Fr 09:00-17:00',
  'Tu-Su 10:00-17:00; Mo off',
  'Mo-Sa 06:30-21:00; Su 08:00-18:00',
  'Mo,We,Fr 14:00-18:00; Sa 10:00-13:00',
  'Tu,Th 09:00-12:00',
  'Mo-Fr 08:30-12:00,13:30-16:00; PH off',
];

const SUMMARY_TAILS = [
  'schnell und unkompliziert, meist ohne lange Wartezeit.',
  'mit Termin oder online über das Bürgerportal.',
  'kostenlos, vertraulich und auf Wunsch anonym.',
  'für alle Bürgerinnen und Bürger der Stadt.',
  'mit persönlicher Beratung vor Ort.',
  'alle Unterlagen, Gebühren und Fristen auf einen Blick.',
  'auch in Leichter Sprache und auf Englisch.',
  'barrierefrei erreichbar, mit Parkplätzen in der Nähe.',
];

const GROUP_WORDS: Record<string, string> = {
  buerger: 'alle Bürgerinnen und Bürger',
  familien: 'Familien',
  senioren: 'Seniorinnen und Senioren',
  jugendliche: 'Jugendliche',
  kinder: 'Kinder',
  unternehmen: 'Unternehmen',
  'menschen-mit-behinderung': 'Menschen mit Behinderung',
  zugewanderte: 'Zugewanderte',
  studierende: 'Studierende',
};

const GENERIC_TAGS = ['Antrag', 'Beratung', 'online', 'Termin', 'kostenlos', 'barrierefrei', 'Service'];

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

function body(
  r: Rng,
  v: CategoryVocabulary,
  subject: string,
  city: CityData,
  provider: string,
  group: string,
) {
  const other = r.pick(v.subjects);
  const sentences = [
    `Hier erhalten Sie alle Informationen rund um ${subject} in ${city.name}.`,
    `Bitte bringen Sie die Unterlagen zu ${subject} mit; eine Checkliste finden Sie online.`,
    'Die Bearbeitung dauert in der Regel zwei bis drei Wochen.',
    `Für ${GROUP_WORDS[group] ?? 'alle'} ist das Angebot kostenlos.`,
    'Termine vergeben wir online über das Bürgerportal oder telefonisch.',
    `Wir beraten Sie auch zu ${other} und verwandten Fragen.`,
    `Das Angebot richtet sich an ${GROUP_WORDS[group] ?? 'alle'} in ${city.name} und Umgebung.`,
    'Der Zugang ist barrierefrei, ein Aufzug ist vorhanden.',
    'Unterlagen können Sie auch per E-Mail oder über das Servicekonto einreichen.',
    'Die Gebühren richten sich nach der städtischen Gebührensatzung.',
    'In den Schulferien gelten geänderte Öffnungszeiten.',
    'Unser Team spricht Deutsch, Englisch, Türkisch und Arabisch.',
    `Weitere Auskünfte erteilt ${provider}.`,
    'Bei Fragen zu Formularen hilft Ihnen das Team gerne weiter.',
  ];
  const parts = r.some(sentences, 3, 7);
  const text = [parts.join(' ')];
  if (r.chance(0.4)) {
    text.push(
      '## Das Wichtigste in Kürze',
      r
        .some(v.subjects, 2, 4)
        .map((s) => `- ${s}`)
        .join('\n'),
    );
  }
  return text.join('\n\n');
}

export interface GeneratedOffer {
  citySlug: string | null;
  input: OfferInput;
  keywords: string;
}

/** n valid offers (sampled through validateOfferInput), spread over both cities and the region. */
export function generateOffers(n: number, seed = 20_000): GeneratedOffer[] {
  const r = rng(seed);
  const categories = Object.keys(VOCABULARY);
  const out: GeneratedOffer[] = [];
  const slugs = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const category = categories[i % categories.length]!;
    const v = VOCABULARY[category]!;
    // 8 % region-wide (city_id NULL); those still have a place inside one of the cities.
    const regionWide = r.chance(0.08);
    const city = i % 5 < 3 ? CITIES[0]! : CITIES[1]!;
    const kind: OfferKind = r.chance(0.1) ? r.pick<OfferKind>(OFFER_KINDS) : r.pick<OfferKind>(v.kinds);
    const subject = r.pick(v.subjects);
    const district = r.pick(city.districts);
    const place = r.pick(v.places);
    const titlePattern = r.int(5);
    const title =
      titlePattern === 0
        ? `${subject} ${r.pick(v.actions)}`
        : titlePattern === 1
          ? `${place} ${district}`
          : titlePattern === 2
            ? `${subject} – ${r.pick(v.actions)} in ${city.name}`
            : titlePattern === 3
              ? `${subject}: ${r.pick(v.actions)} – ${place} ${district}`
              : `${place} ${city.name}: ${subject}`;
    // Unique per city, as the table requires: a counter per title.
    const baseSlug = slugify(title);
    const slugKey = `${regionWide ? '' : city.slug}/${baseSlug}`;
    const seen = slugs.get(slugKey) ?? 0;
    slugs.set(slugKey, seen + 1);
    const slug = seen ? `${baseSlug}-${seen + 1}` : baseSlug;
    const extraCategory = r.chance(0.25) ? [r.pick(categories)] : [];
    const cats = [...new Set([category, ...extraCategory])];
    const life = r.chance(0.85)
      ? r.some(v.life, 1, 2)
      : r.some(
          LIFE_SITUATIONS.map((l) => l.slug),
          0,
          1,
        );
    const groups = r.some(v.groups, 1, 2);
    const provider = `${regionWide ? 'Landratsamt' : `Stadt ${city.name}`}, ${r.pick(v.providers)}`;
    const needsAddress = kind === 'facility' || kind === 'contact_point' || r.chance(0.3);
    const needsUrl = kind === 'online_service' || kind === 'digital_offer' || r.chance(0.2);
    const location = needsAddress ? pointIn(r, city) : null;
    const input: OfferInput = {
      slug,
      kind: kind as OfferInput['kind'],
      status: r.chance(0.92) ? 'published' : 'draft',
      title: title.slice(0, 120),
      summary: `${subject} ${r.pick(v.actions)}: ${r.pick(SUMMARY_TAILS)}`.slice(0, 300),
      body: body(r, v, subject, city, provider, groups[0]!),
      easyLanguage: r.chance(0.2)
        ? `Hier bekommen Sie Hilfe bei ${subject}. Sie können vorher anrufen. Dann hat jemand Zeit für Sie.`
        : '',
      categories: cats as OfferInput['categories'],
      lifeSituations: life as OfferInput['lifeSituations'],
      targetGroups: groups as OfferInput['targetGroups'],
      tags: [...new Set([...r.some(v.subjects, 1, 3), ...r.some(GENERIC_TAGS, 0, 2)])],
      provider,
      contact: {
        phone: `${city.phone}${1000 + r.int(9000)}`,
        email: `${slugify(r.pick(v.providers))}@${city.host}`,
        ...(r.chance(0.7) ? { website: `https://www.${city.host}/${slugify(subject)}` } : {}),
      },
      address: needsAddress
        ? {
            street: `${r.pick(city.streets)} ${1 + r.int(120)}`,
            postalCode: r.pick(city.postalCodes),
            locality: city.locality,
          }
        : null,
      location,
      openingHours: needsAddress && r.chance(0.7) ? r.pick(OPENING_HOURS) : null,
      accessibility: needsAddress
        ? { stepFree: r.chance(0.7), toilet: r.chance(0.5), hearingLoop: r.chance(0.2) }
        : {},
      onlineServiceUrl: needsUrl ? `https://service.${city.host}/${slugify(subject)}/${i}` : null,
      leikaKey:
        category === 'buergerservice' && r.chance(0.6) ? `99${String(r.int(1e12)).padStart(12, '0')}` : null,
      lastReviewed: `202${5 + r.int(2)}-${String(1 + r.int(10)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`,
    };
    // The schema check costs ~0.8 ms: check every 10th offer, which covers every pattern above.
    const checked = i % 10 === 0 ? validateOfferInput(input) : { errors: undefined };
    if (checked.errors) throw new Error(`generated offer ${i} is invalid: ${JSON.stringify(checked.errors)}`);
    out.push({
      citySlug: regionWide ? null : city.slug,
      input,
      keywords: keywordsFor(input.categories, input.lifeSituations),
    });
  }
  return out;
}

const arr = (values: string[]) => sql`${sql.param(values)}::text[]`;

/** Multi-row INSERTs (the table's trigger fills search and search_words per row), then ANALYZE. */
export async function insertOffers(
  db: Db,
  offers: GeneratedOffer[],
  cityIds: Record<string, number>,
  batch = 250,
): Promise<void> {
  for (let start = 0; start < offers.length; start += batch) {
    const values = offers.slice(start, start + batch).map(({ citySlug, input: o, keywords }) => {
      const cityId = citySlug ? cityIds[citySlug] : null;
      const point = o.location
        ? sql`ST_SetSRID(ST_MakePoint(${o.location.lon}, ${o.location.lat}), 4326)`
        : sql`NULL`;
      return sql`(${cityId}, ${o.slug}, ${o.kind}, ${o.status}, ${o.title}, ${o.summary}, ${o.body}, ${o.easyLanguage},
        ${arr(o.categories)}, ${arr(o.lifeSituations)}, ${arr(o.targetGroups)}, ${arr(o.tags)}, ${o.provider},
        ${JSON.stringify(o.contact)}::jsonb, ${o.address ? JSON.stringify(o.address) : null}::jsonb, ${point},
        ${o.openingHours}, ${JSON.stringify(o.accessibility)}::jsonb, ${o.onlineServiceUrl}, ${o.leikaKey},
        ${o.lastReviewed}::date, ${keywords}, ${o.status === 'published' ? sql`now()` : sql`NULL`})`;
    });
    await db.execute(sql`INSERT INTO offers (city_id, slug, kind, status, title, summary, body, easy_language,
        categories, life_situations, target_groups, tags, provider, contact, address, location, opening_hours,
        accessibility, online_service_url, leika_key, last_reviewed, keywords, published_at)
      VALUES ${sql.join(values, sql`, `)}`);
  }
  // A bulk load leaves the planner without statistics until (auto)analyze runs; PGlite has no autovacuum.
  await db.execute(sql`ANALYZE offers`);
}

// ---- queries ----

export interface BenchQuery {
  kind: string;
  params: SearchParams;
}

/** Typos people make: the misspelt word and nothing else. */
const TYPOS = [
  'Persoalausweis',
  'Personalausweiss',
  'Reisepas',
  'Kindergartn',
  'Wohngelt',
  'Sperrmühl',
  'Fürerschein',
  'Meldebescheinigng',
  'Gewerbeanmedlung',
  'Hallenbda',
  'Biotone',
  'Stadtbiblothek',
  'Bauantarg',
  'Schuldnerberatnug',
  'Pflegestüzpunkt',
  'Fundbüor',
  'Kitaplatz',
  'Elterngelt',
  'Wertstofhof',
  'Volkshochshule',
];

const SINGLE_WORDS = [
  'Ausweis',
  'Personalausweis',
  'Reisepass',
  'Kita',
  'Kindergarten',
  'Müll',
  'Sperrmüll',
  'Parken',
  'Beratung',
  'Bibliothek',
  'Wohngeld',
  'Pflege',
  'Hallenbad',
  'Führerschein',
  'Gewerbe',
  'Bauantrag',
  'Hund',
  'Feuerwehr',
  'Sprachkurs',
  'Termin',
  'Ummeldung',
  'Elterngeld',
  'Demenz',
  'Ehrenamt',
  'WLAN',
  'Fundbüro',
  'Schule',
  'Bus',
  'Energieberatung',
  'Museum',
  'Wasseralfingen',
  'Schnaitheim',
  'Jobcenter',
  'Hospiz',
  'Führungszeugnis',
];

const TWO_WORDS = [
  'Reisepass beantragen',
  'Beratung Pflege',
  'Hallenbad Öffnungszeiten',
  'Sperrmüll anmelden',
  'Kita Anmeldung',
  'Personalausweis verlängern',
  'Bauantrag online',
  'Wohngeld Antrag',
  'Gewerbe anmelden',
  'Schuldnerberatung kostenlos',
  'Führerschein umtauschen',
  'Stadtbibliothek Ausweis',
  'Senioren Beratung',
  'Sprachkurs Deutsch',
  'Hund anmelden',
  'Parkausweis Bewohner',
  'Elterngeld beantragen',
  'Feuerwehr Brandschutz',
  'Ferienprogramm Kinder',
  'Energieberatung Photovoltaik',
  'Bürgerbüro Aalen',
  'Jugendhaus Heidenheim',
  'Tagespflege Demenz',
  'Volkshochschule Computerkurs',
  'Ausländerbehörde Termin',
];

/** ≥ 500 mixed searches: words, phrases, typos, facets, paging, browsing and "open now". */
export function generateQueries(cityIds: Record<string, number>, n = 600, seed = 500): BenchQuery[] {
  const r = rng(seed);
  const cityIdList = Object.values(cityIds);
  const categories = Object.keys(VOCABULARY);
  const lifes = LIFE_SITUATIONS.map((l) => l.slug);
  const anyCity = () => (r.chance(0.75) ? r.pick(cityIdList) : undefined);
  const facets = (): SearchParams => {
    const p: SearchParams = {};
    const which = r.int(5);
    if (which === 0 || which === 3) p.categories = [r.pick(categories)];
    if (which === 1 || which === 3) p.lifeSituations = [r.pick(lifes)];
    if (which === 2) p.kinds = [r.pick(OFFER_KINDS)];
    if (which === 4) p.online = true;
    return p;
  };
  const makers: [string, number, () => SearchParams][] = [
    ['word', 25, () => ({ q: r.pick(SINGLE_WORDS), cityId: anyCity() })],
    ['two words', 15, () => ({ q: r.pick(TWO_WORDS), cityId: anyCity() })],
    ['typo', 13, () => ({ q: r.pick(TYPOS), cityId: anyCity() })],
    ['facets only', 14, () => ({ cityId: anyCity(), ...facets() })],
    ['word + facets', 15, () => ({ q: r.pick(SINGLE_WORDS), cityId: anyCity(), ...facets() })],
    [
      'paging',
      10,
      () => ({
        ...(r.chance(0.5) ? { q: r.pick(SINGLE_WORDS) } : facets()),
        cityId: anyCity(),
        page: 2 + r.int(9),
      }),
    ],
    ['browse all', 5, () => ({ cityId: anyCity() })],
    [
      'open now',
      3,
      () => ({ cityId: r.pick(cityIdList), openNow: true, ...(r.chance(0.5) ? facets() : {}) }),
    ],
  ];
  const total = makers.reduce((s, m) => s + m[1], 0);
  const out: BenchQuery[] = [];
  for (const [kind, share, make] of makers) {
    const count = Math.round((share / total) * n);
    for (let i = 0; i < count; i++) out.push({ kind, params: { perPage: 20, ...make() } });
  }
  // Interleave the kinds, as real traffic would.
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

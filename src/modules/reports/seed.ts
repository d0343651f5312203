/**
 * Demo data for the Mängelmelder: about 200 reports in Aalen and Heidenheim over the last six months,
 * in every status, with histories as a city would write them. Deterministic (seeded random numbers),
 * and idempotent: nothing happens when seeded reports exist.
 */
import { randomBytes } from 'node:crypto';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { cityBoundaryGeoJson } from '../../platform/tenancy/service.ts';
import { seedGazetteer } from './gazetteer.ts';
import { NOTE_TEMPLATES, type Status, seedCategories } from './service.ts';

/** mulberry32: small, fast, reproducible. */
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

type Ring = [number, number][];
function inside(point: [number, number], boundary: unknown): boolean {
  const g = boundary as { type: string; coordinates: unknown };
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Ring[][];
  return polygons.some((poly) => {
    let hit = false;
    const ring = poly[0]!;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi)
        hit = !hit;
    }
    return hit;
  });
}

const PLACES: Record<string, { centres: [number, number, number][]; streets: string[] }> = {
  // [lon, lat, weight]: the core town and its districts, where most people live.
  aalen: {
    centres: [
      [10.0936, 48.8378, 5],
      [10.1008, 48.8606, 2],
      [10.1295, 48.8149, 1],
      [10.0564, 48.8461, 1],
      [10.1567, 48.8395, 1],
    ],
    streets: [
      'Bahnhofstraße',
      'Gartenstraße',
      'Friedhofstraße',
      'Ulmer Straße',
      'Stuttgarter Straße',
      'Wilhelm-Merz-Straße',
      'Hirschbachstraße',
      'Rombacher Straße',
      'Weidenfelder Straße',
      'Reichsstädter Straße',
      'Gmünder Straße',
      'Wellandstraße',
    ],
  },
  heidenheim: {
    centres: [
      [10.1516, 48.676, 5],
      [10.1572, 48.7004, 2],
      [10.1658, 48.6512, 1],
      [10.1302, 48.6869, 1],
    ],
    streets: [
      'Hauptstraße',
      'Brenzstraße',
      'Clichystraße',
      'Schnaitheimer Straße',
      'Olgastraße',
      'Karlstraße',
      'Erchenstraße',
      'Wilhelmstraße',
      'Ploucquetstraße',
      'Friedrich-Pfenning-Straße',
      'Giengener Straße',
      'Bergstraße',
    ],
  },
};

const TEXTS: Record<string, string[]> = {
  schlagloch: [
    'Tiefes Schlagloch in der {s}, etwa auf Höhe Hausnummer {n}. Radfahrer müssen ausweichen.',
    'Auf der {s} hat sich nach dem Frost der Belag gelöst, mehrere Löcher hintereinander.',
    'Gehweg in der {s} ist abgesackt, Stolpergefahr besonders für ältere Menschen.',
    'Schlagloch direkt an der Bushaltestelle {s}, bei Regen steht dort knöcheltief Wasser.',
    'Kanaldeckel in der {s} liegt tiefer als die Fahrbahn, es scheppert bei jedem Auto.',
  ],
  strassenbeleuchtung: [
    'Die Straßenlaterne vor {s} {n} ist seit einer Woche aus.',
    'Laterne in der {s} flackert die ganze Nacht, sehr störend.',
    'Zwei Laternen am Fußweg zur {s} sind dunkel, der Weg ist abends unheimlich.',
    'Straßenlampe an der Ecke {s} brennt auch tagsüber.',
  ],
  verkehrszeichen: [
    'Vorfahrtsschild an der Einmündung {s} ist verdreht und zeigt in die falsche Richtung.',
    'Das Tempo-30-Schild in der {s} ist von einer Hecke komplett zugewachsen.',
    'Verkehrsschild in der {s} wurde umgefahren und liegt auf dem Gehweg.',
    'Fahrbahnmarkierung am Zebrastreifen {s} ist kaum noch zu sehen.',
  ],
  muell: [
    'Jemand hat in der {s} alte Matratzen und einen Kühlschrank abgestellt.',
    'Am Parkplatz {s} liegen seit Tagen Müllsäcke, die schon aufgerissen sind.',
    'Illegale Ablagerung von Bauschutt am Feldweg hinter der {s}.',
    'Altreifen am Waldrand nahe der {s} abgeladen, ca. 10 Stück.',
    'Papierkorb an der Haltestelle {s} quillt über, Müll verteilt sich.',
  ],
  graffiti: [
    'Neue Schmierereien an der Unterführung {s}.',
    'Graffiti mit beleidigendem Inhalt am Trafohäuschen {s}.',
    'Die frisch gestrichene Wand der Sporthalle in der {s} ist besprüht worden.',
  ],
  spielplatz: [
    'Auf dem Spielplatz an der {s} ist eine Schaukelkette gerissen.',
    'Glasscherben im Sandkasten am Spielplatz {s}.',
    'Die Rutsche am Spielplatz {s} hat eine scharfe Kante, Kinder können sich verletzen.',
    'Holzbalken am Klettergerüst {s} ist morsch und wackelt.',
  ],
  gruenflaechen: [
    'Nach dem Sturm liegt ein großer Ast über dem Fußweg in der {s}.',
    'Hecke an der {s} ragt weit in den Gehweg, mit Kinderwagen kommt man nicht vorbei.',
    'Die Grünanlage an der {s} wurde lange nicht gemäht, Bänke sind zugewachsen.',
    'Baum in der {s} wirkt abgestorben, Äste könnten herunterfallen.',
  ],
  sonstiges: [
    'Sitzbank an der {s} ist beschädigt, eine Latte fehlt.',
    'Brunnen am Platz in der {s} läuft seit Tagen über.',
    'Wasserrohrbruch? In der {s} sprudelt Wasser aus dem Gehweg.',
    'Defekter Fahrradständer am Bahnhof, Nähe {s}.',
  ],
};

const FORWARD_TO = [
  'Landratsamt – Straßenbauamt',
  'Deutsche Bahn AG, InfraGO',
  'Netze BW GmbH',
  'Regierungspräsidium Stuttgart',
];
const REJECT = [
  'Wir können hier nicht tätig werden, weil es sich um ein Privatgrundstück handelt. Bitte wenden Sie sich an die Eigentümer.',
  'Wir können hier nicht tätig werden, weil der Zustand bei der Prüfung vor Ort den Vorgaben entspricht.',
];

export async function seedReports(db: Db): Promise<{ created: number }> {
  await seedCategories(db);
  await seedGazetteer(db);
  const existing = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM reports WHERE source = 'seed'`,
  );
  if (existing && existing.n > 0) return { created: 0 };
  const cities = await rows<{ id: number; slug: string }>(
    db,
    sql`SELECT id, slug FROM cities ORDER BY sort, id`,
  );
  const staff = await one<{ id: string }>(
    db,
    sql`SELECT u.id FROM users u JOIN role_assignments r ON r.user_id = u.id
        WHERE r.role IN ('case_worker', 'admin') ORDER BY u.created_at LIMIT 1`,
  );
  const actor = staff?.id ?? null;
  const rnd = prng(4711);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() || 1e-9)) * Math.cos(2 * Math.PI * rnd());
  const now = Date.now();
  const day = 86_400_000;
  let created = 0;

  for (const city of cities) {
    const place = PLACES[city.slug];
    if (!place) continue;
    const boundary = await cityBoundaryGeoJson(db, city.id);
    const categories = await rows<{ id: number; code: string; sla_days: number }>(
      db,
      sql`SELECT id, code, sla_days FROM report_categories WHERE city_id = ${city.id}`,
    );
    const weights = place.centres.flatMap((c) => Array.from({ length: c[2] }, () => c));
    const n = city.slug === 'aalen' ? 110 : 95;
    const ids: { id: number; categoryId: number; at: number }[] = [];
    for (let i = 0; i < n; i++) {
      const category = pick(categories);
      const street = pick(place.streets);
      const text = pick(TEXTS[category.code] ?? TEXTS.sonstiges!)
        .replace('{s}', street)
        .replace('{n}', String(1 + Math.floor(rnd() * 80)));
      // Mostly near a town centre (σ ≈ 1 km), always inside the city's boundary.
      let point: [number, number] | undefined;
      for (let k = 0; k < 50 && !point; k++) {
        const c = pick(weights);
        const p: [number, number] = [c[0] + gauss() * 0.013, c[1] + gauss() * 0.009];
        if (inside(p, boundary)) point = p;
      }
      const withoutMap = rnd() < 0.06 || !point;
      const at = now - Math.floor(rnd() * 180 * day) - 3_600_000;
      const age = now - at;
      // Older reports are further along; every status occurs.
      const r = rnd();
      let path: Status[];
      if (age < 3 * day) path = r < 0.6 ? [] : ['bestaetigt'];
      else if (r < 0.08) path = ['abgelehnt'];
      else if (r < 0.14 && ids.length > 0) path = ['duplikat'];
      else if (r < 0.2) path = ['bestaetigt', 'weitergeleitet'];
      else if (age < 20 * day) path = r < 0.5 ? ['bestaetigt'] : ['bestaetigt', 'in_bearbeitung'];
      else if (r < 0.3) path = ['bestaetigt', 'in_bearbeitung'];
      else path = ['bestaetigt', 'in_bearbeitung', 'erledigt'];
      const anonymousUnconfirmed = path.length === 0 && rnd() < 0.3;
      const withEmail = rnd() < 0.55;
      const token = randomBytes(12).toString('hex');
      const row = await one<{ id: number }>(
        db,
        sql`INSERT INTO reports (city_id, category_id, description, address, location, reporter_name, reporter_email,
              token, published_at, source, created_at, updated_at)
            VALUES (${city.id}, ${category.id}, ${text}, ${withoutMap ? `${street}, ${pick(['gegenüber Hausnummer', 'Ecke', 'Höhe Hausnummer'])} ${1 + Math.floor(rnd() * 60)}` : null},
              ${withoutMap ? sql`NULL` : sql`ST_SetSRID(ST_MakePoint(${point![0]}, ${point![1]}), 4326)`},
              ${withEmail ? pick(['M. Berger', 'S. Yilmaz', 'A. Schmid', 'K. Nowak', null]) : null},
              ${withEmail ? `melder${city.slug}${i}@example.org` : null}, ${token},
              ${anonymousUnconfirmed ? null : new Date(at + 600_000)}, 'seed', ${new Date(at)}, ${new Date(at)})
            RETURNING id::int AS id`,
      );
      const id = row!.id;
      await db.execute(
        sql`INSERT INTO report_history (report_id, at, kind, to_status) VALUES (${id}, ${new Date(at)}, 'created', 'eingegangen')`,
      );
      let t = at;
      let from: Status = 'eingegangen';
      let acknowledged: number | null = null;
      let duplicateOf: number | null = null;
      let forwardedTo: string | null = null;
      const span = Math.min(age - 3_600_000, category.sla_days * 1.3 * day);
      for (const to of path) {
        t = Math.min(t + Math.floor(rnd() * (span / (path.length + 1))) + 3_600_000, now - 60_000);
        acknowledged ??= t;
        let note = NOTE_TEMPLATES[to];
        if (to === 'abgelehnt') note = pick(REJECT);
        if (to === 'weitergeleitet') {
          forwardedTo = pick(FORWARD_TO);
          note = `${NOTE_TEMPLATES.weitergeleitet}${forwardedTo}`;
        }
        if (to === 'duplikat') {
          const earlier = ids.filter((x) => x.categoryId === category.id && x.at < at);
          const original = earlier.length ? pick(earlier) : ids[0]!;
          duplicateOf = original.id;
        }
        await db.execute(sql`INSERT INTO report_history (report_id, at, actor_id, kind, from_status, to_status, public_note, internal_note)
          VALUES (${id}, ${new Date(t)}, ${actor}, 'status', ${from}, ${to}, ${note || null},
            ${to === 'in_bearbeitung' ? pick(['Auftrag an Bauhof erteilt.', 'Firma beauftragt, Termin KW folgt.', 'Mit Kolonne Nord abgestimmt.']) : null})`);
        from = to;
      }
      const closed = ['erledigt', 'abgelehnt', 'duplikat', 'weitergeleitet'].includes(from);
      await db.execute(sql`UPDATE reports SET status = ${from}, updated_at = ${new Date(t)},
          acknowledged_at = ${acknowledged ? new Date(acknowledged) : null}, closed_at = ${closed ? new Date(t) : null},
          duplicate_of = ${duplicateOf}, forwarded_to = ${forwardedTo},
          published_at = ${anonymousUnconfirmed ? null : sql`coalesce(published_at, ${new Date(at + 600_000)})`}
        WHERE id = ${id}`);
      ids.push({ id, categoryId: category.id, at });
      created++;
    }
  }
  return { created };
}

import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { parseOpeningHours } from './opening-hours.ts';
import { categorySlugs, lifeSituationSlugs, OFFER_KINDS, targetGroupSlugs } from './taxonomy.ts';

const slugList = (values: string[]) =>
  Type.Array(Type.Union(values.map((v) => Type.Literal(v))), { maxItems: 20, uniqueItems: true });
const text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
const httpUrl = Type.String({ maxLength: 500, pattern: '^https?://[^\\s<>"]+$' });

export const ContactSchema = Type.Object(
  {
    phone: Type.Optional(Type.String({ maxLength: 40, pattern: '^[0-9+()/ -]{3,40}$' })),
    email: Type.Optional(Type.String({ maxLength: 200, pattern: '^[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+$' })),
    website: Type.Optional(httpUrl),
  },
  { additionalProperties: false },
);

export const AddressSchema = Type.Object(
  {
    street: text(120, 2),
    postalCode: Type.String({ pattern: '^[0-9]{5}$' }),
    locality: text(80, 2),
  },
  { additionalProperties: false },
);

export const LocationSchema = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);

export const AccessibilitySchema = Type.Object(
  {
    stepFree: Type.Optional(Type.Boolean()),
    toilet: Type.Optional(Type.Boolean()),
    hearingLoop: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** What staff (forms, API, import) may write; the city comes from the URL or the staff member's choice. */
export const OfferInputSchema = Type.Object(
  {
    slug: Type.String({
      pattern: '^[a-z0-9][a-z0-9-]{0,99}$',
      description: 'URL-Kürzel, eindeutig je Stadt',
    }),
    kind: Type.Union(OFFER_KINDS.map((k) => Type.Literal(k))),
    status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
    title: text(120, 3),
    summary: text(300, 10),
    body: text(20_000),
    easyLanguage: text(2_000),
    categories: slugList(categorySlugs),
    lifeSituations: slugList(lifeSituationSlugs),
    targetGroups: slugList(targetGroupSlugs),
    tags: Type.Array(text(40, 1), { maxItems: 12 }),
    provider: text(200),
    contact: ContactSchema,
    address: Type.Union([AddressSchema, Type.Null()]),
    location: Type.Union([LocationSchema, Type.Null()]),
    openingHours: Type.Union([text(500, 1), Type.Null()]),
    accessibility: AccessibilitySchema,
    onlineServiceUrl: Type.Union([httpUrl, Type.Null()]),
    leikaKey: Type.Union([Type.String({ pattern: '^[0-9]{14}$' }), Type.Null()]),
    lastReviewed: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type OfferInput = Static<typeof OfferInputSchema>;

export const OfferSchema = Type.Intersect([
  OfferInputSchema,
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    city: Type.Union([Type.String(), Type.Null()], { description: 'Slug der Stadt; null = ganze Region' }),
    url: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
]);

export interface Offer extends OfferInput {
  id: string;
  cityId: number | null;
  city: string | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

const MESSAGES: Record<string, string> = {
  slug: 'Geben Sie ein URL-Kürzel aus Kleinbuchstaben, Ziffern und Bindestrichen ein (höchstens 100 Zeichen).',
  kind: 'Wählen Sie eine Art des Angebots aus.',
  status: 'Wählen Sie aus, ob das Angebot veröffentlicht oder ein Entwurf ist.',
  title: 'Geben Sie einen Titel mit 3 bis 120 Zeichen ein.',
  summary: 'Geben Sie eine Kurzbeschreibung mit 10 bis 300 Zeichen ein.',
  body: 'Die Beschreibung darf höchstens 20.000 Zeichen lang sein.',
  easyLanguage: 'Der Text in Leichter Sprache darf höchstens 2.000 Zeichen lang sein.',
  categories: 'Wählen Sie nur Kategorien aus der Liste aus.',
  lifeSituations: 'Wählen Sie nur Lebenslagen aus der Liste aus.',
  targetGroups: 'Wählen Sie nur Zielgruppen aus der Liste aus.',
  tags: 'Schlagwörter: höchstens 12, jedes höchstens 40 Zeichen.',
  provider: 'Der Anbieter darf höchstens 200 Zeichen lang sein.',
  contact: 'Prüfen Sie die Kontaktdaten.',
  'contact.phone': 'Geben Sie eine Telefonnummer nur mit Ziffern, Leerzeichen und + ( ) / - ein.',
  'contact.email': 'Geben Sie eine E-Mail-Adresse im Format name@beispiel.de ein.',
  'contact.website': 'Geben Sie eine Webadresse ein, die mit http:// oder https:// beginnt.',
  address:
    'Geben Sie Straße, fünfstellige Postleitzahl und Ort vollständig ein oder lassen Sie alle drei leer.',
  'address.street': 'Geben Sie die Straße mit Hausnummer ein.',
  'address.postalCode': 'Geben Sie eine fünfstellige Postleitzahl ein.',
  'address.locality': 'Geben Sie den Ort ein.',
  location: 'Geben Sie Breiten- und Längengrad als Zahlen ein (z. B. 48.8373 und 10.0936).',
  openingHours:
    'Die Öffnungszeiten sind nicht im OpenStreetMap-Format (z. B. „Mo-Fr 08:00-12:00; Sa 09:00-12:00“).',
  accessibility: 'Prüfen Sie die Angaben zur Barrierefreiheit.',
  onlineServiceUrl: 'Geben Sie eine Webadresse ein, die mit http:// oder https:// beginnt.',
  leikaKey: 'Der LeiKa-Schlüssel besteht aus genau 14 Ziffern.',
  lastReviewed: 'Geben Sie das Prüfdatum im Format JJJJ-MM-TT ein.',
};

export type FieldErrors = Record<string, string>;

/** Schema check plus the rules a schema cannot say; messages are for people, keyed by field. */
export function validateOfferInput(
  input: unknown,
): { value: OfferInput; errors: undefined } | { value: undefined; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { value: undefined, errors: { offer: 'Die Angaben zum Angebot fehlen.' } };
  }
  const record = input as Record<string, unknown>;
  const properties = OfferInputSchema.properties as Record<string, TSchema>;
  const extra = Object.keys(record).filter((k) => !(k in properties));
  if (extra.length) errors.offer = `Unbekannte Felder: ${extra.join(', ')}`;
  // Field by field: TypeBox stops after a few errors per check, and one field's enum alone can use them
  // up, which would hide the problems of every other field.
  for (const [field, schema] of Object.entries(properties)) {
    const value = record[field];
    if (value !== undefined && Value.Check(schema, value)) continue;
    if (value === undefined) {
      errors[field] = `Das Feld „${field}“ fehlt.`;
      continue;
    }
    for (const e of Value.Errors(schema, value)) {
      const sub = e.instancePath.split('/').filter(Boolean)[0];
      const nested = sub && !/^\d+$/.test(sub) ? `${field}.${sub}` : field;
      const key = MESSAGES[nested] ? nested : field;
      errors[key] ??= MESSAGES[key] ?? `Feld „${key}“ ist ungültig.`;
    }
    // A precise message for a part (address.postalCode) replaces the general one for the field.
    if (Object.keys(errors).some((k) => k.startsWith(`${field}.`))) delete errors[field];
    else errors[field] ??= MESSAGES[field] ?? `Feld „${field}“ ist ungültig.`;
  }
  // The rules below read only fields that passed their schema, so every problem is reported at once.
  const ok = (field: string) => !Object.keys(errors).some((k) => k === field || k.startsWith(`${field}.`));
  const offer = input as OfferInput;
  if (ok('openingHours') && offer.openingHours && !parseOpeningHours(offer.openingHours))
    errors.openingHours = MESSAGES.openingHours!;
  if (
    ok('kind') &&
    ok('address') &&
    (offer.kind === 'facility' || offer.kind === 'contact_point') &&
    !offer.address
  ) {
    errors.address = 'Eine Einrichtung oder Anlaufstelle braucht eine Adresse.';
  }
  if (ok('address') && ok('location') && offer.address && !offer.location) {
    errors.location =
      'Geben Sie zur Adresse auch die Lage (Breiten- und Längengrad) an, damit das Angebot auf der Karte erscheint.';
  }
  if (
    ok('kind') &&
    ok('onlineServiceUrl') &&
    (offer.kind === 'online_service' || offer.kind === 'digital_offer') &&
    !offer.onlineServiceUrl
  ) {
    errors.onlineServiceUrl = 'Ein Online-Dienst oder digitales Angebot braucht eine Webadresse.';
  }
  if (ok('categories') && offer.categories.length === 0)
    errors.categories = 'Wählen Sie mindestens eine Kategorie aus.';
  // Forms separate tags by commas and CSV files by "|": a tag holding either would split on the way back.
  if (ok('tags') && offer.tags.some((tag) => /[,|]/.test(tag))) {
    errors.tags = 'Schlagwörter dürfen kein Komma und keinen senkrechten Strich (|) enthalten.';
  }
  if (Object.keys(errors).length) return { value: undefined, errors };
  return { value: offer, errors: undefined };
}

/** Fixed vocabularies of the directory: kinds, categories, life situations, target groups (de/en labels). */
type Labelled = { slug: string; de: string; en: string };

export const OFFER_KINDS = [
  'online_service',
  'facility',
  'counselling',
  'digital_offer',
  'contact_point',
] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

export const KIND_LABELS: Record<OfferKind, { de: string; en: string; schemaOrg: string }> = {
  online_service: { de: 'Online-Dienst', en: 'Online service', schemaOrg: 'GovernmentService' },
  facility: { de: 'Einrichtung', en: 'Facility', schemaOrg: 'CivicStructure' },
  counselling: { de: 'Beratung & Programm', en: 'Counselling & programme', schemaOrg: 'Service' },
  digital_offer: { de: 'Digitales Angebot', en: 'Digital offer', schemaOrg: 'Service' },
  contact_point: { de: 'Anlaufstelle', en: 'Contact point', schemaOrg: 'GovernmentOffice' },
};

export const CATEGORIES: Labelled[] = [
  { slug: 'buergerservice', de: 'Bürgerservice & Ausweise', en: 'Citizen services & ID' },
  { slug: 'familie', de: 'Familie & Kinder', en: 'Family & children' },
  { slug: 'soziales', de: 'Soziales & Beratung', en: 'Social services & counselling' },
  { slug: 'bildung', de: 'Bildung & Kultur', en: 'Education & culture' },
  { slug: 'freizeit', de: 'Freizeit & Sport', en: 'Leisure & sport' },
  { slug: 'umwelt', de: 'Umwelt & Abfall', en: 'Environment & waste' },
  { slug: 'bauen', de: 'Bauen & Wohnen', en: 'Building & housing' },
  { slug: 'mobilitaet', de: 'Verkehr & Mobilität', en: 'Transport & mobility' },
  { slug: 'wirtschaft', de: 'Wirtschaft & Arbeit', en: 'Business & work' },
  { slug: 'gesundheit', de: 'Gesundheit & Pflege', en: 'Health & care' },
  { slug: 'digital', de: 'Digitale Angebote', en: 'Digital offers' },
  { slug: 'sicherheit', de: 'Sicherheit & Ordnung', en: 'Safety & public order' },
];

export const LIFE_SITUATIONS: (Labelled & { intro: string; introEn: string })[] = [
  {
    slug: 'umzug',
    de: 'Umzug',
    en: 'Moving house',
    intro: 'Neue Wohnung, neue Adresse: Ummeldung, Parkausweis, Müllabfuhr und mehr.',
    introEn: 'New home, new address: registration, parking permit, waste collection and more.',
  },
  {
    slug: 'geburt',
    de: 'Geburt eines Kindes',
    en: 'Having a baby',
    intro: 'Geburtsurkunde, Elterngeld, Kinderbetreuung und Beratung rund um die Geburt.',
    introEn: 'Birth certificate, parental allowance, childcare and advice around birth.',
  },
  {
    slug: 'heirat',
    de: 'Heirat & Partnerschaft',
    en: 'Marriage & partnership',
    intro: 'Eheschließung beim Standesamt, Namensänderung und Dokumente.',
    introEn: 'Civil marriage, change of name and documents.',
  },
  {
    slug: 'bauen',
    de: 'Bauen & Renovieren',
    en: 'Building & renovating',
    intro: 'Bauantrag, Beratung, Förderung und Genehmigungen.',
    introEn: 'Building permits, advice, funding and approvals.',
  },
  {
    slug: 'senioren',
    de: 'Älter werden',
    en: 'Getting older',
    intro: 'Beratung, Treffpunkte, Hilfe im Alltag und Pflege.',
    introEn: 'Advice, meeting places, everyday help and care.',
  },
  {
    slug: 'schule',
    de: 'Schule & Ausbildung',
    en: 'School & training',
    intro: 'Schulanmeldung, Betreuung, Bildungsangebote und Ausbildung.',
    introEn: 'School enrolment, childcare, education and training.',
  },
  {
    slug: 'arbeit',
    de: 'Arbeit & Arbeitslosigkeit',
    en: 'Work & unemployment',
    intro: 'Jobcenter, Beratung und Hilfen bei der Arbeitssuche.',
    introEn: 'Job centre, advice and help when looking for work.',
  },
  {
    slug: 'auto',
    de: 'Auto & Fahrzeug',
    en: 'Car & vehicle',
    intro: 'Zulassung, Kennzeichen, Parken und Mobilität.',
    introEn: 'Registration, number plates, parking and mobility.',
  },
  {
    slug: 'unternehmen',
    de: 'Unternehmen gründen',
    en: 'Starting a business',
    intro: 'Gewerbeanmeldung, Gründungsberatung und Wirtschaftsförderung.',
    introEn: 'Business registration, start-up advice and economic development.',
  },
  {
    slug: 'todesfall',
    de: 'Todesfall',
    en: 'Bereavement',
    intro: 'Sterbeurkunde, Bestattung und Beratung für Angehörige.',
    introEn: 'Death certificate, funeral and support for relatives.',
  },
  {
    slug: 'pflege',
    de: 'Pflege',
    en: 'Care',
    intro: 'Pflegestützpunkt, Beratung und Entlastung für Angehörige.',
    introEn: 'Care support centre, advice and relief for carers.',
  },
  {
    slug: 'behinderung',
    de: 'Leben mit Behinderung',
    en: 'Living with a disability',
    intro: 'Schwerbehindertenausweis, Beratung und barrierefreie Angebote.',
    introEn: 'Disability ID card, advice and accessible services.',
  },
  {
    slug: 'zuwanderung',
    de: 'Neu in Deutschland',
    en: 'New in Germany',
    intro: 'Anmeldung, Integrationskurse, Beratung und Sprachangebote.',
    introEn: 'Registration, integration courses, advice and language classes.',
  },
  {
    slug: 'ehrenamt',
    de: 'Ehrenamt & Engagement',
    en: 'Volunteering',
    intro: 'Sich engagieren: Freiwilligenagenturen, Vereine und Projekte.',
    introEn: 'Get involved: volunteer centres, clubs and projects.',
  },
  {
    slug: 'finanzielle-hilfe',
    de: 'Finanzielle Hilfe',
    en: 'Financial help',
    intro: 'Wohngeld, Bürgergeld, Schuldnerberatung und weitere Hilfen.',
    introEn: 'Housing benefit, citizen’s income, debt advice and more.',
  },
];

export const TARGET_GROUPS: Labelled[] = [
  { slug: 'buerger', de: 'Alle Bürgerinnen und Bürger', en: 'All residents' },
  { slug: 'familien', de: 'Familien', en: 'Families' },
  { slug: 'senioren', de: 'Seniorinnen und Senioren', en: 'Older people' },
  { slug: 'jugendliche', de: 'Jugendliche', en: 'Young people' },
  { slug: 'kinder', de: 'Kinder', en: 'Children' },
  { slug: 'unternehmen', de: 'Unternehmen', en: 'Businesses' },
  { slug: 'menschen-mit-behinderung', de: 'Menschen mit Behinderung', en: 'People with disabilities' },
  { slug: 'zugewanderte', de: 'Zugewanderte', en: 'Newcomers' },
  { slug: 'studierende', de: 'Studierende', en: 'Students' },
];

export const categorySlugs = CATEGORIES.map((c) => c.slug);
export const lifeSituationSlugs = LIFE_SITUATIONS.map((c) => c.slug);
export const targetGroupSlugs = TARGET_GROUPS.map((c) => c.slug);

export function label(list: Labelled[], slug: string, locale: 'de' | 'en'): string {
  const item = list.find((x) => x.slug === slug);
  return item ? item[locale] : slug;
}

/** German labels of an offer's categories and life situations: written into the search text. */
export function keywordsFor(categories: string[], lifeSituations: string[]): string {
  return [
    ...categories.map((s) => label(CATEGORIES, s, 'de')),
    ...lifeSituations.map((s) => label(LIFE_SITUATIONS, s, 'de')),
  ].join(' ');
}

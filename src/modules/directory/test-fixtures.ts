/** A valid offer as the service takes it (upsertOfferAsSystem, the JSON API): the smallest one, for tests. */
export function offerInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug: 'testangebot',
    kind: 'counselling',
    status: 'published',
    title: 'Testangebot',
    summary: 'Ein Angebot, das ein Test anlegt.',
    body: '',
    easyLanguage: '',
    categories: ['soziales'],
    lifeSituations: [],
    targetGroups: [],
    tags: [],
    provider: '',
    contact: {},
    address: null,
    location: null,
    openingHours: null,
    accessibility: {},
    onlineServiceUrl: null,
    leikaKey: null,
    lastReviewed: null,
    ...overrides,
  };
}

/**
 * The in-process search index of published offers. Matching, ranking, filtering and counting the
 * facets of a search run here, in memory, over a column per filter and an inverted list per lexeme;
 * the database stems the search text (once per text) and reads the 20 offers of the page.
 *
 * Why: a broad word matches most offers ("Beratung": 13,000 of 20,000). In SQL the index scan,
 * ts_rank_cd over every match and the facet counts cost 40–90 ms; here they cost a few. The lexemes
 * and weights come from the offers' `search` column, so matching and ranking follow PostgreSQL
 * (tsquery.ts).
 *
 * Freshness: every statement that writes offers bumps `offers_version` (migration 0020) in its own
 * transaction. Each search reads that number; when it moved, the changed offers are patched in (or,
 * after many changes, the index is reloaded) before the search runs. So a search never misses a
 * committed write, on this instance or any other.
 */
import { sql } from 'drizzle-orm';
import { type Db, one, rows } from '../../platform/db/index.ts';
import { matchAll, type Posting, type Query, rankAll, type TextIndex } from './tsquery.ts';

export interface SearchIndex extends TextIndex {
  version: string;
  /** Document slots in use (size); a changed offer gets a new slot, its old one is dead. */
  alive: Uint8Array;
  dead: number;
  ids: string[];
  titles: string[];
  slotOf: Map<string, number>;
  /** City id, 0 for region-wide offers. */
  city: Int32Array;
  citySlugs: Map<number, string>;
  kind: Uint8Array;
  kinds: Names;
  categories: Multi;
  life: Multi;
  online: Uint8Array;
  /** Index into rules, or -1 without opening hours. */
  rule: Int32Array;
  rules: Names;
  /** Slots in title order (German collation, then id), dead ones included. */
  byTitle: Int32Array;
  /** Each slot's place in byTitle. */
  titleRank: Int32Array;
  /** Sorted lexemes and their entries. */
  lexemes: string[];
  postings: Posting[];
}

/** Interned names: a number per distinct value. */
interface Names {
  names: string[];
  ids: Map<string, number>;
}

/** A set-valued column: slot d has values[start[d] .. start[d + 1]), numbers into names. */
interface Multi extends Names {
  start: Int32Array;
  values: Uint8Array;
}

interface IndexRow {
  id: string;
  published: boolean;
  title: string;
  city_id: number | null;
  kind: string;
  categories: string[];
  life_situations: string[];
  online: boolean;
  opening_hours: string | null;
  search: string;
}

/** Up to 2^21 slots: a slot's title rank fits beside its rank in one sort key (see rankOrder()). */
const MAX_DOCS = 1 << 21;
const collator = new Intl.Collator('de', { sensitivity: 'variant', numeric: true });
const WEIGHTS = [0.1, 0.2, 0.4, 1.0].map(Math.fround);

const OFFER_FIELDS = sql`o.id::text AS id, o.status = 'published' AS published, o.title, o.city_id, o.kind,
  o.categories, o.life_situations, o.online_service_url IS NOT NULL AS online, o.opening_hours,
  o.search::text AS search`;

async function citySlugs(db: Db): Promise<Map<number, string>> {
  const r = await rows<{ id: number; slug: string }>(db, sql`SELECT id, slug FROM cities`);
  return new Map(r.map((c) => [c.id, c.slug]));
}

/** The whole index from the database. */
export async function loadIndex(db: Db): Promise<SearchIndex> {
  // One statement, one snapshot: the version belongs to exactly these rows.
  const r = await rows<IndexRow & { version: string; full_from: string }>(
    db,
    sql`SELECT v.version::text AS version, o.*
      FROM offers_version v LEFT JOIN (
        SELECT ${OFFER_FIELDS} FROM offers o WHERE o.status = 'published') o ON true`,
  );
  return buildIndex(
    r[0]?.version ?? '0',
    r.filter((x) => x.id !== null),
    await citySlugs(db),
  );
}

export function buildIndex(version: string, docs: IndexRow[], cities: Map<number, string>): SearchIndex {
  if (docs.length >= MAX_DOCS) throw new Error(`search index: more than ${MAX_DOCS} offers`);
  const n = docs.length;
  const kinds = names();
  const rules = names();
  const multi = (pick: (d: IndexRow) => string[]): Multi => {
    const m: Multi = { ...names(), start: new Int32Array(n + 1), values: new Uint8Array(0) };
    const values: number[] = [];
    docs.forEach((d, i) => {
      m.start[i] = values.length;
      for (const v of new Set(pick(d))) values.push(intern(m, v));
    });
    m.start[n] = values.length;
    m.values = Uint8Array.from(values);
    return m;
  };
  const city = new Int32Array(n);
  const kind = new Uint8Array(n);
  const online = new Uint8Array(n);
  const rule = new Int32Array(n);
  const lists = new Map<string, { docs: number[]; start: number[]; positions: number[] }>();
  docs.forEach((d, i) => {
    city[i] = d.city_id ?? 0;
    kind[i] = intern(kinds, d.kind);
    online[i] = d.online ? 1 : 0;
    rule[i] = d.opening_hours ? intern(rules, d.opening_hours) : -1;
    for (const [lexeme, positions] of parseTsvector(d.search)) {
      let list = lists.get(lexeme);
      if (!list) {
        list = { docs: [], start: [], positions: [] };
        lists.set(lexeme, list);
      }
      list.docs.push(i);
      list.start.push(list.positions.length);
      for (const p of positions) list.positions.push(p);
    }
  });
  const lexemes = [...lists.keys()].sort(byCodeUnits);
  const postings = lexemes.map((lexeme): Posting => {
    const list = lists.get(lexeme)!;
    const m = list.docs.length;
    const p: Posting = {
      docs: Int32Array.from(list.docs),
      start: Int32Array.from([...list.start, list.positions.length]),
      positions: Uint16Array.from(list.positions),
      classes: new Uint8Array(m),
      weight: new Float64Array(m),
    };
    for (let i = 0; i < m; i++) summarise(p, i);
    return p;
  });
  const byTitle = Int32Array.from(docs.keys()).sort((a, b) => compareTitles(docs[a]!, docs[b]!));
  const titleRank = new Int32Array(n);
  byTitle.forEach((doc, rank) => {
    titleRank[doc] = rank;
  });
  const index = withEntries({
    version,
    size: n,
    alive: new Uint8Array(n).fill(1),
    dead: 0,
    ids: docs.map((d) => d.id),
    titles: docs.map((d) => d.title),
    slotOf: new Map(docs.map((d, i) => [d.id, i])),
    city,
    citySlugs: cities,
    kind,
    kinds,
    categories: multi((d) => d.categories),
    life: multi((d) => d.life_situations),
    online,
    rule,
    rules,
    titleRank,
    byTitle,
    lexemes,
    postings,
  });
  if (index.categories.names.length > 255 || index.life.names.length > 255 || kinds.names.length > 255) {
    throw new Error('search index: more than 255 distinct values in a facet');
  }
  return index;
}

/**
 * Adds the lookup of entries. Made out here: a closure made inside buildIndex would keep all of
 * buildIndex's rows alive (V8 shares one context among a function's closures).
 */
function withEntries(fields: Omit<SearchIndex, 'entries'>): SearchIndex {
  const index = fields as SearchIndex;
  index.entries = (lexeme, prefix) => entries(index, lexeme, prefix);
  return index;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareTitles(a: { title: string; id: string }, b: { title: string; id: string }): number {
  return collator.compare(a.title, b.title) || byCodeUnits(a.id, b.id);
}

function names(): Names {
  return { names: [], ids: new Map() };
}

function intern(n: Names, name: string): number {
  let id = n.ids.get(name);
  if (id === undefined) {
    id = n.names.length;
    n.names.push(name);
    n.ids.set(name, id);
  }
  return id;
}

/** Weight classes present and the summed default weights of entry i (fixed order: equal → equal). */
function summarise(p: Posting, i: number): void {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let j = p.start[i]!; j < p.start[i + 1]!; j++) {
    const w = p.positions[j]! & 3;
    if (w === 3) a++;
    else if (w === 2) b++;
    else if (w === 1) c++;
    else d++;
  }
  p.classes[i] = (a ? 8 : 0) | (b ? 4 : 0) | (c ? 2 : 0) | (d ? 1 : 0);
  p.weight[i] = a * WEIGHTS[3]! + b * WEIGHTS[2]! + c * WEIGHTS[1]! + d * WEIGHTS[0]!;
}

function entries(index: SearchIndex, lexeme: string, prefix: boolean): Posting[] {
  const { lexemes, postings } = index;
  const at = lowerBound(lexemes, lexeme);
  if (!prefix) return lexemes[at] === lexeme ? [postings[at]!] : [];
  const out: Posting[] = [];
  for (let i = at; i < lexemes.length && lexemes[i]!.startsWith(lexeme); i++) out.push(postings[i]!);
  return out;
}

function lowerBound(sorted: string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- changes: offers written since the index's version ----

/** Above this many changed offers, loading everything is cheaper than patching. */
const PATCH_MAX = 500;

interface Delta {
  version: string;
  fullFrom: string;
  changed: IndexRow[];
  deleted: string[];
}

/** What changed since `since`: rows stamped with a higher version, and logged deletions. */
async function loadDelta(db: Db, since: string): Promise<Delta | undefined> {
  // Ordered by version with a limit, so the planner walks the index even on stale statistics
  // (PGlite has no autovacuum).
  const r = await rows<Partial<IndexRow> & { version: string; full_from: string; gone: string | null }>(
    db,
    sql`WITH v AS (SELECT version, full_from FROM offers_version),
      changed AS (
        (SELECT ${OFFER_FIELDS}, NULL::text AS gone FROM offers o
         WHERE o.index_version > ${since}::bigint ORDER BY o.index_version LIMIT ${PATCH_MAX + 1})
        UNION ALL
        (SELECT d.id::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, d.id::text FROM offers_deleted d
         WHERE d.version > ${since}::bigint ORDER BY d.version LIMIT ${PATCH_MAX + 1}))
      SELECT v.version::text AS version, v.full_from::text AS full_from, c.* FROM v LEFT JOIN changed c ON true`,
  );
  const head = r[0]!;
  if (BigInt(head.full_from) > BigInt(since) || r.length > PATCH_MAX) return undefined;
  const delta: Delta = { version: head.version, fullFrom: head.full_from, changed: [], deleted: [] };
  for (const x of r) {
    if (x.gone) delta.deleted.push(x.gone);
    else if (x.id) delta.changed.push(x as IndexRow);
  }
  return delta;
}

/** Applies a delta in place: changed and deleted offers leave their slots, published ones get new ones. */
function patch(index: SearchIndex, delta: Delta, cities: Map<number, string>): void {
  for (const id of [...delta.deleted, ...delta.changed.map((d) => d.id)]) {
    const slot = index.slotOf.get(id);
    if (slot === undefined) continue;
    index.slotOf.delete(id);
    index.alive[slot] = 0;
    index.dead++;
  }
  for (const d of delta.changed) if (d.published) append(index, d);
  index.citySlugs = cities;
  index.version = delta.version;
}

function grown<T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

/** A copy of a with values appended (lists are exact-size: the evaluation reads their length). */
function plus<T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(
  a: T,
  values: ArrayLike<number>,
): T {
  const b = new (a.constructor as new (n: number) => T)(a.length + values.length);
  b.set(a);
  b.set(values, a.length);
  return b;
}

/** One published offer into a new slot: columns, title order, the lists of its lexemes. */
function append(index: SearchIndex, d: IndexRow): void {
  const slot = index.size;
  const n = slot + 1;
  if (n >= MAX_DOCS) throw new Error(`search index: more than ${MAX_DOCS} slots`);
  index.alive = grown(index.alive, n);
  index.city = grown(index.city, n);
  index.kind = grown(index.kind, n);
  index.online = grown(index.online, n);
  index.rule = grown(index.rule, n);
  index.alive[slot] = 1;
  index.city[slot] = d.city_id ?? 0;
  index.kind[slot] = intern(index.kinds, d.kind);
  index.online[slot] = d.online ? 1 : 0;
  index.rule[slot] = d.opening_hours ? intern(index.rules, d.opening_hours) : -1;
  for (const [m, values] of [
    [index.categories, d.categories],
    [index.life, d.life_situations],
  ] as const) {
    const distinct = [...new Set(values)];
    m.start = grown(m.start, n + 1);
    const from = m.start[slot]!;
    m.values = grown(m.values, from + distinct.length);
    distinct.forEach((v, i) => {
      m.values[from + i] = intern(m, v);
    });
    m.start[n] = from + distinct.length;
  }
  index.ids[slot] = d.id;
  index.titles[slot] = d.title;
  index.slotOf.set(d.id, slot);

  // Title order: insert the slot, then renumber the ranks behind it.
  index.byTitle = grown(index.byTitle, n);
  index.titleRank = grown(index.titleRank, n);
  let lo = 0;
  let hi = slot;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const other = index.byTitle[mid]!;
    if (compareTitles({ title: index.titles[other]!, id: index.ids[other]! }, d) < 0) lo = mid + 1;
    else hi = mid;
  }
  index.byTitle.copyWithin(lo + 1, lo, slot);
  index.byTitle[lo] = slot;
  for (let k = lo; k < n; k++) index.titleRank[index.byTitle[k]!] = k;

  // Lexemes: the new slot is the highest, so it goes at the end of every list.
  for (const [lexeme, positions] of parseTsvector(d.search)) {
    const at = lowerBound(index.lexemes, lexeme);
    if (index.lexemes[at] !== lexeme) {
      index.lexemes.splice(at, 0, lexeme);
      index.postings.splice(at, 0, {
        docs: new Int32Array(0),
        start: new Int32Array(1),
        positions: new Uint16Array(0),
        classes: new Uint8Array(0),
        weight: new Float64Array(0),
      });
    }
    const p = index.postings[at]!;
    const m = p.docs.length;
    const used = p.start[m]!;
    p.docs = plus(p.docs, [slot]);
    p.start = plus(p.start, [used + positions.length]);
    p.positions = plus(p.positions, positions);
    p.classes = plus(p.classes, [0]);
    p.weight = plus(p.weight, [0]);
    summarise(p, m);
  }
  index.size = n;
}

/**
 * PostgreSQL's text form of a tsvector: `'lexeme':1A,5 'it''s':3B`. Positions come back as
 * pos << 2 | weight class (D = 0 … A = 3), in the order stored (ascending).
 */
export function parseTsvector(text: string): [string, number[]][] {
  const out: [string, number[]][] = [];
  let at = 0;
  const n = text.length;
  while (at < n) {
    if (text.charCodeAt(at) === 32) {
      at++;
      continue;
    }
    if (text[at] !== "'") throw new Error(`tsvector: expected a lexeme at ${at}`);
    // Most lexemes hold no quote or backslash: take them as one slice.
    let end = text.indexOf("'", at + 1);
    if (end < 0) throw new Error('tsvector: unterminated lexeme');
    let lexeme = text.slice(at + 1, end);
    if (text[end + 1] === "'" || lexeme.includes('\\')) {
      lexeme = '';
      for (end = at + 1; ; end++) {
        const c = text[end];
        if (c === undefined) throw new Error('tsvector: unterminated lexeme');
        if (c === '\\') lexeme += text[++end] ?? '';
        else if (c === "'") {
          if (text[end + 1] !== "'") break;
          lexeme += "'";
          end++;
        } else lexeme += c;
      }
    }
    at = end + 1;
    const positions: number[] = [];
    if (text.charCodeAt(at) === 58 /* : */) {
      at++;
      for (;;) {
        let pos = 0;
        let c = text.charCodeAt(at);
        while (c >= 48 && c <= 57) {
          pos = pos * 10 + c - 48;
          c = text.charCodeAt(++at);
        }
        // A = 65 … D = 68 → class 3 … 0; no letter: D.
        let w = 0;
        if (c >= 65 && c <= 68) {
          w = 68 - c;
          c = text.charCodeAt(++at);
        }
        positions.push((pos << 2) | w);
        if (c !== 44 /* , */) break;
        at++;
      }
    }
    out.push([lexeme, positions]);
  }
  return out;
}

// ---- searching ----

export interface IndexFilter {
  cityId: number | undefined;
  kinds: string[];
  categories: string[];
  lifeSituations: string[];
  online: boolean;
  /** Only offers whose opening-hours rule passes (open now). */
  openRule?: (rule: string) => boolean;
  /** The compiled full-text queries of the search text (none: browse by title). */
  text?: { match: Query | null; rank: Query | null };
}

export interface Facets {
  city: Record<string, number>;
  kind: Record<string, number>;
  category: Record<string, number>;
  life: Record<string, number>;
}

export interface IndexResult {
  /** Matching documents in result order: best rank, then title. */
  order: Int32Array;
  facets: Facets;
}

/** Every match of a filter, in order, with the facet counts of all matches. */
export function searchIndex(index: SearchIndex, f: IndexFilter): IndexResult {
  const n = index.size;
  const wanted = (names: string[], values: string[]) => {
    const ok = new Uint8Array(Math.max(names.length, 1));
    for (const v of values) {
      const i = names.indexOf(v);
      if (i >= 0) ok[i] = 1;
    }
    return ok;
  };
  const kindOk = f.kinds.length ? wanted(index.kinds.names, f.kinds) : undefined;
  const catOk = f.categories.length ? wanted(index.categories.names, f.categories) : undefined;
  const lifeOk = f.lifeSituations.length ? wanted(index.life.names, f.lifeSituations) : undefined;
  const ruleOk = f.openRule ? Uint8Array.from(index.rules.names, (r) => (f.openRule!(r) ? 1 : 0)) : undefined;
  const textOk = f.text ? matchAll(index, f.text.match) : undefined;
  const any = (m: Multi, ok: Uint8Array, d: number) => {
    for (let j = m.start[d]!; j < m.start[d + 1]!; j++) if (ok[m.values[j]!]) return true;
    return false;
  };

  const cityCount = new Map<number, number>();
  const kindCount = new Int32Array(index.kinds.names.length);
  const catCount = new Int32Array(index.categories.names.length);
  const lifeCount = new Int32Array(index.life.names.length);
  const matches = new Int32Array(n);
  let total = 0;
  // With a text, documents in ascending order (ranking walks the lists in that order); without one,
  // in title order, which is then already the result order.
  for (let k = 0; k < n; k++) {
    const d = textOk ? k : index.byTitle[k]!;
    if ((textOk && !textOk[d]) || !index.alive[d]) continue;
    const c = index.city[d]!;
    if (f.cityId !== undefined && c !== f.cityId && c !== 0) continue;
    if (kindOk && !kindOk[index.kind[d]!]) continue;
    if (catOk && !any(index.categories, catOk, d)) continue;
    if (lifeOk && !any(index.life, lifeOk, d)) continue;
    if (f.online && !index.online[d]) continue;
    if (ruleOk && !(index.rule[d]! >= 0 && ruleOk[index.rule[d]!])) continue;
    matches[total++] = d;
    cityCount.set(c, (cityCount.get(c) ?? 0) + 1);
    kindCount[index.kind[d]!]!++;
    for (let j = index.categories.start[d]!; j < index.categories.start[d + 1]!; j++) {
      catCount[index.categories.values[j]!]!++;
    }
    for (let j = index.life.start[d]!; j < index.life.start[d + 1]!; j++) lifeCount[index.life.values[j]!]!++;
  }
  const found = matches.subarray(0, total);
  const named = (names: string[], counts: Int32Array) =>
    Object.fromEntries(names.flatMap((name, i) => (counts[i] ? [[name, counts[i]!]] : [])));
  const facets: Facets = {
    city: Object.fromEntries(
      [...cityCount].map(([c, count]) => [c === 0 ? 'region' : (index.citySlugs.get(c) ?? String(c)), count]),
    ),
    kind: named(index.kinds.names, kindCount),
    category: named(index.categories.names, catCount),
    life: named(index.life.names, lifeCount),
  };
  return { order: f.text ? rankOrder(index, f.text.rank, found) : found, facets };
}

const floatView = new Float32Array(1);
const bitsView = new Uint32Array(floatView.buffer);

/**
 * Matches by rank (descending), then title: one float64 key per match, sorted natively. The key is
 * the rank's float32 bit pattern (ordered like the rank, for ranks ≥ 0) above the title rank, counted
 * from the end so that a higher key means an earlier title.
 */
function rankOrder(index: SearchIndex, rank: Query | null, docs: Int32Array): Int32Array {
  const ranks = rankAll(index, rank, docs);
  const keys = new Float64Array(docs.length);
  for (let k = 0; k < docs.length; k++) {
    floatView[0] = ranks[k]!;
    keys[k] = bitsView[0]! * MAX_DOCS + (MAX_DOCS - 1 - index.titleRank[docs[k]!]!);
  }
  keys.sort();
  const order = new Int32Array(docs.length);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[keys.length - 1 - k]!;
    order[k] = index.byTitle[MAX_DOCS - 1 - (key % MAX_DOCS)]!;
  }
  return order;
}

// ---- keeping the index current ----

interface State {
  index?: SearchIndex;
  refreshing?: Promise<void>;
  /** Compiled search texts of the index's version (the word dictionary changes with offers). */
  texts: Map<string, { match: Query | null; rank: Query | null; suggestion?: string }>;
}
const states = new WeakMap<Db, State>();
const TEXT_CACHE_MAX = 2_000;

/**
 * The index as of the database's current offers_version. Each call reads that number (one small
 * round trip); when it moved, the changes are patched in (or, after many, everything is reloaded)
 * before the search runs.
 */
export async function currentIndex(db: Db): Promise<{ index: SearchIndex; texts: State['texts'] }> {
  let state = states.get(db);
  if (!state) {
    state = { texts: new Map() };
    states.set(db, state);
  }
  const version = state.index
    ? (await one<{ version: string }>(db, sql`SELECT version::text AS version FROM offers_version`))?.version
    : undefined;
  if (!state.index || state.index.version !== version) {
    await refresh(db, state);
    // A refresh that began before the version was read may lack that write: once more.
    if (version !== undefined && BigInt(state.index!.version) < BigInt(version)) await refresh(db, state);
  }
  if (state.texts.size >= TEXT_CACHE_MAX) state.texts.clear();
  return { index: state.index!, texts: state.texts };
}

/** One refresh at a time per database; searches arriving meanwhile wait for it. */
function refresh(db: Db, state: State): Promise<void> {
  state.refreshing ??= (async () => {
    const before = state.index?.version;
    const delta = state.index && (await loadDelta(db, state.index.version));
    if (state.index && delta) {
      patch(state.index, delta, await citySlugs(db));
    }
    // Dead slots cost a little in every search: start afresh when they pile up.
    if (!state.index || !delta || state.index.dead > Math.max(1_000, state.index.size / 4)) {
      state.index = await loadIndex(db);
    }
    if (state.index.version !== before) state.texts = new Map();
  })().finally(() => {
    state.refreshing = undefined;
  });
  return state.refreshing;
}

/** Forget the compiled search texts (benchmarks: what a text searched for the first time costs). */
export function forgetSearchTexts(db: Db): void {
  states.get(db)?.texts.clear();
}

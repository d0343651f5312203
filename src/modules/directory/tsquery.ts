/**
 * PostgreSQL full-text queries evaluated in the process, over the in-process search index
 * (search-index.ts): parsing tsquery text, `@@` matching and `ts_rank_cd` (cover density). The
 * database still stems the words and finds look-alikes (offer_search_query, migration 0007); this file
 * only applies its result. It follows PostgreSQL's semantics (tsrank.c, tsvector_op.c) so that a
 * search ranks and matches as it did in SQL; a test compares both on the same data.
 */

/** Weight classes as PostgreSQL numbers them: D = 0 … A = 3. */
export const WEIGHT_CLASS: Record<string, number> = { A: 3, B: 2, C: 1, D: 0 };
/** ts_rank's default weights {D, C, B, A} as float4, like PostgreSQL's `default_weights`. */
const WEIGHTS = [0.1, 0.2, 0.4, 1.0].map(Math.fround);
const INVERSE = WEIGHTS.map((w) => 1 / w);

export type Query =
  | { op: 'term'; id: number; lexeme: string; prefix: boolean; weights: number }
  | { op: 'not'; arg: Query }
  | { op: 'and' | 'or'; left: Query; right: Query }
  | { op: 'phrase'; distance: number; left: Query; right: Query };

export class TsqueryError extends Error {}

/**
 * Parses PostgreSQL's text output of a tsquery (`'a' & ( 'b' | 'c':* ) <-> !'d':AB`). Precedence as
 * in PostgreSQL: `!` binds tightest, then `<->`/`<N>`, then `&`, then `|`. Empty text: null.
 */
export function parseTsquery(text: string): Query | null {
  let at = 0;
  let terms = 0;
  const space = () => {
    while (text[at] === ' ') at++;
  };
  const fail = (what: string): never => {
    throw new TsqueryError(`tsquery: ${what} at ${at} in ${JSON.stringify(text)}`);
  };
  const operand = (): Query => {
    if (text[at] !== "'") fail('expected a quoted lexeme');
    at++;
    let lexeme = '';
    for (;;) {
      const c = text[at++];
      if (c === undefined) fail('unterminated lexeme');
      if (c === "'") {
        if (text[at] === "'") {
          lexeme += "'";
          at++;
          continue;
        }
        break;
      }
      if (c === '\\') {
        lexeme += text[at++] ?? '';
        continue;
      }
      lexeme += c;
    }
    let prefix = false;
    let weights = 0;
    if (text[at] === ':') {
      at++;
      for (let c = text[at]; c !== undefined && /[ABCD*]/i.test(c); c = text[++at]) {
        if (c === '*') prefix = true;
        else weights |= 1 << WEIGHT_CLASS[c.toUpperCase()]!;
      }
    }
    return { op: 'term', id: terms++, lexeme, prefix, weights };
  };
  const unary = (): Query => {
    space();
    if (text[at] === '!') {
      at++;
      return { op: 'not', arg: unary() };
    }
    if (text[at] === '(') {
      at++;
      const inner = or();
      space();
      if (text[at] !== ')') fail('expected )');
      at++;
      return inner;
    }
    return operand();
  };
  const phrase = (): Query => {
    let left = unary();
    for (;;) {
      space();
      const m = /^<(-|\d+)>/.exec(text.slice(at, at + 8));
      if (!m) return left;
      at += m[0].length;
      left = { op: 'phrase', distance: m[1] === '-' ? 1 : Number(m[1]), left, right: unary() };
    }
  };
  /** Left-associative: `a & b & c` is `(a & b) & c`, as PostgreSQL builds it. */
  const infix = (op: 'and' | 'or', sign: string, next: () => Query) => (): Query => {
    let left = next();
    for (space(); text[at] === sign; space()) {
      at++;
      left = { op, left, right: next() };
    }
    return left;
  };
  const and = infix('and', '&', phrase);
  const or = infix('or', '|', and);
  space();
  if (at === text.length) return null;
  const query = or();
  space();
  if (at !== text.length) fail('unexpected text');
  return query;
}

/** The term nodes of a query, in query order (their ids). */
export function termsOf(q: Query, out: Extract<Query, { op: 'term' }>[] = []) {
  if (q.op === 'term') out.push(q);
  else if (q.op === 'not') termsOf(q.arg, out);
  else {
    termsOf(q.left, out);
    termsOf(q.right, out);
  }
  return out;
}

/**
 * What the evaluation needs of the index: the entries (lexemes) an operand matches, each with its
 * sorted document numbers and, per document, the positions (pos << 2 | weight class).
 */
export interface Posting {
  /** Sorted document numbers. */
  docs: Int32Array;
  /** docs[i]'s positions are positions[start[i] .. start[i + 1]). */
  start: Int32Array;
  positions: Uint16Array;
  /** Per document: the bit (1 << class) of every weight class it has. */
  classes: Uint8Array;
  /** Per document: sum of the default weights of its positions (the rank of a one-word query). */
  weight: Float64Array;
}

export interface TextIndex {
  /** Number of documents (0 … size - 1). */
  size: number;
  /** The entries of a lexeme, or of every lexeme starting with it. */
  entries(lexeme: string, prefix: boolean): Posting[];
}

/** Index of doc in posting.docs, or -1 (binary search). */
export function find(posting: Posting, doc: number): number {
  const docs = posting.docs;
  let lo = 0;
  let hi = docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = docs[mid]!;
    if (d === doc) return mid;
    if (d < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Documents matching the query (`search @@ query`): one byte per document, 1 = match. */
export function matchAll(index: TextIndex, query: Query | null): Uint8Array {
  const out = new Uint8Array(index.size);
  if (!query) return out; // an empty query matches nothing, as in PostgreSQL
  const set = evaluate(index, query);
  if (!hasPhrase(query)) return set;
  // Phrases: the set above treats them as AND; check the positions of each candidate.
  const terms = termsOf(query);
  const entries = terms.map((t) => index.entries(t.lexeme, t.prefix));
  for (let doc = 0; doc < set.length; doc++) {
    if (set[doc] && truth(query, positionsIn(entries, terms, doc))) out[doc] = 1;
  }
  return out;
}

function hasPhrase(q: Query): boolean {
  if (q.op === 'phrase') return true;
  if (q.op === 'term') return false;
  if (q.op === 'not') return hasPhrase(q.arg);
  return hasPhrase(q.left) || hasPhrase(q.right);
}

/**
 * Set algebra over whole documents. Exact without phrases; with them a superset (a phrase counts as
 * AND, a negated phrase as everything), which matchAll then checks by positions.
 */
function evaluate(index: TextIndex, q: Query): Uint8Array {
  switch (q.op) {
    case 'term': {
      const set = new Uint8Array(index.size);
      for (const p of index.entries(q.lexeme, q.prefix)) {
        const docs = p.docs;
        if (q.weights) {
          for (let i = 0; i < docs.length; i++) if (p.classes[i]! & q.weights) set[docs[i]!] = 1;
        } else {
          for (let i = 0; i < docs.length; i++) set[docs[i]!] = 1;
        }
      }
      return set;
    }
    case 'not': {
      if (hasPhrase(q.arg)) return new Uint8Array(index.size).fill(1);
      const set = evaluate(index, q.arg);
      for (let i = 0; i < set.length; i++) set[i] = set[i] ? 0 : 1;
      return set;
    }
    case 'or': {
      const a = evaluate(index, q.left);
      const b = evaluate(index, q.right);
      for (let i = 0; i < a.length; i++) a[i] = a[i]! | b[i]!;
      return a;
    }
    default: {
      // Inside a phrase a negated part (`a <-> !b`) is decided by positions only.
      const parts = [q.left, q.right].filter((x) => !(q.op === 'phrase' && x.op === 'not'));
      if (!parts.length) return new Uint8Array(index.size).fill(1);
      const a = evaluate(index, parts[0]!);
      if (parts.length === 1) return a;
      const b = evaluate(index, parts[1]!);
      for (let i = 0; i < a.length; i++) a[i] = a[i]! & b[i]!;
      return a;
    }
  }
}

/** Per term id: its sorted positions (with weight class) in one document. */
type Positions = (number[] | undefined)[];

function positionsIn(entries: Posting[][], terms: Extract<Query, { op: 'term' }>[], doc: number): Positions {
  const out: Positions = [];
  for (const [k, term] of terms.entries()) {
    let list: number[] | undefined;
    for (const p of entries[k]!) {
      const i = find(p, doc);
      if (i < 0) continue;
      for (let j = p.start[i]!; j < p.start[i + 1]!; j++) {
        const wep = p.positions[j]!;
        if (term.weights && !(term.weights & (1 << (wep & 3)))) continue;
        if (!list) list = [];
        list.push(wep);
      }
    }
    if (list && entries[k]!.length > 1) list.sort((a, b) => a - b);
    out[term.id] = list;
  }
  return out;
}

/** Positions a phrase part matches: the end positions, how wide it is, and whether it is negated. */
interface Span {
  pos: number[];
  width: number;
  negate: boolean;
}

/**
 * Truth of the query for one document given each term's positions (TS_execute with positions):
 * phrases need their parts at the given distances; elsewhere a term only needs to occur.
 */
function truth(q: Query, at: Positions): boolean {
  switch (q.op) {
    case 'term':
      return Boolean(at[q.id]?.length);
    case 'not':
      return !truth(q.arg, at);
    case 'and':
      return truth(q.left, at) && truth(q.right, at);
    case 'or':
      return truth(q.left, at) || truth(q.right, at);
    case 'phrase': {
      const s = span(q, at);
      return s.negate || s.pos.length > 0;
    }
  }
}

function span(q: Query, at: Positions): Span {
  switch (q.op) {
    case 'term':
      return { pos: unique((at[q.id] ?? []).map((wep) => wep >> 2)), width: 0, negate: false };
    case 'not': {
      const s = span(q.arg, at);
      return { ...s, negate: !s.negate };
    }
    case 'and':
    case 'or': {
      const l = span(q.left, at);
      const r = span(q.right, at);
      if (q.op === 'and' && !(l.negate || l.pos.length)) return l;
      if (q.op === 'and' && !(r.negate || r.pos.length)) return r;
      // Union of positions where the parts match, as PostgreSQL does inside a phrase.
      const pos = unique([...(l.negate ? [] : l.pos), ...(r.negate ? [] : r.pos)].sort((a, b) => a - b));
      return { pos, width: Math.max(l.width, r.width), negate: l.negate && r.negate };
    }
    case 'phrase': {
      const l = span(q.left, at);
      const r = span(q.right, at);
      const width = l.width + q.distance + r.width;
      const offset = q.distance + r.width;
      if (l.negate && r.negate) return { pos: [], width, negate: true };
      if (r.negate) {
        // Left part followed by anything but the right part.
        const blocked = new Set(r.pos);
        return { pos: l.pos.map((p) => p + offset).filter((p) => !blocked.has(p)), width, negate: false };
      }
      if (l.negate) {
        const blocked = new Set(l.pos);
        return { pos: r.pos.filter((p) => !blocked.has(p - offset)), width, negate: false };
      }
      const left = new Set(l.pos);
      return { pos: r.pos.filter((p) => left.has(p - offset)), width, negate: false };
    }
  }
}

function unique(sorted: number[]): number[] {
  return sorted.filter((p, i) => i === 0 || p !== sorted[i - 1]);
}

/**
 * ts_rank_cd(search, query, 32) of the matching documents, in ascending order. Queries of terms
 * joined by OR (one word, or a word and its correction) are the sum of the weights of every
 * occurrence, precomputed per entry; any other query runs the cover algorithm per document.
 */
export function rankAll(index: TextIndex, query: Query | null, docs: ArrayLike<number>): Float32Array {
  const out = new Float32Array(docs.length);
  if (!query) return out;
  const terms = termsOf(query);
  const entries = terms.map((t) => index.entries(t.lexeme, t.prefix));
  // Each distinct entry once (the same word twice in a query is one occurrence in the text), in a
  // fixed order: occurrences at one position sort by entry, as in PostgreSQL (any fixed order will do).
  const distinct = [...new Set(entries.flat())];
  const ordinal = new Map(distinct.map((p, i) => [p, i]));
  const cursor = new Int32Array(distinct.length);
  /** Per distinct entry: where the current document is in its lists, or -1. */
  const at = new Int32Array(distinct.length);
  const seek = (doc: number) => {
    // Documents come in ascending order: walk each list instead of searching it.
    for (let e = 0; e < distinct.length; e++) {
      const list = distinct[e]!.docs;
      let i = cursor[e]!;
      while (i < list.length && list[i]! < doc) i++;
      cursor[e] = i;
      at[e] = i < list.length && list[i] === doc ? i : -1;
    }
  };
  if (onlyOr(query)) {
    for (let k = 0; k < docs.length; k++) {
      seek(docs[k]!);
      let w = 0;
      for (let e = 0; e < distinct.length; e++) if (at[e]! >= 0) w += distinct[e]!.weight[at[e]!]!;
      out[k] = w / (w + 1);
    }
    return out;
  }
  if (terms.length > 255 || distinct.length > 65535) throw new Error('tsquery: too many terms to rank');
  const termEntries = entries.map((list) => list.map((p) => ordinal.get(p)!));
  // Without phrases only presence counts: one bit per query term (up to 30 of them).
  const masks = terms.length <= 30 && !hasPhrase(query);
  const occ: Occurrences = { n: 0, weps: new Int32Array(64), bits: new Int32Array(64), terms: [], keys: [] };
  const window = masks ? maskWindow(query, occ) : positionWindow(query, terms.length, occ);
  for (let k = 0; k < docs.length; k++) {
    seek(docs[k]!);
    occurrences(occ, terms, termEntries, distinct, at, !masks);
    out[k] = coverDensity(occ, window);
  }
  return out;
}

function onlyOr(q: Query): boolean {
  if (q.op === 'term') return q.weights === 0;
  if (q.op === 'or') return onlyOr(q.left) && onlyOr(q.right);
  return false;
}

/**
 * A document's occurrences of query terms (buffers reused from document to document), ordered by
 * position, weight class and entry, one per position and entry even when several query terms name
 * the same lexeme: weps[i] is pos << 2 | class; bits[i] the query terms it stands for as bits (up to
 * 30 terms), terms[i] as a list (when asked for).
 */
interface Occurrences {
  n: number;
  weps: Int32Array;
  bits: Int32Array;
  terms: number[][];
  keys: number[];
}

function occurrences(
  occ: Occurrences,
  terms: Extract<Query, { op: 'term' }>[],
  termEntries: number[][],
  distinct: Posting[],
  at: Int32Array,
  lists: boolean,
): void {
  // Packed keys sort numerically into that order: wep (16 bits), entry (16), term (8).
  const keys = occ.keys;
  keys.length = 0;
  for (const term of terms) {
    for (const e of termEntries[term.id]!) {
      const i = at[e]!;
      if (i < 0) continue;
      const p = distinct[e]!;
      for (let j = p.start[i]!; j < p.start[i + 1]!; j++) {
        const wep = p.positions[j]!;
        if (term.weights && !(term.weights & (1 << (wep & 3)))) continue;
        keys.push((wep * 65536 + e) * 256 + term.id);
      }
    }
  }
  keys.sort((a, b) => a - b);
  if (occ.weps.length < keys.length) {
    occ.weps = new Int32Array(keys.length * 2);
    occ.bits = new Int32Array(keys.length * 2);
  }
  let n = 0;
  let last = -1;
  for (const key of keys) {
    const term = key % 256;
    const item = (key - term) / 256;
    if (item !== last) {
      occ.weps[n] = Math.floor(item / 65536);
      occ.bits[n] = 0;
      if (lists) occ.terms[n] = [];
      n++;
      last = item;
    }
    if (term < 30) occ.bits[n - 1]! |= 1 << term;
    if (lists) occ.terms[n - 1]!.push(term);
  }
  occ.n = n;
}

/**
 * What the cover search asks while it widens a stretch of occurrences: start afresh (walking up or
 * down), take occurrence i in, does the query hold for what was taken.
 */
interface Window {
  reset(descending: boolean): void;
  add(i: number): void;
  holds(): boolean;
}

function maskWindow(query: Query, occ: Occurrences): Window {
  const predicate = (q: Query): ((mask: number) => boolean) => {
    switch (q.op) {
      case 'term': {
        const bit = 1 << q.id;
        return (m) => (m & bit) !== 0;
      }
      case 'not': {
        const arg = predicate(q.arg);
        return (m) => !arg(m);
      }
      case 'and': {
        const [l, r] = [predicate(q.left), predicate(q.right)];
        return (m) => l(m) && r(m);
      }
      case 'or': {
        const [l, r] = [predicate(q.left), predicate(q.right)];
        return (m) => l(m) || r(m);
      }
      default:
        throw new Error('phrases need positions');
    }
  };
  const test = predicate(query);
  let mask = 0;
  return {
    reset: () => {
      mask = 0;
    },
    add: (i) => {
      mask |= occ.bits[i]!;
    },
    holds: () => test(mask),
  };
}

/** With phrases: each term's positions in the stretch, kept ascending (PostgreSQL's operand data). */
function positionWindow(query: Query, termCount: number, occ: Occurrences): Window {
  let at: Positions = [];
  let descending = false;
  return {
    reset: (down) => {
      at = new Array(termCount);
      descending = down;
    },
    add: (i) => {
      const wep = occ.weps[i]!;
      for (const t of occ.terms[i]!) {
        const list = at[t] ?? [];
        at[t] = list;
        const edge = descending ? list[0] : list[list.length - 1];
        if (edge !== undefined && edge >> 2 === wep >> 2) continue;
        if (descending) list.unshift(wep);
        else list.push(wep);
      }
    },
    holds: () => truth(query, at),
  };
}

/** ts_rank_cd with normalization 32 (rank / (rank + 1)) over one document's occurrences. */
function coverDensity(occ: Occurrences, window: Window): number {
  const { weps, n } = occ;
  let wdoc = 0;
  let from = 0;
  // PostgreSQL's Cover(), as a loop: from `from`, walk up until the query holds (the cover's end),
  // then down from there until it holds again (its beginning); the next try starts after the
  // beginning. No beginning found: try again one occurrence later.
  search: for (let start = from; start < n; start = from) {
    window.reset(false);
    let end = -1;
    for (let i = start; i < n; i++) {
      window.add(i);
      if (window.holds()) {
        end = i;
        break;
      }
    }
    if (end < 0) break;
    window.reset(true);
    for (let i = end; i >= start; i--) {
      window.add(i);
      if (!window.holds()) continue;
      const p = weps[i]! >> 2;
      const q = weps[end]! >> 2;
      if (p > q) break;
      let invSum = 0;
      for (let j = i; j <= end; j++) invSum += INVERSE[weps[j]! & 3]!;
      const cpos = (end - i + 1) / invSum;
      let noise = q - p - (end - i);
      if (noise < 0) noise = Math.trunc((end - i) / 2);
      wdoc += cpos / (1 + noise);
      from = i + 1;
      continue search;
    }
    from = start + 1;
  }
  return Math.fround(wdoc / (wdoc + 1));
}

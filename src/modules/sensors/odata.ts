/**
 * A small parser for the OData subset SensorThings 1.1 uses: $filter, $orderby, $select, $expand.
 * No maintained OData parser knows the STA specifics (geography'…' literals, st_* functions, unquoted
 * ISO times), so this is a hand-written Pratt parser. Every error carries the character position.
 */

export class QueryError extends Error {
  constructor(
    message: string,
    readonly position?: number,
    readonly option?: string,
  ) {
    super(position === undefined ? message : `${message} (Position ${position + 1})`);
  }
}

export type Literal =
  | { k: 'lit'; type: 'string'; value: string; pos: number }
  | { k: 'lit'; type: 'number'; value: number; pos: number }
  | { k: 'lit'; type: 'bool'; value: boolean; pos: number }
  | { k: 'lit'; type: 'null'; value: null; pos: number }
  | { k: 'lit'; type: 'time'; value: string; pos: number }
  | { k: 'lit'; type: 'date'; value: string; pos: number }
  | { k: 'lit'; type: 'duration'; value: string; pos: number }
  | { k: 'lit'; type: 'geo'; value: string; pos: number };

export type Expr =
  | Literal
  | { k: 'path'; segs: string[]; pos: number }
  | { k: 'bin'; op: string; l: Expr; r: Expr; pos: number }
  | { k: 'not'; e: Expr; pos: number }
  | { k: 'neg'; e: Expr; pos: number }
  | { k: 'call'; name: string; args: Expr[]; pos: number };

type Tok =
  | { t: 'punct'; v: '(' | ')' | ',' | '/'; pos: number }
  | { t: 'ident'; v: string; pos: number }
  | { t: 'lit'; lit: Literal; pos: number }
  | { t: 'end'; pos: number };

const DATETIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})(\/\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2}))?/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\d:T])/;
const NUMBER = /^\d+(\.\d+)?([eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_@$][A-Za-z0-9_.@$]*/;
const WKT =
  /^\s*(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)\s*[(][-0-9.eE,\s()]+[)]\s*$/i;
const DURATION = /^-?P(?!$)(\d+(\.\d+)?D)?(T(?!$)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    if (c === '(' || c === ')' || c === ',' || c === '/') {
      out.push({ t: 'punct', v: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const { value, end } = quoted(src, i);
      out.push({ t: 'lit', lit: { k: 'lit', type: 'string', value, pos: i }, pos: i });
      i = end;
      continue;
    }
    const dt = DATETIME.exec(rest);
    if (dt) {
      if (Number.isNaN(Date.parse(dt[0].split('/')[0]!))) throw new QueryError('Ungültige Zeitangabe', i);
      out.push({ t: 'lit', lit: { k: 'lit', type: 'time', value: dt[0].split('/')[0]!, pos: i }, pos: i });
      i += dt[0].length;
      continue;
    }
    const d = DATE.exec(rest);
    if (d) {
      if (Number.isNaN(Date.parse(d[0]))) throw new QueryError('Ungültiges Datum', i);
      out.push({ t: 'lit', lit: { k: 'lit', type: 'date', value: d[0], pos: i }, pos: i });
      i += d[0].length;
      continue;
    }
    const n = NUMBER.exec(rest);
    if (n) {
      out.push({ t: 'lit', lit: { k: 'lit', type: 'number', value: Number(n[0]), pos: i }, pos: i });
      i += n[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      const word = id[0];
      // Typed literals: geography'POINT(…)', duration'P1D'.
      if (src[i + word.length] === "'" && /^(geography|geometry|duration)$/i.test(word)) {
        const { value, end } = quoted(src, i + word.length);
        if (/^duration$/i.test(word)) {
          if (!DURATION.test(value)) throw new QueryError('Ungültige Dauer (z. B. P1DT2H)', i);
          out.push({ t: 'lit', lit: { k: 'lit', type: 'duration', value, pos: i }, pos: i });
        } else {
          if (!WKT.test(value)) throw new QueryError('Ungültige Geometrie (WKT erwartet)', i);
          out.push({ t: 'lit', lit: { k: 'lit', type: 'geo', value, pos: i }, pos: i });
        }
        i = end;
        continue;
      }
      if (word === 'true' || word === 'false')
        out.push({ t: 'lit', lit: { k: 'lit', type: 'bool', value: word === 'true', pos: i }, pos: i });
      else if (word === 'null')
        out.push({ t: 'lit', lit: { k: 'lit', type: 'null', value: null, pos: i }, pos: i });
      else out.push({ t: 'ident', v: word, pos: i });
      i += word.length;
      continue;
    }
    if (c === '-') {
      out.push({ t: 'ident', v: '-', pos: i });
      i++;
      continue;
    }
    throw new QueryError(`Unerwartetes Zeichen „${c}“`, i);
  }
  out.push({ t: 'end', pos: src.length });
  return out;
}

function quoted(src: string, start: number): { value: string; end: number } {
  let i = start + 1;
  let value = '';
  while (i < src.length) {
    if (src[i] === "'") {
      if (src[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += src[i];
    i++;
  }
  throw new QueryError('Zeichenkette ohne schließendes Anführungszeichen', start);
}

const BINARY: Record<string, number> = {
  or: 1,
  and: 2,
  eq: 3,
  ne: 3,
  gt: 3,
  ge: 3,
  lt: 3,
  le: 3,
  add: 4,
  sub: 4,
  mul: 5,
  div: 5,
  mod: 5,
};

class Parser {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  peek(): Tok {
    return this.toks[this.i]!;
  }
  next(): Tok {
    return this.toks[this.i++]!;
  }
  expectPunct(v: string) {
    const t = this.next();
    if (t.t !== 'punct' || t.v !== v) throw new QueryError(`„${v}“ erwartet`, t.pos);
  }

  expr(minPrec = 0): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.t !== 'ident') break;
      const prec = BINARY[t.v];
      if (prec === undefined) {
        if (t.v === 'asc' || t.v === 'desc') break;
        throw new QueryError(`Operator erwartet, „${t.v}“ gefunden`, t.pos);
      }
      if (prec <= minPrec) break;
      this.next();
      const right = this.expr(prec);
      left = { k: 'bin', op: t.v, l: left, r: right, pos: t.pos };
    }
    return left;
  }

  unary(): Expr {
    const t = this.peek();
    if (t.t === 'ident' && t.v === 'not') {
      this.next();
      return { k: 'not', e: this.unary(), pos: t.pos };
    }
    if (t.t === 'ident' && t.v === '-') {
      this.next();
      const e = this.unary();
      if (e.k === 'lit' && e.type === 'number') return { ...e, value: -e.value };
      return { k: 'neg', e, pos: t.pos };
    }
    return this.primary();
  }

  primary(): Expr {
    const t = this.next();
    if (t.t === 'lit') return t.lit;
    if (t.t === 'punct' && t.v === '(') {
      const e = this.expr();
      this.expectPunct(')');
      return e;
    }
    if (t.t === 'ident') {
      if (BINARY[t.v] !== undefined) throw new QueryError(`Wert erwartet, Operator „${t.v}“ gefunden`, t.pos);
      const after = this.peek();
      if (after.t === 'punct' && after.v === '(') {
        this.next();
        const args: Expr[] = [];
        const close = this.peek();
        if (!(close.t === 'punct' && close.v === ')')) {
          for (;;) {
            args.push(this.expr());
            const sep = this.next();
            if (sep.t === 'punct' && sep.v === ')') break;
            if (!(sep.t === 'punct' && sep.v === ',')) throw new QueryError('„,“ oder „)“ erwartet', sep.pos);
          }
        } else this.next();
        return { k: 'call', name: t.v.toLowerCase(), args, pos: t.pos };
      }
      const segs = [t.v];
      for (;;) {
        const slash = this.peek();
        if (!(slash.t === 'punct' && slash.v === '/')) break;
        this.next();
        const seg = this.next();
        if (seg.t !== 'ident') throw new QueryError('Eigenschaftsname nach „/“ erwartet', seg.pos);
        segs.push(seg.v);
      }
      return { k: 'path', segs, pos: t.pos };
    }
    if (t.t === 'end') throw new QueryError('Ausdruck unvollständig', t.pos);
    throw new QueryError(`Unerwartetes „${t.v}“`, t.pos);
  }

  end() {
    const t = this.peek();
    if (t.t !== 'end') throw new QueryError('Unerwarteter Rest des Ausdrucks', t.pos);
  }
}

export function parseFilter(src: string): Expr {
  if (!src.trim()) throw new QueryError('$filter ist leer', 0, '$filter');
  try {
    const p = new Parser(tokenize(src));
    const e = p.expr();
    p.end();
    return e;
  } catch (err) {
    if (err instanceof QueryError) throw new QueryError(err.message, undefined, '$filter');
    throw err;
  }
}

export interface OrderItem {
  expr: Expr;
  desc: boolean;
}

export function parseOrderby(src: string): OrderItem[] {
  try {
    const p = new Parser(tokenize(src));
    const out: OrderItem[] = [];
    for (;;) {
      const expr = p.expr();
      let desc = false;
      const dir = p.peek();
      if (dir.t === 'ident' && (dir.v === 'asc' || dir.v === 'desc')) {
        p.next();
        desc = dir.v === 'desc';
      }
      out.push({ expr, desc });
      const sep = p.next();
      if (sep.t === 'end') return out;
      if (!(sep.t === 'punct' && sep.v === ',')) throw new QueryError('„,“ erwartet', sep.pos);
    }
  } catch (err) {
    if (err instanceof QueryError) throw new QueryError(err.message, undefined, '$orderby');
    throw err;
  }
}

export function parseSelect(src: string): string[] {
  const names = src.split(',').map((s) => s.trim());
  let pos = 0;
  for (const n of names) {
    if (!/^[A-Za-z@][A-Za-z0-9_@.]*$/.test(n)) {
      throw new QueryError(`Ungültiger Name „${n}“ (Position ${pos + 1})`, undefined, '$select');
    }
    pos += n.length + 1;
  }
  return names;
}

/** Raw query options of a request or of one $expand item. */
export type RawOptions = Record<string, string>;

export interface RawExpand {
  path: string[];
  options: RawOptions;
}

/** $expand=Datastreams($filter=…;$expand=Observations($top=1)),Locations,Datastreams/Sensor */
export function parseExpand(src: string): RawExpand[] {
  const items: RawExpand[] = [];
  let i = 0;
  const fail = (msg: string, at: number): never => {
    throw new QueryError(`${msg} (Position ${at + 1})`, undefined, '$expand');
  };
  while (i < src.length) {
    const m = /^\s*([A-Za-z]+(?:\/[A-Za-z]+)*)\s*/.exec(src.slice(i));
    if (!m) fail('Navigationsname erwartet', i);
    const path = m![1]!.split('/');
    i += m![0].length;
    const options: RawOptions = {};
    if (src[i] === '(') {
      // Split "(a=1;b=c(d;e))" on top-level semicolons, respecting quotes and parentheses.
      const start = i;
      let depth = 0;
      let quote = false;
      let part = '';
      const parts: string[] = [];
      for (; i < src.length; i++) {
        const c = src[i]!;
        if (quote) {
          part += c;
          if (c === "'") quote = false;
          continue;
        }
        if (c === "'") {
          quote = true;
          part += c;
          continue;
        }
        if (c === '(') {
          depth++;
          if (depth === 1) continue;
        } else if (c === ')') {
          depth--;
          if (depth === 0) {
            parts.push(part);
            i++;
            break;
          }
        } else if (c === ';' && depth === 1) {
          parts.push(part);
          part = '';
          continue;
        }
        part += c;
      }
      if (depth !== 0) fail('„)“ fehlt', start);
      for (const p of parts) {
        const eq = p.indexOf('=');
        const key = p.slice(0, eq).trim();
        if (eq < 0 || !key.startsWith('$')) fail(`Option „${p}“ ungültig`, start);
        options[key] = p.slice(eq + 1);
      }
    }
    items.push({ path, options });
    while (src[i] === ' ') i++;
    if (i < src.length) {
      if (src[i] !== ',') fail('„,“ erwartet', i);
      i++;
    }
  }
  return items;
}

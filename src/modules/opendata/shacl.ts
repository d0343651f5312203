/**
 * Test helper: validates RDF against the official DCAT-AP.de 3.0 SHACL shapes stored in
 * ../shared/standards/dcat-ap-de (no network: the four shape files are read from disk).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import rdf from '@zazuko/env';
import { Parser, type Quad } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';

const SHAPES_DIR = path.resolve(import.meta.dirname, '../../../../shared/standards/dcat-ap-de');
const ALT_DIR = '/work/shared/standards/dcat-ap-de';
const SHAPE_FILES = [
  'dcat-ap-SHACL.ttl',
  'dcat-ap-SHACL-DE.ttl',
  'dcat-ap-spec-german-additions.ttl',
  'dcat-ap-de-deprecated.ttl',
];

function shapesDir(): string {
  for (const dir of [process.env.DCAT_SHAPES_DIR, SHAPES_DIR, ALT_DIR]) {
    try {
      if (dir) {
        readFileSync(path.join(dir, SHAPE_FILES[0]!));
        return dir;
      }
    } catch {}
  }
  throw new Error('DCAT-AP.de shapes not found: set DCAT_SHAPES_DIR');
}

let shapes: ReturnType<typeof rdf.dataset> | undefined;

export function parseTurtle(text: string, baseIRI?: string): Quad[] {
  return new Parser(baseIRI ? { baseIRI } : {}).parse(text);
}

export interface ShaclResult {
  violations: { message: string; focus: string; path: string }[];
  warnings: number;
}

export async function validateDcat(quads: Quad[]): Promise<ShaclResult> {
  if (!shapes) {
    shapes = rdf.dataset();
    const dir = shapesDir();
    for (const f of SHAPE_FILES)
      for (const q of parseTurtle(readFileSync(path.join(dir, f), 'utf8'))) shapes.add(q as never);
  }
  const data = rdf.dataset();
  for (const q of quads) data.add(q as never);
  const validator = new SHACLValidator(shapes, { factory: rdf });
  const report = await validator.validate(data);
  const violations = [];
  let warnings = 0;
  for (const r of report.results) {
    if (r.severity?.value.endsWith('#Violation')) {
      violations.push({
        message: r.message.map((m) => m.value).join(' / '),
        focus: r.focusNode?.value ?? '',
        path: r.path?.value ?? '',
      });
    } else warnings++;
  }
  return { violations, warnings };
}

/**
 * The catalog as RDF (DCAT-AP.de 3.0): built as quads from the dataset metadata, serialised as
 * Turtle (n3), JSON-LD (one node object per subject, expanded values, prefixes in @context) and
 * RDF/XML (rdf:Description per subject). The catalog is small (one node per dataset and
 * distribution), so it is built in memory; the data files themselves are streamed elsewhere.
 */
import { DataFactory, type Quad, type Term, Writer } from 'n3';
import type { City, Region } from '../../platform/tenancy/service.ts';
import { type DatasetMeta, DEFAULT_LICENSE, scopeSlug } from './model.ts';

const { namedNode, literal, quad, blankNode } = DataFactory;

export const PREFIXES: Record<string, string> = {
  adms: 'http://www.w3.org/ns/adms#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dcatap: 'http://data.europa.eu/r5r#',
  dcatde: 'http://dcat-ap.de/def/dcatde/',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  locn: 'http://www.w3.org/ns/locn#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
};

const EU = 'http://publications.europa.eu/resource/authority/';
const IANA = 'https://www.iana.org/assignments/media-types/';
const n = (prefixed: string) => {
  const [p, local] = prefixed.split(':') as [string, string];
  return namedNode(PREFIXES[p] + local);
};
const RDF_TYPE = n('rdf:type');

export interface CatalogInput {
  baseUrl: string;
  region: Region;
  cities: City[];
  datasets: DatasetMeta[];
  /** dcatde:contributorID of the publishing body (GovData assigns one; see docs). */
  contributorId: string;
}

const dateTime = (d: Date) => literal(d.toISOString().replace(/\.\d{3}Z$/, 'Z'), n('xsd:dateTime'));

export function datasetIri(baseUrl: string, slug: string) {
  return `${baseUrl}/opendata/datasets/${slug}`;
}

export function buildCatalog(input: CatalogInput): Quad[] {
  const { baseUrl, region, cities } = input;
  const out: Quad[] = [];
  const add = (s: Term, p: Term, o: Term) => out.push(quad(s as never, p as never, o as never));
  const de = (v: string) => literal(v, 'de');

  const catalog = namedNode(`${baseUrl}/opendata/catalog`);
  const agents = new Map<string, Term>();
  /** One foaf:Agent per publisher (the region or a city), with type and name. */
  const publisher = (cityId: number | null) => {
    const key = scopeSlug(cities, cityId);
    const existing = agents.get(key);
    if (existing) return existing;
    const city = cities.find((c) => c.id === cityId);
    const agent = namedNode(`${baseUrl}/opendata/publisher/${key}`);
    add(agent, RDF_TYPE, n('foaf:Agent'));
    add(agent, n('foaf:name'), de(city ? `Stadt ${city.name}` : region.name));
    add(agent, n('dct:type'), namedNode('http://purl.org/adms/publishertype/LocalAuthority'));
    agents.set(key, agent);
    return agent;
  };
  const contacts = new Map<string, Term>();
  const contactPoint = (cityId: number | null) => {
    const key = scopeSlug(cities, cityId);
    const existing = contacts.get(key);
    if (existing) return existing;
    const city = cities.find((c) => c.id === cityId);
    const contact = city?.contact ?? region.contact;
    const node = namedNode(`${baseUrl}/opendata/kontakt/${key}`);
    add(node, RDF_TYPE, n('vcard:Kind'));
    add(node, RDF_TYPE, n('vcard:Organization'));
    add(node, n('vcard:fn'), literal(contact.organisation || (city ? `Stadt ${city.name}` : region.name)));
    if (contact.email) add(node, n('vcard:hasEmail'), namedNode(`mailto:${contact.email}`));
    add(node, n('vcard:hasURL'), namedNode(contact.website || `${baseUrl}${city ? `/${city.slug}/` : '/'}`));
    if (contact.phone)
      add(node, n('vcard:hasTelephone'), namedNode(`tel:${contact.phone.replace(/[^0-9+]/g, '')}`));
    contacts.set(key, node);
    return node;
  };

  add(catalog, RDF_TYPE, n('dcat:Catalog'));
  add(catalog, n('dct:title'), de(`Offene Daten – ${region.name}`));
  add(
    catalog,
    n('dct:description'),
    de(
      `Alle öffentlichen Datensätze der Stadtplattform der Region ${region.name}: Angebote, Termine, Mängelmeldungen, Beteiligung, Sensordaten, Kartenebenen und Statistiken, erzeugt aus den Daten selbst.`,
    ),
  );
  add(catalog, n('dct:publisher'), publisher(null));
  add(catalog, n('dct:language'), namedNode(`${EU}language/DEU`));
  add(catalog, n('dct:license'), namedNode(DEFAULT_LICENSE));
  add(catalog, n('foaf:homepage'), namedNode(`${baseUrl}/opendata/`));
  add(catalog, n('dct:modified'), dateTime(latest(input.datasets)));

  const services = new Map<string, Term>();
  for (const ds of input.datasets) {
    const iri = datasetIri(baseUrl, ds.slug);
    const d = namedNode(iri);
    const city = cities.find((c) => c.id === ds.cityId);
    const license = namedNode(ds.license ?? DEFAULT_LICENSE);
    const attribution = city ? `Stadt ${city.name}` : region.name;
    add(catalog, n('dcat:dataset'), d);
    add(d, RDF_TYPE, n('dcat:Dataset'));
    add(d, n('dct:title'), de(ds.title));
    add(d, n('dct:description'), de(ds.description));
    add(d, n('dct:identifier'), literal(iri));
    add(d, n('dct:publisher'), publisher(ds.cityId));
    add(d, n('dcat:contactPoint'), contactPoint(ds.cityId));
    add(d, n('dcatde:contributorID'), namedNode(input.contributorId));
    add(d, n('dct:language'), namedNode(`${EU}language/DEU`));
    add(d, n('dct:accessRights'), namedNode(`${EU}access-right/PUBLIC`));
    add(d, n('dcatap:availability'), namedNode(`${EU}planned-availability/STABLE`));
    for (const t of ds.themes) add(d, n('dcat:theme'), namedNode(`${EU}data-theme/${t}`));
    for (const k of ds.keywords) add(d, n('dcat:keyword'), de(k));
    if (ds.modified) add(d, n('dct:modified'), dateTime(ds.modified));
    if (ds.issued) add(d, n('dct:issued'), dateTime(ds.issued));
    if (ds.accrualPeriodicity)
      add(d, n('dct:accrualPeriodicity'), namedNode(`${EU}frequency/${ds.accrualPeriodicity}`));
    if (ds.landingPage) add(d, n('dcat:landingPage'), namedNode(ds.landingPage));
    // Spatial: the municipality by its AGS (dcat-ap.de political geocoding) and its GeoNames URI, or
    // the region's cities.
    const places = city ? [city] : cities;
    add(
      d,
      n('dcatde:politicalGeocodingLevelURI'),
      namedNode(
        `http://dcat-ap.de/def/politicalGeocoding/Level/${city ? 'municipality' : 'regionalCouncil'}`,
      ),
    );
    for (const c of places) {
      const ags = namedNode(`http://dcat-ap.de/def/politicalGeocoding/municipalityKey/${c.ags}`);
      add(d, n('dcatde:politicalGeocodingURI'), ags);
      add(d, n('dct:spatial'), ags);
      if (c.geonamesId) add(d, n('dct:spatial'), namedNode(`http://sws.geonames.org/${c.geonamesId}/`));
    }
    if (ds.temporal && (ds.temporal.start || ds.temporal.end)) {
      const period = blankNode();
      add(d, n('dct:temporal'), period);
      add(period, RDF_TYPE, n('dct:PeriodOfTime'));
      if (ds.temporal.start) add(period, n('dcat:startDate'), dateTime(ds.temporal.start));
      if (ds.temporal.end) add(period, n('dcat:endDate'), dateTime(ds.temporal.end));
    }

    const distribution = (
      suffix: string,
      title: string,
      format: string,
      mediaType: string,
      access: string,
      download?: string,
    ) => {
      const dist = namedNode(`${iri}#${suffix}`);
      add(d, n('dcat:distribution'), dist);
      add(dist, RDF_TYPE, n('dcat:Distribution'));
      add(dist, n('dct:title'), de(title));
      add(dist, n('dcat:accessURL'), namedNode(access));
      if (download) add(dist, n('dcat:downloadURL'), namedNode(download));
      add(dist, n('dct:format'), namedNode(`${EU}file-type/${format}`));
      add(dist, n('dcat:mediaType'), namedNode(`${IANA}${mediaType}`));
      add(dist, n('dct:license'), license);
      add(dist, n('dcatde:licenseAttributionByText'), literal(attribution));
      if (ds.modified) add(dist, n('dct:modified'), dateTime(ds.modified));
      return dist;
    };
    if (ds.download) {
      const csv = `${iri}.csv`;
      const dist = distribution('csv', `${ds.title} (CSV)`, 'CSV', 'text/csv', csv, csv);
      add(
        dist,
        n('dct:description'),
        de(`Spalten: ${ds.download.columns.map((c) => `${c.name} – ${c.description}`).join('; ')}.`),
      );
      add(dist, n('dct:conformsTo'), namedNode(`${iri}/schema`));
      if (ds.download.geo) {
        const geo = `${iri}.geojson`;
        distribution('geojson', `${ds.title} (GeoJSON)`, 'GEOJSON', 'application/geo+json', geo, geo);
      }
    }
    for (const [i, link] of (ds.links ?? []).entries()) {
      distribution(`link-${i + 1}`, link.title, link.format, link.mediaType, link.url, link.url);
    }
    for (const svc of ds.services ?? []) {
      let s = services.get(svc.endpointUrl);
      if (!s) {
        s = namedNode(`${baseUrl}/opendata/services/${services.size + 1}`);
        services.set(svc.endpointUrl, s);
        add(catalog, n('dcat:service'), s);
        add(s, RDF_TYPE, n('dcat:DataService'));
        add(s, n('dct:title'), de(svc.title));
        add(s, n('dcat:endpointURL'), namedNode(svc.endpointUrl));
        if (svc.endpointDescription)
          add(s, n('dcat:endpointDescription'), namedNode(svc.endpointDescription));
        if (svc.conformsTo) add(s, n('dct:conformsTo'), namedNode(svc.conformsTo));
        add(
          s,
          n('dct:publisher'),
          publisher(svc.publisherCityId === undefined ? ds.cityId : svc.publisherCityId),
        );
        add(s, n('dct:license'), license);
        add(s, n('dct:accessRights'), namedNode(`${EU}access-right/PUBLIC`));
      }
      add(s, n('dcat:servesDataset'), d);
      const dist = distribution(
        `api-${[...services.keys()].indexOf(svc.endpointUrl) + 1}`,
        svc.title,
        'JSON',
        'application/json',
        svc.accessUrl ?? svc.endpointUrl,
      );
      add(dist, n('dcat:accessService'), s);
    }
  }
  return out;
}

function latest(datasets: DatasetMeta[]): Date {
  let max = 0;
  for (const d of datasets) if (d.modified && d.modified.getTime() > max) max = d.modified.getTime();
  return new Date(max || Date.now());
}

export function toTurtle(quads: Quad[]): Promise<string> {
  const writer = new Writer({ prefixes: PREFIXES });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((err, result) => (err ? reject(err) : resolve(result))));
}

function termId(t: Term): string {
  return t.termType === 'BlankNode' ? `_:${t.value}` : t.value;
}

/** JSON-LD in flattened form: an @graph of node objects; values are full IRIs or typed literals. */
export function toJsonLd(quads: Quad[]): object {
  const nodes = new Map<string, Record<string, unknown>>();
  const compact = (iri: string) => {
    for (const [p, ns] of Object.entries(PREFIXES))
      if (iri.startsWith(ns)) return `${p}:${iri.slice(ns.length)}`;
    return iri;
  };
  for (const q of quads) {
    const id = termId(q.subject);
    let node = nodes.get(id);
    if (!node) {
      node = { '@id': id };
      nodes.set(id, node);
    }
    if (q.predicate.value === `${PREFIXES.rdf}type`) {
      const types = (node['@type'] as string[] | undefined) ?? [];
      types.push(compact(q.object.value));
      node['@type'] = types;
      continue;
    }
    const key = compact(q.predicate.value);
    const o = q.object;
    const value =
      o.termType === 'Literal'
        ? o.language
          ? { '@value': o.value, '@language': o.language }
          : o.datatype.value === `${PREFIXES.xsd}string`
            ? { '@value': o.value }
            : { '@value': o.value, '@type': o.datatype.value }
        : { '@id': termId(o) };
    const values = (node[key] as unknown[] | undefined) ?? [];
    values.push(value);
    node[key] = values;
  }
  return { '@context': PREFIXES, '@graph': [...nodes.values()] };
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** RDF/XML with one rdf:Description per subject. */
export function toRdfXml(quads: Quad[]): string {
  const bySubject = new Map<string, Quad[]>();
  for (const q of quads) {
    const id = termId(q.subject);
    const list = bySubject.get(id);
    if (list) list.push(q);
    else bySubject.set(id, [q]);
  }
  const qname = (iri: string) => {
    for (const [p, ns] of Object.entries(PREFIXES)) {
      const local = iri.slice(ns.length);
      if (iri.startsWith(ns) && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(local)) return `${p}:${local}`;
    }
    throw new Error(`no prefix for predicate ${iri}`);
  };
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>', '<rdf:RDF'];
  for (const [p, ns] of Object.entries(PREFIXES)) out.push(`  xmlns:${p}="${xml(ns)}"`);
  out[out.length - 1] += '>';
  for (const [id, list] of bySubject) {
    const about = id.startsWith('_:') ? `rdf:nodeID="${xml(id.slice(2))}"` : `rdf:about="${xml(id)}"`;
    out.push(`  <rdf:Description ${about}>`);
    for (const q of list) {
      const p = qname(q.predicate.value);
      const o = q.object;
      if (o.termType === 'Literal') {
        const attr = o.language
          ? ` xml:lang="${xml(o.language)}"`
          : o.datatype.value === `${PREFIXES.xsd}string`
            ? ''
            : ` rdf:datatype="${xml(o.datatype.value)}"`;
        out.push(`    <${p}${attr}>${xml(o.value)}</${p}>`);
      } else if (o.termType === 'BlankNode') {
        out.push(`    <${p} rdf:nodeID="${xml(o.value)}"/>`);
      } else {
        out.push(`    <${p} rdf:resource="${xml(o.value)}"/>`);
      }
    }
    out.push('  </rdf:Description>');
  }
  out.push('</rdf:RDF>', '');
  return out.join('\n');
}

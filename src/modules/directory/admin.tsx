/** Staff pages of the directory: list, create, edit, publish, delete, import and export of offers. */

import type { ComponentChildren } from 'preact';
import { AdminLayout } from '../../platform/admin/index.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CheckboxGroup,
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldId,
  formList,
  formString,
  SelectField,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { addMessages } from '../../platform/web/i18n.ts';
import { Pager } from '../../platform/web/pagination.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import type { Offer } from './model.ts';
import { offerPath } from './pages.tsx';
import { CATEGORIES, KIND_LABELS, LIFE_SITUATIONS, OFFER_KINDS, TARGET_GROUPS } from './taxonomy.ts';
import { CSV_COLUMNS, type ImportReport, JSON_FORMAT } from './transfer.ts';

addMessages({
  de: {
    'dir.admin.title': 'Angebote & Dienste',
    'dir.admin.new': 'Neues Angebot',
    'dir.admin.import': 'Importieren',
    'dir.admin.export': 'Exportieren',
    'dir.admin.filter': 'Angebote filtern',
    'dir.admin.search': 'Titel oder URL-Kürzel',
    'dir.admin.city': 'Stadt',
    'dir.admin.allCities': 'Alle Städte',
    'dir.admin.region': 'Ganze Region',
    'dir.admin.status': 'Status',
    'dir.admin.allStatus': 'Alle',
    'dir.admin.published': 'Veröffentlicht',
    'dir.admin.draft': 'Entwurf',
    'dir.admin.apply': 'Filtern',
    'dir.admin.count': '{n} Treffer',
    'dir.admin.none': 'Keine Angebote gefunden.',
    'dir.admin.col.title': 'Titel',
    'dir.admin.col.city': 'Stadt',
    'dir.admin.col.kind': 'Art',
    'dir.admin.col.status': 'Status',
    'dir.admin.col.updated': 'Geändert',
    'dir.admin.tableCaption': 'Angebote, die Sie bearbeiten dürfen',
    'dir.admin.notice.created': 'Das Angebot wurde angelegt.',
    'dir.admin.notice.saved': 'Ihre Änderungen wurden gespeichert.',
    'dir.admin.notice.published': 'Das Angebot ist jetzt veröffentlicht.',
    'dir.admin.notice.unpublished': 'Das Angebot ist jetzt ein Entwurf und nicht mehr öffentlich sichtbar.',
    'dir.admin.notice.deleted': 'Das Angebot wurde gelöscht.',
    'dir.admin.editTitle': 'Angebot bearbeiten: {title}',
    'dir.admin.newTitle': 'Neues Angebot anlegen',
    'dir.admin.view': 'Öffentliche Seite ansehen',
    'dir.admin.section.basics': 'Grundangaben',
    'dir.admin.section.texts': 'Texte',
    'dir.admin.section.taxonomy': 'Einordnung',
    'dir.admin.section.contact': 'Kontakt und Ort',
    'dir.admin.section.service': 'Online-Dienst und Verwaltung',
    'dir.admin.f.city': 'Stadt',
    'dir.admin.f.cityHint': 'Wo das Angebot erscheint. Die Stadt lässt sich später nicht mehr ändern.',
    'dir.admin.f.kind': 'Art des Angebots',
    'dir.admin.f.status': 'Status',
    'dir.admin.f.title': 'Titel',
    'dir.admin.f.slug': 'URL-Kürzel',
    'dir.admin.f.slugHint':
      'Kleinbuchstaben, Ziffern und Bindestriche, z. B. personalausweis-beantragen. Leer lassen: wird aus dem Titel gebildet.',
    'dir.admin.f.summary': 'Kurzbeschreibung',
    'dir.admin.f.summaryHint': '10 bis 300 Zeichen; erscheint in Suchergebnissen.',
    'dir.admin.f.body': 'Beschreibung',
    'dir.admin.f.bodyHint':
      'Markdown: **fett**, *kursiv*, Listen mit „- “, Überschriften mit „## “, Links als [Text](https://…).',
    'dir.admin.f.easyLanguage': 'Text in Leichter Sprache',
    'dir.admin.f.easyLanguageHint': 'Kurze Sätze, ein Gedanke pro Satz. Absätze mit einer Leerzeile trennen.',
    'dir.admin.f.categories': 'Kategorien',
    'dir.admin.f.categoriesHint': 'Mindestens eine.',
    'dir.admin.f.lifeSituations': 'Lebenslagen',
    'dir.admin.f.targetGroups': 'Zielgruppen',
    'dir.admin.f.tags': 'Schlagwörter',
    'dir.admin.f.tagsHint': 'Durch Kommas getrennt, z. B. Ausweis, Reisepass. Höchstens 12.',
    'dir.admin.f.provider': 'Zuständige Stelle',
    'dir.admin.f.contact': 'Kontakt',
    'dir.admin.f.phone': 'Telefon',
    'dir.admin.f.email': 'E-Mail',
    'dir.admin.f.website': 'Webseite',
    'dir.admin.f.address': 'Adresse',
    'dir.admin.f.addressHint':
      'Für Einrichtungen und Anlaufstellen Pflicht; sonst alle drei Felder leer lassen.',
    'dir.admin.f.street': 'Straße und Hausnummer',
    'dir.admin.f.postalCode': 'Postleitzahl',
    'dir.admin.f.locality': 'Ort',
    'dir.admin.f.location': 'Lage auf der Karte',
    'dir.admin.f.locationHint':
      'Dezimalgrad (WGS84), z. B. 48.8373 und 10.0936. Pflicht, wenn es eine Adresse gibt.',
    'dir.admin.f.lat': 'Breitengrad',
    'dir.admin.f.lon': 'Längengrad',
    'dir.admin.f.openingHours': 'Öffnungszeiten',
    'dir.admin.f.openingHoursHint':
      'Im OpenStreetMap-Format, z. B. „Mo-Fr 08:00-12:00; Do 14:00-18:00; PH off“ (PH = Feiertage).',
    'dir.admin.f.accessibility': 'Barrierefreiheit',
    'dir.admin.f.accessibilityHint': 'Nur angeben, was geprüft ist.',
    'dir.admin.f.stepFree': 'Stufenloser Zugang',
    'dir.admin.f.toilet': 'Barrierefreies WC',
    'dir.admin.f.hearingLoop': 'Induktionsschleife',
    'dir.admin.f.unknown': 'keine Angabe',
    'dir.admin.f.yes': 'ja',
    'dir.admin.f.no': 'nein',
    'dir.admin.f.onlineServiceUrl': 'Adresse des Online-Dienstes',
    'dir.admin.f.onlineServiceUrlHint':
      'Für Online-Dienste und digitale Angebote Pflicht. Beginnt mit https://',
    'dir.admin.f.leikaKey': 'LeiKa-Schlüssel',
    'dir.admin.f.leikaKeyHint': '14 Ziffern aus dem Leistungskatalog.',
    'dir.admin.f.lastReviewed': 'Zuletzt geprüft am',
    'dir.admin.f.lastReviewedHint': 'Format JJJJ-MM-TT',
    'dir.admin.save': 'Speichern',
    'dir.admin.create': 'Angebot anlegen',
    'dir.admin.publish': 'Veröffentlichen',
    'dir.admin.unpublish': 'Zurückziehen (als Entwurf)',
    'dir.admin.delete': 'Löschen',
    'dir.admin.actions': 'Weitere Aktionen',
    'dir.admin.currentStatus': 'Aktueller Status: {status}',
    'dir.admin.deleteTitle': 'Angebot löschen: {title}',
    'dir.admin.deleteText':
      'Das Angebot „{title}“ wird endgültig gelöscht und ist danach auch öffentlich nicht mehr zu finden. Das lässt sich nicht rückgängig machen.',
    'dir.admin.deleteConfirm': 'Ja, endgültig löschen',
    'dir.admin.back': 'Zurück zum Angebot',
    'dir.admin.backToList': 'Zurück zur Liste',
    'dir.admin.importTitle': 'Angebote importieren',
    'dir.admin.importIntro':
      'Laden Sie eine CSV- oder JSON-Datei hoch oder fügen Sie den Inhalt ein. Jeder Eintrag wird wie im Formular geprüft; fehlerhafte Einträge werden übersprungen und unten mit Grund aufgeführt. Höchstens 5.000 Einträge und 5 MB.',
    'dir.admin.importFormatDoc': 'Aufbau der Dateien (Spalten und Felder)',
    'dir.admin.importCsvDoc':
      'CSV: UTF-8, Komma oder Semikolon als Trennzeichen, erste Zeile mit diesen Spaltennamen (Pflicht: id, typ, bezeichnung, kurztext, kategorien). Listen wie kategorien mit „|“ trennen, Barrierefreiheit mit „ja“, „nein“ oder leer. Die Spalten stadt und url werden beim Import ignoriert.',
    'dir.admin.importJsonDoc':
      'JSON: ein Objekt mit "format": "{format}" und der Liste "leistungen"; die Feldnamen entsprechen den CSV-Spalten (kontakt, anschrift, geo und barrierefreiheit als Unterobjekte). Ausführlich beschrieben in docs/directory-import.md.',
    'dir.admin.importCity': 'In welche Stadt importieren?',
    'dir.admin.format': 'Format',
    'dir.admin.formatAuto': 'Automatisch erkennen',
    'dir.admin.file': 'Datei',
    'dir.admin.fileHint': 'CSV (UTF-8, Kopfzeile) oder JSON, höchstens 5 MB.',
    'dir.admin.paste': 'Oder Inhalt hier einfügen',
    'dir.admin.importSubmit': 'Importieren',
    'dir.admin.importMissing': 'Wählen Sie eine Datei aus oder fügen Sie den Inhalt ein.',
    'dir.admin.report': 'Ergebnis des Imports',
    'dir.admin.reportSummary':
      '{created} angelegt, {updated} geändert, {unchanged} unverändert, {rejected} abgelehnt.',
    'dir.admin.reportRejected': 'Abgelehnte Einträge',
    'dir.admin.reportRow': 'Eintrag',
    'dir.admin.reportSlug': 'URL-Kürzel',
    'dir.admin.reportReason': 'Grund',
    'dir.admin.reportAll': 'Alle Einträge',
    'dir.admin.reportStatus': 'Ergebnis',
    'dir.admin.st.created': 'angelegt',
    'dir.admin.st.updated': 'geändert',
    'dir.admin.st.unchanged': 'unverändert',
    'dir.admin.st.rejected': 'abgelehnt',
    'dir.admin.history': 'Letzte Importe',
    'dir.admin.historyCaption': 'Die letzten Importe in Ihren Städten',
    'dir.admin.historyAt': 'Zeitpunkt',
    'dir.admin.exportTitle': 'Angebote exportieren',
    'dir.admin.exportHint': 'Der Export enthält veröffentlichte Angebote und Entwürfe der gewählten Stadt.',
    'dir.admin.exportSubmit': 'Herunterladen',
  },
  en: {
    'dir.admin.title': 'Services & offers',
    'dir.admin.new': 'New offer',
    'dir.admin.import': 'Import',
    'dir.admin.export': 'Export',
    'dir.admin.filter': 'Filter offers',
    'dir.admin.search': 'Title or URL slug',
    'dir.admin.city': 'City',
    'dir.admin.allCities': 'All cities',
    'dir.admin.region': 'Whole region',
    'dir.admin.status': 'Status',
    'dir.admin.allStatus': 'All',
    'dir.admin.published': 'Published',
    'dir.admin.draft': 'Draft',
    'dir.admin.apply': 'Filter',
    'dir.admin.count': '{n} results',
    'dir.admin.none': 'No offers found.',
    'dir.admin.col.title': 'Title',
    'dir.admin.col.city': 'City',
    'dir.admin.col.kind': 'Type',
    'dir.admin.col.status': 'Status',
    'dir.admin.col.updated': 'Changed',
    'dir.admin.tableCaption': 'Offers you may edit',
    'dir.admin.notice.created': 'The offer has been created.',
    'dir.admin.notice.saved': 'Your changes have been saved.',
    'dir.admin.notice.published': 'The offer is now published.',
    'dir.admin.notice.unpublished': 'The offer is now a draft and no longer publicly visible.',
    'dir.admin.notice.deleted': 'The offer has been deleted.',
    'dir.admin.editTitle': 'Edit offer: {title}',
    'dir.admin.newTitle': 'Create a new offer',
    'dir.admin.view': 'View public page',
    'dir.admin.section.basics': 'Basics',
    'dir.admin.section.texts': 'Texts',
    'dir.admin.section.taxonomy': 'Classification',
    'dir.admin.section.contact': 'Contact and place',
    'dir.admin.section.service': 'Online service and administration',
    'dir.admin.f.city': 'City',
    'dir.admin.f.cityHint': 'Where the offer appears. The city cannot be changed later.',
    'dir.admin.f.kind': 'Type of offer',
    'dir.admin.f.status': 'Status',
    'dir.admin.f.title': 'Title',
    'dir.admin.f.slug': 'URL slug',
    'dir.admin.f.slugHint':
      'Lower-case letters, digits and hyphens, e.g. personalausweis-beantragen. Leave empty to derive it from the title.',
    'dir.admin.f.summary': 'Summary',
    'dir.admin.f.summaryHint': '10 to 300 characters; shown in search results.',
    'dir.admin.f.body': 'Description',
    'dir.admin.f.bodyHint':
      'Markdown: **bold**, *italic*, lists with "- ", headings with "## ", links as [text](https://…).',
    'dir.admin.f.easyLanguage': 'Text in easy German (Leichte Sprache)',
    'dir.admin.f.easyLanguageHint':
      'Short sentences, one idea per sentence. Separate paragraphs by an empty line.',
    'dir.admin.f.categories': 'Categories',
    'dir.admin.f.categoriesHint': 'At least one.',
    'dir.admin.f.lifeSituations': 'Life situations',
    'dir.admin.f.targetGroups': 'Target groups',
    'dir.admin.f.tags': 'Keywords',
    'dir.admin.f.tagsHint': 'Separated by commas, e.g. ID card, passport. At most 12.',
    'dir.admin.f.provider': 'Responsible office',
    'dir.admin.f.contact': 'Contact',
    'dir.admin.f.phone': 'Phone',
    'dir.admin.f.email': 'E-mail',
    'dir.admin.f.website': 'Website',
    'dir.admin.f.address': 'Address',
    'dir.admin.f.addressHint': 'Required for facilities and contact points; otherwise leave all three empty.',
    'dir.admin.f.street': 'Street and number',
    'dir.admin.f.postalCode': 'Postcode',
    'dir.admin.f.locality': 'Town',
    'dir.admin.f.location': 'Position on the map',
    'dir.admin.f.locationHint':
      'Decimal degrees (WGS84), e.g. 48.8373 and 10.0936. Required with an address.',
    'dir.admin.f.lat': 'Latitude',
    'dir.admin.f.lon': 'Longitude',
    'dir.admin.f.openingHours': 'Opening hours',
    'dir.admin.f.openingHoursHint':
      'OpenStreetMap syntax, e.g. "Mo-Fr 08:00-12:00; Th 14:00-18:00; PH off" (PH = public holidays).',
    'dir.admin.f.accessibility': 'Accessibility',
    'dir.admin.f.accessibilityHint': 'Only state what has been checked.',
    'dir.admin.f.stepFree': 'Step-free access',
    'dir.admin.f.toilet': 'Accessible toilet',
    'dir.admin.f.hearingLoop': 'Hearing loop',
    'dir.admin.f.unknown': 'not stated',
    'dir.admin.f.yes': 'yes',
    'dir.admin.f.no': 'no',
    'dir.admin.f.onlineServiceUrl': 'Address of the online service',
    'dir.admin.f.onlineServiceUrlHint':
      'Required for online services and digital offers. Starts with https://',
    'dir.admin.f.leikaKey': 'LeiKa key',
    'dir.admin.f.leikaKeyHint': '14 digits from the German service catalogue (LeiKa).',
    'dir.admin.f.lastReviewed': 'Last reviewed on',
    'dir.admin.f.lastReviewedHint': 'Format YYYY-MM-DD',
    'dir.admin.save': 'Save',
    'dir.admin.create': 'Create offer',
    'dir.admin.publish': 'Publish',
    'dir.admin.unpublish': 'Withdraw (make draft)',
    'dir.admin.delete': 'Delete',
    'dir.admin.actions': 'More actions',
    'dir.admin.currentStatus': 'Current status: {status}',
    'dir.admin.deleteTitle': 'Delete offer: {title}',
    'dir.admin.deleteText':
      'The offer “{title}” will be deleted for good and can no longer be found publicly. This cannot be undone.',
    'dir.admin.deleteConfirm': 'Yes, delete for good',
    'dir.admin.back': 'Back to the offer',
    'dir.admin.backToList': 'Back to the list',
    'dir.admin.importTitle': 'Import offers',
    'dir.admin.importIntro':
      'Upload a CSV or JSON file or paste its content. Every entry is checked like the form; entries with errors are skipped and listed below with the reason. At most 5,000 entries and 5 MB.',
    'dir.admin.importFormatDoc': 'File layout (columns and fields)',
    'dir.admin.importCsvDoc':
      'CSV: UTF-8, comma or semicolon as separator, first row with these column names (required: id, typ, bezeichnung, kurztext, kategorien). Separate list values such as kategorien by "|", accessibility as "ja", "nein" or empty. The columns stadt and url are ignored on import.',
    'dir.admin.importJsonDoc':
      'JSON: an object with "format": "{format}" and the list "leistungen"; field names match the CSV columns (kontakt, anschrift, geo and barrierefreiheit as nested objects). Described in full in docs/directory-import.md.',
    'dir.admin.importCity': 'Import into which city?',
    'dir.admin.format': 'Format',
    'dir.admin.formatAuto': 'Detect automatically',
    'dir.admin.file': 'File',
    'dir.admin.fileHint': 'CSV (UTF-8, header row) or JSON, at most 5 MB.',
    'dir.admin.paste': 'Or paste the content here',
    'dir.admin.importSubmit': 'Import',
    'dir.admin.importMissing': 'Choose a file or paste the content.',
    'dir.admin.report': 'Import result',
    'dir.admin.reportSummary':
      '{created} created, {updated} changed, {unchanged} unchanged, {rejected} rejected.',
    'dir.admin.reportRejected': 'Rejected entries',
    'dir.admin.reportRow': 'Entry',
    'dir.admin.reportSlug': 'URL slug',
    'dir.admin.reportReason': 'Reason',
    'dir.admin.reportAll': 'All entries',
    'dir.admin.reportStatus': 'Result',
    'dir.admin.st.created': 'created',
    'dir.admin.st.updated': 'changed',
    'dir.admin.st.unchanged': 'unchanged',
    'dir.admin.st.rejected': 'rejected',
    'dir.admin.history': 'Recent imports',
    'dir.admin.historyCaption': 'The latest imports in your cities',
    'dir.admin.historyAt': 'Time',
    'dir.admin.exportTitle': 'Export offers',
    'dir.admin.exportHint': 'The export holds published offers and drafts of the chosen city.',
    'dir.admin.exportSubmit': 'Download',
  },
});

// ---- form values: what the person typed, kept as text so nothing is lost on an error ----

export type FormValues = Record<string, string | string[]>;

const TEXT_FIELDS = [
  'city',
  'slug',
  'kind',
  'status',
  'title',
  'summary',
  'body',
  'easyLanguage',
  'tags',
  'provider',
  'contact.phone',
  'contact.email',
  'contact.website',
  'address.street',
  'address.postalCode',
  'address.locality',
  'location.lat',
  'location.lon',
  'openingHours',
  'accessibility.stepFree',
  'accessibility.toilet',
  'accessibility.hearingLoop',
  'onlineServiceUrl',
  'leikaKey',
  'lastReviewed',
] as const;
const LIST_FIELDS = ['categories', 'lifeSituations', 'targetGroups'] as const;
const ACCESSIBILITY = ['stepFree', 'toilet', 'hearingLoop'] as const;

const str = (v: FormValues, k: string) => {
  const x = v[k];
  return typeof x === 'string' ? x : '';
};
const list = (v: FormValues, k: string) => {
  const x = v[k];
  return Array.isArray(x) ? x : [];
};

export function emptyValues(city: string): FormValues {
  return { city, kind: 'online_service', status: 'draft' };
}

export function valuesFromOffer(o: Offer): FormValues {
  const tri = (b: boolean | undefined) => (b === undefined ? '' : b ? 'ja' : 'nein');
  return {
    city: o.city ?? 'region',
    slug: o.slug,
    kind: o.kind,
    status: o.status,
    title: o.title,
    summary: o.summary,
    body: o.body,
    easyLanguage: o.easyLanguage,
    categories: o.categories,
    lifeSituations: o.lifeSituations,
    targetGroups: o.targetGroups,
    tags: o.tags.join(', '),
    provider: o.provider,
    'contact.phone': o.contact.phone ?? '',
    'contact.email': o.contact.email ?? '',
    'contact.website': o.contact.website ?? '',
    'address.street': o.address?.street ?? '',
    'address.postalCode': o.address?.postalCode ?? '',
    'address.locality': o.address?.locality ?? '',
    'location.lat': o.location ? String(o.location.lat) : '',
    'location.lon': o.location ? String(o.location.lon) : '',
    openingHours: o.openingHours ?? '',
    'accessibility.stepFree': tri(o.accessibility.stepFree),
    'accessibility.toilet': tri(o.accessibility.toilet),
    'accessibility.hearingLoop': tri(o.accessibility.hearingLoop),
    onlineServiceUrl: o.onlineServiceUrl ?? '',
    leikaKey: o.leikaKey ?? '',
    lastReviewed: o.lastReviewed ?? '',
  };
}

/** Long texts keep their inner line breaks; only the ends are trimmed. */
export function valuesFromBody(body: unknown): FormValues {
  const values: FormValues = {};
  for (const k of TEXT_FIELDS) values[k] = formString(body, k);
  for (const k of LIST_FIELDS) values[k] = formList(body, k);
  return values;
}

/** German slug from a title: umlauts spelled out, everything else a hyphen. */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

function number(text: string): number | string {
  const s = text.trim().replace(',', '.');
  const n = Number(s);
  return s !== '' && Number.isFinite(n) ? n : text;
}

/**
 * The form as an (unchecked) offer input for the service, which validates it. Empty optional fields
 * become null or are left out, the way the schema expects them.
 */
export function inputFromValues(v: FormValues): Record<string, unknown> {
  const contact: Record<string, string> = {};
  for (const k of ['phone', 'email', 'website'] as const) {
    const x = str(v, `contact.${k}`);
    if (x) contact[k] = x;
  }
  const street = str(v, 'address.street');
  const postalCode = str(v, 'address.postalCode');
  const locality = str(v, 'address.locality');
  const lat = str(v, 'location.lat');
  const lon = str(v, 'location.lon');
  const accessibility: Record<string, boolean> = {};
  for (const k of ACCESSIBILITY) {
    const x = str(v, `accessibility.${k}`);
    if (x === 'ja') accessibility[k] = true;
    else if (x === 'nein') accessibility[k] = false;
  }
  return {
    slug: str(v, 'slug') || slugify(str(v, 'title')),
    kind: str(v, 'kind'),
    status: str(v, 'status'),
    title: str(v, 'title'),
    summary: str(v, 'summary'),
    body: str(v, 'body'),
    easyLanguage: str(v, 'easyLanguage'),
    categories: list(v, 'categories'),
    lifeSituations: list(v, 'lifeSituations'),
    targetGroups: list(v, 'targetGroups'),
    tags: str(v, 'tags')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    provider: str(v, 'provider'),
    contact,
    address: street || postalCode || locality ? { street, postalCode, locality } : null,
    location: lat || lon ? { lat: number(lat), lon: number(lon) } : null,
    openingHours: str(v, 'openingHours') || null,
    accessibility,
    onlineServiceUrl: str(v, 'onlineServiceUrl') || null,
    leikaKey: str(v, 'leikaKey') || null,
    lastReviewed: str(v, 'lastReviewed') || null,
  };
}

// ---- shared bits ----

export interface CityOption {
  value: string;
  label: string;
}

/** Cities the person may edit, region first for region-wide editors. */
export function cityOptions(ctx: PageContext, editable: number[] | 'all'): CityOption[] {
  const cities = editable === 'all' ? ctx.cities : ctx.cities.filter((c) => editable.includes(c.id));
  return [
    ...(editable === 'all' ? [{ value: 'region', label: ctx.t('dir.admin.region') }] : []),
    ...cities.map((c: City) => ({ value: c.slug, label: c.shortName })),
  ];
}

const NOTICES: Record<string, string> = {
  angelegt: 'dir.admin.notice.created',
  gespeichert: 'dir.admin.notice.saved',
  veroeffentlicht: 'dir.admin.notice.published',
  zurueckgezogen: 'dir.admin.notice.unpublished',
  geloescht: 'dir.admin.notice.deleted',
};

/** The success message after a redirect, from a query flag such as ?gespeichert=1. */
export function noticeFrom(query: Record<string, unknown>): string | undefined {
  return Object.keys(NOTICES).find((k) => query[k] === '1');
}

function Notice({ ctx, notice }: { ctx: PageContext; notice: string | undefined }) {
  if (!notice || !NOTICES[notice]) return null;
  return (
    <div class="kern-alert kern-alert--success" role="status">
      <div class="kern-alert__header">
        <span class="kern-title">{ctx.t(NOTICES[notice]!)}</span>
      </div>
    </div>
  );
}

/** The admin frame with "Verwaltung › Angebote & Dienste › …" as trail. */
function OffersLayout(props: {
  ctx: PageContext;
  title: string;
  crumbs?: { label: string; href?: string }[];
  children: ComponentChildren;
}) {
  const { ctx } = props;
  const section = ctx.t('dir.admin.title');
  const crumbs = props.crumbs?.length
    ? [{ label: section, href: '/admin/angebote' }, ...props.crumbs]
    : [{ label: section }];
  return (
    <AdminLayout ctx={ctx} title={props.title} crumbs={crumbs}>
      {props.children}
    </AdminLayout>
  );
}

const cityLabel = (ctx: PageContext, slug: string | null) =>
  slug ? (ctx.cities.find((c) => c.slug === slug)?.shortName ?? slug) : ctx.t('dir.admin.region');

const statusLabel = (ctx: PageContext, status: 'draft' | 'published') =>
  ctx.t(status === 'published' ? 'dir.admin.published' : 'dir.admin.draft');

const dateTime = (ctx: PageContext, d: Date) =>
  new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(d);

// ---- list ----

export interface ListFilter {
  q: string;
  city: string;
  status: '' | 'draft' | 'published';
  page: number;
}

export function listQuery(f: ListFilter, page = f.page): string {
  const qs = new URLSearchParams();
  if (f.q) qs.set('q', f.q);
  if (f.city) qs.set('stadt', f.city);
  if (f.status) qs.set('status', f.status);
  if (page > 1) qs.set('seite', String(page));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

export function OfferListPage(props: {
  ctx: PageContext;
  offers: Offer[];
  total: number;
  pages: number;
  filter: ListFilter;
  cities: CityOption[];
  notice: string | undefined;
}) {
  const { ctx, filter } = props;
  const { t } = ctx;
  return (
    <OffersLayout ctx={ctx} title={t('dir.admin.title')}>
      <h1 class="kern-heading-large">{t('dir.admin.title')}</h1>
      <Notice ctx={ctx} notice={props.notice} />
      <ul class="sp-actions">
        <li>
          <a class="kern-btn kern-btn--primary" href={ctx.href('/admin/angebote/neu')}>
            <span class="kern-label">{t('dir.admin.new')}</span>
          </a>
        </li>
        <li>
          <a class="kern-btn kern-btn--secondary" href={ctx.href('/admin/angebote/import')}>
            <span class="kern-label">{t('dir.admin.import')}</span>
          </a>
        </li>
      </ul>
      <form method="get" action={ctx.href('/admin/angebote')} class="sp-filterbar" aria-labelledby="filter-h">
        <h2 class="kern-heading-small" id="filter-h">
          {t('dir.admin.filter')}
        </h2>
        <TextField
          ctx={ctx}
          name="q"
          label={t('dir.admin.search')}
          value={filter.q}
          type="search"
          maxLength={200}
        />
        <SelectField
          ctx={ctx}
          name="stadt"
          label={t('dir.admin.city')}
          value={filter.city}
          options={[{ value: '', label: t('dir.admin.allCities') }, ...props.cities]}
        />
        <SelectField
          ctx={ctx}
          name="status"
          label={t('dir.admin.status')}
          value={filter.status}
          options={[
            { value: '', label: t('dir.admin.allStatus') },
            { value: 'published', label: t('dir.admin.published') },
            { value: 'draft', label: t('dir.admin.draft') },
          ]}
        />
        <button type="submit" class="kern-btn kern-btn--secondary">
          <span class="kern-label">{t('dir.admin.apply')}</span>
        </button>
      </form>
      <h2 class="kern-heading-medium" aria-live="polite">
        {t('dir.admin.count', { n: props.total })}
      </h2>
      {props.offers.length === 0 ? (
        <p class="kern-body">{t('dir.admin.none')}</p>
      ) : (
        <TableWrap label={t('dir.admin.tableCaption')}>
          <table class="kern-table">
            <caption class="sp-visually-hidden">{t('dir.admin.tableCaption')}</caption>
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {t('dir.admin.col.title')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('dir.admin.col.city')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('dir.admin.col.kind')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('dir.admin.col.status')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('dir.admin.col.updated')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {props.offers.map((o) => (
                <tr class="kern-table__row" key={o.id}>
                  <th class="kern-table__cell" scope="row">
                    <a class="kern-link" href={ctx.href(`/admin/angebote/${o.id}`)}>
                      {o.title}
                    </a>
                  </th>
                  <td class="kern-table__cell">{cityLabel(ctx, o.city)}</td>
                  <td class="kern-table__cell">{KIND_LABELS[o.kind][ctx.locale]}</td>
                  <td class="kern-table__cell">{statusLabel(ctx, o.status)}</td>
                  <td class="kern-table__cell">{dateTime(ctx, o.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <Pager
        ctx={ctx}
        page={filter.page}
        pages={props.pages}
        hrefFor={(n) => ctx.href(`/admin/angebote${listQuery(filter, n)}`)}
      />
      <section aria-labelledby="export-h" class="sp-adminsection">
        <h2 class="kern-heading-medium" id="export-h">
          {t('dir.admin.exportTitle')}
        </h2>
        <p class="kern-body">{t('dir.admin.exportHint')}</p>
        <form method="get" action={ctx.href('/admin/angebote/export')}>
          <SelectField
            ctx={ctx}
            name="city"
            label={t('dir.admin.city')}
            value={filter.city}
            options={props.cities}
          />
          <SelectField
            ctx={ctx}
            name="format"
            label={t('dir.admin.format')}
            value="csv"
            options={[
              { value: 'csv', label: 'CSV' },
              { value: 'json', label: 'JSON' },
            ]}
          />
          <button type="submit" class="kern-btn kern-btn--secondary">
            <span class="kern-label">{t('dir.admin.exportSubmit')}</span>
          </button>
        </form>
      </section>
    </OffersLayout>
  );
}

// ---- create / edit ----

function AccessibilitySelects({ ctx, values }: { ctx: PageContext; values: FormValues }) {
  const { t } = ctx;
  const options = [
    { value: '', label: t('dir.admin.f.unknown') },
    { value: 'ja', label: t('dir.admin.f.yes') },
    { value: 'nein', label: t('dir.admin.f.no') },
  ];
  return (
    <>
      {ACCESSIBILITY.map((k) => (
        <SelectField
          key={k}
          ctx={ctx}
          name={`accessibility.${k}`}
          label={t(`dir.admin.f.${k}`)}
          value={str(values, `accessibility.${k}`)}
          options={options}
        />
      ))}
    </>
  );
}

/** A fieldset that the error summary can link to (id from the field name). */
function Group(props: {
  name: string;
  legend: string;
  hint?: string;
  error?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <fieldset
      class={props.error ? 'kern-fieldset kern-fieldset--error' : 'kern-fieldset'}
      id={fieldId(props.name)}
      tabIndex={-1}
    >
      <legend class="kern-label">{props.legend}</legend>
      {props.hint && <div class="kern-hint">{props.hint}</div>}
      {props.error && <p class="kern-error">{props.error}</p>}
      <div class="kern-fieldset__body">{props.children}</div>
    </fieldset>
  );
}

export function OfferFormPage(props: {
  ctx: PageContext;
  offer?: Offer | undefined;
  values: FormValues;
  errors: FieldErrors;
  cities: CityOption[];
  notice?: string | undefined;
}) {
  const { ctx, offer, values, errors } = props;
  const { t, locale } = ctx;
  const title = offer ? t('dir.admin.editTitle', { title: offer.title }) : t('dir.admin.newTitle');
  const action = offer ? `/admin/angebote/${offer.id}` : '/admin/angebote/neu';
  const text = (name: string, extra: Record<string, unknown> = {}) => ({
    ctx,
    name,
    label: t(`dir.admin.f.${name.split('.').pop()}`),
    value: str(values, name),
    error: errors[name],
    ...extra,
  });
  return (
    <OffersLayout
      ctx={ctx}
      title={Object.keys(errors).length ? `${t('form.errorSummary')}: ${title}` : title}
      crumbs={[{ label: offer ? offer.title : t('dir.admin.new') }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <Notice ctx={ctx} notice={props.notice} />
      <ErrorSummary ctx={ctx} errors={errors} />
      {offer && (
        <p class="kern-body">
          {t('dir.admin.currentStatus', { status: statusLabel(ctx, offer.status) })} ·{' '}
          <a class="kern-link" href={ctx.href(offerPath(offer))}>
            {t('dir.admin.view')}
          </a>
        </p>
      )}
      <form method="post" action={ctx.href(action)} novalidate class="sp-adminform">
        <CsrfField ctx={ctx} />
        <h2 class="kern-heading-medium">{t('dir.admin.section.basics')}</h2>
        {offer ? (
          <p class="kern-body">
            {t('dir.admin.f.city')}: <strong>{cityLabel(ctx, offer.city)}</strong>
          </p>
        ) : (
          <SelectField
            ctx={ctx}
            name="city"
            label={t('dir.admin.f.city')}
            hint={t('dir.admin.f.cityHint')}
            value={str(values, 'city')}
            error={errors.city}
            options={props.cities}
          />
        )}
        <SelectField
          {...text('kind')}
          options={OFFER_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k][locale] }))}
        />
        <SelectField
          {...text('status')}
          options={[
            { value: 'draft', label: t('dir.admin.draft') },
            { value: 'published', label: t('dir.admin.published') },
          ]}
        />
        <TextField {...text('title')} maxLength={120} required />
        <TextField {...text('slug')} hint={t('dir.admin.f.slugHint')} maxLength={100} optional={!offer} />
        <h2 class="kern-heading-medium">{t('dir.admin.section.texts')}</h2>
        <TextArea {...text('summary')} hint={t('dir.admin.f.summaryHint')} rows={3} maxLength={300} />
        <TextArea {...text('body')} hint={t('dir.admin.f.bodyHint')} rows={14} maxLength={20_000} optional />
        <TextArea
          {...text('easyLanguage')}
          hint={t('dir.admin.f.easyLanguageHint')}
          rows={6}
          maxLength={2_000}
          optional
        />
        <h2 class="kern-heading-medium">{t('dir.admin.section.taxonomy')}</h2>
        <CheckboxGroup
          name="categories"
          legend={t('dir.admin.f.categories')}
          hint={t('dir.admin.f.categoriesHint')}
          error={errors.categories}
          values={list(values, 'categories')}
          options={CATEGORIES.map((c) => ({ value: c.slug, label: c[locale] }))}
        />
        <CheckboxGroup
          name="lifeSituations"
          legend={t('dir.admin.f.lifeSituations')}
          error={errors.lifeSituations}
          values={list(values, 'lifeSituations')}
          options={LIFE_SITUATIONS.map((c) => ({ value: c.slug, label: c[locale] }))}
        />
        <CheckboxGroup
          name="targetGroups"
          legend={t('dir.admin.f.targetGroups')}
          error={errors.targetGroups}
          values={list(values, 'targetGroups')}
          options={TARGET_GROUPS.map((c) => ({ value: c.slug, label: c[locale] }))}
        />
        <TextField {...text('tags')} hint={t('dir.admin.f.tagsHint')} optional />
        <h2 class="kern-heading-medium">{t('dir.admin.section.contact')}</h2>
        <TextField {...text('provider')} maxLength={200} optional />
        <Group name="contact" legend={t('dir.admin.f.contact')} error={errors.contact}>
          <TextField {...text('contact.phone')} type="tel" autocomplete="off" optional />
          <TextField {...text('contact.email')} type="email" autocomplete="off" optional />
          <TextField {...text('contact.website')} type="url" optional />
        </Group>
        <Group
          name="address"
          legend={t('dir.admin.f.address')}
          hint={t('dir.admin.f.addressHint')}
          error={errors.address}
        >
          <TextField {...text('address.street')} maxLength={120} />
          <TextField {...text('address.postalCode')} inputMode="numeric" maxLength={5} />
          <TextField {...text('address.locality')} maxLength={80} />
        </Group>
        <Group
          name="location"
          legend={t('dir.admin.f.location')}
          hint={t('dir.admin.f.locationHint')}
          error={errors.location}
        >
          <TextField {...text('location.lat')} inputMode="decimal" />
          <TextField {...text('location.lon')} inputMode="decimal" />
        </Group>
        <TextField
          {...text('openingHours')}
          hint={t('dir.admin.f.openingHoursHint')}
          maxLength={500}
          optional
        />
        <Group
          name="accessibility"
          legend={t('dir.admin.f.accessibility')}
          hint={t('dir.admin.f.accessibilityHint')}
          error={errors.accessibility}
        >
          <AccessibilitySelects ctx={ctx} values={values} />
        </Group>
        <h2 class="kern-heading-medium">{t('dir.admin.section.service')}</h2>
        <TextField
          {...text('onlineServiceUrl')}
          hint={t('dir.admin.f.onlineServiceUrlHint')}
          type="url"
          optional
        />
        <TextField {...text('leikaKey')} hint={t('dir.admin.f.leikaKeyHint')} inputMode="numeric" optional />
        <TextField {...text('lastReviewed')} hint={t('dir.admin.f.lastReviewedHint')} type="date" optional />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{offer ? t('dir.admin.save') : t('dir.admin.create')}</span>
        </button>{' '}
        <a class="kern-link" href={ctx.href('/admin/angebote')}>
          {t('form.cancel')}
        </a>
      </form>
      {offer && (
        <section class="sp-adminsection" aria-labelledby="actions-h">
          <h2 class="kern-heading-medium" id="actions-h">
            {t('dir.admin.actions')}
          </h2>
          <form method="post" action={ctx.href(`/admin/angebote/${offer.id}/status`)} class="sp-inline-form">
            <CsrfField ctx={ctx} />
            <input type="hidden" name="status" value={offer.status === 'published' ? 'draft' : 'published'} />
            <button type="submit" class="kern-btn kern-btn--secondary">
              <span class="kern-label">
                {offer.status === 'published' ? t('dir.admin.unpublish') : t('dir.admin.publish')}
              </span>
            </button>
          </form>{' '}
          <a class="kern-btn kern-btn--tertiary" href={ctx.href(`/admin/angebote/${offer.id}/loeschen`)}>
            <span class="kern-label">{t('dir.admin.delete')}</span>
          </a>
        </section>
      )}
    </OffersLayout>
  );
}

export function DeletePage({ ctx, offer }: { ctx: PageContext; offer: Offer }) {
  const { t } = ctx;
  const title = t('dir.admin.deleteTitle', { title: offer.title });
  return (
    <OffersLayout
      ctx={ctx}
      title={title}
      crumbs={[{ label: offer.title, href: `/admin/angebote/${offer.id}` }, { label: t('dir.admin.delete') }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <div class="kern-alert kern-alert--warning">
        <div class="kern-alert__body">
          <p class="kern-body">{t('dir.admin.deleteText', { title: offer.title })}</p>
        </div>
      </div>
      <form method="post" action={ctx.href(`/admin/angebote/${offer.id}/loeschen`)}>
        <CsrfField ctx={ctx} />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{t('dir.admin.deleteConfirm')}</span>
        </button>{' '}
        <a class="kern-link" href={ctx.href(`/admin/angebote/${offer.id}`)}>
          {t('dir.admin.back')}
        </a>
      </form>
    </OffersLayout>
  );
}

// ---- import ----

export interface ImportHistoryRow {
  id: number;
  at: Date;
  city: string | null;
  format: string;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

function ReportView({ ctx, report }: { ctx: PageContext; report: ImportReport }) {
  const { t } = ctx;
  const rejected = report.rows.filter((r) => r.status === 'rejected');
  return (
    <section aria-labelledby="report-h" class="sp-adminsection">
      <h2 class="kern-heading-medium" id="report-h" tabIndex={-1}>
        {t('dir.admin.report')}
      </h2>
      <div
        class={report.rejected ? 'kern-alert kern-alert--warning' : 'kern-alert kern-alert--success'}
        role="status"
      >
        <div class="kern-alert__body">
          <p class="kern-body">
            {t('dir.admin.reportSummary', {
              created: report.created,
              updated: report.updated,
              unchanged: report.unchanged,
              rejected: report.rejected,
            })}
          </p>
        </div>
      </div>
      {rejected.length > 0 && (
        <TableWrap label={t('dir.admin.reportRejected')}>
          <table class="kern-table">
            <caption class="kern-title">{t('dir.admin.reportRejected')}</caption>
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {t('dir.admin.reportRow')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('dir.admin.reportSlug')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('dir.admin.reportReason')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {rejected.map((r) => (
                <tr class="kern-table__row" key={r.row}>
                  <th class="kern-table__cell" scope="row">
                    {r.row}
                  </th>
                  <td class="kern-table__cell">{r.slug ?? '–'}</td>
                  <td class="kern-table__cell">
                    <ul class="sp-plainlist">
                      {Object.entries(r.errors ?? {}).map(([field, message]) => (
                        <li key={field}>
                          <code>{field}</code>: {message}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {report.rows.length > rejected.length && (
        <details>
          <summary>{t('dir.admin.reportAll')}</summary>
          <TableWrap label={t('dir.admin.reportAll')}>
            <table class="kern-table">
              <caption class="sp-visually-hidden">{t('dir.admin.reportAll')}</caption>
              <thead class="kern-table__head">
                <tr class="kern-table__row">
                  <th class="kern-table__header" scope="col">
                    {t('dir.admin.reportRow')}
                  </th>
                  <th class="kern-table__header" scope="col">
                    {t('dir.admin.reportSlug')}
                  </th>
                  <th class="kern-table__header" scope="col">
                    {t('dir.admin.reportStatus')}
                  </th>
                </tr>
              </thead>
              <tbody class="kern-table__body">
                {report.rows.map((r) => (
                  <tr class="kern-table__row" key={r.row}>
                    <th class="kern-table__cell" scope="row">
                      {r.row}
                    </th>
                    <td class="kern-table__cell">{r.slug ?? '–'}</td>
                    <td class="kern-table__cell">{t(`dir.admin.st.${r.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </details>
      )}
    </section>
  );
}

export function ImportPage(props: {
  ctx: PageContext;
  cities: CityOption[];
  values: { city: string; format: string; text: string };
  errors: FieldErrors;
  report?: ImportReport | undefined;
  history: ImportHistoryRow[];
}) {
  const { ctx, values, errors } = props;
  const { t } = ctx;
  // Multipart bodies are read inside the handler, after the CSRF check: the token travels in the URL.
  const action = `${ctx.href('/admin/angebote/import')}?_csrf=${encodeURIComponent(ctx.csrfToken())}`;
  return (
    <OffersLayout ctx={ctx} title={t('dir.admin.importTitle')} crumbs={[{ label: t('dir.admin.import') }]}>
      <h1 class="kern-heading-large">{t('dir.admin.importTitle')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      {props.report && <ReportView ctx={ctx} report={props.report} />}
      <p class="kern-body">{t('dir.admin.importIntro')}</p>
      <details class="sp-adminsection">
        <summary>{t('dir.admin.importFormatDoc')}</summary>
        <p class="kern-body">{t('dir.admin.importCsvDoc')}</p>
        <p class="kern-body">
          <code>{CSV_COLUMNS.join(',')}</code>
        </p>
        <p class="kern-body">{t('dir.admin.importJsonDoc', { format: JSON_FORMAT })}</p>
      </details>
      <form method="post" action={action} enctype="multipart/form-data" novalidate>
        <SelectField
          ctx={ctx}
          name="city"
          label={t('dir.admin.importCity')}
          value={values.city}
          error={errors.city}
          options={props.cities}
        />
        <SelectField
          ctx={ctx}
          name="format"
          label={t('dir.admin.format')}
          value={values.format}
          error={errors.format}
          options={[
            { value: '', label: t('dir.admin.formatAuto') },
            { value: 'csv', label: 'CSV' },
            { value: 'json', label: 'JSON' },
          ]}
        />
        <div class={errors.file ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
          <label class="kern-label" for={fieldId('file')}>
            {t('dir.admin.file')} <span class="kern-label__optional">{t('form.optional')}</span>
          </label>
          <div class="kern-hint" id={`${fieldId('file')}-hint`}>
            {t('dir.admin.fileHint')}
          </div>
          {errors.file && (
            <p class="kern-error" id={`${fieldId('file')}-error`}>
              {errors.file}
            </p>
          )}
          <input
            class="kern-form-input__input"
            type="file"
            id={fieldId('file')}
            name="file"
            accept=".csv,.json,text/csv,application/json"
            aria-describedby={`${fieldId('file')}-hint${errors.file ? ` ${fieldId('file')}-error` : ''}`}
          />
        </div>
        <TextArea ctx={ctx} name="text" label={t('dir.admin.paste')} value={values.text} rows={10} optional />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{t('dir.admin.importSubmit')}</span>
        </button>
      </form>
      {props.history.length > 0 && (
        <section aria-labelledby="history-h" class="sp-adminsection">
          <h2 class="kern-heading-medium" id="history-h">
            {t('dir.admin.history')}
          </h2>
          <TableWrap label={t('dir.admin.historyCaption')}>
            <table class="kern-table">
              <caption class="sp-visually-hidden">{t('dir.admin.historyCaption')}</caption>
              <thead class="kern-table__head">
                <tr class="kern-table__row">
                  <th class="kern-table__header" scope="col">
                    {t('dir.admin.historyAt')}
                  </th>
                  <th class="kern-table__header" scope="col">
                    {t('dir.admin.city')}
                  </th>
                  <th class="kern-table__header" scope="col">
                    {t('dir.admin.format')}
                  </th>
                  <th class="kern-table__header" scope="col">
                    {t('dir.admin.reportStatus')}
                  </th>
                </tr>
              </thead>
              <tbody class="kern-table__body">
                {props.history.map((h) => (
                  <tr class="kern-table__row" key={h.id}>
                    <td class="kern-table__cell">{dateTime(ctx, new Date(h.at))}</td>
                    <td class="kern-table__cell">{cityLabel(ctx, h.city)}</td>
                    <td class="kern-table__cell">{h.format.toUpperCase()}</td>
                    <td class="kern-table__cell">
                      {t('dir.admin.reportSummary', {
                        created: h.created,
                        updated: h.updated,
                        unchanged: h.unchanged,
                        rejected: h.rejected,
                      })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      )}
    </OffersLayout>
  );
}

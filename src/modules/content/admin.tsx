/** Staff pages for news, events, campaigns and page texts (/admin/inhalte/…). */
import { AdminLayout, registerAdminSection } from '../../platform/admin/index.ts';
import { citiesWithRole } from '../../platform/auth/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldKit,
  SelectField,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { addMessages } from '../../platform/web/i18n.ts';
import { TableWrap } from '../../platform/web/table.tsx';
import type { PendingComment } from './comments.ts';
import type { PageKind, Values } from './editorial.ts';
import { ACCESSIBILITY_FACTS, EVENT_CATEGORIES, imagePath, type Revision } from './model.ts';
import { formatWhen } from './news-pages.tsx';
import type { RegistrationRow } from './queries.ts';
import { WEEKDAYS } from './recurrence.ts';

addMessages({
  de: {
    'content.admin.title': 'Inhalte',
    'content.admin.text':
      'Aktuelles, Veranstaltungen, Aktionen und Seitentexte bearbeiten, planen und veröffentlichen.',
    'content.admin.news': 'Aktuelles',
    'content.admin.events': 'Veranstaltungen',
    'content.admin.campaigns': 'Aktionen',
    'content.admin.pages': 'Seitentexte',
    'content.admin.comments': 'Kommentare',
    'content.admin.commentsText': 'Kommentare zu Meldungen prüfen und freigeben.',
    'content.admin.comments.none': 'Keine Kommentare warten auf Prüfung.',
    'content.admin.comments.on': 'Zu „{title}“',
    'content.admin.comments.approve': 'Freigeben',
    'content.admin.comments.reject': 'Ablehnen',
    'content.admin.sections': 'Bereiche der Inhalte',
    'content.admin.new': 'Neu anlegen',
    'content.admin.none': 'Noch keine Einträge.',
    'content.admin.col.title': 'Titel',
    'content.admin.col.city': 'Stadt',
    'content.admin.col.status': 'Status',
    'content.admin.col.date': 'Datum',
    'content.admin.status.draft': 'Entwurf',
    'content.admin.status.published': 'Veröffentlicht',
    'content.admin.status.scheduled': 'Geplant ab {date}',
    'content.admin.status.cancelled': 'Abgesagt',
    'content.admin.region': 'Ganze Region',
    'content.admin.saved': 'Gespeichert (Version {revision}).',
    'content.admin.edit': '„{title}“ bearbeiten',
    'content.admin.newNews': 'Neue Meldung',
    'content.admin.newEvent': 'Neue Veranstaltung',
    'content.admin.newCampaign': 'Neue Aktion',
    'content.admin.preview': 'Vorschau',
    'content.admin.revisions': 'Versionen',
    'content.admin.registrations': 'Anmeldungen',
    'content.admin.public': 'Öffentliche Seite',
    'content.admin.delete': 'Löschen',
    'content.admin.save': 'Speichern',
    'content.admin.f.city': 'Stadt',
    'content.admin.f.title': 'Titel',
    'content.admin.f.slug': 'Adresse (Slug)',
    'content.admin.f.slugHint': 'Teil der Internetadresse. Leer lassen: wird aus dem Titel gebildet.',
    'content.admin.f.teaser': 'Anreißer',
    'content.admin.f.teaserHint': 'Ein, zwei Sätze für Listen, Newsfeed und Stelen (höchstens 500 Zeichen).',
    'content.admin.f.body': 'Text',
    'content.admin.f.bodyHint':
      'Markdown: **fett**, *kursiv*, ## Zwischenüberschrift, - Liste, [Link](https://…).',
    'content.admin.f.easyLanguage': 'Fassung in Leichter Sprache',
    'content.admin.f.easyHint': 'Kurze Sätze, ein Gedanke pro Satz. Optional.',
    'content.admin.f.tags': 'Themen',
    'content.admin.f.tagsHint': 'Durch Komma getrennt, z. B. klima, verkehr',
    'content.admin.f.image': 'Bild',
    'content.admin.f.imageHint':
      'JPEG, PNG, WebP oder HEIF, höchstens 10 MB. Metadaten (z. B. Standort) werden entfernt.',
    'content.admin.f.imageAlt': 'Alternativtext zum Bild',
    'content.admin.f.imageAltHint':
      'Pflicht, wenn es ein Bild gibt: Was zeigt das Bild? Höchstens 300 Zeichen.',
    'content.admin.f.currentImage': 'Aktuelles Bild',
    'content.admin.f.removeImage': 'Bild entfernen',
    'content.admin.f.comments': 'Kommentare erlauben',
    'content.admin.f.publishing': 'Veröffentlichung',
    'content.admin.f.status': 'Status',
    'content.admin.f.draft': 'Entwurf (nicht öffentlich)',
    'content.admin.f.published': 'Veröffentlichen',
    'content.admin.f.publishAt': 'Veröffentlichen ab',
    'content.admin.f.publishAtHint':
      'Datum und Uhrzeit (Ortszeit). Leer lassen: sofort. Ein Zeitpunkt in der Zukunft plant die Veröffentlichung.',
    'content.admin.f.description': 'Beschreibung',
    'content.admin.f.allDay': 'Ganztägig',
    'content.admin.f.startDate': 'Erster Tag',
    'content.admin.f.startTime': 'Beginn (Uhrzeit)',
    'content.admin.f.endDate': 'Letzter Tag',
    'content.admin.f.endTime': 'Ende (Uhrzeit)',
    'content.admin.f.repeat': 'Wiederholung',
    'content.admin.f.repeatNone': 'Keine',
    'content.admin.f.repeatDaily': 'Täglich',
    'content.admin.f.repeatWeekly': 'Wöchentlich',
    'content.admin.f.repeatMonthly': 'Monatlich (gleicher Tag im Monat)',
    'content.admin.f.interval': 'Alle … (Tage, Wochen oder Monate)',
    'content.admin.f.byDay': 'An diesen Wochentagen (bei wöchentlich)',
    'content.admin.f.repeatUntil': 'Wiederholen bis',
    'content.admin.f.place': 'Ort',
    'content.admin.f.offerId': 'Ort aus „Angebote & Dienste“ (Kennung)',
    'content.admin.f.offerHint':
      'Optional: die Kennung eines veröffentlichten Angebots, z. B. der Stadthalle.',
    'content.admin.f.placeName': 'Name des Ortes',
    'content.admin.f.address': 'Anschrift',
    'content.admin.f.lat': 'Breite (für die Karte)',
    'content.admin.f.lon': 'Länge (für die Karte)',
    'content.admin.f.organiser': 'Veranstalter',
    'content.admin.f.organiserUrl': 'Internetseite des Veranstalters',
    'content.admin.f.price': 'Preis in Euro',
    'content.admin.f.priceHint': '0 für kostenlos; leer lassen, wenn unbekannt.',
    'content.admin.f.priceNote': 'Hinweis zum Preis',
    'content.admin.f.registration': 'Anmeldung',
    'content.admin.f.regNone': 'Keine Anmeldung nötig',
    'content.admin.f.regInternal': 'Anmeldung über die Plattform',
    'content.admin.f.regExternal': 'Anmeldung beim Veranstalter (Link)',
    'content.admin.f.capacity': 'Plätze',
    'content.admin.f.waitlist': 'Warteliste, wenn ausgebucht',
    'content.admin.f.registrationUrl': 'Link zur Anmeldung',
    'content.admin.f.cancelled': 'Veranstaltung fällt aus',
    'content.admin.f.theme': 'Thema',
    'content.admin.f.campaignStart': 'Erster Tag der Aktion',
    'content.admin.f.campaignEnd': 'Letzter Tag der Aktion',
    'content.admin.f.multiplier': 'Punkte-Faktor im Stadttaler',
    'content.admin.f.multiplierHint':
      '1 = keine Extrapunkte, 2 = doppelte Punkte für die gewählten Aktionen.',
    'content.admin.f.bonusActions': 'Bonus-Aktionen mit Extrapunkten',
    'content.admin.f.events': 'Veranstaltungen der Aktion',
    'content.admin.f.steleMessages': 'Meldungen für die Stelen',
    'content.admin.f.steleHint': 'Eine Meldung pro Zeile, höchstens 140 Zeichen, höchstens 10.',
    'content.admin.f.page': 'Seite',
    'content.admin.f.pageBody': 'Ergänzender Text',
    'content.admin.f.pageHint': 'Erscheint auf der Seite unter „Ergänzungen“. Markdown.',
    'content.admin.page.impressum': 'Impressum',
    'content.admin.page.datenschutz': 'Datenschutzerklärung',
    'content.admin.page.barrierefreiheit': 'Erklärung zur Barrierefreiheit',
    'content.admin.page.leichte-sprache': 'Leichte Sprache',
    'content.admin.page.gebaerdensprache': 'Gebärdensprache (auf der Seite Leichte Sprache)',
    'content.admin.rev.col': 'Version',
    'content.admin.rev.at': 'Gespeichert am',
    'content.admin.rev.by': 'Von',
    'content.admin.rev.system': 'System (Demo-Daten)',
    'content.admin.rev.restore': 'Diesen Stand ins Formular laden',
    'content.admin.rev.title': 'Versionen von „{title}“',
    'content.admin.rev.fields': 'Inhalt dieser Version',
    'content.admin.reg.title': 'Anmeldungen: {title}',
    'content.admin.reg.summary':
      '{confirmed} von {capacity} Plätzen vergeben, {waitlisted} auf der Warteliste.',
    'content.admin.reg.name': 'Name',
    'content.admin.reg.email': 'E-Mail',
    'content.admin.reg.seats': 'Plätze',
    'content.admin.reg.status': 'Status',
    'content.admin.reg.confirmed': 'bestätigt',
    'content.admin.reg.waitlisted': 'Warteliste',
    'content.admin.reg.cancelled': 'abgemeldet',
    'content.admin.restored':
      'Version {revision} ist ins Formular geladen. Speichern Sie, um sie wiederherzustellen.',
  },
  en: {
    'content.admin.title': 'Content',
    'content.admin.text': 'Edit, schedule and publish news, events, campaigns and page texts.',
    'content.admin.news': 'News',
    'content.admin.events': 'Events',
    'content.admin.campaigns': 'Campaigns',
    'content.admin.pages': 'Page texts',
    'content.admin.comments': 'Comments',
    'content.admin.commentsText': 'Review and approve comments on news.',
    'content.admin.comments.none': 'No comments are waiting for review.',
    'content.admin.comments.on': 'On “{title}”',
    'content.admin.comments.approve': 'Approve',
    'content.admin.comments.reject': 'Reject',
    'content.admin.sections': 'Content sections',
    'content.admin.new': 'Create',
    'content.admin.none': 'No entries yet.',
    'content.admin.col.title': 'Title',
    'content.admin.col.city': 'City',
    'content.admin.col.status': 'Status',
    'content.admin.col.date': 'Date',
    'content.admin.status.draft': 'Draft',
    'content.admin.status.published': 'Published',
    'content.admin.status.scheduled': 'Scheduled from {date}',
    'content.admin.status.cancelled': 'Cancelled',
    'content.admin.region': 'Whole region',
    'content.admin.saved': 'Saved (version {revision}).',
    'content.admin.edit': 'Edit “{title}”',
    'content.admin.newNews': 'New news item',
    'content.admin.newEvent': 'New event',
    'content.admin.newCampaign': 'New campaign',
    'content.admin.preview': 'Preview',
    'content.admin.revisions': 'Versions',
    'content.admin.registrations': 'Registrations',
    'content.admin.public': 'Public page',
    'content.admin.delete': 'Delete',
    'content.admin.save': 'Save',
    'content.admin.f.city': 'City',
    'content.admin.f.title': 'Title',
    'content.admin.f.slug': 'Address (slug)',
    'content.admin.f.slugHint': 'Part of the web address. Leave empty to derive it from the title.',
    'content.admin.f.teaser': 'Teaser',
    'content.admin.f.teaserHint':
      'One or two sentences for lists, the feed and steles (at most 500 characters).',
    'content.admin.f.body': 'Text',
    'content.admin.f.bodyHint': 'Markdown: **bold**, *italic*, ## subheading, - list, [link](https://…).',
    'content.admin.f.easyLanguage': 'Easy Language version',
    'content.admin.f.easyHint': 'Short sentences, one idea per sentence. Optional.',
    'content.admin.f.tags': 'Topics',
    'content.admin.f.tagsHint': 'Separated by commas, like climate, traffic',
    'content.admin.f.image': 'Image',
    'content.admin.f.imageHint':
      'JPEG, PNG, WebP or HEIF, at most 10 MB. Metadata (such as location) is removed.',
    'content.admin.f.imageAlt': 'Alternative text for the image',
    'content.admin.f.imageAltHint': 'Required with an image: what does it show? At most 300 characters.',
    'content.admin.f.currentImage': 'Current image',
    'content.admin.f.removeImage': 'Remove image',
    'content.admin.f.comments': 'Allow comments',
    'content.admin.f.publishing': 'Publishing',
    'content.admin.f.status': 'Status',
    'content.admin.f.draft': 'Draft (not public)',
    'content.admin.f.published': 'Publish',
    'content.admin.f.publishAt': 'Publish from',
    'content.admin.f.publishAtHint': 'Date and local time. Empty: now. A future time schedules publication.',
    'content.admin.f.description': 'Description',
    'content.admin.f.allDay': 'All day',
    'content.admin.f.startDate': 'First day',
    'content.admin.f.startTime': 'Start (time)',
    'content.admin.f.endDate': 'Last day',
    'content.admin.f.endTime': 'End (time)',
    'content.admin.f.repeat': 'Repeat',
    'content.admin.f.repeatNone': 'None',
    'content.admin.f.repeatDaily': 'Daily',
    'content.admin.f.repeatWeekly': 'Weekly',
    'content.admin.f.repeatMonthly': 'Monthly (same day of month)',
    'content.admin.f.interval': 'Every … (days, weeks or months)',
    'content.admin.f.byDay': 'On these weekdays (weekly)',
    'content.admin.f.repeatUntil': 'Repeat until',
    'content.admin.f.place': 'Place',
    'content.admin.f.offerId': 'Place from “Offers & services” (id)',
    'content.admin.f.offerHint': 'Optional: the id of a published offer, like the town hall.',
    'content.admin.f.placeName': 'Name of the place',
    'content.admin.f.address': 'Address',
    'content.admin.f.lat': 'Latitude (for the map)',
    'content.admin.f.lon': 'Longitude (for the map)',
    'content.admin.f.organiser': 'Organiser',
    'content.admin.f.organiserUrl': 'Organiser’s website',
    'content.admin.f.price': 'Price in euros',
    'content.admin.f.priceHint': '0 for free; leave empty if unknown.',
    'content.admin.f.priceNote': 'Note on the price',
    'content.admin.f.registration': 'Registration',
    'content.admin.f.regNone': 'No registration needed',
    'content.admin.f.regInternal': 'Registration on the platform',
    'content.admin.f.regExternal': 'Registration with the organiser (link)',
    'content.admin.f.capacity': 'Places',
    'content.admin.f.waitlist': 'Waiting list when full',
    'content.admin.f.registrationUrl': 'Registration link',
    'content.admin.f.cancelled': 'Event is cancelled',
    'content.admin.f.theme': 'Theme',
    'content.admin.f.campaignStart': 'First day of the campaign',
    'content.admin.f.campaignEnd': 'Last day of the campaign',
    'content.admin.f.multiplier': 'Stadttaler points factor',
    'content.admin.f.multiplierHint': '1 = no extra points, 2 = double points for the chosen actions.',
    'content.admin.f.bonusActions': 'Bonus actions with extra points',
    'content.admin.f.events': 'Events of the campaign',
    'content.admin.f.steleMessages': 'Messages for the steles',
    'content.admin.f.steleHint': 'One message per line, at most 140 characters, at most 10.',
    'content.admin.f.page': 'Page',
    'content.admin.f.pageBody': 'Additional text',
    'content.admin.f.pageHint': 'Shown on the page under “Additions”. Markdown.',
    'content.admin.page.impressum': 'Legal notice',
    'content.admin.page.datenschutz': 'Privacy policy',
    'content.admin.page.barrierefreiheit': 'Accessibility statement',
    'content.admin.page.leichte-sprache': 'Easy Language',
    'content.admin.page.gebaerdensprache': 'Sign language (on the Easy Language page)',
    'content.admin.rev.col': 'Version',
    'content.admin.rev.at': 'Saved at',
    'content.admin.rev.by': 'By',
    'content.admin.rev.system': 'System (demo data)',
    'content.admin.rev.restore': 'Load this version into the form',
    'content.admin.rev.title': 'Versions of “{title}”',
    'content.admin.rev.fields': 'Content of this version',
    'content.admin.reg.title': 'Registrations: {title}',
    'content.admin.reg.summary': '{confirmed} of {capacity} places taken, {waitlisted} on the waiting list.',
    'content.admin.reg.name': 'Name',
    'content.admin.reg.email': 'Email',
    'content.admin.reg.seats': 'Places',
    'content.admin.reg.status': 'Status',
    'content.admin.reg.confirmed': 'confirmed',
    'content.admin.reg.waitlisted': 'waiting list',
    'content.admin.reg.cancelled': 'cancelled',
    'content.admin.restored': 'Version {revision} is loaded into the form. Save to restore it.',
  },
});

registerAdminSection({
  href: '/admin/inhalte/kommentare',
  label: 'content.admin.comments',
  description: 'content.admin.commentsText',
  visible: (user) => {
    const cities = citiesWithRole(user, 'moderator');
    return cities === 'all' || cities.length > 0;
  },
  sort: 21,
});

registerAdminSection({
  href: '/admin/inhalte',
  label: 'content.admin.title',
  description: 'content.admin.text',
  visible: (user) => {
    const cities = citiesWithRole(user, 'editor');
    return cities === 'all' || cities.length > 0;
  },
  sort: 20,
});

export type Kind = 'aktuelles' | 'veranstaltungen' | 'aktionen';
type Section = Kind | 'seiten' | 'kommentare';
const KIND_LABEL: Record<Section, string> = {
  aktuelles: 'content.admin.news',
  veranstaltungen: 'content.admin.events',
  aktionen: 'content.admin.campaigns',
  seiten: 'content.admin.pages',
  kommentare: 'content.admin.comments',
};

export interface CityOption {
  value: string;
  label: string;
}

function SectionNav({ ctx, current }: { ctx: PageContext; current: Section }) {
  return (
    <nav class="sp-tags" aria-label={ctx.t('content.admin.sections')}>
      <ul>
        {(Object.keys(KIND_LABEL) as Section[]).map((k) => (
          <li key={k}>
            <a href={ctx.href(`/admin/inhalte/${k}`)} aria-current={k === current ? 'page' : undefined}>
              {ctx.t(KIND_LABEL[k])}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function statusLabel(
  ctx: PageContext,
  status: string,
  publishAt: Date | null,
  now = new Date(),
): string {
  if (status === 'draft') return ctx.t('content.admin.status.draft');
  if (status === 'cancelled') return ctx.t('content.admin.status.cancelled');
  if (publishAt && publishAt > now)
    return ctx.t('content.admin.status.scheduled', {
      date: formatWhen(ctx, { start: publishAt, end: publishAt }, false),
    });
  return ctx.t('content.admin.status.published');
}

export interface ListRow {
  id: number;
  title: string;
  city: string;
  status: string;
  date: string;
}

export function AdminListPage(props: { ctx: PageContext; kind: Kind; rows: ListRow[] }) {
  const { ctx, kind, rows } = props;
  const { t } = ctx;
  const title = t(KIND_LABEL[kind]);
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[{ label: t('content.admin.title'), href: '/admin/inhalte' }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <SectionNav ctx={ctx} current={kind} />
      <p>
        <a class="kern-btn kern-btn--primary" href={ctx.href(`/admin/inhalte/${kind}/neu`)}>
          <span class="kern-label">{t('content.admin.new')}</span>
        </a>
      </p>
      {rows.length === 0 ? (
        <p class="kern-body">{t('content.admin.none')}</p>
      ) : (
        <TableWrap label={title}>
          <table class="kern-table">
            <caption class="sp-visually-hidden">{title}</caption>
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {t('content.admin.col.title')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('content.admin.col.city')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('content.admin.col.status')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('content.admin.col.date')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {rows.map((r) => (
                <tr class="kern-table__row" key={r.id}>
                  <th class="kern-table__cell" scope="row">
                    <a class="kern-link" href={ctx.href(`/admin/inhalte/${kind}/${r.id}`)}>
                      {r.title}
                    </a>
                  </th>
                  <td class="kern-table__cell">{r.city}</td>
                  <td class="kern-table__cell">{r.status}</td>
                  <td class="kern-table__cell">{r.date}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </AdminLayout>
  );
}

const v = (values: Values, k: string) => {
  const x = values[k];
  return Array.isArray(x) ? (x[0] ?? '') : (x ?? '');
};

export interface FormProps {
  ctx: PageContext;
  values: Values;
  errors: FieldErrors;
  /** undefined: a new item */
  id?: number;
  title?: string;
  cities: CityOption[];
  imageId?: string | null;
  notice?: string | undefined;
  publicPath?: string | undefined;
}

function tr(ctx: PageContext, errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([k, m]) => [k, ctx.t(m)]));
}

function FormFrame(
  props: FormProps & { kind: Kind; heading: string; multipart?: boolean; children: preact.ComponentChildren },
) {
  const { ctx, id, kind } = props;
  const { t } = ctx;
  const errors = tr(ctx, props.errors);
  const hasErrors = Object.keys(errors).length > 0;
  const action = id ? `/admin/inhalte/${kind}/${id}` : `/admin/inhalte/${kind}/neu`;
  return (
    <AdminLayout
      ctx={ctx}
      title={hasErrors ? `${t('form.errorSummary')}: ${props.heading}` : props.heading}
      crumbs={[
        { label: t('content.admin.title'), href: '/admin/inhalte' },
        { label: t(KIND_LABEL[kind]), href: `/admin/inhalte/${kind}` },
        { label: props.heading },
      ]}
    >
      <h1 class="kern-heading-large">{props.heading}</h1>
      {props.notice && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p class="kern-body">{props.notice}</p>
          </div>
        </div>
      )}
      {id && (
        <ul class="sp-actions">
          <li>
            <a class="kern-link" href={ctx.href(`/admin/inhalte/${kind}/${id}/vorschau`)}>
              {t('content.admin.preview')}
            </a>
          </li>
          <li>
            <a class="kern-link" href={ctx.href(`/admin/inhalte/${kind}/${id}/versionen`)}>
              {t('content.admin.revisions')}
            </a>
          </li>
          {kind === 'veranstaltungen' && (
            <li>
              <a class="kern-link" href={ctx.href(`/admin/inhalte/${kind}/${id}/anmeldungen`)}>
                {t('content.admin.registrations')}
              </a>
            </li>
          )}
          {props.publicPath && (
            <li>
              <a class="kern-link" href={ctx.href(props.publicPath)}>
                {t('content.admin.public')}
              </a>
            </li>
          )}
        </ul>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      <form
        method="post"
        action={ctx.href(action)}
        {...(props.multipart ? { enctype: 'multipart/form-data' } : {})}
        novalidate
        class="sp-editor"
      >
        <CsrfField ctx={ctx} />
        <input type="hidden" name="revision" value={v(props.values, 'revision')} />
        {!id && (
          <SelectField
            ctx={ctx}
            name="city"
            label={t('content.admin.f.city')}
            value={v(props.values, 'city')}
            options={props.cities}
            error={errors.city}
          />
        )}
        {props.children}
        <Publishing ctx={ctx} values={props.values} errors={errors} />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{t('content.admin.save')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

function Publishing({ ctx, values, errors }: { ctx: PageContext; values: Values; errors: FieldErrors }) {
  const { t } = ctx;
  return (
    <fieldset class="kern-fieldset">
      <legend class="kern-label">{t('content.admin.f.publishing')}</legend>
      <div class="kern-fieldset__body">
        {(['draft', 'published'] as const).map((s) => (
          <div class="kern-form-check" key={s}>
            <input
              class="kern-form-check__radio"
              type="radio"
              id={`f-status-${s}`}
              name="status"
              value={s}
              checked={(v(values, 'status') || 'draft') === s}
            />
            <label class="kern-label" for={`f-status-${s}`}>
              {t(`content.admin.f.${s}`)}
            </label>
          </div>
        ))}
        <TextField
          ctx={ctx}
          name="publishAt"
          label={t('content.admin.f.publishAt')}
          hint={t('content.admin.f.publishAtHint')}
          value={v(values, 'publishAt')}
          error={errors.publishAt}
          {...({ type: 'datetime-local' } as object)}
        />
      </div>
    </fieldset>
  );
}

function ImageFields(props: {
  ctx: PageContext;
  values: Values;
  errors: FieldErrors;
  imageId?: string | null | undefined;
}) {
  const { ctx, values, errors } = props;
  const { t } = ctx;
  const f = fieldKit(ctx, values, errors);
  return (
    <fieldset class="kern-fieldset">
      <legend class="kern-label">{t('content.admin.f.image')}</legend>
      <div class="kern-fieldset__body">
        {props.imageId && (
          <>
            <p class="kern-body">{t('content.admin.f.currentImage')}:</p>
            <img class="sp-editor__thumb" src={imagePath(props.imageId)} alt={v(values, 'imageAlt')} />
            <div class="kern-form-check">
              <input
                class="kern-form-check__checkbox"
                type="checkbox"
                id="f-removeImage"
                name="removeImage"
                value="on"
                checked={v(values, 'removeImage') === 'on'}
              />
              <label class="kern-label" for="f-removeImage">
                {t('content.admin.f.removeImage')}
              </label>
            </div>
          </>
        )}
        <div class="kern-form-input">
          <label class="kern-label" for="f-image">
            {t('content.admin.f.image')} <span class="kern-label__optional">{t('form.optional')}</span>
          </label>
          <div class="kern-hint" id="f-image-hint">
            {t('content.admin.f.imageHint')}
          </div>
          <input
            class="kern-form-input__input"
            type="file"
            id="f-image"
            name="image"
            accept="image/jpeg,image/png,image/webp,image/heif"
            aria-describedby="f-image-hint"
          />
        </div>
        {f.text('imageAlt', t('content.admin.f.imageAlt'), {
          hint: t('content.admin.f.imageAltHint'),
          maxLength: 300,
        })}
      </div>
    </fieldset>
  );
}

export function NewsFormPage(props: FormProps) {
  const { ctx, values } = props;
  const { t } = ctx;
  const errors = tr(ctx, props.errors);
  const f = fieldKit(ctx, values, errors);
  return (
    <FormFrame
      {...props}
      kind="aktuelles"
      multipart
      heading={props.id ? t('content.admin.edit', { title: props.title ?? '' }) : t('content.admin.newNews')}
    >
      {f.text('title', t('content.admin.f.title'), { maxLength: 200 })}
      {f.text('slug', t('content.admin.f.slug'), {
        hint: t('content.admin.f.slugHint'),
        optional: true,
        maxLength: 100,
      })}
      {f.area('teaser', t('content.admin.f.teaser'), {
        hint: t('content.admin.f.teaserHint'),
        rows: 3,
        maxLength: 500,
      })}
      {f.area('body', t('content.admin.f.body'), {
        hint: t('content.admin.f.bodyHint'),
        rows: 12,
        optional: true,
      })}
      {f.area('easyLanguage', t('content.admin.f.easyLanguage'), {
        hint: t('content.admin.f.easyHint'),
        rows: 6,
        optional: true,
      })}
      {f.text('tags', t('content.admin.f.tags'), { hint: t('content.admin.f.tagsHint'), optional: true })}
      <ImageFields ctx={ctx} values={values} errors={errors} imageId={props.imageId} />
      <div class="kern-form-check">
        <input
          class="kern-form-check__checkbox"
          type="checkbox"
          id="f-commentsEnabled"
          name="commentsEnabled"
          value="on"
          checked={v(values, 'commentsEnabled') === 'on'}
        />
        <label class="kern-label" for="f-commentsEnabled">
          {t('content.admin.f.comments')}
        </label>
      </div>
    </FormFrame>
  );
}

export function EventFormPage(props: FormProps) {
  const { ctx, values } = props;
  const { t } = ctx;
  const errors = tr(ctx, props.errors);
  const f = fieldKit(ctx, values, errors);
  const weekdayNames =
    ctx.locale === 'de'
      ? ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag']
      : ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  return (
    <FormFrame
      {...props}
      kind="veranstaltungen"
      multipart
      heading={props.id ? t('content.admin.edit', { title: props.title ?? '' }) : t('content.admin.newEvent')}
    >
      {f.text('title', t('content.admin.f.title'), { maxLength: 200 })}
      {f.area('description', t('content.admin.f.description'), {
        hint: t('content.admin.f.bodyHint'),
        rows: 8,
        optional: true,
      })}
      <fieldset class="kern-fieldset">
        <legend class="kern-label">{t('content.event.when')}</legend>
        <div class="kern-fieldset__body">
          {f.check('allDay', t('content.admin.f.allDay'))}
          {f.text('startDate', t('content.admin.f.startDate'), { type: 'date' })}
          <TextField
            ctx={ctx}
            name="startTime"
            label={t('content.admin.f.startTime')}
            value={v(values, 'startTime')}
            error={errors.startTime}
            {...({ type: 'time' } as object)}
            optional
          />
          {f.text('endDate', t('content.admin.f.endDate'), { type: 'date' })}
          <TextField
            ctx={ctx}
            name="endTime"
            label={t('content.admin.f.endTime')}
            value={v(values, 'endTime')}
            error={errors.endTime}
            {...({ type: 'time' } as object)}
            optional
          />
          <SelectField
            ctx={ctx}
            name="repeat"
            label={t('content.admin.f.repeat')}
            value={v(values, 'repeat')}
            error={errors.repeat}
            options={[
              { value: '', label: t('content.admin.f.repeatNone') },
              { value: 'DAILY', label: t('content.admin.f.repeatDaily') },
              { value: 'WEEKLY', label: t('content.admin.f.repeatWeekly') },
              { value: 'MONTHLY', label: t('content.admin.f.repeatMonthly') },
            ]}
          />
          <TextField
            ctx={ctx}
            name="interval"
            type="number"
            label={t('content.admin.f.interval')}
            value={v(values, 'interval') || '1'}
            error={errors.interval}
          />
          {f.checks(
            'byDay',
            t('content.admin.f.byDay'),
            WEEKDAYS.map((d, i) => ({ value: d, label: weekdayNames[i]! })),
          )}
          {f.text('repeatUntil', t('content.admin.f.repeatUntil'), { type: 'date', optional: true })}
        </div>
      </fieldset>
      <fieldset class="kern-fieldset">
        <legend class="kern-label">{t('content.admin.f.place')}</legend>
        <div class="kern-fieldset__body">
          {f.text('placeName', t('content.admin.f.placeName'), { maxLength: 200 })}
          {f.text('address', t('content.admin.f.address'), { optional: true, maxLength: 300 })}
          {f.text('offerId', t('content.admin.f.offerId'), {
            hint: t('content.admin.f.offerHint'),
            optional: true,
          })}
          {f.text('lat', t('content.admin.f.lat'), { optional: true, inputMode: 'decimal' })}
          {f.text('lon', t('content.admin.f.lon'), { optional: true, inputMode: 'decimal' })}
        </div>
      </fieldset>
      {f.text('organiser', t('content.admin.f.organiser'), { optional: true, maxLength: 200 })}
      {f.text('organiserUrl', t('content.admin.f.organiserUrl'), { type: 'url', optional: true })}
      {f.checks(
        'categories',
        t('content.event.categories'),
        EVENT_CATEGORIES.map((c) => ({ value: c, label: t(`content.category.${c}`) })),
      )}
      {f.text('price', t('content.admin.f.price'), {
        hint: t('content.admin.f.priceHint'),
        optional: true,
        inputMode: 'decimal',
      })}
      {f.text('priceNote', t('content.admin.f.priceNote'), { optional: true, maxLength: 200 })}
      {f.checks(
        'accessibility',
        t('content.event.accessibility'),
        ACCESSIBILITY_FACTS.map((c) => ({ value: c, label: t(`content.access.${c}`) })),
      )}
      <fieldset class="kern-fieldset">
        <legend class="kern-label">{t('content.admin.f.registration')}</legend>
        <div class="kern-fieldset__body">
          {(['none', 'internal', 'external'] as const).map((r) => (
            <div class="kern-form-check" key={r}>
              <input
                class="kern-form-check__radio"
                type="radio"
                id={`f-registration-${r}`}
                name="registration"
                value={r}
                checked={(v(values, 'registration') || 'none') === r}
              />
              <label class="kern-label" for={`f-registration-${r}`}>
                {t(`content.admin.f.reg${r[0]!.toUpperCase()}${r.slice(1)}`)}
              </label>
            </div>
          ))}
          {errors.registration && (
            <p class="kern-error" id="f-registration">
              {errors.registration}
            </p>
          )}
          {f.text('capacity', t('content.admin.f.capacity'), { type: 'number', optional: true })}
          {f.check('waitlist', t('content.admin.f.waitlist'))}
          {f.text('registrationUrl', t('content.admin.f.registrationUrl'), { type: 'url', optional: true })}
        </div>
      </fieldset>
      <ImageFields ctx={ctx} values={values} errors={errors} imageId={props.imageId} />
      {f.check('cancelled', t('content.admin.f.cancelled'))}
    </FormFrame>
  );
}

export function CampaignFormPage(
  props: FormProps & { actions: { id: number; name: string }[]; events: { id: number; title: string }[] },
) {
  const { ctx, values } = props;
  const { t } = ctx;
  const errors = tr(ctx, props.errors);
  const f = fieldKit(ctx, values, errors);
  return (
    <FormFrame
      {...props}
      kind="aktionen"
      heading={
        props.id ? t('content.admin.edit', { title: props.title ?? '' }) : t('content.admin.newCampaign')
      }
    >
      {f.text('title', t('content.admin.f.title'), { maxLength: 200 })}
      {f.text('slug', t('content.admin.f.slug'), { hint: t('content.admin.f.slugHint'), optional: true })}
      {f.text('theme', t('content.admin.f.theme'), { optional: true, maxLength: 200 })}
      {f.area('teaser', t('content.admin.f.teaser'), { rows: 3, optional: true, maxLength: 500 })}
      {f.area('body', t('content.admin.f.body'), {
        hint: t('content.admin.f.bodyHint'),
        rows: 8,
        optional: true,
      })}
      {f.text('startDate', t('content.admin.f.campaignStart'), { type: 'date' })}
      {f.text('endDate', t('content.admin.f.campaignEnd'), { type: 'date' })}
      <TextField
        ctx={ctx}
        name="multiplier"
        label={t('content.admin.f.multiplier')}
        hint={t('content.admin.f.multiplierHint')}
        value={v(values, 'multiplier') || '1'}
        error={errors.multiplier}
        inputMode="decimal"
      />
      {f.checks(
        'bonusActionIds',
        t('content.admin.f.bonusActions'),
        props.actions.map((a) => ({ value: String(a.id), label: a.name })),
      )}
      {f.checks(
        'eventIds',
        t('content.admin.f.events'),
        props.events.map((e) => ({ value: String(e.id), label: e.title })),
      )}
      {f.area('steleMessages', t('content.admin.f.steleMessages'), {
        hint: t('content.admin.f.steleHint'),
        rows: 4,
        optional: true,
      })}
    </FormFrame>
  );
}

export function RevisionsPage(props: {
  ctx: PageContext;
  kind: Kind;
  id: number;
  title: string;
  revisions: Revision[];
}) {
  const { ctx, kind, id } = props;
  const { t } = ctx;
  const heading = t('content.admin.rev.title', { title: props.title });
  const dt = new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  });
  return (
    <AdminLayout
      ctx={ctx}
      title={heading}
      crumbs={[
        { label: t('content.admin.title'), href: '/admin/inhalte' },
        { label: t(KIND_LABEL[kind]), href: `/admin/inhalte/${kind}` },
        { label: props.title, href: `/admin/inhalte/${kind}/${id}` },
        { label: t('content.admin.revisions') },
      ]}
    >
      <h1 class="kern-heading-large">{heading}</h1>
      <ol class="sp-revisions">
        {props.revisions.map((r) => (
          <li key={r.revision}>
            <h2 class="kern-heading-small">
              {t('content.admin.rev.col')} {r.revision} · {dt.format(r.at)} ·{' '}
              {r.actorEmail ?? t('content.admin.rev.system')}
            </h2>
            <details>
              <summary>{t('content.admin.rev.fields')}</summary>
              <dl class="sp-facts">
                {Object.entries(r.data)
                  .filter(([, x]) => x !== null && x !== '' && !(Array.isArray(x) && x.length === 0))
                  .map(([k, x]) => (
                    <>
                      <dt key={`t${k}`}>{k}</dt>
                      <dd key={`d${k}`}>{typeof x === 'string' ? x : JSON.stringify(x)}</dd>
                    </>
                  ))}
              </dl>
            </details>
            <p>
              <a class="kern-link" href={ctx.href(`/admin/inhalte/${kind}/${id}?version=${r.revision}`)}>
                {t('content.admin.rev.restore')}
              </a>
            </p>
          </li>
        ))}
      </ol>
    </AdminLayout>
  );
}

export function RegistrationsPage(props: {
  ctx: PageContext;
  id: number;
  title: string;
  capacity: number;
  registrations: RegistrationRow[];
}) {
  const { ctx } = props;
  const { t } = ctx;
  const heading = t('content.admin.reg.title', { title: props.title });
  const sum = (s: string) =>
    props.registrations.filter((r) => r.status === s).reduce((n, r) => n + r.seats, 0);
  return (
    <AdminLayout
      ctx={ctx}
      title={heading}
      crumbs={[
        { label: t('content.admin.title'), href: '/admin/inhalte' },
        { label: t('content.admin.events'), href: '/admin/inhalte/veranstaltungen' },
        { label: props.title, href: `/admin/inhalte/veranstaltungen/${props.id}` },
        { label: t('content.admin.registrations') },
      ]}
    >
      <h1 class="kern-heading-large">{heading}</h1>
      <p class="kern-body">
        {t('content.admin.reg.summary', {
          confirmed: sum('confirmed'),
          capacity: props.capacity,
          waitlisted: sum('waitlisted'),
        })}
      </p>
      <TableWrap label={heading}>
        <table class="kern-table">
          <caption class="sp-visually-hidden">{heading}</caption>
          <thead class="kern-table__head">
            <tr class="kern-table__row">
              {['name', 'email', 'seats', 'status'].map((c) => (
                <th class="kern-table__header" scope="col" key={c}>
                  {t(`content.admin.reg.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody class="kern-table__body">
            {props.registrations.map((r) => (
              <tr class="kern-table__row" key={r.id}>
                <th class="kern-table__cell" scope="row">
                  {r.name}
                </th>
                <td class="kern-table__cell">{r.email}</td>
                <td class="kern-table__cell">{r.seats}</td>
                <td class="kern-table__cell">{t(`content.admin.reg.${r.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </AdminLayout>
  );
}

export function PageTextPage(props: {
  ctx: PageContext;
  cities: CityOption[];
  city: string;
  page: PageKind;
  body: string;
  revision: number | undefined;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx } = props;
  const { t } = ctx;
  const title = t('content.admin.pages');
  const errors = tr(ctx, props.errors);
  const pages: PageKind[] = [
    'impressum',
    'datenschutz',
    'barrierefreiheit',
    'leichte-sprache',
    'gebaerdensprache',
  ];
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[{ label: t('content.admin.title'), href: '/admin/inhalte' }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <SectionNav ctx={ctx} current="seiten" />
      <form method="get" action={ctx.href('/admin/inhalte/seiten')} class="sp-editor">
        <SelectField
          ctx={ctx}
          name="stadt"
          label={t('content.admin.f.city')}
          value={props.city}
          options={props.cities}
        />
        <SelectField
          ctx={ctx}
          name="seite"
          label={t('content.admin.f.page')}
          value={props.page}
          options={pages.map((p) => ({ value: p, label: t(`content.admin.page.${p}`) }))}
        />
        <button type="submit" class="kern-btn kern-btn--secondary">
          <span class="kern-label">{t('content.events.apply')}</span>
        </button>
      </form>
      {props.notice && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p class="kern-body">{props.notice}</p>
          </div>
        </div>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      <form
        method="post"
        action={ctx.href(`/admin/inhalte/seiten?stadt=${props.city}&seite=${props.page}`)}
        class="sp-editor"
      >
        <CsrfField ctx={ctx} />
        <input
          type="hidden"
          name="revision"
          value={props.revision === undefined ? '' : String(props.revision)}
        />
        <TextArea
          ctx={ctx}
          name="body"
          label={`${t('content.admin.f.pageBody')}: ${t(`content.admin.page.${props.page}`)}`}
          hint={t('content.admin.f.pageHint')}
          value={props.body}
          error={errors.body}
          rows={14}
        />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{t('content.admin.save')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

export function ModerationPage({ ctx, comments }: { ctx: PageContext; comments: PendingComment[] }) {
  const { t } = ctx;
  const title = t('content.admin.comments');
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[{ label: t('content.admin.title'), href: '/admin/inhalte' }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <SectionNav ctx={ctx} current="kommentare" />
      {comments.length === 0 ? (
        <p class="kern-body">{t('content.admin.comments.none')}</p>
      ) : (
        <ol class="sp-revisions">
          {comments.map((c) => (
            <li key={c.id}>
              <h2 class="kern-heading-small">
                {c.authorName} · {t('content.admin.comments.on', { title: c.newsTitle })}
              </h2>
              <p class="kern-body sp-prewrap">{c.body}</p>
              <form
                method="post"
                action={ctx.href(`/admin/inhalte/kommentare/${c.id}`)}
                class="sp-inline-form"
              >
                <CsrfField ctx={ctx} />
                <button type="submit" name="decision" value="approved" class="kern-btn kern-btn--primary">
                  <span class="kern-label">{t('content.admin.comments.approve')}</span>
                </button>{' '}
                <button type="submit" name="decision" value="rejected" class="kern-btn kern-btn--secondary">
                  <span class="kern-label">{t('content.admin.comments.reject')}</span>
                </button>
              </form>
            </li>
          ))}
        </ol>
      )}
    </AdminLayout>
  );
}

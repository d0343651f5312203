import type { ComponentChildren } from 'preact';
import type { Contact } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import { CsrfField, ErrorSummary, type FieldErrors, TextArea, TextField } from '../../platform/web/forms.tsx';
import { formatDate } from '../../platform/web/i18n.ts';
import { type Crumb, Layout } from '../../platform/web/layout.tsx';
import { renderMarkdown } from '../../platform/web/markdown.ts';
import './messages.ts';
import {
  EMAIL_MAX,
  type FeedbackInput,
  isDemoContact,
  MESSAGE_MAX,
  NAME_MAX,
  PAGE_MAX,
  STATEMENT_DATE,
} from './service.ts';

/** Text an admin added to a legal page (content_page_texts), shown at its end. */
function Additions({ ctx, markdown }: { ctx: PageContext; markdown: string | undefined }) {
  if (!markdown) return null;
  return (
    <section aria-labelledby="additions-heading" class="sp-prose">
      <h2 class="kern-heading-medium" id="additions-heading">
        {ctx.t('content.additions')}
      </h2>

      <div dangerouslySetInnerHTML={{ __html: renderMarkdown(markdown) }} />
    </section>
  );
}

/** "" for the region, "/aalen" for a city: the prefix of the legal pages. */
export const legalBase = (ctx: PageContext) => (ctx.city ? `/${ctx.city.slug}` : '');

const siteName = (ctx: PageContext) => (ctx.city ? ctx.city.name : ctx.region.name);

function crumbs(ctx: PageContext, label: string, parent?: Crumb): Crumb[] {
  const home = { label: siteName(ctx), href: `${legalBase(ctx)}/` };
  return parent ? [home, parent, { label }] : [home, { label }];
}

function DemoNotice({ ctx, text }: { ctx: PageContext; text: string }) {
  return (
    <div class="kern-alert kern-alert--warning sp-demo-notice" role="note">
      <div class="kern-alert__header">
        <span class="kern-title">{ctx.t('content.demo.title')}</span>
      </div>
      <div class="kern-alert__body">
        <p class="kern-body">{text}</p>
      </div>
    </div>
  );
}

/** Postal address of a contact; fallback names the body when the data has no organisation. */
function Address({ contact, fallback }: { contact: Contact; fallback: string }) {
  const locality = [contact.postalCode, contact.locality].filter(Boolean).join(' ');
  return (
    <address class="sp-address">
      <strong>{contact.organisation || fallback}</strong>
      {contact.street && (
        <>
          <br />
          {contact.street}
        </>
      )}
      {locality && (
        <>
          <br />
          {locality}
        </>
      )}
    </address>
  );
}

function ContactLines({ ctx, contact }: { ctx: PageContext; contact: Contact }) {
  const { t } = ctx;
  if (!contact.phone && !contact.email && !contact.website) return null;
  return (
    <ul class="sp-contact-lines">
      {contact.phone && (
        <li>
          {t('content.phone')}:{' '}
          <a class="kern-link" href={`tel:${contact.phone.replace(/[^0-9+]/g, '')}`}>
            {contact.phone}
          </a>
        </li>
      )}
      {contact.email && (
        <li>
          {t('content.email')}:{' '}
          <a class="kern-link" href={`mailto:${contact.email}`}>
            {contact.email}
          </a>
        </li>
      )}
      {contact.website && (
        <li>
          {t('content.website')}:{' '}
          <a class="kern-link" href={contact.website}>
            {contact.website.replace(/^https?:\/\//, '')}
          </a>
        </li>
      )}
    </ul>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={id}>
      <h2 class="kern-heading-medium" id={id}>
        {title}
      </h2>
      {children}
    </section>
  );
}

const P = ({ children }: { children: ComponentChildren }) => <p class="kern-body">{children}</p>;

// ---- Impressum ----

export function ImprintPage({
  ctx,
  contact,
  extra,
}: {
  ctx: PageContext;
  contact: Contact;
  extra?: string | undefined;
}) {
  const { t } = ctx;
  const title = t('content.imprint.title');
  const name = siteName(ctx);
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, title)}>
      <h1 class="kern-heading-large">{title}</h1>
      {isDemoContact(contact) && <DemoNotice ctx={ctx} text={t('content.demo.imprint')} />}
      <Section id="anbieter" title={t('content.imprint.provider')}>
        <Address contact={contact} fallback={name} />
        {contact.representative && (
          <P>
            {t('content.imprint.representedBy')}: {contact.representative}
          </P>
        )}
        {ctx.city && (
          <P>
            {t('content.imprint.legalForm')}: {t('content.imprint.legalFormCity')}
          </P>
        )}
      </Section>
      <Section id="kontakt" title={t('content.imprint.contact')}>
        <ContactLines ctx={ctx} contact={contact} />
      </Section>
      <Section id="verantwortlich" title={t('content.imprint.responsible')}>
        <P>
          {contact.representative || contact.organisation || name}
          <br />
          {t('content.imprint.sameAddress')}
        </P>
      </Section>
      {ctx.city ? (
        <Section id="region" title={t('content.imprint.regionLink')}>
          <P>
            {t('content.imprint.regionText', { region: ctx.region.name })}{' '}
            <a class="kern-link" href={ctx.href('/impressum')}>
              {t('content.imprint.regionLink')}
            </a>
          </P>
        </Section>
      ) : (
        ctx.cities.length > 0 && (
          <Section id="staedte" title={t('content.imprint.cities')}>
            <P>{t('content.imprint.citiesText')}</P>
            <ul class="sp-list">
              {ctx.cities.map((c) => (
                <li key={c.slug}>
                  <a class="kern-link" href={ctx.href(`/${c.slug}/impressum`)}>
                    {t('content.imprint.title')} {c.name}
                  </a>
                </li>
              ))}
            </ul>
          </Section>
        )
      )}
      <Section id="links" title={t('content.imprint.links')}>
        <P>{t('content.imprint.linksText')}</P>
      </Section>
      <Section id="software" title={t('content.imprint.software')}>
        <P>
          {t('content.imprint.softwareText')}{' '}
          <a class="kern-link" href={ctx.href('/api/docs')}>
            {t('footer.api')}
          </a>
        </P>
      </Section>
      <Additions ctx={ctx} markdown={extra} />
    </Layout>
  );
}

// ---- Datenschutz ----

export interface PrivacyProps {
  ctx: PageContext;
  contact: Contact;
  /** Feedback notifications go here (the city's address, else the region's). */
  feedbackEmail: string | undefined;
  /** Set when an admin configured a map tile server (MAP_TILE_ORIGIN). */
  tileOrigin: string | undefined;
  sessionDays: number;
  /** Days outbox mails are kept (MAIL_RETENTION_DAYS). */
  mailDays: number;
  /** Name of the external login (OIDC_NAME) when one is configured: it adds the sp_oidc cookie. */
  oidcName: string | undefined;
  /** Text an admin added for this city or the region (Markdown). */
  extra?: string | undefined;
}

export function PrivacyPage({
  ctx,
  contact,
  feedbackEmail,
  tileOrigin,
  sessionDays,
  mailDays,
  oidcName,
  extra,
}: PrivacyProps) {
  const { t } = ctx;
  const title = t('content.privacy.title');
  const list = (keys: string[]) => (
    <ul class="sp-list">
      {keys.map((k) => (
        <li key={k}>{t(k)}</li>
      ))}
    </ul>
  );
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, title)}>
      <h1 class="kern-heading-large">{title}</h1>
      {isDemoContact(contact) && <DemoNotice ctx={ctx} text={t('content.demo.contact')} />}
      <P>{t('content.privacy.intro')}</P>
      <Section id="kurz" title={t('content.privacy.summary')}>
        {list([
          'content.privacy.summary1',
          'content.privacy.summary2',
          'content.privacy.summary3',
          'content.privacy.summary4',
        ])}
        {oidcName && <P>{t('content.privacy.oidcSummary', { name: oidcName })}</P>}
      </Section>
      <Section id="verantwortlich" title={t('content.privacy.controller')}>
        <P>{t('content.privacy.controllerText')}</P>
        <Address contact={contact} fallback={siteName(ctx)} />
        <ContactLines ctx={ctx} contact={contact} />
        <P>{t('content.privacy.dpo')}</P>
      </Section>
      <Section id="aufruf" title={t('content.privacy.visit')}>
        <P>{t('content.privacy.visitText')}</P>
        {list(['content.privacy.visitLog1', 'content.privacy.visitLog2'])}
        <P>{t('content.privacy.visitNot')}</P>
        <P>{t('content.privacy.rateLimit')}</P>
        <P>{t('content.privacy.legalBasis')}</P>
      </Section>
      <Section id="cookies" title={t('content.privacy.cookies')}>
        <P>{t('content.privacy.cookiesText')}</P>
        <div
          class="sp-table-scroll"
          role="region"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the table scrolls by itself on narrow screens; keyboard users need focus to scroll it (WCAG 2.1.1)
          tabIndex={0}
          aria-label={t('content.privacy.cookieCaption')}
        >
          <table class="kern-table">
            <caption class="kern-title">{t('content.privacy.cookieCaption')}</caption>
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                {['cookieName', 'cookiePurpose', 'cookieWhen', 'cookieDuration'].map((k) => (
                  <th class="kern-table__header" scope="col" key={k}>
                    {t(`content.privacy.${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody class="kern-table__body">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="row">
                  <code>sp_session</code>
                </th>
                <td class="kern-table__cell">{t('content.privacy.sessionPurpose')}</td>
                <td class="kern-table__cell">{t('content.privacy.sessionWhen')}</td>
                <td class="kern-table__cell">
                  {t('content.privacy.sessionDuration', { days: sessionDays })}
                </td>
              </tr>
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="row">
                  <code>sp_csrf</code>
                </th>
                <td class="kern-table__cell">{t('content.privacy.csrfPurpose')}</td>
                <td class="kern-table__cell">{t('content.privacy.csrfWhen')}</td>
                <td class="kern-table__cell">{t('content.privacy.csrfDuration')}</td>
              </tr>
              {oidcName && (
                <tr class="kern-table__row">
                  <th class="kern-table__header" scope="row">
                    <code>sp_oidc</code>
                  </th>
                  <td class="kern-table__cell">{t('content.privacy.oidcPurpose', { name: oidcName })}</td>
                  <td class="kern-table__cell">{t('content.privacy.oidcWhen', { name: oidcName })}</td>
                  <td class="kern-table__cell">{t('content.privacy.oidcDuration')}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Section>
      <Section id="dritte" title={t('content.privacy.thirdParty')}>
        <P>{t('content.privacy.thirdPartyText')}</P>
        {tileOrigin && <P>{t('content.privacy.tiles', { origin: tileOrigin })}</P>}
      </Section>
      <Section id="konto" title={t('content.privacy.account')}>
        <P>{t('content.privacy.accountText')}</P>
        {list([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `content.privacy.account${n}`))}
        <P>{t('content.privacy.accountDelete')}</P>
        <P>{t('content.privacy.legalBasis')}</P>
      </Section>
      <Section id="e-mails" title={t('content.privacy.mail')}>
        <P>{t('content.privacy.mailText', { mailDays })}</P>
      </Section>
      <Section id="rueckmeldungen" title={t('content.privacy.feedback')}>
        <P>{t('content.privacy.feedbackText', { email: feedbackEmail ?? '–' })}</P>
      </Section>
      <Section id="maengelmelder" title={t('content.privacy.reports')}>
        <P>{t('content.privacy.reportsText')}</P>
        {list([1, 2, 3, 4, 5].map((n) => `content.privacy.reports${n}`))}
        <P>{t('content.privacy.reportsBasis')}</P>
      </Section>
      <Section id="stadttaler" title={t('content.privacy.bonus')}>
        <P>{t('content.privacy.bonusText')}</P>
      </Section>
      <Section id="protokoll" title={t('content.privacy.audit')}>
        <P>{t('content.privacy.auditText')}</P>
      </Section>
      <Section id="empfaenger" title={t('content.privacy.recipients')}>
        <P>{t('content.privacy.recipientsText')}</P>
      </Section>
      <Section id="rechte" title={t('content.privacy.rights')}>
        <P>{t('content.privacy.rightsText')}</P>
        {list(['15', '16', '17', '18', '20', '21'].map((n) => `content.privacy.right${n}`))}
        <P>{t('content.privacy.rightsHow')}</P>
      </Section>
      <Section id="beschwerde" title={t('content.privacy.complaint')}>
        <P>{t('content.privacy.complaintText')}</P>
        <address class="sp-address">
          <strong>
            Der Landesbeauftragte für den Datenschutz und die Informationsfreiheit Baden-Württemberg
          </strong>
          <br />
          Postfach 10 29 32
          <br />
          70025 Stuttgart
        </address>
        <ul class="sp-contact-lines">
          <li>
            {t('content.email')}:{' '}
            <a class="kern-link" href="mailto:poststelle@lfdi.bwl.de">
              poststelle@lfdi.bwl.de
            </a>
          </li>
          <li>
            {t('content.website')}:{' '}
            <a class="kern-link" href="https://www.baden-wuerttemberg.datenschutz.de" hreflang="de">
              www.baden-wuerttemberg.datenschutz.de
            </a>
          </li>
        </ul>
      </Section>
      <p class="kern-body kern-body--small">
        {t('content.asOf', { date: formatDate(ctx.locale, STATEMENT_DATE) })}
      </p>
      <Additions ctx={ctx} markdown={extra} />
    </Layout>
  );
}

// ---- Barrierefreiheit ----

export interface AccessibilityProps {
  ctx: PageContext;
  contact: Contact;
  values: FeedbackInput;
  /** Field → message key. */
  errors: FieldErrors;
  extra?: string | undefined;
}

export function FeedbackForm({ ctx, values, errors }: Omit<AccessibilityProps, 'contact'>) {
  const { t } = ctx;
  const shown: FieldErrors = Object.fromEntries(Object.entries(errors).map(([f, key]) => [f, t(key)]));
  return (
    <form method="post" action={ctx.href(`${legalBase(ctx)}/barrierefreiheit`)} novalidate class="sp-form">
      <CsrfField ctx={ctx} />
      <TextField
        ctx={ctx}
        name="name"
        label={t('content.feedback.name')}
        optional
        value={values.name}
        error={shown.name}
        autocomplete="name"
        maxLength={NAME_MAX}
      />
      <TextField
        ctx={ctx}
        name="email"
        type="email"
        label={t('content.feedback.email')}
        hint={t('content.feedback.emailHint')}
        optional
        value={values.email}
        error={shown.email}
        autocomplete="email"
        maxLength={EMAIL_MAX}
      />
      <TextField
        ctx={ctx}
        name="page"
        label={t('content.feedback.page')}
        hint={t('content.feedback.pageHint')}
        optional
        value={values.page}
        error={shown.page}
        maxLength={PAGE_MAX}
      />
      <TextArea
        ctx={ctx}
        name="message"
        label={t('content.feedback.message')}
        hint={t('content.feedback.messageHint')}
        value={values.message}
        error={shown.message}
        rows={8}
        maxLength={MESSAGE_MAX}
      />
      <p class="kern-body kern-body--small">
        {t('content.feedback.privacy')}{' '}
        <a class="kern-link" href={ctx.href(`${legalBase(ctx)}/datenschutz#rueckmeldungen`)}>
          {t('content.privacy.title')}
        </a>
        .
      </p>
      <button type="submit" class="kern-btn kern-btn--primary">
        <span class="kern-label">{t('content.feedback.submit')}</span>
      </button>
    </form>
  );
}

export function AccessibilityPage({ ctx, contact, values, errors, extra }: AccessibilityProps) {
  const { t } = ctx;
  const title = t('content.a11y.title');
  const hasErrors = Object.keys(errors).length > 0;
  const url = `${ctx.baseUrl}${ctx.href(`${legalBase(ctx)}/`)}`;
  const shown: FieldErrors = Object.fromEntries(Object.entries(errors).map(([f, key]) => [f, t(key)]));
  return (
    <Layout
      ctx={ctx}
      title={hasErrors ? `${t('form.errorSummary')}: ${title}` : title}
      breadcrumbs={crumbs(ctx, title)}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={shown} />
      {isDemoContact(contact) && <DemoNotice ctx={ctx} text={t('content.demo.contact')} />}
      <P>{t('content.a11y.intro', { org: contact.organisation || siteName(ctx) })}</P>
      <P>{t('content.a11y.scope', { url })}</P>
      <Section id="stand" title={t('content.a11y.status')}>
        <P>{t('content.a11y.statusText')}</P>
      </Section>
      <Section id="nicht-barrierefrei" title={t('content.a11y.gaps')}>
        <P>{t('content.a11y.gapsText')}</P>
        <ul class="sp-list">
          <li>{t('content.a11y.gapDgs')}</li>
          <li>{t('content.a11y.gapMap')}</li>
          <li>{t('content.a11y.gapQr')}</li>
          <li>
            {t('content.a11y.gapEasy')}{' '}
            <a class="kern-link" href={`${legalBase(ctx)}/leichte-sprache`} lang="de" hreflang="de">
              Leichte Sprache
            </a>
          </li>
          <li>{t('content.a11y.gapManual')}</li>
        </ul>
      </Section>
      <Section id="erstellung" title={t('content.a11y.method')}>
        <P>{t('content.a11y.methodText', { date: formatDate(ctx.locale, STATEMENT_DATE) })}</P>
        <ul class="sp-list">
          <li>{t('content.a11y.method1')}</li>
          <li>{t('content.a11y.method2')}</li>
          <li>{t('content.a11y.method3')}</li>
        </ul>
        <P>{t('content.a11y.methodLimit')}</P>
      </Section>
      <Section id="feedback" title={t('content.a11y.feedback')}>
        <P>{t('content.a11y.feedbackText')}</P>
        <FeedbackForm ctx={ctx} values={values} errors={errors} />
        <P>{t('content.a11y.contactAlt')}</P>
        <Address contact={contact} fallback={siteName(ctx)} />
        <ContactLines ctx={ctx} contact={contact} />
      </Section>
      <Section id="schlichtung" title={t('content.a11y.mediation')}>
        <P>{t('content.a11y.mediationText')}</P>
        <P>
          {t('content.a11y.mediationAddress')}
          <br />
          <a
            class="kern-link"
            href="https://barrierefreiheit-bw.de/barrierefreiheitdurchsetzen/schlichtungsantrag"
            hreflang="de"
          >
            {t('content.a11y.mediationLink')}
          </a>
        </P>
        <P>
          {t('content.a11y.mediationBund')}{' '}
          <a class="kern-link" href="https://www.schlichtungsstelle-bgg.de" hreflang="de">
            {t('content.a11y.mediationBundLink')}
          </a>
        </P>
      </Section>
      <Section id="durchsetzung" title={t('content.a11y.enforcement')}>
        <P>{t('content.a11y.enforcementText')}</P>
      </Section>
      <Additions ctx={ctx} markdown={extra} />
    </Layout>
  );
}

export function ThanksPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const title = t('content.thanks.title');
  const statement = { label: t('content.a11y.title'), href: `${legalBase(ctx)}/barrierefreiheit` };
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, title, statement)}>
      <div class="kern-alert kern-alert--success" role="status">
        <div class="kern-alert__header">
          <h1 class="kern-title">{title}</h1>
        </div>
        <div class="kern-alert__body">
          <p class="kern-body">{t('content.thanks.text')}</p>
          <p class="kern-body">{t('content.thanks.reply')}</p>
        </div>
      </div>
      <p class="kern-body">
        <a class="kern-link" href={ctx.href(statement.href)}>
          {t('content.thanks.back')}
        </a>
      </p>
    </Layout>
  );
}

// ---- Leichte Sprache (BITV 2.0 § 4) ----

/**
 * Written in Leichte Sprache: short sentences, one statement each, hard words explained, no
 * abbreviations. Always German; on /en pages the chrome is English and this content keeps lang="de".
 * Its links carry no /en prefix: they lead to the German pages, like the text around them.
 */
export function EasyLanguagePage({
  ctx,
  contact,
  extra,
  signExtra,
}: {
  ctx: PageContext;
  contact: Contact;
  extra?: string | undefined;
  /** What the city offers in German Sign Language (DGS), added by an admin. */
  signExtra?: string | undefined;
}) {
  const { t, city } = ctx;
  const base = legalBase(ctx);
  const demo = isDemoContact(contact);
  const cityNames = ctx.cities.map((c) => c.name);
  const email = contact.email;
  return (
    <Layout ctx={ctx} title={t('content.easy.title')} breadcrumbs={crumbs(ctx, t('content.easy.title'))}>
      {ctx.locale !== 'de' && <p class="kern-body">{t('content.easy.onlyGerman')}</p>}
      <div lang="de" class="sp-easy-language">
        <h1 class="kern-heading-large">Leichte Sprache</h1>
        <p class="kern-body">Hier erklären wir diese Internet-Seite in Leichter Sprache.</p>

        <h2 class="kern-heading-medium">Was steht auf dieser Internet-Seite?</h2>
        <p class="kern-body">Diese Internet-Seite heißt: Stadt-Plattform.</p>
        {city ? (
          <p class="kern-body">Hier finden Sie Angebote von der Stadt {city.name}.</p>
        ) : (
          <>
            <p class="kern-body">Hier finden Sie Angebote von diesen Städten:</p>
            <ul class="sp-list">
              {cityNames.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </>
        )}
        <p class="kern-body">Ein Angebot ist zum Beispiel:</p>
        <ul class="sp-list">
          <li>ein Amt. Zum Beispiel das Amt für den Personal-Ausweis.</li>
          <li>eine Beratung. Dort bekommen Sie Hilfe bei einer Frage.</li>
          <li>eine Bücherei oder ein Schwimm-Bad.</li>
          <li>ein Dienst im Internet. Dann können Sie zum Beispiel einen Antrag am Computer stellen.</li>
        </ul>
        <p class="kern-body">Bei vielen Angeboten steht: Wo ist das Angebot? Und wann ist es offen?</p>
        <p class="kern-body">Auf der Internet-Seite können Sie außerdem:</p>
        <ul class="sp-list">
          <li>
            einen Schaden in der Stadt melden. Zum Beispiel ein Loch in der Straße. Oder eine kaputte Lampe.
            Im Menü heißt das: Mängelmelder.
            {!city && ' Dafür wählen Sie zuerst oben eine Stadt aus.'}
          </li>
          <li>
            Punkte sammeln. Die Punkte heißen: Stadt-Taler. Im Menü heißt das: Stadttaler. Sie bekommen Punkte
            zum Beispiel für einen Besuch in der Bücherei. Mit den Punkten bekommen Sie Gutscheine in
            Geschäften.
          </li>
        </ul>
        {demo && (
          <p class="kern-body">
            <strong>Wichtig:</strong> Diese Internet-Seite ist ein Test. Die Angebote sind nur Beispiele. Die
            Angebote gibt es nicht in echt.
          </p>
        )}

        <h2 class="kern-heading-medium">So finden Sie sich zurecht</h2>
        <p class="kern-body">Jede Seite hat 3 Teile.</p>
        <p class="kern-body">
          <strong>Oben</strong> ist der Kopf-Bereich. Dort können Sie:
        </p>
        <ul class="sp-list">
          <li>eine Stadt aussuchen.</li>
          <li>die Sprache ändern. Zum Beispiel auf Englisch.</li>
          <li>
            sich anmelden. Dafür brauchen Sie ein Konto. Ein Konto ist Ihr eigener Bereich auf der
            Internet-Seite. Sie können aber alles auch ohne Konto lesen.
          </li>
        </ul>
        <p class="kern-body">
          Unter dem Kopf-Bereich ist das Menü. Das Menü ist eine Liste mit Links zu den wichtigen Seiten.
        </p>
        <p class="kern-body">
          <strong>In der Mitte</strong> steht der Inhalt von der Seite.
        </p>
        <p class="kern-body">
          <strong>Unten</strong> ist der Fuß-Bereich. Dort finden Sie zum Beispiel:
        </p>
        <ul class="sp-list">
          <li>das Impressum. Dort steht: Wer ist verantwortlich für die Internet-Seite?</li>
          <li>die Erklärung zur Barriere-Freiheit.</li>
          <li>diese Seite in Leichter Sprache.</li>
        </ul>
        <p class="kern-body">
          <strong>Suchen:</strong> Auf der Start-Seite gibt es ein Such-Feld. Schreiben Sie ein Wort in das
          Feld. Zum Beispiel: Ausweis. Klicken Sie dann auf den Knopf: Suchen. Dann sehen Sie passende
          Angebote.
        </p>
        <p class="kern-body">
          <strong>Tastatur:</strong> Sie können die Internet-Seite auch ohne Maus benutzen. Drücken Sie die
          Tab-Taste. Dann springen Sie zum nächsten Link. Der erste Link heißt: Zum Inhalt springen. Damit
          kommen Sie direkt zum Inhalt.
        </p>

        <h2 class="kern-heading-medium">Ist die Internet-Seite barriere-frei?</h2>
        <p class="kern-body">
          Barriere-frei bedeutet: Alle Menschen können die Internet-Seite gut benutzen. Auch Menschen mit
          Behinderung.
        </p>
        <p class="kern-body">
          Zum Beispiel: Ein blinder Mensch kann sich die Seite vorlesen lassen. Dafür gibt es
          Vorlese-Programme.
        </p>
        <p class="kern-body">Wir haben die Internet-Seite geprüft.</p>
        <p class="kern-body">Das Ergebnis ist: Die Internet-Seite ist zum Teil barriere-frei.</p>
        <p class="kern-body">Diese Dinge sind noch nicht barriere-frei:</p>
        <ul class="sp-list">
          <li>Es gibt noch keine Filme in Gebärden-Sprache.</li>
          <li>
            Die Karten sind Bilder. Blinde Menschen können die Karten nicht sehen. Darum steht neben der Karte
            die Adresse als Text.
          </li>
          <li>Nur wenige Seiten gibt es in Leichter Sprache.</li>
          <li>
            Punkte im Bonus-Programm bekommen Sie nur mit einem QR-Code. Ein QR-Code ist ein Bild mit vielen
            kleinen Quadraten. Sie fotografieren den Code mit dem Handy. Das geht noch nicht anders.
          </li>
        </ul>
        <p class="kern-body">Haben Sie ein Problem mit der Internet-Seite? Dann sagen Sie es uns.</p>
        <p class="kern-body">
          Dafür gibt es ein Formular. Ein Formular ist ein Bereich mit Feldern. In die Felder schreiben Sie
          Ihre Nachricht.{' '}
          <a class="kern-link" href={`${base}/barrierefreiheit#feedback`}>
            Hier ist das Formular.
          </a>
        </p>
        {email && (
          <p class="kern-body">
            Sie können uns auch eine E-Mail schreiben. Die E-Mail-Adresse ist:{' '}
            <a class="kern-link" href={`mailto:${email}`}>
              {email}
            </a>
          </p>
        )}
        <p class="kern-body">
          Möchten Sie eine Antwort? Dann schreiben Sie uns Ihre E-Mail-Adresse. Sie bekommen spätestens nach 1
          Monat eine Antwort.
        </p>
        <p class="kern-body">
          Sie bekommen keine Antwort? Oder die Antwort hilft Ihnen nicht? Dann können Sie sich an die
          Schlichtungs-Stelle wenden. Die Schlichtungs-Stelle hilft bei einem Streit. Sie sucht eine Lösung
          für beide Seiten. Das kostet kein Geld.
        </p>
        <p class="kern-body">
          Die Schlichtungs-Stelle ist beim Landes-Zentrum Barriere-Freiheit in Stuttgart.{' '}
          <a
            class="kern-link"
            href="https://barrierefreiheit-bw.de/barrierefreiheitdurchsetzen/schlichtungsantrag"
          >
            Hier ist die Internet-Seite von der Schlichtungs-Stelle.
          </a>
        </p>
        <p class="kern-body">
          <a class="kern-link" href={`${base}/barrierefreiheit`}>
            Hier ist die ganze Erklärung zur Barriere-Freiheit. Sie ist in schwerer Sprache.
          </a>
        </p>

        <h2 class="kern-heading-medium">Wo gibt es mehr Leichte Sprache?</h2>
        <p class="kern-body">Viele Angebote haben eine Erklärung in Leichter Sprache.</p>
        <p class="kern-body">So finden Sie die Erklärung:</p>
        <ol class="sp-list">
          <li>Klicken Sie oben im Menü auf: Angebote &amp; Dienste.</li>
          <li>Suchen Sie ein Angebot aus.</li>
          <li>Klicken Sie auf den Namen von dem Angebot.</li>
          <li>Lesen Sie den Teil mit der Überschrift: In Leichter Sprache.</li>
        </ol>
        <p class="kern-body">
          <a class="kern-link" href={`${base}/angebote`}>
            Hier geht es zu den Angeboten.
          </a>
        </p>

        <h2 class="kern-heading-medium">Gebärden-Sprache</h2>
        <p class="kern-body">
          Gebärden-Sprache ist eine Sprache mit den Händen. Viele gehörlose Menschen sprechen
          Gebärden-Sprache. Gehörlos bedeutet: Ein Mensch kann nicht hören.
        </p>
        <p class="kern-body">Auf dieser Internet-Seite gibt es noch keine Filme in Gebärden-Sprache.</p>
        {signExtra && (
          <div class="sp-prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(signExtra) }} />
        )}
        <p class="kern-body">Wir wollen solche Filme machen. Das dauert aber noch.</p>
        <p class="kern-body">
          Brauchen Sie Hilfe? Dann schreiben Sie uns.
          {email && (
            <>
              {' '}
              Die E-Mail-Adresse ist:{' '}
              <a class="kern-link" href={`mailto:${email}`}>
                {email}
              </a>
            </>
          )}{' '}
          Sie können auch das{' '}
          <a class="kern-link" href={`${base}/barrierefreiheit#feedback`}>
            Formular
          </a>{' '}
          benutzen.
        </p>
        <p class="kern-body">
          Sie möchten mit uns in Gebärden-Sprache sprechen? Dann schreiben Sie uns das. Wir suchen dann mit
          Ihnen eine Lösung.
        </p>

        <h2 class="kern-heading-medium">Kontakt</h2>
        <p class="kern-body">Hier können Sie uns erreichen:</p>
        <Address contact={contact} fallback={siteName(ctx)} />
        {contact.phone && (
          <p class="kern-body">
            Telefon:{' '}
            <a class="kern-link" href={`tel:${contact.phone.replace(/[^0-9+]/g, '')}`}>
              {contact.phone}
            </a>
          </p>
        )}
        {demo && (
          <p class="kern-body">
            <strong>Wichtig:</strong> Diese Adresse ist nur ein Beispiel. Nachrichten kommen bei keiner echten
            Stadt an.
          </p>
        )}
      </div>
      <Additions ctx={ctx} markdown={extra} />
    </Layout>
  );
}

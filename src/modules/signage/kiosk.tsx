/**
 * Self-service terminals at /kiosk/{city}: a touch-first mode of the portal. Big targets, search that
 * suits an on-screen keyboard, a defect report without login, no link that leaves the platform (external
 * addresses become QR codes to take along), nothing to print, and a reset to the start screen with all
 * input cleared after a configurable time without touch (kiosk island).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { h } from 'preact';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  formString,
  SelectField,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { localePath } from '../../platform/web/i18n.ts';
import { getOffer, type Offer, searchOffers } from '../directory/service.ts';
import { categoriesOf, createReport } from '../reports/service.ts';
import { type ListItem, listFor, qrSvg, sensorReadings } from './playlist.ts';
import { kioskIdleSeconds } from './service.ts';
import { formatWhen, L, Qr } from './slides.tsx';

interface KioskProps {
  ctx: PageContext;
  city: City;
  idleSeconds: number;
  title: string;
  /** The start screen has no "back to start" button. */
  start?: boolean;
  children?: ComponentChildren;
}

function KioskLayout(props: KioskProps) {
  const { ctx, city } = props;
  const base = `/kiosk/${city.slug}`;
  const other = ctx.locale === 'de' ? 'en' : 'de';
  const script = ctx.assets.script('kiosk');
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} – ${city.name}`}</title>
        <link rel="stylesheet" href={ctx.assets.css} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {script && <script type="module" src={script} />}
      </head>
      <body class="sk-body" data-idle-seconds={props.idleSeconds} data-start={base}>
        <a class="sp-skiplink" href="#inhalt">
          {ctx.t('nav.skip')}
        </a>
        <header class="sk-header">
          <p class="sk-header__city">{city.name}</p>
          <nav aria-label={L(ctx.locale, 'Terminal', 'Terminal')} class="sk-header__nav">
            {!props.start && (
              <a class="sk-btn sk-btn--secondary" href={ctx.href(base)}>
                <span aria-hidden="true">⌂ </span>
                {L(ctx.locale, 'Zum Start', 'Start')}
              </a>
            )}
            <a
              class="sk-btn sk-btn--secondary"
              href={localePath(other, ctx.path)}
              hreflang={other}
              lang={other}
            >
              {other === 'en' ? 'English' : 'Deutsch'}
            </a>
          </nav>
        </header>
        <main id="inhalt" tabIndex={-1} class="sk-main">
          {props.children}
        </main>
        <div
          class="sk-idle"
          id="sk-idle"
          role="alertdialog"
          aria-modal="true"
          aria-labelledby="sk-idle-title"
          aria-describedby="sk-idle-text"
          hidden
        >
          <h2 id="sk-idle-title">{L(ctx.locale, 'Sind Sie noch da?', 'Are you still there?')}</h2>
          <p id="sk-idle-text">
            {L(
              ctx.locale,
              'Gleich werden alle Eingaben gelöscht und das Terminal beginnt von vorn.',
              'All entries will be cleared shortly and the terminal will start over.',
            )}{' '}
            <span id="sk-idle-count" />
          </p>
          <button type="button" class="sk-btn" id="sk-idle-stay">
            {L(ctx.locale, 'Weiter nutzen', 'Keep using')}
          </button>
        </div>
      </body>
    </html>
  );
}

function StartPage(props: Omit<KioskProps, 'title'>) {
  const { ctx, city } = props;
  const base = `/kiosk/${city.slug}`;
  const tiles = [
    {
      href: `${base}/angebote`,
      icon: '🔍',
      label: L(ctx.locale, 'Angebote und Dienste finden', 'Find services'),
      text: L(ctx.locale, 'Ämter, Beratung, Freizeit', 'Offices, advice, leisure'),
    },
    {
      href: `${base}/veranstaltungen`,
      icon: '📅',
      label: L(ctx.locale, 'Veranstaltungen', 'Events'),
      text: L(ctx.locale, 'Was ist los in der Stadt?', 'What’s on in town?'),
    },
    {
      href: `${base}/stadtdaten`,
      icon: '📈',
      label: L(ctx.locale, 'Stadtdaten', 'City data'),
      text: L(ctx.locale, 'Luft, Temperatur, Parken', 'Air, temperature, parking'),
    },
    {
      href: `${base}/maengel`,
      icon: '🛠',
      label: L(ctx.locale, 'Mangel melden', 'Report a defect'),
      text: L(ctx.locale, 'Ohne Anmeldung', 'No login needed'),
    },
  ];
  const title = L(ctx.locale, `Willkommen in ${city.shortName}`, `Welcome to ${city.shortName}`);
  return (
    <KioskLayout {...props} title={title} start>
      <h1 class="sk-title">{title}</h1>
      <p class="sk-lead">{L(ctx.locale, 'Tippen Sie auf ein Thema.', 'Tap a topic.')}</p>
      <ul class="sk-tiles">
        {tiles.map((t) => (
          <li key={t.href}>
            <a class="sk-tile" href={ctx.href(t.href)}>
              <span class="sk-tile__icon" aria-hidden="true">
                {t.icon}
              </span>
              <span class="sk-tile__label">{t.label}</span>
              <span class="sk-tile__text">{t.text}</span>
            </a>
          </li>
        ))}
      </ul>
      <p class="sk-note">
        {L(
          ctx.locale,
          'Dieses Terminal speichert nichts. Nach kurzer Zeit ohne Berührung wird alles gelöscht.',
          'This terminal stores nothing. After a short time without touch everything is cleared.',
        )}
      </p>
    </KioskLayout>
  );
}

/** An address outside the platform: shown as text and QR code, never as a link. */
function TakeAlong({ ctx, url, qr, label }: { ctx: PageContext; url: string; qr: string; label: string }) {
  return (
    <div class="sk-takealong">
      <Qr svg={qr} label={L(ctx.locale, `QR-Code: ${label}`, `QR code: ${label}`)} class="sk-qr" />
      <p>
        <strong>{label}</strong>
        <br />
        {L(ctx.locale, 'Mit dem Handy scannen und mitnehmen:', 'Scan with your phone to take along:')}
        <br />
        <span class="sk-url">{url}</span>
      </p>
    </div>
  );
}

function OffersPage(props: Omit<KioskProps, 'title'> & { q: string; offers: Offer[]; total: number }) {
  const { ctx, city } = props;
  const title = L(ctx.locale, 'Angebote und Dienste', 'Services');
  return (
    <KioskLayout {...props} title={title}>
      <h1 class="sk-title">{title}</h1>
      <form method="get" action={ctx.href(`/kiosk/${city.slug}/angebote`)} role="search" class="sk-search">
        <label for="sk-q" class="sk-label">
          {L(ctx.locale, 'Suchbegriff', 'Search term')}
        </label>
        <div class="sk-search__row">
          <input
            id="sk-q"
            name="q"
            type="search"
            value={props.q}
            class="sk-input"
            autocomplete="off"
            enterkeyhint="search"
            maxLength={200}
          />
          <button type="submit" class="sk-btn">
            {L(ctx.locale, 'Suchen', 'Search')}
          </button>
        </div>
      </form>
      <p role="status">
        {props.q
          ? L(
              ctx.locale,
              `${props.total} Treffer für „${props.q}“`,
              `${props.total} results for “${props.q}”`,
            )
          : L(ctx.locale, `${props.total} Angebote`, `${props.total} services`)}
      </p>
      <ul class="sk-list">
        {props.offers.map((o) => (
          <li key={o.id}>
            <a class="sk-card" href={ctx.href(`/kiosk/${city.slug}/angebote/${o.id}`)}>
              <span class="sk-card__title">{o.title}</span>
              <span class="sk-card__text">{o.summary}</span>
            </a>
          </li>
        ))}
      </ul>
    </KioskLayout>
  );
}

function OfferPage(
  props: Omit<KioskProps, 'title'> & { offer: Offer; external: { label: string; url: string; qr: string }[] },
) {
  const { ctx, offer } = props;
  const a = offer.address;
  return (
    <KioskLayout {...props} title={offer.title}>
      <h1 class="sk-title">{offer.title}</h1>
      <p class="sk-lead">{offer.summary}</p>
      <dl class="sk-facts">
        {offer.provider && (
          <>
            <dt>{L(ctx.locale, 'Anbieter', 'Provider')}</dt>
            <dd>{offer.provider}</dd>
          </>
        )}
        {a && (
          <>
            <dt>{L(ctx.locale, 'Adresse', 'Address')}</dt>
            <dd>
              {a.street}, {a.postalCode} {a.locality}
            </dd>
          </>
        )}
        {offer.openingHours && (
          <>
            <dt>{L(ctx.locale, 'Öffnungszeiten', 'Opening hours')}</dt>
            <dd>{offer.openingHours}</dd>
          </>
        )}
        {offer.contact.phone && (
          <>
            <dt>{L(ctx.locale, 'Telefon', 'Phone')}</dt>
            <dd>{offer.contact.phone}</dd>
          </>
        )}
        {offer.contact.email && (
          <>
            <dt>{L(ctx.locale, 'E-Mail', 'E-mail')}</dt>
            <dd>{offer.contact.email}</dd>
          </>
        )}
      </dl>
      {props.external.map((x) => (
        <TakeAlong key={x.url} ctx={ctx} url={x.url} qr={x.qr} label={x.label} />
      ))}
    </KioskLayout>
  );
}

function ListPage(
  props: Omit<KioskProps, 'title'> & {
    title: string;
    items: ListItem[] | null;
    empty: string;
    phone: { url: string; qr: string };
  },
) {
  const { ctx } = props;
  return (
    <KioskLayout {...props}>
      <h1 class="sk-title">{props.title}</h1>
      {props.items && props.items.length > 0 ? (
        <ul class="sk-list">
          {props.items.map((i, n) => (
            <li key={`${n}-${i.title}`} class="sk-card">
              {i.when && (
                <span class="sk-card__meta">{formatWhen(ctx.locale, new Date(i.when), i.allDay)}</span>
              )}
              <span class="sk-card__title">{i.title}</span>
              {i.text && <span class="sk-card__text">{i.text}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p class="sk-lead">{props.empty}</p>
      )}
      <TakeAlong
        ctx={ctx}
        url={props.phone.url}
        qr={props.phone.qr}
        label={L(ctx.locale, 'Auf dem Handy weiterlesen', 'Continue on your phone')}
      />
    </KioskLayout>
  );
}

interface ReportValues {
  category: string;
  description: string;
  address: string;
  email: string;
  name: string;
}

function ReportPage(
  props: Omit<KioskProps, 'title'> & {
    categories: { code: string; name: string }[];
    values: ReportValues;
    errors: FieldErrors;
  },
) {
  const { ctx, city, values: v, errors } = props;
  const title = L(ctx.locale, 'Mangel melden', 'Report a defect');
  return (
    <KioskLayout {...props} title={title}>
      <h1 class="sk-title">{title}</h1>
      <p class="sk-lead">
        {L(
          ctx.locale,
          'Ohne Anmeldung. Die E-Mail-Adresse ist freiwillig: dann erhalten Sie Nachricht über den Stand.',
          'No login. The e-mail address is optional: then you get news on progress.',
        )}
      </p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form
        method="post"
        action={ctx.href(`/kiosk/${city.slug}/maengel`)}
        class="sk-form"
        novalidate
        autocomplete="off"
      >
        <CsrfField ctx={ctx} />
        <SelectField
          ctx={ctx}
          name="category"
          label={L(ctx.locale, 'Was ist das Problem?', 'What is the problem?')}
          value={v.category}
          error={errors.category}
          options={[
            { value: '', label: L(ctx.locale, 'Bitte wählen', 'Please choose') },
            ...props.categories.map((c) => ({ value: c.code, label: c.name })),
          ]}
        />
        <TextArea
          ctx={ctx}
          name="description"
          label={L(ctx.locale, 'Beschreibung', 'Description')}
          value={v.description}
          error={errors.description}
          rows={4}
          maxLength={4000}
        />
        <TextField
          ctx={ctx}
          name="address"
          label={L(
            ctx.locale,
            'Wo? (Straße, Hausnummer oder Beschreibung)',
            'Where? (street or description)',
          )}
          value={v.address}
          error={errors.address}
          maxLength={300}
          autocomplete="off"
        />
        <TextField
          ctx={ctx}
          name="email"
          type="email"
          label={L(ctx.locale, 'E-Mail-Adresse', 'E-mail address')}
          value={v.email}
          error={errors.email}
          optional
          autocomplete="off"
          inputMode="email"
        />
        <TextField
          ctx={ctx}
          name="name"
          label={L(ctx.locale, 'Name', 'Name')}
          value={v.name}
          error={errors.name}
          optional
          autocomplete="off"
          maxLength={120}
        />
        <button type="submit" class="sk-btn">
          {L(ctx.locale, 'Meldung absenden', 'Send report')}
        </button>
      </form>
    </KioskLayout>
  );
}

function ThanksPage(
  props: Omit<KioskProps, 'title'> & { id: number; withEmail: boolean; phone: { url: string; qr: string } },
) {
  const { ctx } = props;
  const title = L(ctx.locale, 'Vielen Dank!', 'Thank you!');
  return (
    <KioskLayout {...props} title={title}>
      <h1 class="sk-title">{title}</h1>
      <p class="sk-lead">
        {L(
          ctx.locale,
          `Ihre Meldung Nr. ${props.id} ist eingegangen.`,
          `Your report no. ${props.id} has been received.`,
        )}{' '}
        {props.withEmail
          ? L(
              ctx.locale,
              'Bitte bestätigen Sie sie über den Link in der E-Mail.',
              'Please confirm it with the link in the e-mail.',
            )
          : L(
              ctx.locale,
              'Sie wird geprüft und dann veröffentlicht.',
              'It will be checked and then published.',
            )}
      </p>
      <TakeAlong
        ctx={ctx}
        url={props.phone.url}
        qr={props.phone.qr}
        label={L(ctx.locale, 'Meldungen der Stadt ansehen', 'See the city’s reports')}
      />
    </KioskLayout>
  );
}

const EMPTY_REPORT: ReportValues = { category: '', description: '', address: '', email: '', name: '' };

export async function kioskRoutes(app: FastifyInstance) {
  const db = app.database.db;
  const { baseUrl } = app.config;

  type CityReq = FastifyRequest<{ Params: { city: string } }>;
  async function kiosk(request: CityReq) {
    const city = (await app.tenancy()).cities.find((c) => c.slug === request.params.city);
    if (!city) throw notFound('Diese Stadt gibt es nicht.');
    return { ctx: await request.pageContext(city), city, idleSeconds: await kioskIdleSeconds(db, city.id) };
  }
  const phone = async (path: string) => ({ url: baseUrl + path, qr: await qrSvg(baseUrl + path) });
  // Nothing a person typed may survive in a cache of the terminal's browser.
  // biome-ignore lint/suspicious/noExplicitAny: page components have their own props
  const send = (reply: FastifyReply, node: VNode<any>, status = 200) =>
    reply.header('cache-control', 'no-store').page(node, status);

  app.get<{ Params: { city: string } }>('/kiosk/:city', { schema: { hide: true } }, async (request, reply) =>
    send(reply, h(StartPage, await kiosk(request))),
  );

  app.get<{ Params: { city: string }; Querystring: { q?: string } }>(
    '/kiosk/:city/angebote',
    { schema: { hide: true } },
    async (request, reply) => {
      const k = await kiosk(request);
      const q = String(request.query.q ?? '').slice(0, 200);
      const result = await searchOffers(db, { q, cityId: k.city.id, perPage: 20 });
      return send(reply, h(OffersPage, { ...k, q, offers: result.offers, total: result.total }));
    },
  );

  app.get<{ Params: { city: string; id: string } }>(
    '/kiosk/:city/angebote/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const k = await kiosk(request);
      const offer = /^[0-9a-f-]{36}$/.test(request.params.id)
        ? await getOffer(db, request.params.id)
        : undefined;
      if (offer?.status !== 'published' || (offer.cityId !== null && offer.cityId !== k.city.id))
        throw notFound('Dieses Angebot gibt es nicht.');
      const external: { label: string; url: string; qr: string }[] = [];
      if (offer.onlineServiceUrl)
        external.push({
          label: L(k.ctx.locale, 'Online-Dienst', 'Online service'),
          url: offer.onlineServiceUrl,
          qr: await qrSvg(offer.onlineServiceUrl),
        });
      if (offer.contact.website)
        external.push({
          label: L(k.ctx.locale, 'Webseite', 'Website'),
          url: offer.contact.website,
          qr: await qrSvg(offer.contact.website),
        });
      const own = `${offer.cityId === null ? '' : `/${k.city.slug}`}/angebote/${offer.slug}`;
      external.push({
        label: L(k.ctx.locale, 'Diese Seite auf dem Handy', 'This page on your phone'),
        ...(await phone(own)),
      });
      return send(reply, h(OfferPage, { ...k, offer, external }));
    },
  );

  app.get<{ Params: { city: string } }>(
    '/kiosk/:city/veranstaltungen',
    { schema: { hide: true } },
    async (request, reply) => {
      const k = await kiosk(request);
      const items = await listFor('events', db, k.city.id, new Date(), 20).catch(() => null);
      return send(
        reply,
        h(ListPage, {
          ...k,
          title: L(k.ctx.locale, 'Veranstaltungen', 'Events'),
          items: items ?? null,
          empty: L(
            k.ctx.locale,
            'Zurzeit sind keine Veranstaltungen angekündigt.',
            'No events announced at the moment.',
          ),
          phone: await phone(`/${k.city.slug}/veranstaltungen`),
        }),
      );
    },
  );

  app.get<{ Params: { city: string } }>(
    '/kiosk/:city/stadtdaten',
    { schema: { hide: true } },
    async (request, reply) => {
      const k = await kiosk(request);
      const readings = await sensorReadings(db, k.city.id).catch(() => null);
      return send(
        reply,
        h(ListPage, {
          ...k,
          title: L(k.ctx.locale, 'Stadtdaten', 'City data'),
          items:
            readings?.map((r) => ({
              title: `${r.label}: ${r.value} ${r.unit}`,
              text: [
                r.warning && `${L(k.ctx.locale, 'Warnung', 'Warning')}: ${r.warning}`,
                r.simulated && L(k.ctx.locale, 'simulierter Wert', 'simulated value'),
              ]
                .filter(Boolean)
                .join(' · '),
              when: r.observedAt,
            })) ?? null,
          empty: L(k.ctx.locale, 'Zurzeit liegen keine Messwerte vor.', 'No readings at the moment.'),
          phone: await phone(`/${k.city.slug}/stadtdaten`),
        }),
      );
    },
  );

  async function reportForm(
    request: CityReq,
    reply: FastifyReply,
    values: ReportValues,
    errors: FieldErrors,
  ) {
    const k = await kiosk(request);
    const categories = (await categoriesOf(db, k.city.id)).map((c) => ({ code: c.code, name: c.name }));
    return send(
      reply,
      h(ReportPage, { ...k, categories, values, errors }),
      Object.keys(errors).length ? 422 : 200,
    );
  }

  app.get<{ Params: { city: string } }>(
    '/kiosk/:city/maengel',
    { schema: { hide: true } },
    (request, reply) => reportForm(request, reply, EMPTY_REPORT, {}),
  );

  app.post<{ Params: { city: string } }>(
    '/kiosk/:city/maengel',
    { schema: { hide: true } },
    async (request, reply) => {
      const k = await kiosk(request);
      const values: ReportValues = {
        category: formString(request.body, 'category'),
        description: formString(request.body, 'description'),
        address: formString(request.body, 'address'),
        email: formString(request.body, 'email'),
        name: formString(request.body, 'name'),
      };
      try {
        // The reports module's own rules: same validation, same workflow as the web form.
        const created = await createReport(db, {
          fallbackCity: k.city,
          categoryCode: values.category,
          description: values.description,
          address: values.address,
          reporter: { name: values.name || undefined, email: values.email || undefined },
          source: 'web',
          baseUrl,
        });
        return send(
          reply,
          h(ThanksPage, {
            ...k,
            id: created.id,
            withEmail: Boolean(values.email),
            phone: await phone(`/${k.city.slug}/maengel`),
          }),
        );
      } catch (err) {
        if (err instanceof HttpError && err.details?.errors)
          return reportForm(request, reply, values, err.details.errors);
        throw err;
      }
    },
  );
}

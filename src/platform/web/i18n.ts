/** German first, English second. Keys are shared by pages; modules add their own with addMessages. */
export type Locale = 'de' | 'en';
export const LOCALES: Locale[] = ['de', 'en'];

type Messages = Record<string, string>;

const catalog: Record<Locale, Messages> = {
  de: {
    'site.name': 'Stadtplattform',
    'site.demo': 'Demo: Alle Inhalte sind Beispieldaten und keine echten Angebote der Städte.',
    'nav.skip': 'Zum Inhalt springen',
    'nav.main': 'Hauptnavigation',
    'nav.city': 'Stadt wählen',
    'nav.region': 'Ganze Region',
    'nav.language': 'Sprache',
    'nav.offers': 'Angebote & Dienste',
    'nav.lifeSituations': 'Lebenslagen',
    'nav.login': 'Anmelden',
    'nav.logout': 'Abmelden',
    'nav.register': 'Registrieren',
    'nav.account': 'Mein Konto',
    'nav.admin': 'Verwaltung',
    'nav.breadcrumb': 'Sie sind hier',
    'footer.imprint': 'Impressum',
    'footer.privacy': 'Datenschutz',
    'footer.accessibility': 'Barrierefreiheit',
    'footer.easyLanguage': 'Leichte Sprache',
    'footer.api': 'Offene Schnittstellen (API)',
    'footer.license': 'Freie Software unter der EUPL-1.2',
    'form.errorSummary': 'Es gibt ein Problem',
    'form.optional': '(optional)',
    'form.save': 'Speichern',
    'form.cancel': 'Abbrechen',
    'pager.label': 'Seitennavigation',
    'pager.prev': 'Vorherige Seite',
    'pager.next': 'Nächste Seite',
    'pager.page': 'Seite {n}',
    'error.404.title': 'Seite nicht gefunden',
    'error.404.text': 'Die Adresse ist falsch oder die Seite gibt es nicht mehr.',
    'error.401.title': 'Anmeldung erforderlich',
    'error.401.text': 'Bitte melden Sie sich an, um diese Seite zu nutzen.',
    'error.403.title': 'Kein Zugriff',
    'error.403.text': 'Sie haben keine Berechtigung für diese Seite oder Aktion.',
    'error.429.title': 'Zu viele Anfragen',
    'error.429.text':
      'Sie haben in kurzer Zeit zu viele Anfragen gesendet. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.',
    'error.413.title': 'Die Daten sind zu groß',
    'error.413.text':
      'Die gesendeten Daten überschreiten die erlaubte Größe. Bitte senden Sie weniger oder kleinere Daten.',
    'error.400.title': 'Ungültige Anfrage',
    'error.csrf.text':
      'Das Formular ist abgelaufen oder wurde nicht von dieser Seite gesendet. Bitte laden Sie die Seite neu und senden Sie es noch einmal.',
    'error.500.title': 'Ein Fehler ist aufgetreten',
    'error.500.text': 'Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es später noch einmal.',
    'error.home': 'Zur Startseite',
  },
  en: {
    'site.name': 'City platform',
    'site.demo': 'Demo: all content is sample data, not real services of the cities.',
    'nav.skip': 'Skip to content',
    'nav.main': 'Main navigation',
    'nav.city': 'Choose city',
    'nav.region': 'Whole region',
    'nav.language': 'Language',
    'nav.offers': 'Services & offers',
    'nav.lifeSituations': 'Life situations',
    'nav.login': 'Sign in',
    'nav.logout': 'Sign out',
    'nav.register': 'Register',
    'nav.account': 'My account',
    'nav.admin': 'Administration',
    'nav.breadcrumb': 'You are here',
    'footer.imprint': 'Legal notice',
    'footer.privacy': 'Privacy',
    'footer.accessibility': 'Accessibility',
    'footer.easyLanguage': 'Easy language (German)',
    'footer.api': 'Open interfaces (API)',
    'footer.license': 'Free software under the EUPL-1.2',
    'form.errorSummary': 'There is a problem',
    'form.optional': '(optional)',
    'form.save': 'Save',
    'form.cancel': 'Cancel',
    'pager.label': 'Pagination',
    'pager.prev': 'Previous page',
    'pager.next': 'Next page',
    'pager.page': 'Page {n}',
    'error.404.title': 'Page not found',
    'error.404.text': 'The address is wrong or the page no longer exists.',
    'error.401.title': 'Sign-in required',
    'error.401.text': 'Please sign in to use this page.',
    'error.403.title': 'Access denied',
    'error.403.text': 'You are not allowed to see this page or do this.',
    'error.429.title': 'Too many requests',
    'error.429.text': 'You sent too many requests in a short time. Please wait a few minutes and try again.',
    'error.413.title': 'The data is too large',
    'error.413.text': 'The data you sent is larger than allowed. Please send less or smaller data.',
    'error.400.title': 'Bad request',
    'error.csrf.text':
      'The form has expired or was not sent from this site. Please reload the page and send it again.',
    'error.500.title': 'Something went wrong',
    'error.500.text': 'Something went wrong on our side. Please try again later.',
    'error.home': 'Go to the start page',
  },
};

/** Modules register their messages at import time; later keys win so a module can refine a label. */
export function addMessages(messages: Record<Locale, Messages>): void {
  for (const locale of LOCALES) Object.assign(catalog[locale], messages[locale]);
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, params) => {
    const text = catalog[locale][key] ?? catalog.de[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  };
}

/** Paths carry the language: /en/aalen/ is the English Aalen portal, /aalen/ the German one. */
export function localePath(locale: Locale, path: string): string {
  if (locale === 'de') return path;
  return path === '/' ? '/en/' : `/en${path}`;
}

export function splitLocale(url: string): { locale: Locale; url: string } {
  if (url === '/en' || url.startsWith('/en/') || url.startsWith('/en?')) {
    const rest = url.slice(3);
    return { locale: 'en', url: rest === '' || rest.startsWith('?') ? `/${rest}` : rest };
  }
  return { locale: 'de', url };
}

const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  de: new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeZone: 'Europe/Berlin' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/Berlin' }),
};

export function formatDate(locale: Locale, date: Date | string): string {
  return dateFormats[locale].format(typeof date === 'string' ? new Date(date) : date);
}

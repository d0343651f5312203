/** Account pages: registration, confirmation, login, password reset, the account itself. */
import type { ComponentChildren } from 'preact';
import type { City } from '../tenancy/service.ts';
import type { PageContext } from '../web/context.ts';
import { CsrfField, ErrorSummary, type FieldErrors, fieldId, TextField } from '../web/forms.tsx';
import { addMessages, formatDate } from '../web/i18n.ts';
import { Layout } from '../web/layout.tsx';
import type { RoleAssignment } from './service.ts';

addMessages({
  de: {
    'auth.email': 'E-Mail-Adresse',
    'auth.password': 'Passwort',
    'auth.displayName': 'Anzeigename',
    'auth.displayNameHint':
      'So erscheinen Sie auf der Plattform, z. B. bei Beiträgen. Es muss nicht Ihr voller Name sein.',
    'auth.passwordHint':
      'Mindestens 10 Zeichen. Ein langer Satz ist sicherer als ein kurzes, kompliziertes Wort.',
    'auth.register.title': 'Registrieren',
    'auth.register.intro':
      'Mit einem Konto können Sie sich an der Plattform beteiligen. Wir schicken Ihnen eine E-Mail, mit der Sie Ihre Adresse bestätigen.',
    'auth.register.consent':
      'Ich habe die Datenschutzhinweise gelesen und bin einverstanden, dass meine Angaben für mein Konto gespeichert werden.',
    'auth.register.privacyLink': 'Datenschutzhinweise lesen',
    'auth.register.submit': 'Konto anlegen',
    'auth.register.haveAccount': 'Sie haben schon ein Konto?',
    'auth.checkMail.title': 'Bitte prüfen Sie Ihr Postfach',
    'auth.checkMail.register':
      'Wir haben eine E-Mail an {email} geschickt. Bitte öffnen Sie den Link darin, um Ihre Adresse zu bestätigen. Der Link ist 48 Stunden gültig.',
    'auth.checkMail.resend':
      'Wenn zu {email} ein Konto gehört, das noch nicht bestätigt ist, haben wir einen neuen Bestätigungslink geschickt.',
    'auth.checkMail.forgot':
      'Wenn zu {email} ein Konto gehört, haben wir eine E-Mail mit einem Link zum Zurücksetzen des Passworts geschickt. Der Link ist {minutes} Minuten gültig.',
    'auth.checkMail.spam': 'Keine E-Mail erhalten? Sehen Sie bitte auch im Spam-Ordner nach.',
    'auth.confirm.pendingTitle': 'E-Mail-Adresse bestätigen',
    'auth.confirm.pending':
      'Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse ist und Sie das Konto angelegt haben.',
    'auth.confirm.submit': 'E-Mail-Adresse bestätigen',
    'auth.confirm.okTitle': 'E-Mail-Adresse bestätigt',
    'auth.confirm.ok': 'Vielen Dank. Ihre E-Mail-Adresse ist bestätigt, Sie können sich jetzt anmelden.',
    'auth.confirm.failTitle': 'Der Link funktioniert nicht',
    'auth.confirm.expired': 'Dieser Bestätigungslink ist abgelaufen. Links sind 48 Stunden gültig.',
    'auth.confirm.used':
      'Dieser Bestätigungslink wurde schon verwendet. Ist Ihre Adresse bestätigt, können Sie sich einfach anmelden.',
    'auth.confirm.unknown':
      'Diesen Bestätigungslink kennen wir nicht. Bitte kopieren Sie den Link vollständig aus der E-Mail.',
    'auth.confirm.again': 'Neuen Bestätigungslink anfordern',
    'auth.confirm.againSubmit': 'Link senden',
    'auth.login.title': 'Anmelden',
    'auth.login.submit': 'Anmelden',
    'auth.login.failed': 'E-Mail-Adresse oder Passwort sind falsch.',
    'auth.login.unconfirmed':
      'Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse mit dem Link aus unserer E-Mail. Sie können einen neuen Link anfordern.',
    'auth.login.disabled': 'Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Stadtverwaltung.',
    'auth.login.forgot': 'Passwort vergessen?',
    'auth.login.noAccount': 'Noch kein Konto?',
    'auth.login.or': 'Oder',
    'auth.login.oidc': 'Mit {name} anmelden',
    'auth.login.loggedIn': 'Sie sind als {name} angemeldet.',
    'auth.throttle.title': 'Zu viele Fehlversuche',
    'auth.throttle.text':
      'Zu viele Fehlversuche: Zum Schutz Ihres Kontos ist die Anmeldung vorübergehend gesperrt. Bitte warten Sie {minutes} Minuten und versuchen Sie es dann erneut.',
    'auth.throttle.forgot': 'Haben Sie Ihr Passwort vergessen? Sie können es zurücksetzen.',
    'auth.forgot.title': 'Passwort vergessen',
    'auth.forgot.intro':
      'Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir schicken Ihnen einen Link, mit dem Sie ein neues Passwort festlegen.',
    'auth.forgot.submit': 'Link anfordern',
    'auth.reset.title': 'Neues Passwort festlegen',
    'auth.reset.newPassword': 'Neues Passwort',
    'auth.reset.submit': 'Passwort speichern',
    'auth.reset.failTitle': 'Der Link funktioniert nicht',
    'auth.reset.expired':
      'Dieser Link zum Zurücksetzen ist abgelaufen. Aus Sicherheitsgründen gilt er nur {minutes} Minuten.',
    'auth.reset.used': 'Dieser Link wurde schon verwendet. Jeder Link funktioniert nur einmal.',
    'auth.reset.unknown':
      'Diesen Link kennen wir nicht. Bitte kopieren Sie den Link vollständig aus der E-Mail.',
    'auth.reset.again': 'Neuen Link anfordern',
    'auth.reset.doneTitle': 'Passwort geändert',
    'auth.reset.done':
      'Ihr neues Passwort ist gespeichert. Aus Sicherheitsgründen wurden Sie überall abgemeldet. Bitte melden Sie sich neu an.',
    'auth.account.title': 'Mein Konto',
    'auth.account.data': 'Ihre Angaben',
    'auth.account.roles': 'Ihre Aufgaben in der Verwaltung',
    'auth.account.role': 'Rolle',
    'auth.account.where': 'Zuständigkeit',
    'auth.account.noRoles': 'Sie haben keine Aufgaben in der Verwaltung.',
    'auth.account.region': 'Ganze Region',
    'auth.account.since': 'Konto angelegt am {date}',
    'auth.account.oidc': 'Sie melden sich über {name} an.',
    'auth.account.nameTitle': 'Anzeigenamen ändern',
    'auth.account.passwordTitle': 'Passwort ändern',
    'auth.account.currentPassword': 'Aktuelles Passwort',
    'auth.account.newPassword': 'Neues Passwort',
    'auth.account.noPassword':
      'Ihr Konto hat noch kein Passwort, weil Sie sich über einen Anmeldedienst anmelden. Ein Passwort können Sie über „Passwort vergessen“ festlegen.',
    'auth.account.passwordSubmit': 'Passwort ändern',
    'auth.account.deleteTitle': 'Konto löschen',
    'auth.account.deleteText':
      'Wenn Sie Ihr Konto löschen, werden Ihre Anmeldedaten und Ihre Zuständigkeiten sofort entfernt. Das lässt sich nicht rückgängig machen.',
    'auth.account.deleteConfirm': 'Ja, ich möchte mein Konto endgültig löschen.',
    'auth.account.deleteSubmit': 'Konto löschen',
    'auth.account.saved.name': 'Ihr Anzeigename wurde gespeichert.',
    'auth.account.saved.password':
      'Ihr neues Passwort ist gespeichert. Auf allen anderen Geräten wurden Sie abgemeldet.',
    'auth.account.deletedTitle': 'Konto gelöscht',
    'auth.account.deleted': 'Ihr Konto wurde gelöscht. Vielen Dank, dass Sie die Plattform genutzt haben.',
    'auth.oidc.failTitle': 'Anmeldung nicht möglich',
    'auth.oidc.failed':
      'Die Anmeldung über {name} wurde abgebrochen oder ist fehlgeschlagen. Bitte versuchen Sie es noch einmal.',
    'auth.oidc.expired':
      'Die Anmeldung hat zu lange gedauert oder wurde in einem anderen Fenster begonnen. Bitte versuchen Sie es noch einmal.',
    'auth.oidc.noEmail':
      '{name} hat uns keine E-Mail-Adresse übermittelt. Ohne E-Mail-Adresse können wir kein Konto anlegen.',
    'auth.oidc.emailTaken':
      'Zu dieser E-Mail-Adresse gibt es schon ein Konto, das mit einer anderen Anmeldung verbunden ist. Bitte melden Sie sich mit Ihrem Passwort an.',
    'auth.oidc.disabled': 'Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Stadtverwaltung.',
    'auth.oidc.unavailable':
      'Der Anmeldedienst {name} ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.',
    'auth.tryAgain': 'Zur Anmeldung',
    'auth.err.email': 'Geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.',
    'auth.err.displayName': 'Geben Sie einen Anzeigenamen mit 2 bis 60 Zeichen ein.',
    'auth.err.passwordShort': 'Das Passwort muss mindestens 10 Zeichen lang sein.',
    'auth.err.passwordLong': 'Das Passwort darf höchstens 200 Zeichen lang sein.',
    'auth.err.passwordCommon':
      'Dieses Passwort ist sehr verbreitet und wird bei Angriffen zuerst ausprobiert. Bitte wählen Sie ein anderes.',
    'auth.err.passwordEmail': 'Das Passwort darf nicht Ihre E-Mail-Adresse sein.',
    'auth.err.passwordMissing': 'Geben Sie Ihr Passwort ein.',
    'auth.err.consent': 'Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.',
    'auth.err.currentPassword': 'Das aktuelle Passwort ist falsch.',
    'auth.err.deleteConfirm': 'Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten.',
    'auth.err.lastAdmin':
      'Sie sind die letzte Administration der ganzen Region. Ernennen Sie zuerst eine andere Person, bevor Sie Ihr Konto löschen.',
    'auth.mail.greeting': 'Hallo {name},',
    'auth.mail.confirm.subject': 'Bitte bestätigen Sie Ihre E-Mail-Adresse',
    'auth.mail.confirm.text':
      'bitte bestätigen Sie Ihre E-Mail-Adresse für die Stadtplattform mit diesem Link (48 Stunden gültig):',
    'auth.mail.confirm.ignore': 'Haben Sie sich nicht registriert? Dann ignorieren Sie diese E-Mail einfach.',
    'auth.mail.exists.subject': 'Registrierung mit Ihrer E-Mail-Adresse',
    'auth.mail.exists.text':
      'jemand hat versucht, mit Ihrer E-Mail-Adresse ein neues Konto anzulegen. Sie haben aber schon ein Konto. Hier können Sie sich anmelden:',
    'auth.mail.exists.forgot': 'Passwort vergessen? Hier legen Sie ein neues fest:',
    'auth.mail.exists.ignore':
      'Waren Sie das nicht, können Sie diese E-Mail ignorieren. Ihr Konto bleibt unverändert.',
    'auth.mail.reset.subject': 'Passwort zurücksetzen',
    'auth.mail.reset.text': 'mit diesem Link legen Sie ein neues Passwort fest (gültig {minutes} Minuten):',
    'auth.mail.reset.ignore':
      'Haben Sie das nicht angefordert? Dann ignorieren Sie diese E-Mail; Ihr Passwort bleibt unverändert.',
    'auth.mail.signature': 'Ihre Stadtplattform',
  },
  en: {
    'auth.email': 'Email address',
    'auth.password': 'Password',
    'auth.displayName': 'Display name',
    'auth.displayNameHint':
      'How you appear on the platform, for example next to your posts. It need not be your full name.',
    'auth.passwordHint': 'At least 10 characters. A long sentence is safer than a short, complicated word.',
    'auth.register.title': 'Register',
    'auth.register.intro':
      'With an account you can take part on the platform. We will send you an email to confirm your address.',
    'auth.register.consent':
      'I have read the privacy notice and agree that my details are stored for my account.',
    'auth.register.privacyLink': 'Read the privacy notice',
    'auth.register.submit': 'Create account',
    'auth.register.haveAccount': 'Already have an account?',
    'auth.checkMail.title': 'Please check your inbox',
    'auth.checkMail.register':
      'We sent an email to {email}. Please open the link in it to confirm your address. The link is valid for 48 hours.',
    'auth.checkMail.resend':
      'If {email} belongs to an account that is not confirmed yet, we have sent a new confirmation link.',
    'auth.checkMail.forgot':
      'If {email} belongs to an account, we have sent an email with a link to reset the password. The link is valid for {minutes} minutes.',
    'auth.checkMail.spam': 'No email? Please also look in your spam folder.',
    'auth.confirm.pendingTitle': 'Confirm your email address',
    'auth.confirm.pending':
      'Please confirm that this is your email address and that you created the account.',
    'auth.confirm.submit': 'Confirm email address',
    'auth.confirm.okTitle': 'Email address confirmed',
    'auth.confirm.ok': 'Thank you. Your email address is confirmed; you can sign in now.',
    'auth.confirm.failTitle': 'This link does not work',
    'auth.confirm.expired': 'This confirmation link has expired. Links are valid for 48 hours.',
    'auth.confirm.used':
      'This confirmation link has already been used. If your address is confirmed, simply sign in.',
    'auth.confirm.unknown':
      'We do not know this confirmation link. Please copy the complete link from the email.',
    'auth.confirm.again': 'Request a new confirmation link',
    'auth.confirm.againSubmit': 'Send link',
    'auth.login.title': 'Sign in',
    'auth.login.submit': 'Sign in',
    'auth.login.failed': 'Email address or password is wrong.',
    'auth.login.unconfirmed':
      'Please confirm your email address first with the link from our email. You can request a new link.',
    'auth.login.disabled': 'This account is locked. Please contact the city administration.',
    'auth.login.forgot': 'Forgot your password?',
    'auth.login.noAccount': 'No account yet?',
    'auth.login.or': 'Or',
    'auth.login.oidc': 'Sign in with {name}',
    'auth.login.loggedIn': 'You are signed in as {name}.',
    'auth.throttle.title': 'Too many failed attempts',
    'auth.throttle.text':
      'Too many failed attempts: to protect your account, signing in is blocked for a while. Please wait {minutes} minutes and try again.',
    'auth.throttle.forgot': 'Forgot your password? You can reset it.',
    'auth.forgot.title': 'Forgot password',
    'auth.forgot.intro':
      'Enter the email address of your account. We will send you a link to set a new password.',
    'auth.forgot.submit': 'Request link',
    'auth.reset.title': 'Set a new password',
    'auth.reset.newPassword': 'New password',
    'auth.reset.submit': 'Save password',
    'auth.reset.failTitle': 'This link does not work',
    'auth.reset.expired':
      'This reset link has expired. For your security it is only valid for {minutes} minutes.',
    'auth.reset.used': 'This link has already been used. Each link works only once.',
    'auth.reset.unknown': 'We do not know this link. Please copy the complete link from the email.',
    'auth.reset.again': 'Request a new link',
    'auth.reset.doneTitle': 'Password changed',
    'auth.reset.done':
      'Your new password is saved. For your security you have been signed out everywhere. Please sign in again.',
    'auth.account.title': 'My account',
    'auth.account.data': 'Your details',
    'auth.account.roles': 'Your tasks in the administration',
    'auth.account.role': 'Role',
    'auth.account.where': 'Responsible for',
    'auth.account.noRoles': 'You have no tasks in the administration.',
    'auth.account.region': 'Whole region',
    'auth.account.since': 'Account created on {date}',
    'auth.account.oidc': 'You sign in with {name}.',
    'auth.account.nameTitle': 'Change display name',
    'auth.account.passwordTitle': 'Change password',
    'auth.account.currentPassword': 'Current password',
    'auth.account.newPassword': 'New password',
    'auth.account.noPassword':
      'Your account has no password yet because you sign in with an identity service. You can set one with “Forgot your password?”.',
    'auth.account.passwordSubmit': 'Change password',
    'auth.account.deleteTitle': 'Delete account',
    'auth.account.deleteText':
      'If you delete your account, your sign-in details and your responsibilities are removed at once. This cannot be undone.',
    'auth.account.deleteConfirm': 'Yes, I want to delete my account for good.',
    'auth.account.deleteSubmit': 'Delete account',
    'auth.account.saved.name': 'Your display name has been saved.',
    'auth.account.saved.password':
      'Your new password is saved. You have been signed out on all other devices.',
    'auth.account.deletedTitle': 'Account deleted',
    'auth.account.deleted': 'Your account has been deleted. Thank you for using the platform.',
    'auth.oidc.failTitle': 'Sign-in not possible',
    'auth.oidc.failed': 'Signing in with {name} was cancelled or failed. Please try again.',
    'auth.oidc.expired': 'Signing in took too long or was started in another window. Please try again.',
    'auth.oidc.noEmail': '{name} did not send us an email address. Without one we cannot create an account.',
    'auth.oidc.emailTaken':
      'There already is an account with this email address, linked to another sign-in. Please sign in with your password.',
    'auth.oidc.disabled': 'This account is locked. Please contact the city administration.',
    'auth.oidc.unavailable':
      'The sign-in service {name} cannot be reached right now. Please try again later.',
    'auth.tryAgain': 'Back to sign-in',
    'auth.err.email': 'Enter a valid email address, for example name@example.com.',
    'auth.err.displayName': 'Enter a display name of 2 to 60 characters.',
    'auth.err.passwordShort': 'The password must have at least 10 characters.',
    'auth.err.passwordLong': 'The password may have at most 200 characters.',
    'auth.err.passwordCommon':
      'This password is very common and is tried first in attacks. Please choose another one.',
    'auth.err.passwordEmail': 'The password must not be your email address.',
    'auth.err.passwordMissing': 'Enter your password.',
    'auth.err.consent': 'Please confirm that you have read the privacy notice.',
    'auth.err.currentPassword': 'The current password is wrong.',
    'auth.err.deleteConfirm': 'Please confirm that you want to delete your account.',
    'auth.err.lastAdmin':
      'You are the last administrator of the whole region. Appoint someone else first before deleting your account.',
    'auth.mail.greeting': 'Hello {name},',
    'auth.mail.confirm.subject': 'Please confirm your email address',
    'auth.mail.confirm.text':
      'please confirm your email address for the city platform with this link (valid for 48 hours):',
    'auth.mail.confirm.ignore': 'Did not register? Then simply ignore this email.',
    'auth.mail.exists.subject': 'Registration with your email address',
    'auth.mail.exists.text':
      'someone tried to create a new account with your email address. But you already have an account. Sign in here:',
    'auth.mail.exists.forgot': 'Forgot your password? Set a new one here:',
    'auth.mail.exists.ignore':
      'If this was not you, you can ignore this email. Your account stays unchanged.',
    'auth.mail.reset.subject': 'Reset your password',
    'auth.mail.reset.text': 'use this link to set a new password (valid for {minutes} minutes):',
    'auth.mail.reset.ignore': 'Did not request this? Then ignore this email; your password stays unchanged.',
    'auth.mail.signature': 'Your city platform',
  },
});

export const ROLE_LABELS: Record<string, { de: string; en: string }> = {
  admin: { de: 'Administration', en: 'Administration' },
  editor: { de: 'Redaktion', en: 'Editor' },
  moderator: { de: 'Moderation', en: 'Moderator' },
  case_worker: { de: 'Sachbearbeitung', en: 'Case worker' },
  partner: { de: 'Bonus-Partner', en: 'Bonus partner' },
};

export const roleLabel = (ctx: PageContext, role: string) => ROLE_LABELS[role]?.[ctx.locale] ?? role;

export const cityLabel = (ctx: PageContext, cities: City[], cityId: number | null) =>
  cityId === null
    ? ctx.t('auth.account.region')
    : (cities.find((c) => c.id === cityId)?.name ?? String(cityId));

/** A page with one heading, some text and an optional form or links: most account answers. */
export function MessagePage(props: {
  ctx: PageContext;
  title: string;
  text: string | string[];
  tone?: 'info' | 'success' | 'danger';
  children?: ComponentChildren;
}) {
  const { ctx } = props;
  const texts = Array.isArray(props.text) ? props.text : [props.text];
  return (
    <Layout ctx={ctx} title={props.title}>
      <h1 class="kern-heading-large">{props.title}</h1>
      <div
        class={`kern-alert kern-alert--${props.tone ?? 'info'}`}
        role={props.tone === 'danger' ? 'alert' : 'status'}
      >
        <div class="kern-alert__body">
          {texts.map((p) => (
            <p class="kern-body" key={p}>
              {p}
            </p>
          ))}
        </div>
      </div>
      {props.children}
    </Layout>
  );
}

function Submit({ label, secondary }: { label: string; secondary?: boolean }) {
  return (
    <button type="submit" class={secondary ? 'kern-btn kern-btn--secondary' : 'kern-btn kern-btn--primary'}>
      <span class="kern-label">{label}</span>
    </button>
  );
}

function Checkbox(props: { name: string; label: string; error?: string | undefined; checked?: boolean }) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'kern-form-check kern-form-check--error' : 'kern-form-check'}>
      {props.error && (
        <p class="kern-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
      <input
        class="kern-form-check__checkbox"
        type="checkbox"
        id={id}
        name={props.name}
        value="ja"
        checked={props.checked}
        aria-describedby={props.error ? `${id}-error` : undefined}
        aria-invalid={props.error ? 'true' : undefined}
      />
      <label class="kern-label" for={id}>
        {props.label}
      </label>
    </div>
  );
}

// ---- registration and confirmation ----

export interface RegisterValues {
  email: string;
  displayName: string;
  consent: boolean;
}

export function RegisterPage({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext;
  values: RegisterValues;
  errors: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('auth.register.title')}>
      <h1 class="kern-heading-large">{t('auth.register.title')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="kern-body">{t('auth.register.intro')}</p>
      <form method="post" action={ctx.href('/register')} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="email"
          type="email"
          label={t('auth.email')}
          autocomplete="email"
          value={values.email}
          error={errors.email}
          maxLength={254}
          required
        />
        <TextField
          ctx={ctx}
          name="displayName"
          label={t('auth.displayName')}
          hint={t('auth.displayNameHint')}
          autocomplete="nickname"
          value={values.displayName}
          error={errors.displayName}
          maxLength={60}
          required
        />
        <TextField
          ctx={ctx}
          name="password"
          type="password"
          label={t('auth.password')}
          hint={t('auth.passwordHint')}
          autocomplete="new-password"
          error={errors.password}
          maxLength={200}
          required
        />
        <p class="kern-body">
          <a class="kern-link" href={ctx.href('/datenschutz')}>
            {t('auth.register.privacyLink')}
          </a>
        </p>
        <Checkbox
          name="consent"
          label={t('auth.register.consent')}
          error={errors.consent}
          checked={values.consent}
        />
        <Submit label={t('auth.register.submit')} />
      </form>
      <p class="kern-body">
        {t('auth.register.haveAccount')}{' '}
        <a class="kern-link" href={ctx.href('/login')}>
          {t('auth.login.title')}
        </a>
      </p>
    </Layout>
  );
}

export function CheckMailPage({
  ctx,
  kind,
  email,
  minutes,
}: {
  ctx: PageContext;
  kind: 'register' | 'resend' | 'forgot';
  email: string;
  minutes?: number;
}) {
  const { t } = ctx;
  return (
    <MessagePage
      ctx={ctx}
      title={t('auth.checkMail.title')}
      text={[t(`auth.checkMail.${kind}`, { email, minutes: minutes ?? 0 }), t('auth.checkMail.spam')]}
    />
  );
}

/** The "send the link again" form, shown under failed confirmation links and blocked logins. */
export function ResendForm({
  ctx,
  email,
  errors,
}: {
  ctx: PageContext;
  email?: string;
  errors?: FieldErrors;
}) {
  const { t } = ctx;
  return (
    <section aria-labelledby="resend-title">
      <h2 class="kern-heading-medium" id="resend-title">
        {t('auth.confirm.again')}
      </h2>
      <form method="post" action={ctx.href('/confirm/resend')} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="email"
          type="email"
          label={t('auth.email')}
          autocomplete="email"
          value={email}
          error={errors?.email}
          maxLength={254}
          required
        />
        <Submit label={t('auth.confirm.againSubmit')} secondary />
      </form>
    </section>
  );
}

export function ResendPage({ ctx, email, errors }: { ctx: PageContext; email: string; errors: FieldErrors }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('auth.confirm.again')}>
      <h1 class="kern-heading-large">{t('auth.confirm.again')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={ctx.href('/confirm/resend')} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="email"
          type="email"
          label={t('auth.email')}
          autocomplete="email"
          value={email}
          error={errors.email}
          maxLength={254}
          required
        />
        <Submit label={t('auth.confirm.againSubmit')} />
      </form>
    </Layout>
  );
}

/**
 * The page behind the mailed link. A live link first shows a button: mail scanners open links on
 * their own, and only a person's click (a POST) may confirm the address.
 */
export function ConfirmPage({
  ctx,
  result,
  token,
}: {
  ctx: PageContext;
  result: 'pending' | 'ok' | 'expired' | 'used' | 'unknown';
  token?: string;
}) {
  const { t } = ctx;
  if (result === 'pending') {
    return (
      <MessagePage ctx={ctx} title={t('auth.confirm.pendingTitle')} text={t('auth.confirm.pending')}>
        <form method="post" action={ctx.href('/confirm')}>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="token" value={token} />
          <Submit label={t('auth.confirm.submit')} />
        </form>
      </MessagePage>
    );
  }
  if (result === 'ok') {
    return (
      <MessagePage ctx={ctx} title={t('auth.confirm.okTitle')} text={t('auth.confirm.ok')} tone="success">
        <p class="kern-body">
          <a class="kern-btn kern-btn--primary" href={ctx.href('/login')}>
            <span class="kern-label">{t('auth.login.title')}</span>
          </a>
        </p>
      </MessagePage>
    );
  }
  return (
    <MessagePage
      ctx={ctx}
      title={t('auth.confirm.failTitle')}
      text={t(`auth.confirm.${result}`)}
      tone="danger"
    >
      <p class="kern-body">
        <a class="kern-link" href={ctx.href('/login')}>
          {t('auth.login.title')}
        </a>
      </p>
      <ResendForm ctx={ctx} />
    </MessagePage>
  );
}

// ---- login ----

export function LoginPage(props: {
  ctx: PageContext;
  email: string;
  next: string;
  errors: FieldErrors;
  /** Set when the account exists but is not confirmed yet: offer a new link. */
  unconfirmed?: boolean;
  oidcName?: string | undefined;
}) {
  const { ctx, errors } = props;
  const { t } = ctx;
  const nextQuery = props.next ? `?next=${encodeURIComponent(props.next)}` : '';
  return (
    <Layout ctx={ctx} title={t('auth.login.title')}>
      <h1 class="kern-heading-large">{t('auth.login.title')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      {ctx.user && <p class="kern-body">{t('auth.login.loggedIn', { name: ctx.user.displayName })}</p>}
      <form method="post" action={ctx.href(`/login${nextQuery}`)} novalidate>
        <CsrfField ctx={ctx} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <TextField
          ctx={ctx}
          name="email"
          type="email"
          label={t('auth.email')}
          autocomplete="username"
          value={props.email}
          error={errors.email}
          maxLength={254}
          required
        />
        <TextField
          ctx={ctx}
          name="password"
          type="password"
          label={t('auth.password')}
          autocomplete="current-password"
          error={errors.password}
          maxLength={200}
          required
        />
        <Submit label={t('auth.login.submit')} />
      </form>
      <ul class="sp-linklist">
        <li>
          <a class="kern-link" href={ctx.href('/password/forgot')}>
            {t('auth.login.forgot')}
          </a>
        </li>
        <li>
          {t('auth.login.noAccount')}{' '}
          <a class="kern-link" href={ctx.href('/register')}>
            {t('auth.register.title')}
          </a>
        </li>
      </ul>
      {props.unconfirmed && <ResendForm ctx={ctx} email={props.email} />}
      {props.oidcName && (
        <section aria-labelledby="oidc-title">
          <h2 class="kern-heading-medium" id="oidc-title">
            {t('auth.login.or')}
          </h2>
          <p class="kern-body">
            <a class="kern-btn kern-btn--secondary" href={ctx.href(`/auth/oidc/start${nextQuery}`)}>
              <span class="kern-label">{t('auth.login.oidc', { name: props.oidcName })}</span>
            </a>
          </p>
        </section>
      )}
    </Layout>
  );
}

export function ThrottledPage({ ctx, minutes }: { ctx: PageContext; minutes: number }) {
  const { t } = ctx;
  return (
    <MessagePage
      ctx={ctx}
      title={t('auth.throttle.title')}
      text={t('auth.throttle.text', { minutes })}
      tone="danger"
    >
      <p class="kern-body">
        {t('auth.throttle.forgot')}{' '}
        <a class="kern-link" href={ctx.href('/password/forgot')}>
          {t('auth.login.forgot')}
        </a>
      </p>
    </MessagePage>
  );
}

// ---- password reset ----

export function ForgotPage({ ctx, email, errors }: { ctx: PageContext; email: string; errors: FieldErrors }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('auth.forgot.title')}>
      <h1 class="kern-heading-large">{t('auth.forgot.title')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="kern-body">{t('auth.forgot.intro')}</p>
      <form method="post" action={ctx.href('/password/forgot')} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="email"
          type="email"
          label={t('auth.email')}
          autocomplete="email"
          value={email}
          error={errors.email}
          maxLength={254}
          required
        />
        <Submit label={t('auth.forgot.submit')} />
      </form>
    </Layout>
  );
}

export function ResetPage({ ctx, token, errors }: { ctx: PageContext; token: string; errors: FieldErrors }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('auth.reset.title')}>
      <h1 class="kern-heading-large">{t('auth.reset.title')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={ctx.href('/password/reset')} novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="token" value={token} />
        <TextField
          ctx={ctx}
          name="password"
          type="password"
          label={t('auth.reset.newPassword')}
          hint={t('auth.passwordHint')}
          autocomplete="new-password"
          error={errors.password}
          maxLength={200}
          required
        />
        <Submit label={t('auth.reset.submit')} />
      </form>
    </Layout>
  );
}

export function ResetFailedPage({
  ctx,
  reason,
  minutes,
}: {
  ctx: PageContext;
  reason: 'expired' | 'used' | 'unknown';
  minutes: number;
}) {
  const { t } = ctx;
  return (
    <MessagePage
      ctx={ctx}
      title={t('auth.reset.failTitle')}
      text={t(`auth.reset.${reason}`, { minutes })}
      tone="danger"
    >
      <p class="kern-body">
        <a class="kern-btn kern-btn--primary" href={ctx.href('/password/forgot')}>
          <span class="kern-label">{t('auth.reset.again')}</span>
        </a>
      </p>
    </MessagePage>
  );
}

// ---- account ----

export interface AccountView {
  email: string;
  displayName: string;
  hasPassword: boolean;
  oidcName: string | undefined;
  roles: RoleAssignment[];
  createdAt: Date;
}

export function AccountPage(props: {
  ctx: PageContext;
  account: AccountView;
  /** Which form the errors belong to. */
  form?: 'name' | 'password' | 'delete';
  errors: FieldErrors;
  nameValue?: string;
  notice?: 'name' | 'password' | undefined;
}) {
  const { ctx, account } = props;
  const { t } = ctx;
  const errorsFor = (form: 'name' | 'password' | 'delete') => (props.form === form ? props.errors : {});
  return (
    <Layout ctx={ctx} title={t('auth.account.title')}>
      <h1 class="kern-heading-large">{t('auth.account.title')}</h1>
      <ErrorSummary ctx={ctx} errors={props.errors} />
      {props.notice && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p class="kern-body">{t(`auth.account.saved.${props.notice}`)}</p>
          </div>
        </div>
      )}
      <section aria-labelledby="account-data">
        <h2 class="kern-heading-medium" id="account-data">
          {t('auth.account.data')}
        </h2>
        <dl class="sp-facts">
          <dt>{t('auth.displayName')}</dt>
          <dd>{account.displayName}</dd>
          <dt>{t('auth.email')}</dt>
          <dd>{account.email}</dd>
        </dl>
        {account.oidcName && <p class="kern-body">{t('auth.account.oidc', { name: account.oidcName })}</p>}
        <p class="kern-body kern-body--small">
          {t('auth.account.since', { date: formatDate(ctx.locale, account.createdAt) })}
        </p>
      </section>

      <section aria-labelledby="account-roles">
        <h2 class="kern-heading-medium" id="account-roles">
          {t('auth.account.roles')}
        </h2>
        {account.roles.length === 0 ? (
          <p class="kern-body">{t('auth.account.noRoles')}</p>
        ) : (
          <table class="kern-table">
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {t('auth.account.role')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('auth.account.where')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {account.roles.map((r) => (
                <tr class="kern-table__row" key={`${r.role}-${r.cityId ?? 0}`}>
                  <td class="kern-table__cell">{roleLabel(ctx, r.role)}</td>
                  <td class="kern-table__cell">{cityLabel(ctx, ctx.cities, r.cityId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="account-name">
        <h2 class="kern-heading-medium" id="account-name">
          {t('auth.account.nameTitle')}
        </h2>
        <form method="post" action={ctx.href('/account/name')} novalidate>
          <CsrfField ctx={ctx} />
          <TextField
            ctx={ctx}
            name="displayName"
            label={t('auth.displayName')}
            hint={t('auth.displayNameHint')}
            autocomplete="nickname"
            value={props.form === 'name' ? props.nameValue : account.displayName}
            error={errorsFor('name').displayName}
            maxLength={60}
            required
          />
          <Submit label={t('form.save')} />
        </form>
      </section>

      <section aria-labelledby="account-password">
        <h2 class="kern-heading-medium" id="account-password">
          {t('auth.account.passwordTitle')}
        </h2>
        {account.hasPassword ? (
          <form method="post" action={ctx.href('/account/password')} novalidate>
            <CsrfField ctx={ctx} />
            <TextField
              ctx={ctx}
              name="currentPassword"
              type="password"
              label={t('auth.account.currentPassword')}
              autocomplete="current-password"
              error={errorsFor('password').currentPassword}
              maxLength={200}
              required
            />
            <TextField
              ctx={ctx}
              name="newPassword"
              type="password"
              label={t('auth.account.newPassword')}
              hint={t('auth.passwordHint')}
              autocomplete="new-password"
              error={errorsFor('password').newPassword}
              maxLength={200}
              required
            />
            <Submit label={t('auth.account.passwordSubmit')} />
          </form>
        ) : (
          <p class="kern-body">
            {t('auth.account.noPassword')}{' '}
            <a class="kern-link" href={ctx.href('/password/forgot')}>
              {t('auth.login.forgot')}
            </a>
          </p>
        )}
      </section>

      <section aria-labelledby="account-delete">
        <h2 class="kern-heading-medium" id="account-delete">
          {t('auth.account.deleteTitle')}
        </h2>
        <p class="kern-body">{t('auth.account.deleteText')}</p>
        <form method="post" action={ctx.href('/account/delete')} novalidate>
          <CsrfField ctx={ctx} />
          <Checkbox
            name="confirm"
            label={t('auth.account.deleteConfirm')}
            error={errorsFor('delete').confirm}
          />
          <Submit label={t('auth.account.deleteSubmit')} secondary />
        </form>
      </section>
    </Layout>
  );
}

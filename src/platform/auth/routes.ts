import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { audit } from '../audit/service.ts';
import type { Db } from '../db/index.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from '../http/csrf.ts';
import { HttpError } from '../http/errors.ts';
import { queueMail } from '../mail/service.ts';
import type { FieldErrors } from '../web/forms.tsx';
import { formString } from '../web/forms.tsx';
import { type Locale, localePath, type Translate, translator } from '../web/i18n.ts';
import {
  AccountPage,
  type AccountView,
  CheckMailPage,
  ConfirmPage,
  ForgotPage,
  LoginPage,
  MessagePage,
  RegisterPage,
  type RegisterValues,
  ResendPage,
  ResetFailedPage,
  ResetPage,
  ThrottledPage,
} from './pages.tsx';
import {
  burnPasswordTime,
  clearFailures,
  confirmEmail,
  consumeAuthToken,
  countRegionAdmins,
  createAuthToken,
  createSession,
  createUser,
  deleteUser,
  destroySession,
  findUserByEmail,
  findUserById,
  peekAuthToken,
  RESET_MINUTES,
  recentFailures,
  recordFailure,
  rolesOf,
  SESSION_DAYS,
  setDisplayName,
  setPassword,
  throttleKey,
  throttleWaitSeconds,
  type UserRow,
  verifyPassword,
} from './service.ts';

/**
 * The most common passwords that pass the length rule (from the published breach top lists; the
 * shorter classics like "123456" already fail at 10 characters).
 */
export const COMMON_PASSWORDS = new Set([
  '1234567890',
  '0123456789',
  '0987654321',
  '1111111111',
  '0000000000',
  '123456789a',
  '12345678910',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'qwertyuiop',
  'qwertzuiop',
  'qwerty1234',
  'qwerty12345',
  'password12',
  'password123',
  'password1234',
  'passwort123',
  'passwort1234',
  'iloveyou12',
  'abcdefghij',
]);

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailProblem(t: Translate, email: string): string | undefined {
  return email.length > 254 || !EMAIL_RE.test(email) ? t('auth.err.email') : undefined;
}

export function displayNameProblem(t: Translate, name: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  return name.length < 2 || name.length > 60 || /[\u0000-\u001f\u007f]/.test(name)
    ? t('auth.err.displayName')
    : undefined;
}

export function passwordProblem(t: Translate, password: string, email: string): string | undefined {
  if (password.length < 10) return t('auth.err.passwordShort');
  if (password.length > 200) return t('auth.err.passwordLong');
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return t('auth.err.passwordCommon');
  if (password.toLowerCase() === email.toLowerCase()) return t('auth.err.passwordEmail');
  return undefined;
}

/** Passwords are taken as typed: spaces at either end are part of them. */
function rawField(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : '';
}

/** Only local paths: one leading slash, no scheme-relative "//host" or "/\host", no control characters. */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (!/^\/(?![/\\])/.test(value) || /[\\\u0000-\u001f\u007f\s]/.test(value)) return '';
  return value;
}

/** Where to go after login, in the person's language. */
export function targetAfterLogin(locale: Locale, next: string): string {
  const path = safeNext(next) || '/account';
  if (locale === 'en' && !(path === '/en' || path.startsWith('/en/') || path.startsWith('/en?'))) {
    return localePath('en', path);
  }
  return path;
}

/** Opens a session: a fresh token (never a pre-login one), the anonymous CSRF cookie dropped. */
export async function startSession(request: FastifyRequest, reply: FastifyReply, userId: string) {
  const { database, config } = request.server;
  if (request.sessionTokenHash) await destroySession(database.db, request.sessionTokenHash);
  const token = await createSession(database.db, userId);
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    maxAge: SESSION_DAYS * 24 * 60 * 60,
  });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

function requireUser(request: FastifyRequest) {
  if (!request.user) throw new HttpError(401, 'Bitte melden Sie sich an.');
  return request.user;
}

export async function authRoutes(app: FastifyInstance) {
  const { config } = app;
  const db = app.database.db;
  const limit = config.rateLimit.loginsPerWindow;
  const windowMinutes = config.rateLimit.loginWindowMinutes;

  const link = (locale: Locale, path: string) => `${config.baseUrl}${localePath(locale, path)}`;

  async function sendConfirmation(tx: Db, user: UserRow) {
    const t = translator(user.locale);
    const token = await createAuthToken(tx, user.id, 'confirm_email');
    await queueMail(tx, {
      to: user.email,
      subject: t('auth.mail.confirm.subject'),
      purpose: 'confirm_email',
      text: [
        t('auth.mail.greeting', { name: user.display_name }),
        '',
        t('auth.mail.confirm.text'),
        '',
        `${link(user.locale, '/confirm')}?token=${token}`,
        '',
        t('auth.mail.confirm.ignore'),
        '',
        t('auth.mail.signature'),
      ].join('\n'),
    });
  }

  // ---- registration ----

  app.get('/register', { schema: { hide: true } }, async (request, reply) => {
    if (request.user) return reply.redirect(localePath(request.locale, '/account'), 303);
    const ctx = await request.pageContext();
    return reply.page(
      h(RegisterPage, { ctx, values: { email: '', displayName: '', consent: false }, errors: {} }),
    );
  });

  app.post('/register', { schema: { hide: true } }, async (request, reply) => {
    const t = translator(request.locale);
    const values: RegisterValues = {
      email: formString(request.body, 'email'),
      displayName: formString(request.body, 'displayName'),
      consent: formString(request.body, 'consent') === 'ja',
    };
    const password = rawField(request.body, 'password');
    const errors: FieldErrors = {};
    const emailError = emailProblem(t, values.email);
    if (emailError) errors.email = emailError;
    const nameError = displayNameProblem(t, values.displayName);
    if (nameError) errors.displayName = nameError;
    const passwordError = passwordProblem(t, password, values.email);
    if (passwordError) errors.password = passwordError;
    if (!values.consent) errors.consent = t('auth.err.consent');
    if (Object.keys(errors).length) {
      const ctx = await request.pageContext();
      return reply.page(h(RegisterPage, { ctx, values, errors }), 422);
    }

    // The answer is the same whether the address is known or not; only the mail differs.
    const existing = await findUserByEmail(db, values.email);
    if (existing) {
      await burnPasswordTime(password);
      if (!existing.email_confirmed_at) {
        await sendConfirmation(db, existing);
      } else {
        const mt = translator(existing.locale);
        await queueMail(db, {
          to: existing.email,
          subject: mt('auth.mail.exists.subject'),
          purpose: 'register_existing',
          text: [
            mt('auth.mail.greeting', { name: existing.display_name }),
            '',
            mt('auth.mail.exists.text'),
            link(existing.locale, '/login'),
            '',
            mt('auth.mail.exists.forgot'),
            link(existing.locale, '/password/forgot'),
            '',
            mt('auth.mail.exists.ignore'),
            '',
            mt('auth.mail.signature'),
          ].join('\n'),
        });
      }
    } else {
      await db.transaction(async (tx) => {
        const user = await createUser(tx, {
          email: values.email,
          displayName: values.displayName,
          password,
          locale: request.locale,
        });
        await sendConfirmation(tx, user);
      });
    }
    const ctx = await request.pageContext();
    return reply.page(h(CheckMailPage, { ctx, kind: 'register', email: values.email }));
  });

  // Opening the link only shows a button; the POST confirms (see ConfirmPage).
  const confirmation = async (request: FastifyRequest, reply: FastifyReply, token: unknown, use: boolean) => {
    const valid = typeof token === 'string' && token.length > 0 && token.length < 200;
    const result = !valid
      ? ({ ok: false, reason: 'unknown' } as const)
      : use
        ? await consumeAuthToken(db, token, 'confirm_email')
        : await peekAuthToken(db, token, 'confirm_email');
    if (result.ok && use) await confirmEmail(db, result.userId);
    const ctx = await request.pageContext();
    const status = result.ok ? 200 : result.reason === 'unknown' ? 404 : 410;
    const shown = result.ok ? (use ? 'ok' : 'pending') : result.reason;
    return reply.page(h(ConfirmPage, { ctx, result: shown, token: valid ? token : undefined }), status);
  };
  app.get('/confirm', { schema: { hide: true } }, (request, reply) =>
    confirmation(request, reply, (request.query as Record<string, unknown>).token, false),
  );
  app.post('/confirm', { schema: { hide: true } }, (request, reply) =>
    confirmation(request, reply, formString(request.body, 'token'), true),
  );

  app.get('/confirm/resend', { schema: { hide: true } }, async (request, reply) => {
    const ctx = await request.pageContext();
    return reply.page(h(ResendPage, { ctx, email: '', errors: {} }));
  });

  app.post('/confirm/resend', { schema: { hide: true } }, async (request, reply) => {
    const t = translator(request.locale);
    const email = formString(request.body, 'email');
    const emailError = emailProblem(t, email);
    if (emailError) {
      const ctx = await request.pageContext();
      return reply.page(h(ResendPage, { ctx, email, errors: { email: emailError } }), 422);
    }
    const user = await findUserByEmail(db, email);
    if (user && !user.email_confirmed_at && !user.disabled_at) await sendConfirmation(db, user);
    const ctx = await request.pageContext();
    return reply.page(h(CheckMailPage, { ctx, kind: 'resend', email }));
  });

  // ---- login and logout ----

  app.get('/login', { schema: { hide: true } }, async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    if (request.user) return reply.redirect(targetAfterLogin(request.locale, next), 303);
    const ctx = await request.pageContext();
    return reply.page(h(LoginPage, { ctx, email: '', next, errors: {}, oidcName: config.oidc?.name }));
  });

  app.post(
    '/login',
    { schema: { hide: true }, config: { rateLimit: { max: 20, timeWindow: 60_000 } } },
    async (request, reply) => {
      const t = translator(request.locale);
      const email = formString(request.body, 'email');
      const password = rawField(request.body, 'password');
      const next = safeNext(
        formString(request.body, 'next') || (request.query as Record<string, unknown>).next,
      );
      const render = async (errors: FieldErrors, status: number, unconfirmed = false) => {
        const ctx = await request.pageContext();
        return reply.page(
          h(LoginPage, { ctx, email, next, errors, unconfirmed, oidcName: config.oidc?.name }),
          status,
        );
      };
      const errors: FieldErrors = {};
      if (!email) errors.email = t('auth.err.email');
      if (!password) errors.password = t('auth.err.passwordMissing');
      if (Object.keys(errors).length) return render(errors, 422);

      const keys = {
        account: throttleKey(config.secret, 'account', email),
        client: throttleKey(config.secret, 'client', request.ip),
      };
      if (limit > 0) {
        const failures = await recentFailures(db, keys, windowMinutes);
        if (failures.account >= limit || failures.client >= limit * 4) {
          // Checked before the password: while blocked, even the right password gets no answer.
          const seconds = await throttleWaitSeconds(db, keys, windowMinutes, {
            account: limit,
            client: limit * 4,
          });
          const wait = Math.max(seconds, 1);
          reply.header('retry-after', String(wait));
          const ctx = await request.pageContext();
          return reply.page(h(ThrottledPage, { ctx, minutes: Math.max(1, Math.ceil(wait / 60)) }), 429);
        }
      }

      const user = await findUserByEmail(db, email);
      let ok = false;
      if (user) ok = await verifyPassword(user.password_hash, password);
      else await burnPasswordTime(password);
      if (!user || !ok) {
        await recordFailure(db, keys);
        return render({ email: t('auth.login.failed') }, 422);
      }
      if (user.disabled_at) return render({ email: t('auth.login.disabled') }, 403);
      if (!user.email_confirmed_at) return render({ email: t('auth.login.unconfirmed') }, 422, true);

      await clearFailures(db, keys.account);
      await startSession(request, reply, user.id);
      return reply.redirect(targetAfterLogin(request.locale, next), 303);
    },
  );

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    if (request.sessionTokenHash) await destroySession(db, request.sessionTokenHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect(localePath(request.locale, '/'), 303);
  });

  // ---- password reset ----

  app.get('/password/forgot', { schema: { hide: true } }, async (request, reply) => {
    const ctx = await request.pageContext();
    return reply.page(h(ForgotPage, { ctx, email: '', errors: {} }));
  });

  app.post('/password/forgot', { schema: { hide: true } }, async (request, reply) => {
    const t = translator(request.locale);
    const email = formString(request.body, 'email');
    const emailError = emailProblem(t, email);
    if (emailError) {
      const ctx = await request.pageContext();
      return reply.page(h(ForgotPage, { ctx, email, errors: { email: emailError } }), 422);
    }
    const user = await findUserByEmail(db, email);
    if (user && !user.disabled_at) {
      const mt = translator(user.locale);
      const token = await createAuthToken(db, user.id, 'reset_password');
      await queueMail(db, {
        to: user.email,
        subject: mt('auth.mail.reset.subject'),
        purpose: 'reset_password',
        text: [
          mt('auth.mail.greeting', { name: user.display_name }),
          '',
          mt('auth.mail.reset.text', { minutes: RESET_MINUTES }),
          '',
          `${link(user.locale, '/password/reset')}?token=${token}`,
          '',
          mt('auth.mail.reset.ignore'),
          '',
          mt('auth.mail.signature'),
        ].join('\n'),
      });
    }
    const ctx = await request.pageContext();
    return reply.page(h(CheckMailPage, { ctx, kind: 'forgot', email, minutes: RESET_MINUTES }));
  });

  async function resetFailed(
    request: FastifyRequest,
    reply: FastifyReply,
    reason: 'expired' | 'used' | 'unknown',
  ) {
    const ctx = await request.pageContext();
    return reply.page(
      h(ResetFailedPage, { ctx, reason, minutes: RESET_MINUTES }),
      reason === 'unknown' ? 404 : 410,
    );
  }

  const tokenOf = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length < 200 ? v : '');

  app.get('/password/reset', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf((request.query as Record<string, unknown>).token);
    const peek = token ? await peekAuthToken(db, token, 'reset_password') : undefined;
    if (!peek?.ok) return resetFailed(request, reply, peek?.reason ?? 'unknown');
    const ctx = await request.pageContext();
    return reply.page(h(ResetPage, { ctx, token, errors: {} }));
  });

  app.post('/password/reset', { schema: { hide: true } }, async (request, reply) => {
    const t = translator(request.locale);
    const token = tokenOf(formString(request.body, 'token'));
    const password = rawField(request.body, 'password');
    const peek = token ? await peekAuthToken(db, token, 'reset_password') : undefined;
    if (!peek?.ok) return resetFailed(request, reply, peek?.reason ?? 'unknown');
    const user = await findUserById(db, peek.userId);
    if (!user) return resetFailed(request, reply, 'unknown');
    const problem = passwordProblem(t, password, user.email);
    if (problem) {
      const ctx = await request.pageContext();
      return reply.page(h(ResetPage, { ctx, token, errors: { password: problem } }), 422);
    }
    // Consumed only now, so a rejected password does not burn the link; the row lock settles races.
    const used = await consumeAuthToken(db, token, 'reset_password');
    if (!used.ok) return resetFailed(request, reply, used.reason);
    await setPassword(db, user.id, password);
    // Following the link proved the mailbox: the address counts as confirmed, the lockout ends.
    await confirmEmail(db, user.id);
    await clearFailures(db, throttleKey(config.secret, 'account', user.email));
    if (request.user?.id === user.id) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      request.user = undefined;
      request.sessionTokenHash = undefined;
    }
    const ctx = await request.pageContext();
    return reply.page(
      h(MessagePage, {
        ctx,
        title: t('auth.reset.doneTitle'),
        text: t('auth.reset.done'),
        tone: 'success',
        children: h(
          'p',
          { class: 'kern-body' },
          h(
            'a',
            { class: 'kern-btn kern-btn--primary', href: ctx.href('/login') },
            h('span', { class: 'kern-label' }, t('auth.login.title')),
          ),
        ),
      }),
    );
  });

  // ---- account ----

  async function accountView(userId: string): Promise<{ row: UserRow; view: AccountView }> {
    const row = await findUserById(db, userId);
    if (!row) throw new HttpError(401, 'Bitte melden Sie sich an.');
    return {
      row,
      view: {
        email: row.email,
        displayName: row.display_name,
        hasPassword: Boolean(row.password_hash),
        oidcName: row.oidc_subject ? (config.oidc?.name ?? 'OpenID Connect') : undefined,
        roles: await rolesOf(db, userId),
        createdAt: row.created_at,
      },
    };
  }

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request);
    const saved = (request.query as Record<string, unknown>).gespeichert;
    const notice = saved === 'name' || saved === 'password' ? saved : undefined;
    const [ctx, { view }] = await Promise.all([request.pageContext(), accountView(user.id)]);
    return reply.page(h(AccountPage, { ctx, account: view, errors: {}, notice }));
  });

  app.post('/account/name', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request);
    const t = translator(request.locale);
    const name = formString(request.body, 'displayName');
    const problem = displayNameProblem(t, name);
    if (problem) {
      const [ctx, { view }] = await Promise.all([request.pageContext(), accountView(user.id)]);
      return reply.page(
        h(AccountPage, {
          ctx,
          account: view,
          form: 'name',
          nameValue: name,
          errors: { displayName: problem },
        }),
        422,
      );
    }
    await setDisplayName(db, user.id, name);
    return reply.redirect(`${localePath(request.locale, '/account')}?gespeichert=name`, 303);
  });

  app.post('/account/password', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request);
    const t = translator(request.locale);
    const { row, view } = await accountView(user.id);
    if (!row.password_hash) throw new HttpError(400, t('auth.account.noPassword'));
    const current = rawField(request.body, 'currentPassword');
    const next = rawField(request.body, 'newPassword');
    const keys = {
      account: throttleKey(config.secret, 'account', row.email),
      client: throttleKey(config.secret, 'client', request.ip),
    };
    const errors: FieldErrors = {};
    // A stolen session must not become a way to guess the password: same throttle as the login.
    const failures = limit > 0 ? await recentFailures(db, keys, windowMinutes) : { account: 0, client: 0 };
    if (limit > 0 && (failures.account >= limit || failures.client >= limit * 4)) {
      const seconds = await throttleWaitSeconds(db, keys, windowMinutes, {
        account: limit,
        client: limit * 4,
      });
      reply.header('retry-after', String(Math.max(seconds, 1)));
      const ctx = await request.pageContext();
      return reply.page(h(ThrottledPage, { ctx, minutes: Math.max(1, Math.ceil(seconds / 60)) }), 429);
    }
    if (!(await verifyPassword(row.password_hash, current))) {
      await recordFailure(db, keys);
      errors.currentPassword = t('auth.err.currentPassword');
    }
    const problem = passwordProblem(t, next, row.email);
    if (problem) errors.newPassword = problem;
    if (Object.keys(errors).length) {
      const ctx = await request.pageContext();
      return reply.page(h(AccountPage, { ctx, account: view, form: 'password', errors }), 422);
    }
    // setPassword ends every session, this one included; this browser gets a fresh one.
    await setPassword(db, user.id, next);
    request.sessionTokenHash = undefined;
    await startSession(request, reply, user.id);
    return reply.redirect(`${localePath(request.locale, '/account')}?gespeichert=password`, 303);
  });

  app.post('/account/delete', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request);
    const t = translator(request.locale);
    if (formString(request.body, 'confirm') !== 'ja') {
      const [ctx, { view }] = await Promise.all([request.pageContext(), accountView(user.id)]);
      return reply.page(
        h(AccountPage, {
          ctx,
          account: view,
          form: 'delete',
          errors: { confirm: t('auth.err.deleteConfirm') },
        }),
        422,
      );
    }
    // The region must keep someone who can appoint staff.
    if (user.roles.get(0)?.has('admin') && (await countRegionAdmins(db)) <= 1) {
      const [ctx, { view }] = await Promise.all([request.pageContext(), accountView(user.id)]);
      return reply.page(
        h(AccountPage, { ctx, account: view, form: 'delete', errors: { confirm: t('auth.err.lastAdmin') } }),
        409,
      );
    }
    const wasStaff = user.roles.size > 0;
    await deleteUser(db, user.id);
    // Staff accounts vanishing is worth a trace; the entry names no person.
    if (wasStaff) {
      await audit(db, {
        actorId: undefined,
        cityId: null,
        action: 'account.deleted',
        entityType: 'user',
        entityId: user.id,
        details: { roles: [...user.roles.entries()].map(([city, set]) => ({ city, roles: [...set] })) },
      });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    request.user = undefined;
    request.sessionTokenHash = undefined;
    const ctx = await request.pageContext();
    return reply.page(
      h(MessagePage, {
        ctx,
        title: t('auth.account.deletedTitle'),
        text: t('auth.account.deleted'),
        tone: 'success',
      }),
    );
  });
}

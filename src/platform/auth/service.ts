import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { type Db, one, rows, sql } from '../db/index.ts';
import type { CurrentUser } from '../web/context.ts';

export const ROLES = ['admin', 'editor', 'moderator', 'case_worker', 'partner'] as const;
export type Role = (typeof ROLES)[number];

export const SESSION_DAYS = 14;
const CONFIRM_HOURS = 48;
export const RESET_MINUTES = 60;

// argon2id with the OWASP-recommended floor (19 MiB, 2 passes).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// A hash computed when the account does not exist keeps the timing of both paths alike.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password');
  await verifyPassword(await dummyHash, password);
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
export const newToken = () => randomBytes(32).toString('base64url');

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  email_confirmed_at: Date | null;
  disabled_at: Date | null;
  locale: 'de' | 'en';
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: Date;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return one<UserRow>(db, sql`SELECT * FROM users WHERE lower(email) = lower(${email})`);
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return one<UserRow>(db, sql`SELECT * FROM users WHERE id = ${id}`);
}

export async function createUser(
  db: Db,
  input: { email: string; displayName: string; password?: string; confirmed?: boolean; locale?: 'de' | 'en' },
): Promise<UserRow> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const row = await one<UserRow>(
    db,
    sql`INSERT INTO users (email, display_name, password_hash, email_confirmed_at, locale)
        VALUES (${input.email}, ${input.displayName}, ${passwordHash},
          ${input.confirmed ? sql`now()` : sql`NULL`}, ${input.locale ?? 'de'})
        RETURNING *`,
  );
  return row!;
}

export async function setPassword(db: Db, userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.execute(sql`UPDATE users SET password_hash = ${passwordHash} WHERE id = ${userId}`);
  // A new password ends every session that may have been opened with the old one.
  await db.execute(sql`DELETE FROM sessions WHERE user_id = ${userId}`);
}

export async function confirmEmail(db: Db, userId: string): Promise<void> {
  await db.execute(
    sql`UPDATE users SET email_confirmed_at = coalesce(email_confirmed_at, now()) WHERE id = ${userId}`,
  );
}

export async function grantRole(db: Db, userId: string, role: Role, cityId: number | null): Promise<void> {
  await db.execute(sql`INSERT INTO role_assignments (user_id, city_id, role) VALUES (${userId}, ${cityId}, ${role})
    ON CONFLICT DO NOTHING`);
}

export async function revokeRole(db: Db, userId: string, role: Role, cityId: number | null): Promise<void> {
  await db.execute(sql`DELETE FROM role_assignments WHERE user_id = ${userId} AND role = ${role}
    AND coalesce(city_id, 0) = ${cityId ?? 0}`);
}

// ---- sessions ----

/** Returns the raw token for the cookie; only its hash is stored. */
export async function createSession(db: Db, userId: string): Promise<string> {
  const token = newToken();
  await db.execute(sql`INSERT INTO sessions (token_hash, user_id, expires_at)
    VALUES (${sha256(token)}, ${userId}, now() + make_interval(days => ${SESSION_DAYS}))`);
  return token;
}

export async function destroySession(db: Db, tokenHash: string): Promise<void> {
  await db.execute(sql`DELETE FROM sessions WHERE token_hash = ${tokenHash}`);
}

/** The signed-in user with roles, or undefined for an unknown, expired or disabled session. */
export async function sessionUser(db: Db, tokenHash: string): Promise<CurrentUser | undefined> {
  const r = await rows<{
    id: string;
    email: string;
    display_name: string;
    city_id: number | null;
    role: string | null;
  }>(
    db,
    sql`SELECT u.id, u.email, u.display_name, ra.city_id, ra.role
        FROM sessions s JOIN users u ON u.id = s.user_id
        LEFT JOIN role_assignments ra ON ra.user_id = u.id
        WHERE s.token_hash = ${tokenHash} AND s.expires_at > now() AND u.disabled_at IS NULL`,
  );
  const first = r[0];
  if (!first) return undefined;
  const roles = new Map<number, Set<string>>();
  for (const row of r) {
    if (!row.role) continue;
    const key = row.city_id ?? 0;
    if (!roles.has(key)) roles.set(key, new Set());
    roles.get(key)!.add(row.role);
  }
  return { id: first.id, email: first.email, displayName: first.display_name, roles };
}

/** Sliding expiry, written at most once an hour per session to keep page views read-only. */
export async function touchSession(db: Db, tokenHash: string): Promise<void> {
  await db.execute(sql`UPDATE sessions SET last_seen_at = now(), expires_at = now() + make_interval(days => ${SESSION_DAYS})
    WHERE token_hash = ${tokenHash} AND last_seen_at < now() - interval '1 hour'`);
}

// ---- roles ----

/** Region-wide roles count for every city; admin implies every other staff role. */
export function hasRole(user: CurrentUser | undefined, role: Role, cityId: number | null): boolean {
  if (!user) return false;
  const check = (set: Set<string> | undefined) => Boolean(set && (set.has(role) || set.has('admin')));
  if (check(user.roles.get(0))) return true;
  return cityId !== null && check(user.roles.get(cityId));
}

/** Cities (ids) in which the user holds role, or 'all' for a region-wide holder. */
export function citiesWithRole(user: CurrentUser | undefined, role: Role): number[] | 'all' {
  if (!user) return [];
  if (hasRole(user, role, null)) return 'all';
  return [...user.roles.entries()]
    .filter(([cityId, set]) => cityId !== 0 && (set.has(role) || set.has('admin')))
    .map(([cityId]) => cityId);
}

export const isStaff = (user: CurrentUser | undefined) => Boolean(user && user.roles.size > 0);

// ---- one-time tokens (e-mail confirmation, password reset) ----

export async function createAuthToken(
  db: Db,
  userId: string,
  purpose: 'confirm_email' | 'reset_password',
): Promise<string> {
  const token = newToken();
  const minutes = purpose === 'confirm_email' ? CONFIRM_HOURS * 60 : RESET_MINUTES;
  await db.execute(sql`INSERT INTO auth_tokens (token_hash, user_id, purpose, expires_at)
    VALUES (${sha256(token)}, ${userId}, ${purpose}, now() + make_interval(mins => ${minutes}))`);
  return token;
}

export type TokenResult =
  | { ok: true; userId: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'used' };

/** Uses a token once; the row lock makes a double click count once. */
export async function consumeAuthToken(
  db: Db,
  token: string,
  purpose: 'confirm_email' | 'reset_password',
): Promise<TokenResult> {
  return db.transaction(async (tx) => {
    const row = await one<{ user_id: string; expired: boolean; used_at: Date | null }>(
      tx,
      sql`SELECT user_id, expires_at <= now() AS expired, used_at FROM auth_tokens
          WHERE token_hash = ${sha256(token)} AND purpose = ${purpose} FOR UPDATE`,
    );
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.used_at) return { ok: false, reason: 'used' };
    if (row.expired) return { ok: false, reason: 'expired' };
    await tx.execute(sql`UPDATE auth_tokens SET used_at = now() WHERE token_hash = ${sha256(token)}`);
    return { ok: true, userId: row.user_id };
  });
}

/** Checks a token without using it (to show the reset form only for a live token). */
export async function peekAuthToken(
  db: Db,
  token: string,
  purpose: 'confirm_email' | 'reset_password',
): Promise<TokenResult> {
  const row = await one<{ user_id: string; expired: boolean; used_at: Date | null }>(
    db,
    sql`SELECT user_id, expires_at <= now() AS expired, used_at FROM auth_tokens
        WHERE token_hash = ${sha256(token)} AND purpose = ${purpose}`,
  );
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used_at) return { ok: false, reason: 'used' };
  if (row.expired) return { ok: false, reason: 'expired' };
  return { ok: true, userId: row.user_id };
}

// ---- login throttling: per account and per client, in the database so every instance sees it ----

export function throttleKey(secret: string, kind: 'account' | 'client', value: string): string {
  return createHmac('sha256', secret).update(`${kind}:${value.toLowerCase()}`).digest('base64url');
}

export async function recentFailures(
  db: Db,
  keys: { account: string; client: string },
  windowMinutes: number,
): Promise<{ account: number; client: number }> {
  const r = await one<{ account: number; client: number }>(
    db,
    sql`SELECT
      count(*) FILTER (WHERE account_key = ${keys.account})::int AS account,
      count(*) FILTER (WHERE client_key = ${keys.client})::int AS client
      FROM login_failures
      WHERE created_at > now() - make_interval(mins => ${windowMinutes})
        AND (account_key = ${keys.account} OR client_key = ${keys.client})`,
  );
  return r ?? { account: 0, client: 0 };
}

export async function recordFailure(db: Db, keys: { account: string; client: string }): Promise<void> {
  await db.execute(
    sql`INSERT INTO login_failures (account_key, client_key) VALUES (${keys.account}, ${keys.client})`,
  );
}

export async function clearFailures(db: Db, accountKey: string): Promise<void> {
  await db.execute(sql`DELETE FROM login_failures WHERE account_key = ${accountKey}`);
}

/** First admin from ADMIN_EMAIL/ADMIN_PASSWORD or the CLI: region-wide admin, confirmed. */
export async function ensureAdmin(db: Db, email: string, password: string): Promise<{ created: boolean }> {
  const existing = await findUserByEmail(db, email);
  if (existing) {
    await grantRole(db, existing.id, 'admin', null);
    return { created: false };
  }
  const user = await createUser(db, { email, displayName: 'Administration', password, confirmed: true });
  await grantRole(db, user.id, 'admin', null);
  return { created: true };
}

// ---- account management (account page, OIDC, admin) ----

/** Seconds until the login throttle lets this account and client try again (0: not throttled). */
export async function throttleWaitSeconds(
  db: Db,
  keys: { account: string; client: string },
  windowMinutes: number,
  limits: { account: number; client: number },
): Promise<number> {
  // The limit-th most recent failure leaving the window is the moment the count drops below the limit.
  const r = await one<{ account: number | null; client: number | null }>(
    db,
    sql`SELECT
      (SELECT ceil(extract(epoch FROM created_at + make_interval(mins => ${windowMinutes}) - now()))::int
         FROM login_failures WHERE account_key = ${keys.account}
           AND created_at > now() - make_interval(mins => ${windowMinutes})
         ORDER BY created_at DESC OFFSET ${Math.max(limits.account - 1, 0)} LIMIT 1) AS account,
      (SELECT ceil(extract(epoch FROM created_at + make_interval(mins => ${windowMinutes}) - now()))::int
         FROM login_failures WHERE client_key = ${keys.client}
           AND created_at > now() - make_interval(mins => ${windowMinutes})
         ORDER BY created_at DESC OFFSET ${Math.max(limits.client - 1, 0)} LIMIT 1) AS client`,
  );
  return Math.max(r?.account ?? 0, r?.client ?? 0, 0);
}

export async function setDisplayName(db: Db, userId: string, displayName: string): Promise<void> {
  await db.execute(sql`UPDATE users SET display_name = ${displayName} WHERE id = ${userId}`);
}

/**
 * Deletes the account; sessions, tokens and roles go with it, audit entries keep no link. Should a
 * module keep records that must outlive the person (a foreign key that refuses), the account is
 * emptied instead: no address, no name, no password, no login.
 */
export async function deleteUser(db: Db, userId: string): Promise<void> {
  try {
    await db.execute(sql`DELETE FROM users WHERE id = ${userId}`);
  } catch {
    await db.execute(sql`UPDATE users SET email = ${`deleted-${userId}@invalid`}, display_name = 'Gelöschtes Konto',
      password_hash = NULL, oidc_issuer = NULL, oidc_subject = NULL, disabled_at = now() WHERE id = ${userId}`);
    await db.execute(sql`DELETE FROM sessions WHERE user_id = ${userId}`);
    await db.execute(sql`DELETE FROM role_assignments WHERE user_id = ${userId}`);
  }
}

export async function findUserByOidc(db: Db, issuer: string, subject: string): Promise<UserRow | undefined> {
  return one<UserRow>(
    db,
    sql`SELECT * FROM users WHERE oidc_issuer = ${issuer} AND oidc_subject = ${subject}`,
  );
}

/**
 * Links an account to an OIDC identity. With emailVerified the provider vouched for the address: the
 * account counts as confirmed, and a password set on a never-confirmed account is dropped — whoever
 * registered it never proved they own the mailbox (pre-registration takeover).
 */
export async function linkOidc(
  db: Db,
  userId: string,
  identity: { issuer: string; subject: string; emailVerified: boolean },
): Promise<void> {
  if (identity.emailVerified) {
    await db.execute(sql`UPDATE users SET oidc_issuer = ${identity.issuer}, oidc_subject = ${identity.subject},
      password_hash = CASE WHEN email_confirmed_at IS NULL THEN NULL ELSE password_hash END,
      email_confirmed_at = coalesce(email_confirmed_at, now())
      WHERE id = ${userId}`);
  } else {
    await db.execute(
      sql`UPDATE users SET oidc_issuer = ${identity.issuer}, oidc_subject = ${identity.subject} WHERE id = ${userId}`,
    );
  }
}

export interface RoleAssignment {
  role: Role;
  cityId: number | null;
}

export async function rolesOf(db: Db, userId: string): Promise<RoleAssignment[]> {
  const r = await rows<{ role: Role; city_id: number | null }>(
    db,
    sql`SELECT role, city_id FROM role_assignments WHERE user_id = ${userId} ORDER BY city_id NULLS FIRST, role`,
  );
  return r.map((x) => ({ role: x.role, cityId: x.city_id }));
}

export async function countRegionAdmins(db: Db): Promise<number> {
  const r = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM role_assignments ra JOIN users u ON u.id = ra.user_id
        WHERE ra.role = 'admin' AND ra.city_id IS NULL AND u.disabled_at IS NULL`,
  );
  return r?.n ?? 0;
}

export interface UserListRow {
  id: string;
  email: string;
  display_name: string;
  email_confirmed_at: Date | null;
  disabled_at: Date | null;
  created_at: Date;
  roles: { role: Role; city_id: number | null }[];
}

/**
 * Users for the admin list. scope 'all' lists everyone (region admins, substring search); a list of
 * city ids lists only people holding a role there, plus the one person whose exact e-mail was searched
 * (city admins find someone to appoint without browsing every citizen's address).
 */
export async function listUsers(
  db: Db,
  filter: { scope: 'all' | number[]; q: string; limit: number; offset: number },
): Promise<{ users: UserListRow[]; total: number }> {
  const q = filter.q.trim();
  let where: ReturnType<typeof sql>;
  if (filter.scope === 'all') {
    where = q
      ? sql`(u.email ILIKE ${`%${q.replace(/[\\%_]/g, '\\$&')}%`} OR u.display_name ILIKE ${`%${q.replace(/[\\%_]/g, '\\$&')}%`})`
      : sql`TRUE`;
  } else {
    const ids = sql.param(filter.scope.length ? filter.scope : [-1]);
    where = q
      ? sql`lower(u.email) = lower(${q})`
      : sql`EXISTS (SELECT 1 FROM role_assignments x WHERE x.user_id = u.id AND x.city_id = ANY(${ids}::int[]))`;
  }
  const [list, count] = await Promise.all([
    rows<UserListRow>(
      db,
      sql`SELECT u.id, u.email, u.display_name, u.email_confirmed_at, u.disabled_at, u.created_at,
            coalesce((SELECT json_agg(json_build_object('role', ra.role, 'city_id', ra.city_id)
                        ORDER BY ra.city_id NULLS FIRST, ra.role)
                      FROM role_assignments ra WHERE ra.user_id = u.id), '[]'::json) AS roles
          FROM users u WHERE ${where}
          ORDER BY lower(u.email) LIMIT ${filter.limit} OFFSET ${filter.offset}`,
    ),
    one<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM users u WHERE ${where}`),
  ]);
  return { users: list, total: count?.n ?? 0 };
}

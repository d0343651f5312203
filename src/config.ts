import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RETENTION, type RetentionPolicy } from './platform/retention/service.ts';

/** Typed configuration, read once from the environment and validated at start. */
export interface Config {
  port: number;
  host: string;
  /** Public base URL, used in mails, OIDC redirects, feeds and JSON-LD. */
  baseUrl: string;
  /** postgres://… to use a PostgreSQL server; empty → embedded PGlite in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Secret for CSRF tokens and signed codes; generated into dataDir when not given. */
  secret: string;
  logLevel: string;
  /** Set on https deployments: cookies get the Secure flag. */
  secureCookies: boolean;
  redisUrl: string | undefined;
  mqttUrl: string | undefined;
  /** Port of the embedded MQTT broker (SensorThings MQTT); undefined: no broker. Unused with mqttUrl. */
  mqttPort: number | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  admin: { email: string; password: string } | undefined;
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string } | undefined;
  /** Seed the demo region into an empty database. */
  seedDemo: boolean;
  rateLimit: { writesPerMinute: number; loginsPerWindow: number; loginWindowMinutes: number };
  bodyLimitBytes: number;
  /** Seconds an anonymous page view may be served from the page cache; 0: off (tests). */
  pageCacheSeconds: number;
  /** Where rendered assets live (built by scripts/build-assets.ts). */
  publicDir: string;
  /** Deletion periods of short-lived personal data (src/platform/retention). */
  retention: RetentionPolicy;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function secretFor(dataDir: string, given: string | undefined): string {
  if (given) {
    if (given.length < 32) throw new ConfigError('SECRET must be at least 32 characters long');
    return given;
  }
  // A generated secret survives restarts by living beside the data.
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = int(env, 'PORT', 3000);
  const host = env.HOST || '0.0.0.0';
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const baseUrl = (env.BASE_URL || `http://localhost:${port}`).replace(/\/$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigError('BASE_URL must start with http:// or https://');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL');
  }
  let admin: Config['admin'];
  if (env.ADMIN_EMAIL || env.ADMIN_PASSWORD) {
    if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD)
      throw new ConfigError('Set both ADMIN_EMAIL and ADMIN_PASSWORD');
    if (env.ADMIN_PASSWORD.length < 10)
      throw new ConfigError('ADMIN_PASSWORD must have at least 10 characters');
    admin = { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD };
  }
  let oidc: Config['oidc'];
  if (env.OIDC_ISSUER) {
    if (!env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) {
      throw new ConfigError('OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET');
    }
    oidc = {
      issuer: env.OIDC_ISSUER,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      name: env.OIDC_NAME || 'BundID',
    };
  }
  const config: Config = {
    port,
    host,
    baseUrl,
    databaseUrl,
    dataDir,
    secret: overrides.secret ?? secretFor(dataDir, env.SECRET),
    logLevel: env.LOG_LEVEL || 'info',
    secureCookies: bool(env, 'SECURE_COOKIES', baseUrl.startsWith('https://')),
    redisUrl: env.REDIS_URL || undefined,
    mqttUrl: env.MQTT_URL || undefined,
    mqttPort:
      env.MQTT_PORT === 'off' || (!env.MQTT_PORT && env.NODE_ENV === 'test')
        ? undefined
        : int(env, 'MQTT_PORT', 1883),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'Stadtplattform <noreply@stadtplattform.example>',
    admin,
    oidc,
    seedDemo: bool(env, 'SEED_DEMO', true),
    rateLimit: {
      writesPerMinute: int(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 60),
      loginsPerWindow: int(env, 'RATE_LIMIT_LOGINS', 5),
      loginWindowMinutes: int(env, 'RATE_LIMIT_LOGIN_WINDOW_MINUTES', 15),
    },
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576),
    pageCacheSeconds: int(env, 'PAGE_CACHE_SECONDS', env.NODE_ENV === 'test' ? 0 : 5),
    publicDir: path.resolve(env.PUBLIC_DIR || './dist/public'),
    retention: {
      mailDays: int(env, 'MAIL_RETENTION_DAYS', DEFAULT_RETENTION.mailDays),
      jobDays: int(env, 'JOB_RETENTION_DAYS', DEFAULT_RETENTION.jobDays),
      loginFailureHours: DEFAULT_RETENTION.loginFailureHours,
    },
    ...overrides,
  };
  return config;
}

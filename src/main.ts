/**
 * CLI: start | migrate | seed | import | export | admin | purge
 *   start                 migrate, seed the demo region into an empty database, serve
 *   migrate               apply pending migrations
 *   seed                  seed the demo region (idempotent)
 *   import <city|region> <file.csv|file.json>   import offers, prints a per-row report
 *   export <city|region> <csv|json> [file]      export offers
 *   admin <email>         create or promote a region-wide admin (password from ADMIN_PASSWORD or prompt)
 *   purge                 delete expired sessions, tokens, old outbox mails and jobs now (the server
 *                         does it hourly; for cron on instances that do not serve)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { seedBonus } from './modules/bonus/seed.ts';
import { seedContent } from './modules/content/seed.ts';
import { seedDirectory } from './modules/directory/seed.ts';
import { exportOffers, importOffers } from './modules/directory/transfer.ts';
import { seedMaps } from './modules/maps/seed.ts';
import { seedParticipation } from './modules/participation/seed.ts';
import { seedReports } from './modules/reports/seed.ts';
import { startDemoSimulator } from './modules/sensors/index.ts';
import { seedSensors } from './modules/sensors/seed.ts';
import { seedSignage } from './modules/signage/seed.ts';
import { ensureAdmin } from './platform/auth/service.ts';
import { connect, type Database, one, sql } from './platform/db/index.ts';
import { migrate } from './platform/db/migrate.ts';
import { HttpError } from './platform/http/errors.ts';
import { purgeExpired } from './platform/retention/service.ts';
import { seedDemoRegion } from './platform/tenancy/seed.ts';
import { findCity, listCities } from './platform/tenancy/service.ts';

async function open(config: Config): Promise<Database> {
  const database = await connect({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pgdata`,
  });
  await migrate(database);
  return database;
}

/** Seeds the demo region when the database has no cities yet (a fresh data folder). */
async function seedIfEmpty(database: Database, config: Config, log: (m: string) => void) {
  const r = await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM cities`);
  if (r && r.n > 0) return;
  if (!config.seedDemo) {
    log('Database is empty and SEED_DEMO=false: no cities yet.');
    return;
  }
  await seed(database);
  log('Demo region seeded (Aalen, Heidenheim an der Brenz).');
}

async function seed(database: Database) {
  await seedDemoRegion(database.db);
  const counts = await seedDirectory(database.db);
  console.log(`offers: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged`);
  const bonus = await seedBonus(database.db);
  console.log(`bonus: ${bonus.actions} actions, ${bonus.places} new places, ${bonus.partners} new partners`);
  console.log(`defect reports: ${(await seedReports(database.db)).created} created`);
  console.log(`participation: ${(await seedParticipation(database.db)).ideas} ideas created`);
  console.log(`map layers: ${(await seedMaps(database.db)).layers} created`);
  const content = await seedContent(database.db);
  console.log(
    `content: ${content.news} news, ${content.events} events, ${content.campaigns} campaigns created`,
  );
  console.log(`sensors: ${(await seedSensors(database.db)).observations} simulated observations`);
  console.log(`steles: ${(await seedSignage(database.db)).steles} created`);
}

async function cityIdArg(database: Database, arg: string | undefined): Promise<number | null> {
  if (!arg) throw new ConfigError('Name the city slug (e.g. aalen) or "region".');
  if (arg === 'region') return null;
  const city = findCity(await listCities(database.db), arg);
  if (!city) throw new ConfigError(`Unknown city "${arg}".`);
  return city.id;
}

async function main(argv: string[]) {
  const [command = 'start', ...args] = argv;
  const config = loadConfig();
  switch (command) {
    case 'start': {
      const database = await open(config);
      await seedIfEmpty(database, config, console.log);
      if (config.admin) await ensureAdmin(database.db, config.admin.email, config.admin.password);
      const app = await buildApp(config, { database });
      let simulator: Awaited<ReturnType<typeof startDemoSimulator>>;
      const shutdown = async (signal: string) => {
        app.log.info({ signal }, 'shutting down');
        // Stop accepting, let running requests finish, then close the database.
        await simulator?.stop();
        await app.close();
        await database.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      await app.listen({ port: config.port, host: config.host });
      simulator = await startDemoSimulator(app);
      console.log(`Stadtplattform läuft auf ${config.baseUrl}`);
      return;
    }
    case 'migrate': {
      const database = await connect({
        databaseUrl: config.databaseUrl,
        dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pgdata`,
      });
      const applied = await migrate(database);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      await database.close();
      return;
    }
    case 'seed': {
      const database = await open(config);
      await seed(database);
      await database.close();
      return;
    }
    case 'import': {
      const [cityArg, file] = args;
      if (!file) throw new ConfigError('usage: import <city|region> <file.csv|file.json>');
      const database = await open(config);
      const cityId = await cityIdArg(database, cityArg);
      const format = file.endsWith('.csv') ? 'csv' : 'json';
      try {
        const report = await importOffers(database.db, undefined, cityId, format, readFileSync(file, 'utf8'));
        console.log(
          `import #${report.id}: created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, rejected ${report.rejected}`,
        );
        for (const row of report.rows.filter((r) => r.status === 'rejected')) {
          const reasons = Object.entries(row.errors ?? {}).map(([field, message]) => `${field}: ${message}`);
          console.log(`  row ${row.row}${row.slug ? ` (${row.slug})` : ''}: ${reasons.join(' ')}`);
        }
        process.exitCode = report.rejected ? 1 : 0;
      } catch (err) {
        // A file that cannot be read as a whole (bad JSON, wrong CSV header, too large): say why.
        if (!(err instanceof HttpError)) throw err;
        console.error(err.message);
        process.exitCode = 2;
      } finally {
        await database.close();
      }
      return;
    }
    case 'export': {
      const [cityArg, format = 'json', file] = args;
      if (format !== 'csv' && format !== 'json') throw new ConfigError('format must be csv or json');
      const database = await open(config);
      const cityId = await cityIdArg(database, cityArg);
      const text = await exportOffers(database.db, cityId, format, config.baseUrl);
      if (file) writeFileSync(file, text);
      else process.stdout.write(text);
      await database.close();
      return;
    }
    case 'admin': {
      const [email] = args;
      const password = process.env.ADMIN_PASSWORD;
      if (!email || !password || password.length < 10) {
        throw new ConfigError('usage: ADMIN_PASSWORD=… (10+ characters) main.ts admin <email>');
      }
      const database = await open(config);
      const { created } = await ensureAdmin(database.db, email, password);
      console.log(created ? `admin ${email} created` : `${email} is now a region-wide admin`);
      await database.close();
      return;
    }
    case 'purge': {
      const database = await open(config);
      const deleted = await purgeExpired(database.db, new Date(), config.retention);
      console.log(
        Object.entries(deleted)
          .map(([kind, n]) => `${kind}: ${n}`)
          .join(', '),
      );
      await database.close();
      return;
    }
    default:
      throw new ConfigError(
        `unknown command "${command}": use start, migrate, seed, import, export, admin or purge`,
      );
  }
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`Konfigurationsfehler: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});

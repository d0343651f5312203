/**
 * Benchmarks, each against a physical limit measured on the same machine in the same run.
 *   npm run bench                 all benchmarks
 *   npm run bench -- pages        only the named ones (pages, search, bonus, participation, signage)
 * DATABASE_URL=postgres://… also runs them on PostgreSQL (in scratch databases that are dropped afterwards).
 * Prints a table and writes bench/results/latest.json (entries of benchmarks not run are kept).
 * Options by environment: BENCH_GZIP=1 (pages: gzip on both sides), BENCH_NGINX_WORKERS=n (default 1),
 * BENCH_EXPLAIN=1 (search: print EXPLAIN ANALYZE of the slowest searches), BENCH_OFFERS=n (default 20000).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bonusBenchmark } from './bonus.ts';
import { type Benchmark, cleanupAll, load, machine, nginxPath, type Row, root } from './lib.ts';
import { pagesBenchmark } from './pages.ts';
import { participationBenchmark } from './participation.ts';
import { searchBenchmark } from './search.ts';
import { signageBenchmark } from './signage.ts';

const ALL: Benchmark[] = [
  pagesBenchmark,
  searchBenchmark,
  bonusBenchmark,
  participationBenchmark,
  signageBenchmark,
];
const RESULTS = path.join(root, 'bench', 'results', 'latest.json');

function table(rows: Row[]): string {
  const head = ['Benchmark', 'Case', 'DB', 'Measured', 'Physical limit (same run)', 'Ratio', 'Target', 'Met'];
  const body = rows.map((r) => [
    r.bench,
    r.case,
    r.database,
    r.measured,
    r.limit,
    r.ratio,
    r.target,
    r.met === undefined ? '–' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(names: string[]) {
  const unknown = names.filter((n) => !ALL.some((b) => b.name === n));
  if (unknown.length) {
    console.error(
      `unknown benchmark(s): ${unknown.join(', ')}; available: ${ALL.map((b) => b.name).join(', ')}`,
    );
    process.exit(2);
  }
  const selected = names.length ? ALL.filter((b) => names.includes(b.name)) : ALL;
  if (selected.some((b) => b.name === 'pages') && !nginxPath()) {
    console.error('The "pages" benchmark compares against nginx, which is not installed.');
    console.error('Install it with:  apt-get install nginx-light');
    process.exit(2);
  }
  const info = machine();
  const databases = ['pglite', ...(process.env.DATABASE_URL ? ['postgresql'] : [])];
  console.log(
    `${info.cpuModel}, ${info.cores} cores, Node ${info.node}, commit ${info.commit}, load ${load()}, databases: ${databases.join(', ')}`,
  );

  const previous = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { benchmarks?: Record<string, unknown> })
    : {};
  const benchmarks: Record<string, unknown> = { ...(previous.benchmarks ?? {}) };
  const rows: Row[] = [];
  let failed = false;
  for (const b of selected) {
    console.log(`\n== ${b.name}: ${b.description}`);
    const started = new Date().toISOString();
    const loadBefore = load();
    try {
      const outcome = await b.run();
      rows.push(...outcome.rows);
      benchmarks[b.name] = {
        date: started,
        commit: info.commit,
        databases,
        loadBefore,
        rows: outcome.rows,
        ...outcome.details,
      };
    } catch (err) {
      failed = true;
      console.error(`${b.name} failed: ${(err as Error).stack ?? err}`);
    } finally {
      await cleanupAll();
    }
  }
  console.log(`\n${table(rows)}`);
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ ...info, database: databases.join(', '), benchmarks }, null, 2)}\n`,
  );
  console.log(`\nresults: ${path.relative(process.cwd(), RESULTS)}`);
  if (failed) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping children and removing temp folders`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main(process.argv.slice(2)).catch(async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});

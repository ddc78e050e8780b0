/**
 * `npm run test:e2e:flaky [-- --repeat-each <n>] [-- <playwright args>]`: runs the end-to-end suite `n` times
 * over (default 10, Playwright's `--repeat-each`) with one retry, then prints the flaky rate: runs that failed
 * at least once (flaky = failed then passed on retry, failed = failed twice) over all runs. The figure and how to
 * keep it low are in docs/testing.md. Exits 1 when the rate is above `FLAKY_BUDGET` (default 0.01).
 * Ends with the suite's own `RESULT {json}` line, plus `repeatEach`, `budget`, `startedAt` (ISO) and `loadAvg1m` (the
 * 1-minute load average at start and end). `E2E_RESULTS_DIR` moves the outputs (one folder per concurrent run).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { outputPaths } from '../e2e/support/suite-config';

const args = process.argv.slice(2);
const at = args.indexOf('--repeat-each');
const repeatEach = at >= 0 ? Number(args.splice(at, 2)[1]) : 10;
if (!Number.isInteger(repeatEach) || repeatEach < 1)
  throw new Error('--repeat-each must be a positive integer');
const budget = Number(process.env.FLAKY_BUDGET ?? 0.01);

const startedAt = new Date().toISOString();
const loadBefore = loadavg()[0]!;
const run = spawnSync('npx', ['playwright', 'test', `--repeat-each=${repeatEach}`, '--retries=1', ...args], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, E2E_RETRIES: '1' },
});
const result = JSON.parse(readFileSync(outputPaths('e2e').result, 'utf8')) as {
  tests: number;
  flaky: number;
  failed: number;
  flakyRate: number;
};
// The machine's 1-minute load average at the start and end: flakiness depends on contention, so the figure is
// reported with it (docs/testing.md).
const load = [loadBefore, loadavg()[0]!].map((x) => Number(x.toFixed(1)));
const pct = (result.flakyRate * 100).toFixed(2);
console.log(
  `flaky rate: ${pct} % (${result.flaky} flaky + ${result.failed} failed of ${result.tests} runs, ` +
    `--repeat-each ${repeatEach}; budget ${(budget * 100).toFixed(2)} %)`,
);
console.log(`RESULT ${JSON.stringify({ ...result, repeatEach, budget, startedAt, loadAvg1m: load })}`);
process.exit(result.flakyRate > budget || run.status !== 0 ? 1 : 0);

// @ts-check
/**
 * `npm run bench:web`: the console's re-render benchmarks (`web/test/bench/`, Vitest project `web-bench`) on React's
 * production build (`NODE_ENV=production`), then one `RESULT {json}` line with each benchmark's mean, median and
 * budget; exits 1 when a mean is over its budget (issue #12; docs/testing.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mean re-render budgets, ms, by benchmark group (`describe` name in web/test/bench/editors.bench.tsx). */
const BUDGETS_MS = {
  'limits editor, 1,000 rules': { key: 'limits_editor_1000', budget: 50 },
  'audit log, 5,000 entries': { key: 'audit_log_5000', budget: 100 },
};

const dir = mkdtempSync(join(tmpdir(), 'bench-web-'));
const out = join(dir, 'bench.json');
const loadBefore = loadavg()[0];
const run = spawnSync(
  'npx',
  ['vitest', 'bench', '--run', '--project', 'web-bench', '--outputJson', out, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
);
if (run.status !== 0) {
  rmSync(dir, { recursive: true, force: true });
  process.exit(run.status ?? 1);
}
/** @type {{ files: { groups: { fullName: string; benchmarks: { mean: number; median: number; min: number; sampleCount: number }[] }[] }[] }} */
const report = JSON.parse(readFileSync(out, 'utf8'));
rmSync(dir, { recursive: true, force: true });
/** @type {Record<string, number | boolean | string>} */
const result = { react_build: 'production' };
let over = 0;
let seen = 0;
const r2 = (/** @type {number} */ x) => Math.round(x * 100) / 100;
for (const g of report.files.flatMap((f) => f.groups)) {
  const entry = Object.entries(BUDGETS_MS).find(([name]) => g.fullName.endsWith(name));
  const b = g.benchmarks[0];
  if (!entry || !b) continue;
  const { key, budget } = entry[1];
  seen++;
  result[`${key}_mean_ms`] = r2(b.mean);
  result[`${key}_median_ms`] = r2(b.median);
  result[`${key}_samples`] = b.sampleCount;
  result[`${key}_budget_ms`] = budget;
  if (b.mean > budget) {
    over++;
    console.error(`bench:web: ${entry[0]}: mean ${r2(b.mean)} ms is over its ${budget} ms budget`);
  }
}
if (seen !== Object.keys(BUDGETS_MS).length) {
  console.error(`bench:web: expected ${Object.keys(BUDGETS_MS).length} budgeted benchmarks, found ${seen}`);
  process.exit(1);
}
result.within_budget = over === 0;
result.load_average = r2(Math.max(loadBefore, loadavg()[0]));
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(over === 0 ? 0 : 1);

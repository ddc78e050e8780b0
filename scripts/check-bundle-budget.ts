/**
 * Bundle budget of the web console: the JavaScript a browser loads before the first page renders (the entry chunk and
 * every chunk it imports statically; lazy routes excluded) must stay within `CONSOLE_BUDGET.initialJsKibGzip`
 * (`lib/config/budgets.ts`) gzipped. Prints every chunk's size and ends with one `RESULT {json}` line; exits 1 over
 * budget. Run after `npm run build:web` (verify does).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CONSOLE_BUDGET } from '../lib/config/budgets';

/** Initial-JavaScript budget, KiB gzipped (issue #12; one home: lib/config/budgets.ts). */
const BUDGET_KB = CONSOLE_BUDGET.initialJsKibGzip;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

const dist = fileURLToPath(new URL('../web/dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  ManifestChunk
>;

const gz = (file: string): number => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

const initial = new Set<string>();
const visit = (key: string): void => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const i of chunk.imports ?? []) visit(i);
};
// The console's entry only: the component gallery (gallery.html, a test harness) is a second entry of the same build.
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry && key === 'index.html') visit(key);

const rows = [...new Set(Object.values(manifest).map((c) => c.file))]
  .filter((f) => f.endsWith('.js'))
  .map((f) => ({ file: f, gzipBytes: gz(f), initial: initial.has(f) }))
  .sort((a, b) => b.gzipBytes - a.gzipBytes);
for (const r of rows) {
  process.stdout.write(
    `${r.initial ? 'initial' : 'lazy   '}  ${(r.gzipBytes / 1024).toFixed(1).padStart(7)} KiB gz  ${r.file}\n`,
  );
}
const initialKb = rows.filter((r) => r.initial).reduce((s, r) => s + r.gzipBytes, 0) / 1024;
const totalKb = rows.reduce((s, r) => s + r.gzipBytes, 0) / 1024;
const ok = initialKb <= BUDGET_KB;
process.stdout.write(
  `${ok ? 'within' : 'OVER'} budget: initial JavaScript ${initialKb.toFixed(1)} KiB gzipped (budget ${BUDGET_KB} KiB), all chunks ${totalKb.toFixed(1)} KiB\n`,
);
process.stdout.write(
  `RESULT ${JSON.stringify({ check: 'web-bundle-budget', initialKbGzip: Number(initialKb.toFixed(1)), budgetKbGzip: BUDGET_KB, totalKbGzip: Number(totalKb.toFixed(1)), chunks: rows.length, ok })}\n`,
);
process.exit(ok ? 0 : 1);

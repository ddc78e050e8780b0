/**
 * `npm run load -- --write`: stores a run's per-route figures in the one data file `lib/config/load-baselines.json`
 * (formatted as Biome formats it) and regenerates the table of docs/load-testing.md between the `load-baselines`
 * markers from that file (`renderLoadBaselines`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  LOAD_BASELINES_DOC,
  type LoadBaselines,
  loadBaselinesSchema,
  renderLoadBaselines,
  replaceBetweenMarkers,
} from '../../lib/config/load-baselines';
import { ROUTES, routeKey } from '../../lib/config/routes';
import { STAGE_NAMES } from '../../lib/config/stage-names';
import { getStageConfig } from '../../lib/config/stages';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The data file, relative to the repository root. */
export const LOAD_BASELINES_FILE = 'lib/config/load-baselines.json';

/**
 * Validates `baselines` (every route of the route table exactly once), writes the data file and the document.
 * @returns the two paths written, relative to the repository root
 * @throws when the figures do not cover the route table or fail the file's schema
 */
export async function writeBaselines(baselines: LoadBaselines): Promise<string[]> {
  const data = loadBaselinesSchema.parse(baselines);
  const keys = data.routes.map((r) => r.route);
  const missing = ROUTES.map(routeKey).filter((k) => !keys.includes(k));
  if (missing.length > 0 || keys.length !== ROUTES.length) {
    throw new Error(
      `the run does not cover the route table once each (missing: ${missing.join(', ') || 'none'})`,
    );
  }
  const file = `${ROOT}${LOAD_BASELINES_FILE}`;
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  // Biome's layout (short arrays on one line), so `biome check` stays clean after a re-run.
  execFileSync(`${ROOT}node_modules/.bin/biome`, ['format', '--write', file], { stdio: 'ignore' });
  const docPath = `${ROOT}${LOAD_BASELINES_DOC}`;
  const stored = loadBaselinesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const body = renderLoadBaselines(
    stored,
    STAGE_NAMES.map((s) => getStageConfig(s)),
    ROUTES,
  );
  writeFileSync(docPath, replaceBetweenMarkers(readFileSync(docPath, 'utf8'), body));
  return [LOAD_BASELINES_FILE, LOAD_BASELINES_DOC];
}

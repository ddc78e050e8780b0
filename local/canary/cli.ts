/**
 * `npm run canary [-- --url <stack>] [--runs <n>] [--interval <s>]`
 *
 * Plays the stage's Synthetics canary against the local stack: the same script (`canary/checks.ts`, the checks of
 * `lib/config/canary.ts`) with the local issuer's machine-to-machine client (`local/canary/client.ts`) standing in
 * for the Auth0 application whose credentials are in Secrets Manager. Attaches to `--url` (or `CANARY_URL`) — a stack
 * of this checkout, whose issuer knows the client's secret in `.local/` — else starts one in this process on a free
 * port. Runs `--runs` times (default 3) `--interval` seconds apart (default 1; the deployed canary runs every minute);
 * prints `RUN {json}` per run and ends with one line `RESULT {json}`: runs, succeeded, `success_percent` (what
 * Synthetics publishes as `SuccessPercent`), run duration p50/max, per-check statuses and the failures. Exit code 0
 * when every run succeeded, 1 when one failed, 2 on a usage or set-up error.
 */
import { parseArgs } from 'node:util';
import {
  type CanaryRun,
  canaryCheckRoutes,
  failureSummary,
  runCanary,
  type TokenCache,
} from '../../canary/checks';
import { CANARY_CHECKS, tokenEndpoint } from '../../lib/config/canary';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { isStageName } from '../../lib/config/stage-names';
import { getStageConfig } from '../../lib/config/stages';
import { CliUsage, runCliMain, startCliStack } from '../cli-main';
import { localCanaryClient } from './client';

/** The `RESULT` line of `npm run canary`. */
export interface CanaryResult {
  url: string;
  runs: number;
  succeeded: number;
  /** 100 × succeeded / runs (Synthetics' `SuccessPercent`). */
  success_percent: number;
  /** Run duration (token + checks), ms. */
  duration_ms: { p50: number; max: number };
  /** Per check (`METHOD path`): how often each status came back. */
  statuses: Record<string, Record<string, number>>;
  /** One line per failed run. */
  failures: string[];
  passed: boolean;
}

/** Summarizes runs into the `RESULT` shape. */
export function summarizeRuns(url: string, runs: readonly CanaryRun[]): CanaryResult {
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  const statuses: Record<string, Record<string, number>> = {};
  for (const r of runs)
    for (const c of r.checks) {
      const key = `${c.method} ${c.path}`;
      const s = statuses[key] ?? {};
      s[String(c.status)] = (s[String(c.status)] ?? 0) + 1;
      statuses[key] = s;
    }
  const succeeded = runs.filter((r) => r.ok).length;
  return {
    url,
    runs: runs.length,
    succeeded,
    success_percent: runs.length ? Math.round((1000 * succeeded) / runs.length) / 10 : 0,
    duration_ms: { p50: ms[Math.floor((ms.length - 1) / 2)] ?? 0, max: ms[ms.length - 1] ?? 0 },
    statuses,
    failures: runs.filter((r) => !r.ok).map(failureSummary),
    passed: runs.length > 0 && succeeded === runs.length,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    strict: true,
    options: {
      url: { type: 'string' },
      runs: { type: 'string', default: '3' },
      interval: { type: 'string', default: '1' },
      stage: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  const intervalSec = Number(values.interval);
  if (!Number.isInteger(runs) || runs < 1 || runs > 10_000)
    throw new CliUsage('--runs must be an integer 1-10000');
  if (!(intervalSec >= 0 && intervalSec <= 3600)) throw new CliUsage('--interval must be 0-3600 seconds');
  const stageName = values.stage ?? settingOrDefault(process.env, SETTINGS.stage);
  if (!isStageName(stageName)) throw new CliUsage(`unknown stage ${stageName}`);
  const stage = getStageConfig(stageName);

  let url = values.url ?? process.env.CANARY_URL;
  let issuer: string;
  let stop: (() => Promise<void>) | undefined;
  if (url) {
    url = url.replace(/\/$/, '');
    issuer = `${url}/`;
  } else {
    const stack = await startCliStack(stageName);
    url = stack.url;
    issuer = stack.issuer;
    stop = stack.stop;
    process.stdout.write(`started a local stack on ${url}\n`);
  }
  process.stdout.write(`canary: ${canaryCheckRoutes(CANARY_CHECKS)} against ${url}, ${runs} run(s)\n`);
  const client = localCanaryClient();
  const cache: TokenCache = {};
  const results: CanaryRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      if (i > 0 && intervalSec > 0) await new Promise((r) => setTimeout(r, intervalSec * 1000));
      const run = await runCanary({
        apiUrl: url,
        tokenUrl: tokenEndpoint(issuer),
        audience: stage.auth0.audience,
        cache,
        credentials: async () => ({ clientId: client.clientId, clientSecret: client.clientSecret }),
      });
      results.push(run);
      process.stdout.write(`RUN ${JSON.stringify(run)}\n`);
    }
  } finally {
    await stop?.();
  }
  const result = summarizeRuns(url, results);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  return result.passed ? 0 : 1;
}

runCliMain(import.meta.url, 'canary', main);

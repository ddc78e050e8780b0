/**
 * `npm run drill -- <Alarm> [<Alarm> …] | --all | --list [--url <stack>] [--time-scale <k>] [--stage <stage>]`
 *
 * Provokes alarms of the stage's catalog on a local stack and shows them enter `ALARM` (with the state reason and the
 * runbook link) and recover (`local/drill/drill.ts`). Attaches to `--url` (or `DRILL_URL`) — a stack of this checkout,
 * since tokens are signed with its dev key in `.local/` — else starts one in this process on a free port (its own
 * `redis-server` when one is on PATH, handler logs silenced). `--all` drills every alarm that has a drill and lists
 * the written reasons of the others. Each drill prints `DRILL {json}`; the run ends with one line `RESULT {json}`
 * (one alarm: its result; several: a summary with every result). Exit code 0 when every drill passed, 1 when one did
 * not, 2 on a usage or set-up error.
 */
import { parseArgs } from 'node:util';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';
import { isStageName } from '../../lib/config/stage-names';
import { getStageConfig } from '../../lib/config/stages';
import { CliUsage, runCliMain, startCliStack } from '../cli-main';
import { loadOrCreateDevKey } from '../dev-key';
import { MAX_TIME_SCALE } from '../metrics/evaluator';
import { drillCatalog } from './catalog';
import { type DrillResult, runDrill } from './drill';
import type { TrafficTarget } from './traffic';

/** Summary of several drills (the `RESULT` line of `--all`). */
export interface DrillSummary {
  alarms: number;
  drilled: number;
  passed: number;
  failed: string[];
  /** Alarms without a drill, with the written reason. */
  no_drill: Record<string, string>;
  /** Seconds per drilled alarm. */
  seconds_by_alarm: Record<string, number>;
  seconds: number;
  results: DrillResult[];
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      all: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      url: { type: 'string' },
      'time-scale': { type: 'string' },
      stage: { type: 'string' },
    },
  });
  const stageName = values.stage ?? settingOrDefault(process.env, SETTINGS.stage);
  if (!isStageName(stageName)) throw new CliUsage(`unknown stage ${stageName}`);
  const catalog = drillCatalog(getStageConfig(stageName));
  if (values.list) {
    for (const e of catalog)
      process.stdout.write(
        `${e.name.padEnd(28)} ${'reason' in e.drill ? `no drill: ${e.drill.reason}` : `drill (time scale ${e.timeScale})`}\n`,
      );
    return 0;
  }
  const names = values.all ? catalog.map((e) => e.name) : positionals;
  if (!names.length) throw new CliUsage('name an alarm (npm run drill -- --list), or --all');
  const unknown = names.filter((n) => !catalog.some((e) => e.name === n));
  if (unknown.length) throw new CliUsage(`unknown alarm ${unknown.join(', ')} (npm run drill -- --list)`);
  let timeScale: number | undefined;
  if (values['time-scale'] !== undefined) {
    timeScale = Number(values['time-scale']);
    if (!(timeScale >= 1 && timeScale <= MAX_TIME_SCALE))
      throw new CliUsage(`--time-scale must be 1-${MAX_TIME_SCALE}`);
  }

  let url = values.url ?? process.env.DRILL_URL;
  let stop: (() => Promise<void>) | undefined;
  const stage = getStageConfig(stageName);
  let target: TrafficTarget;
  if (url) {
    target = {
      url,
      devKey: await loadOrCreateDevKey(),
      claimsNamespace: stage.auth0.claimsNamespace,
      audience: stage.auth0.audience,
    };
  } else {
    const stack = await startCliStack(stageName);
    url = stack.url;
    stop = stack.stop;
    target = {
      url,
      devKey: stack.devKey,
      claimsNamespace: stack.config.stageConfig.auth0.claimsNamespace,
      audience: stack.config.stageConfig.auth0.audience,
    };
    process.stdout.write(`started a local stack on ${url} (limiter store: ${stack.redis.kind})\n`);
  }
  const t0 = performance.now();
  const results: DrillResult[] = [];
  try {
    for (const name of names) {
      const entry = catalog.find((e) => e.name === name);
      if (!entry) continue;
      const r = await runDrill({ entry, target, ...(timeScale ? { timeScale } : {}) });
      results.push(r);
      if (names.length > 1) process.stdout.write(`DRILL ${JSON.stringify(r)}\n`);
    }
  } finally {
    await stop?.();
  }
  const drilled = results.filter((r) => !r.skipped);
  if (names.length === 1 && results[0]) {
    process.stdout.write(`RESULT ${JSON.stringify(results[0])}\n`);
  } else {
    const summary: DrillSummary = {
      alarms: results.length,
      drilled: drilled.length,
      passed: drilled.filter((r) => r.passed).length,
      failed: drilled.filter((r) => !r.passed).map((r) => r.alarm),
      no_drill: Object.fromEntries(results.filter((r) => r.skipped).map((r) => [r.alarm, r.skipped ?? ''])),
      seconds_by_alarm: Object.fromEntries(drilled.map((r) => [r.alarm, r.seconds])),
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      results,
    };
    process.stdout.write(`RESULT ${JSON.stringify(summary)}\n`);
  }
  return results.every((r) => r.passed) ? 0 : 1;
}

runCliMain(import.meta.url, 'drill', main);

import { SETTINGS, settingOrDefault } from '../lib/config/settings';
import { isStageName, type StageName } from '../lib/config/stage-names';
import { getStageConfig, type StageConfig } from '../lib/config/stages';

/**
 * The local stack's pagination-cursor key (`CURSOR_SIGNING_KEY`, `lambdas/shared/http/settings.ts`): fixed, so every
 * handler of the local stack — and every restart — signs and verifies cursors alike. Not a secret: deployed stages
 * use their own generated secret (`marketedge/<stage>/cursor-signing-key`).
 */
export const LOCAL_CURSOR_SIGNING_KEY = 'marketedge-local-cursor-signing-key-not-a-secret';

/** Settings of the local stack, resolved from the environment. */
export interface LocalConfig {
  /** Gateway + OIDC port (`PORT`, default 3000; 0 = pick a free one). */
  port: number;
  /** Interface to bind (`HOST`, default `127.0.0.1`). */
  host: string;
  /** Stage whose config (Auth0 audience/namespace, authorizer cache TTL) applies (`STAGE`, default `dev`). */
  stage: StageName;
  stageConfig: StageConfig;
}

/**
 * Reads `PORT`, `HOST`, `STAGE` from the environment.
 * @throws {Error} `PORT` is not an integer in 0–65535, or `STAGE` is not a stage name
 */
export function localConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer 0-65535, got "${env.PORT}"`);
  }
  const stage = settingOrDefault(env, SETTINGS.stage);
  if (!isStageName(stage))
    throw new Error(`${SETTINGS.stage.name} must be dev, staging or prod, got "${stage}"`);
  return { port, host: env.HOST || '127.0.0.1', stage, stageConfig: getStageConfig(stage) };
}

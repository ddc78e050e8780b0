/**
 * The CloudWatch Synthetics entry of the stage canary (`index.handler`, runtime `syn-nodejs-puppeteer-13.0`, Node.js
 * 22; bundled by `lib/constructs/api-canary.ts`). Each run reads the client credentials from Secrets Manager (only when a
 * token is due), then runs `runCanary` (`./checks.ts`); a failed check makes the run fail (the handler throws), which
 * is what Synthetics counts in `SuccessPercent`. Configuration comes from the environment (`lib/config/settings.ts`):
 * `CANARY_API_URL`, `CANARY_SECRET_NAME`, `AUTH0_ISSUER`, `AUTH0_AUDIENCE`.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tokenEndpoint } from '../lib/config/canary';
import { readSetting, SETTINGS } from '../lib/config/settings';
import { CanaryFailure, failureSummary, runCanary, type TokenCache } from './checks';

const cache: TokenCache = {};
let secrets: SecretsManagerClient | undefined;

/** One canary run: resolves with the run summary, or throws {@link CanaryFailure} naming each failed step. */
export async function handler(): Promise<{ ok: true; ms: number; checks: Record<string, number> }> {
  const env = process.env;
  const apiUrl = required(readSetting(env, SETTINGS.canaryApiUrl).value, SETTINGS.canaryApiUrl.name);
  const secretId = required(
    readSetting(env, SETTINGS.canarySecretName).value,
    SETTINGS.canarySecretName.name,
  );
  const issuer = required(readSetting(env, SETTINGS.auth0Issuer).value, SETTINGS.auth0Issuer.name);
  const audience = required(readSetting(env, SETTINGS.auth0Audience).value, SETTINGS.auth0Audience.name);
  const run = await runCanary({
    apiUrl: apiUrl.replace(/\/$/, ''),
    tokenUrl: tokenEndpoint(issuer),
    audience: audience.split(',')[0] ?? audience,
    cache,
    credentials: async () => {
      secrets ??= new SecretsManagerClient({});
      const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
      return JSON.parse(out.SecretString ?? 'null') as unknown;
    },
  });
  // One line per run for the canary's log (statuses and timings only).
  console.log(
    JSON.stringify({
      ok: run.ok,
      ms: run.ms,
      tokenMs: run.tokenMs,
      checks: run.checks.map(({ error, ...c }) => c),
    }),
  );
  if (!run.ok) throw new CanaryFailure(failureSummary(run));
  return { ok: true, ms: run.ms, checks: Object.fromEntries(run.checks.map((c) => [c.name, c.status])) };
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new CanaryFailure(`${name} is not set`);
  return value;
}

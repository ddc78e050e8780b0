import type { APIGatewayProxyResult } from 'aws-lambda';
import { SETTINGS, settingOrDefault } from '../../lib/config/settings';

const startedAt = Date.now();

/**
 * `GET /health` — public liveness probe. No dependencies are touched (see `GET /health/deep` for those).
 * @returns 200 `{ status: "ok", stage, uptimeSec }` with `Cache-Control: no-store`
 */
export async function handler(): Promise<APIGatewayProxyResult> {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({
      status: 'ok',
      stage: settingOrDefault(process.env, SETTINGS.stage),
      uptimeSec: Math.floor((Date.now() - startedAt) / 1000),
    }),
  };
}

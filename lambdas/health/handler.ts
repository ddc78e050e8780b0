import type { APIGatewayProxyResult } from 'aws-lambda';

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
      stage: process.env.STAGE ?? 'dev',
      uptimeSec: Math.floor((Date.now() - startedAt) / 1000),
    }),
  };
}

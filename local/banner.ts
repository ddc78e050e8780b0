import { httpBackendSetting } from '../lib/config/settings';
import { describeRedis } from './redis';
import type { RunningStack } from './stack';

/**
 * The start-up banner: URL, stores in use, OIDC issuer, demo tenants and users, and the exact commands to try.
 * @param stack the running stack
 * @param readyMs time from process start to ready, ms
 */
export function banner(stack: RunningStack, readyMs: number): string {
  const portEnv = stack.port === 3000 ? '' : `PORT=${stack.port} `;
  const rows = stack.seed.tenants.map((t) => {
    const users = t.users.map((u) => `${u.userId} (${u.roles.join(',')})`).join(', ');
    return `    ${t.tenantId.padEnd(11)} ${t.tier.padEnd(10)} ${t.vertical.padEnd(11)} ${t.status.padEnd(9)} ${users}`;
  });
  return [
    '',
    `marketedge local stack ready in ${(readyMs / 1000).toFixed(1)} s — ${stack.url}  (stage ${stack.config.stage})`,
    '',
    `  console     ${stack.url}/console/  (sign in as any demo user below on the local issuer's login page)`,
    `  gateway     ${stack.url}  (routes from lib/config/routes.ts; one JSON access-log line per request below)`,
    `  OIDC        ${stack.issuer}.well-known/openid-configuration  (dev key in ${stack.stateDir})`,
    `  DynamoDB    dynalite in memory at ${stack.dynamo.endpoint}, seeded from local/fixtures/seed.json`,
    `  limiter     ${describeRedis(stack.redis)}`,
    `  upstream    echo server at ${stack.upstream.url}  (${httpBackendSetting('marketData').name}, route /v1/market/{proxy+})`,
    '',
    '  demo tenants (tenant     tier       vertical    status    users):',
    ...rows,
    '',
    '  try:',
    `    curl -s ${stack.url}/health`,
    `    TOKEN=$(${portEnv}npm run --silent token -- --tenant acme --user alice)`,
    `    curl -s -H "Authorization: Bearer $TOKEN" ${stack.url}/v1/me`,
    `    curl -s -H "Authorization: Bearer $TOKEN" ${stack.url}/v1/market/quotes?symbol=ACME`,
    `    ADMIN=$(${portEnv}npm run --silent token -- --tenant marketedge --user ops)`,
    `    curl -s -H "Authorization: Bearer $ADMIN" ${stack.url}/admin/tenants`,
    '',
    `  Ctrl-C (or kill ${process.pid}) stops everything (docs/local.md).`,
    '',
  ].join('\n');
}

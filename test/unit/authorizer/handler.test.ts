import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizerEvent } from './support';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('handler (env-configured Lambda entry)', () => {
  beforeAll(() => {
    vi.stubEnv('AUTH0_ISSUER', 'https://marketedge-dev.eu.auth0.com/');
    vi.stubEnv('AUTH0_AUDIENCE', 'https://api.marketedge.io');
    vi.stubEnv('AUTH0_CLAIMS_NAMESPACE', 'https://marketedge.io/');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('answers Unauthorized for a missing or alg-none token without touching the network', async () => {
    const { handler } = await import('../../../lambdas/authorizer/handler');
    await expect(handler(authorizerEvent({}))).rejects.toThrow(/^Unauthorized$/);
    const none = `${b64({ alg: 'none', kid: 'k' })}.${b64({ sub: 'ops' })}.AAAA`;
    const context = { awsRequestId: 'r-1', functionName: 'authorizer' } as Context;
    await expect(handler(authorizerEvent({ authorization: `Bearer ${none}` }), context)).rejects.toThrow(
      /^Unauthorized$/,
    );
  });
});

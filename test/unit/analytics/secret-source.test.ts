import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { userHash } from '../../../lambdas/shared/analytics/hash';
import { createIngestor } from '../../../lambdas/shared/analytics/ingest';
import { memorySink } from '../../../lambdas/shared/analytics/log-sink';
import { readSecret } from '../../../lambdas/shared/analytics/runtime';
import { ANALYTICS_ENV, analyticsSecretName } from '../../../lib/config/analytics';

const sm = mockClient(SecretsManagerClient);
const STAGE_SECRET = 'stage-secret-from-secrets-manager-0123456789abcdef';
const NAME = analyticsSecretName('staging');
const who = { tenantId: 'acme', userId: 'alice', vertical: 'retail', tier: 'standard' };
const batch = (i: number) => ({
  events: [
    {
      event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: 'page_view',
      ts: new Date().toISOString(),
      props: { page: '/' },
    },
  ],
});

afterEach(() => sm.reset());

describe('analytics hashing secret source (AWS: Secrets Manager by name)', () => {
  it('reads the secret named by ANALYTICS_HASH_SECRET_NAME once per container and hashes with it', async () => {
    sm.on(GetSecretValueCommand, { SecretId: NAME }).resolves({ SecretString: STAGE_SECRET });
    const env = { [ANALYTICS_ENV.secretName]: NAME };
    const sink = memorySink();
    const ingestor = createIngestor({
      sink,
      secret: () => readSecret(env),
      enabled: async () => true,
      optedOut: async () => false,
    });
    for (let i = 0; i < 3; i++) await ingestor.ingestClientBatch(who, batch(i));
    await ingestor.emitNow(who, 'report_viewed');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sink.records).toHaveLength(4);
    expect(new Set(sink.records.map((r) => r.user_hash))).toEqual(
      new Set([userHash(STAGE_SECRET, 'acme', 'alice')]),
    );
  });

  it('a failed read is retried on the next call, not cached', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: STAGE_SECRET });
    const env = { [ANALYTICS_ENV.secretName]: NAME };
    const ingestor = createIngestor({
      sink: memorySink(),
      secret: () => readSecret(env),
      enabled: async () => true,
      optedOut: async () => false,
    });
    await expect(ingestor.ingestClientBatch(who, batch(1))).rejects.toThrow('throttled');
    await expect(ingestor.ingestClientBatch(who, batch(2))).resolves.toMatchObject({ accepted: 1 });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('the inline secret (local stack) wins and needs no AWS call; short or missing secrets are refused', async () => {
    await expect(
      readSecret({ [ANALYTICS_ENV.secret]: STAGE_SECRET, [ANALYTICS_ENV.secretName]: NAME }),
    ).resolves.toBe(STAGE_SECRET);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    await expect(readSecret({})).rejects.toThrow(/must be set/);
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'short' });
    await expect(readSecret({ [ANALYTICS_ENV.secretName]: NAME })).rejects.toThrow(/at least 32 bytes/);
  });
});

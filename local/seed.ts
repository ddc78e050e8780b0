import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Tenant } from '../lambdas/shared/tenants/tenant';
import { type TableName, TENANT_ID_PATTERN, VERTICALS } from '../lib/config/data-model';
import { ROLES } from '../lib/config/roles';
import { TIERS } from '../lib/config/tiers';
import { repoRoot } from './paths';

/** Default fixture: the demo tenants and users (`local/fixtures/seed.json`). */
export function defaultSeedPath(): string {
  return join(repoRoot(), 'local', 'fixtures', 'seed.json');
}

const userSchema = z.object({ userId: z.string().min(1).max(128), roles: z.array(z.enum(ROLES)).min(1) });

const seedTenantSchema = z.object({
  tenantId: z.string().regex(TENANT_ID_PATTERN),
  name: z.string().min(1),
  tier: z.enum(TIERS),
  vertical: z.enum(VERTICALS),
  status: z.enum(['active', 'suspended']),
  apiKeyId: z.string().min(1),
  /** API Gateway requires ≥ 20 characters for an API key value. */
  apiKeyValue: z.string().min(20),
  branding: z
    .object({
      displayName: z.string().optional(),
      primaryColor: z.string().optional(),
      logoUrl: z.string().optional(),
    })
    .optional(),
  /** Demo users (Auth0 holds users in AWS; locally they only name who the banner and docs mint tokens for). */
  users: z.array(userSchema).min(1),
});

/** Schema of the seed fixture. */
export const seedSchema = z.object({
  $comment: z.string().optional(),
  /** ISO time stamped on every seeded item's `createdAt`/`updatedAt`. */
  createdAt: z.string().datetime(),
  tenants: z.array(seedTenantSchema).min(1),
  /** Extra raw items for the `limits` table (tier policies, tenant overrides), written as-is. */
  limits: z.array(z.object({ pk: z.string(), sk: z.string() }).passthrough()).default([]),
});

/** A parsed seed fixture. */
export type Seed = z.output<typeof seedSchema>;
/** One demo tenant of the fixture (a {@link Tenant} plus its demo users). */
export type SeedTenant = Seed['tenants'][number];

/**
 * Reads and validates a seed fixture.
 * @param path file path or URL (default {@link defaultSeedPath})
 * @throws {Error} unreadable file, invalid JSON, or a schema violation (message lists the field paths)
 */
export function loadSeed(path: string | URL = defaultSeedPath()): Seed {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid seed fixture ${String(path)}: ${fields}`);
  }
  return parsed.data;
}

/** The `tenants` table item of a seed tenant (version 1). */
export function toTenantItem(t: SeedTenant, createdAt: string): Tenant {
  const { users: _users, ...rest } = t;
  return { ...rest, version: 1, createdAt, updatedAt: createdAt };
}

/**
 * Writes the seed's tenants and limit items into the tables (PutItem each; overwrites existing ids).
 * @param tables physical table names (from `startDynalite`)
 * @returns number of items written
 */
export async function applySeed(
  client: DynamoDBClient,
  tables: Record<TableName, string>,
  seed: Seed,
): Promise<number> {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const puts = [
    ...seed.tenants.map((t) => ({ TableName: tables.tenants, Item: toTenantItem(t, seed.createdAt) })),
    ...seed.limits.map((item) => ({ TableName: tables.limits, Item: item })),
  ];
  await Promise.all(puts.map((p) => doc.send(new PutCommand(p))));
  return puts.length;
}

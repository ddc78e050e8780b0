/**
 * Typed configuration: the single source of stages, tiers, routes, roles, feature flags and the limit-policy model.
 * Pure data and zod schemas — no AWS or CDK imports — so both the CDK app and the Lambdas import it.
 */

export * from './analytics';
export * from './apm';
export * from './data-model';
export * from './experiments';
export * from './flags';
export * from './metrics';
export * from './policy';
export * from './roles';
export * from './routes';
export * from './security';
export * from './stage-names';
export * from './stages';
export * from './tiers';

import { createHash } from 'node:crypto';
import {
  EXPERIMENTS,
  type ExperimentDefinition,
  type ExperimentName,
  type VariantName,
} from '../../../lib/config/experiments';
import { BoundedMemo } from './bounded-memo';

/** `SHA-256(salt + ":" + userHash)`'s first 4 bytes per input: at most 20 000 inputs per container, least recently used dropped. */
const points = new BoundedMemo<number>(20_000);
const pointOf = (input: string) => createHash('sha256').update(input).digest().readUInt32BE(0);

/**
 * Deterministic variant assignment: `SHA-256(salt + ":" + userHash)`, first 4 bytes as an unsigned integer,
 * scaled to [0, total weight) and mapped onto the variants in catalog order. Same user hash and salt → same variant
 * in every Lambda and every run; independent across experiments (different salts).
 * @param experiment a catalog entry (or a test definition)
 * @param hash the user's analytics hash
 * @returns the variant name
 * @throws {Error} when the experiment has no variant with a positive weight
 */
export function assignVariant(
  experiment: Pick<ExperimentDefinition, 'salt' | 'variants'>,
  hash: string,
): string {
  const total = experiment.variants.reduce((s, v) => s + Math.max(0, v.weight), 0);
  if (total <= 0) throw new Error('experiment has no variant with a positive weight');
  // Memoised per container (the input holds the salt and the pseudonymous user hash, never a raw id).
  const n = points.get(`${experiment.salt}:${hash}`, pointOf);
  let point = (n / 2 ** 32) * total;
  for (const v of experiment.variants) {
    const w = Math.max(0, v.weight);
    if (point < w) return v.name;
    point -= w;
  }
  return experiment.variants[experiment.variants.length - 1]!.name;
}

/**
 * The variant of a catalog experiment for a user hash (see {@link assignVariant}): what ingestion stamps on the
 * user's `experiment_exposure` and what `GET /v1/me` reports as the user's assignment — one code path for both.
 */
export function variantOf<E extends ExperimentName>(name: E, hash: string): VariantName<E> {
  return assignVariant(EXPERIMENTS[name], hash) as VariantName<E>;
}

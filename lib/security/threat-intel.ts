import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canonicalCidr } from '../../lambdas/shared/security/cidr';
import { THREAT_INTEL_REPOSITORY_FILE } from '../config/security';

/** Most entries GuardDuty accepts in one threat list (addresses and CIDR ranges). */
export const THREAT_LIST_MAX_ENTRIES = 250_000;

/** A threat list that GuardDuty would not load as written (each problem with its 1-based line number). */
export class ThreatIntelListError extends Error {
  override name = 'ThreatIntelListError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: invalid threat-intel list\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Validates a plain-text (`TXT`) threat list and returns what GuardDuty is given: one canonical address or CIDR per
 * line (`203.0.113.0/24`, `198.51.100.7/32`), in file order, without the blank lines and `#` comments the repository
 * file may hold for its reviewers. At least one entry, no duplicate (after canonicalisation), at most
 * {@link THREAT_LIST_MAX_ENTRIES}.
 * @param source file name for the error message
 * @param maxEntries cap (tests lower it)
 * @throws {ThreatIntelListError} listing every bad line
 */
export function parseThreatIntelList(
  text: string,
  source = 'threat-intel list',
  maxEntries = THREAT_LIST_MAX_ENTRIES,
): string[] {
  const entries: string[] = [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const canon = canonicalCidr(line);
    if (!canon || /\s/.test(line)) {
      problems.push(`line ${i + 1}: "${line.slice(0, 80)}" is not an IP address or CIDR`);
      return;
    }
    const first = seen.get(canon.cidr);
    if (first !== undefined) {
      problems.push(`line ${i + 1}: ${canon.cidr} repeats line ${first}`);
      return;
    }
    seen.set(canon.cidr, i + 1);
    entries.push(canon.cidr);
  });
  if (entries.length === 0 && problems.length === 0) problems.push('no entry (GuardDuty cannot activate it)');
  if (entries.length > maxEntries) problems.push(`${entries.length} entries, over the cap of ${maxEntries}`);
  if (problems.length > 0) throw new ThreatIntelListError(source, problems);
  return entries;
}

/** Absolute path of the repository's threat list ({@link THREAT_INTEL_REPOSITORY_FILE}). */
export const THREAT_INTEL_FILE = fileURLToPath(
  new URL(`../../${THREAT_INTEL_REPOSITORY_FILE}`, import.meta.url),
);

/**
 * The object the Security stack uploads for GuardDuty: the repository list, validated, one entry per line.
 * @throws {ThreatIntelListError} when the repository file is invalid (synth fails naming the lines)
 */
export function repositoryThreatList(file = THREAT_INTEL_FILE): string {
  return `${parseThreatIntelList(readFileSync(file, 'utf8'), THREAT_INTEL_REPOSITORY_FILE).join('\n')}\n`;
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listPartitions } from './engine';
import { ERASURES_FILE, type ErasureMark } from './erasures';

/** UTC days (`dt`, `yyyy-mm-dd`) of the partitions holding a tenant's events, ascending. */
export type TenantEventDays = readonly string[];

/**
 * The tenants that have events in the local store `root`, with the days they have any: read from the partition
 * folders (`events/tenant_id=<t>/dt=<d>/` holding at least one NDJSON or Parquet file), no query.
 */
export function tenantsWithEvents(root: string): Map<string, TenantEventDays> {
  const out = new Map<string, string[]>();
  for (const p of listPartitions(root)) {
    if (p.files.length === 0) continue;
    out.set(p.tenantId, [...(out.get(p.tenantId) ?? []), p.dt]);
  }
  for (const days of out.values()) days.sort();
  return out;
}

/** The tenants of the erasure ledger of `root` (`erasures.ndjson`): tenants an erasure ran in, events left or not. */
export function tenantsErasedIn(root: string): Set<string> {
  const file = join(root, ERASURES_FILE);
  const out = new Set<string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      if (line) out.add((JSON.parse(line) as ErasureMark).tenant_id);
    } catch {
      // a torn last line (an erasure writing now) names no tenant yet
    }
  }
  return out;
}

/** Most tenant ids a note lists (the local store of a generated data set holds hundreds). */
const LISTED = 10;

/** "tenants with events: a, b, c" (sorted, at most {@link LISTED}), or "the store has no events" when none. */
function knownTenants(known: ReadonlyMap<string, TenantEventDays>): string {
  if (known.size === 0) return 'the store has no events at all';
  const ids = [...known.keys()].sort();
  const more = ids.length > LISTED ? `, … (${ids.length} in all)` : '';
  return `tenants with events: ${ids.slice(0, LISTED).join(', ')}${more}`;
}

/**
 * Why a query scoped to `tenantId` over `from`..`to` (UTC days) may have found nothing, for stderr — or `undefined`
 * when the tenant has events in that range (an empty answer is then the query's own). Either the tenant has no
 * events in the store at all (a mistyped or unknown id: the local store holds no tenant list, so it cannot tell
 * which), naming the tenants that do, or none in the range, naming the days it has.
 */
export function noEventsNote(
  tenantId: string,
  range: { from: string; to: string },
  known: ReadonlyMap<string, TenantEventDays>,
): string | undefined {
  const days = known.get(tenantId);
  if (!days) return `no events for tenant '${tenantId}' (${knownTenants(known)})`;
  if (days.some((d) => d >= range.from && d <= range.to)) return undefined;
  return `no events for tenant '${tenantId}' from ${range.from} to ${range.to} (it has events from ${days[0]} to ${days.at(-1)})`;
}

/**
 * An erasure named a tenant the store knows nothing of: no events and no earlier erasure. Nothing was done (no
 * ledger mark, no export deleted): most likely a mistyped id. `npm run analytics:erase` exits 3.
 */
export class UnknownTenantError extends Error {
  override name = 'UnknownTenantError';
  constructor(
    readonly tenantId: string,
    known: ReadonlyMap<string, TenantEventDays>,
  ) {
    super(`no events for tenant '${tenantId}': nothing erased (${knownTenants(known)})`);
  }
}

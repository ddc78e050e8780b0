/**
 * `npm run analytics:generate -- --events 1000000 [--seed 42] [--days 90] [--end 2026-11-30] [--dir D]`
 *
 * Writes a seeded, realistic data set as hive-partitioned Parquet (`<dir>/events/tenant_id=…/dt=…/`, default the
 * local analytics root): tenants across verticals and tiers, users with skewed activity, daily sessions that walk
 * the report funnel with drop-off, feature use, 429s, and the `report_cta` experiment (assignment from the user hash,
 * a higher conversion in the treatment). Same seed → same rows. Identities are hashed with the local secret.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { assignVariant } from '../../lambdas/shared/analytics/experiments';
import { sessionHash, userHash } from '../../lambdas/shared/analytics/hash';
import { ANALYTICS_SCHEMA_VERSION, EVENTS_PREFIX, type EventName } from '../../lib/config/analytics';
import { CONSOLE_FEATURE_IDS, type ConsolePageTemplate } from '../../lib/config/console-catalog';
import { PLATFORM_VERTICAL, VERTICALS } from '../../lib/config/data-model';
import { EXPERIMENTS } from '../../lib/config/experiments';
import { TIERS } from '../../lib/config/tier-names';
import { AnalyticsEngine, analyticsRoot } from './engine';
import { loadOrCreateLocalSecret } from './secret';

/** One generated event, in memory (the shape the in-process peer aggregates). */
export interface GenEvent {
  event_id: string;
  name: EventName;
  /** ms since epoch, UTC. */
  ts: number;
  tenant_id: string;
  vertical: string;
  tier: string;
  user_hash: string;
  session_hash: string;
  page: string | null;
  feature: string | null;
  experiment: string | null;
  variant: string | null;
  route: string | null;
}

/** Options of {@link generateEvents}. */
export interface GenerateOptions {
  /** Approximate number of events (the generator stops at exactly this many). */
  events: number;
  seed?: number;
  /** Days covered, ending with `end`. */
  days?: number;
  /** Last day, yyyy-mm-dd (default 2026-11-30). */
  end?: string;
  secret: string;
}

/** A UUID v4 string from the seeded generator (reproducible, unlike `crypto.randomUUID`). */
function uuidFrom(rnd: () => number): string {
  const h = (bits: number) =>
    Math.floor(rnd() * 2 ** bits)
      .toString(16)
      .padStart(bits / 4, '0');
  return `${h(32)}-${h(16)}-4${h(12)}-${(8 + Math.floor(rnd() * 4)).toString(16)}${h(12)}-${h(24)}${h(24)}`;
}

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pages every user has (real console page templates: the catalog accepts nothing else). */
const PAGES: readonly ConsolePageTemplate[] = [
  '/',
  '/reports',
  '/reports/new',
  '/reports/{reportId}',
  '/limits',
];
const FEATURES = CONSOLE_FEATURE_IDS;
const VERTS = VERTICALS.filter((v) => v !== PLATFORM_VERTICAL);

/**
 * Generates the data set in memory. Per day, each user is active with a probability from their (skewed) activity
 * level; an active day is one session: page views, a funnel walk (create → view → create again, with drop-off),
 * feature use, an occasional 429, and on the first active day an exposure to `report_cta`.
 */
export function generateEvents(o: GenerateOptions): GenEvent[] {
  const rnd = prng(o.seed ?? 42);
  const days = o.days ?? 90;
  const endMs = Date.parse(`${o.end ?? '2026-11-30'}T00:00:00Z`);
  const startMs = endMs - (days - 1) * 86_400_000;
  const exp = EXPERIMENTS.report_cta;
  const tenantCount = Math.max(4, Math.min(60, Math.round(o.events / 25_000)));
  // About 0.9 events per user and day on average (activity ~0.25 × ~3.6 events per session); 5 % headroom.
  const usersPerTenant = Math.max(5, Math.round((o.events * 1.05) / tenantCount / days / 0.9));
  const out: GenEvent[] = [];
  const users: Array<{
    tenant: string;
    vertical: string;
    tier: string;
    userId: string;
    hash: string;
    activity: number;
    variant: string;
    exposed: boolean;
  }> = [];
  for (let t = 0; t < tenantCount; t++) {
    const tenant = `tenant-${String(t).padStart(3, '0')}`;
    const vertical = VERTS[t % VERTS.length]!;
    const tier = TIERS[Math.floor(rnd() * TIERS.length)]!;
    for (let u = 0; u < usersPerTenant; u++) {
      const userId = `user-${u}`;
      const hash = userHash(o.secret, tenant, userId);
      users.push({
        tenant,
        vertical,
        tier,
        userId,
        hash,
        activity: 0.05 + 0.6 * rnd() ** 2,
        variant: assignVariant(exp, hash),
        exposed: false,
      });
    }
  }
  const push = (
    u: (typeof users)[number],
    session: string,
    ts: number,
    name: EventName,
    extra: Partial<GenEvent> = {},
  ) => {
    out.push({
      event_id: uuidFrom(rnd),
      name,
      ts,
      tenant_id: u.tenant,
      vertical: u.vertical,
      tier: u.tier,
      user_hash: u.hash,
      session_hash: session,
      page: null,
      feature: null,
      experiment: null,
      variant: null,
      route: null,
      ...extra,
    });
  };
  for (let d = 0; d < days && out.length < o.events; d++) {
    const dayMs = startMs + d * 86_400_000;
    const day = new Date(dayMs).toISOString().slice(0, 10);
    for (const u of users) {
      if (out.length >= o.events) break;
      if (rnd() > u.activity) continue;
      const session = sessionHash(o.secret, u.tenant, u.userId, day);
      let ts = dayMs + Math.floor(rnd() * 20 * 3600_000);
      const step = () => (ts += 1000 + Math.floor(rnd() * 600_000));
      if (!u.exposed) {
        u.exposed = true;
        push(u, session, ts, 'experiment_exposure', { experiment: 'report_cta', variant: u.variant });
        step();
      }
      const views = 1 + Math.floor(rnd() * 4);
      for (let i = 0; i < views; i++) {
        push(u, session, step(), 'page_view', { page: PAGES[Math.floor(rnd() * PAGES.length)]! });
      }
      const create = u.variant === 'prominent' ? 0.36 : 0.3;
      if (rnd() < create) {
        push(u, session, step(), 'report_created');
        if (rnd() < 0.6) {
          push(u, session, step(), 'report_viewed');
          if (rnd() < 0.4) push(u, session, step(), 'report_created');
        }
      }
      if (rnd() < 0.35)
        push(u, session, step(), 'feature_used', {
          feature: FEATURES[Math.floor(rnd() ** 2 * FEATURES.length)]!,
        });
      if (rnd() < 0.03) push(u, session, step(), 'limit_hit', { route: 'POST /v1/reports' });
      if (rnd() < 0.02) push(u, session, step(), 'report_deleted');
    }
  }
  return out.slice(0, o.events);
}

/**
 * Writes events as hive-partitioned Parquet under `<root>/events/` (replacing what is there), through DuckDB's
 * appender and `COPY … PARTITION_BY (tenant_id, dt)`.
 */
export async function writeParquet(
  root: string,
  events: readonly GenEvent[],
  receivedAt = Date.now(),
): Promise<void> {
  rmSync(join(root, EVENTS_PREFIX), { recursive: true, force: true });
  const engine = await AnalyticsEngine.open(root);
  try {
    const c = engine.connection;
    const tmp = join(root, `.gen-${process.pid}.ndjson`);
    const fd = openSync(tmp, 'w');
    try {
      for (let i = 0; i < events.length; i += 10_000) {
        let chunk = '';
        for (const e of events.slice(i, i + 10_000)) chunk += `${JSON.stringify(e)}\n`;
        writeSync(fd, chunk);
      }
    } finally {
      closeSync(fd);
    }
    await c.run(`CREATE TEMP TABLE gen AS SELECT * FROM read_json('${tmp.replaceAll("'", "''")}', format = 'newline_delimited',
      columns = {event_id: 'VARCHAR', name: 'VARCHAR', ts: 'BIGINT', tenant_id: 'VARCHAR', vertical: 'VARCHAR',
        tier: 'VARCHAR', user_hash: 'VARCHAR', session_hash: 'VARCHAR', page: 'VARCHAR', feature: 'VARCHAR',
        experiment: 'VARCHAR', variant: 'VARCHAR', route: 'VARCHAR'})`);
    rmSync(tmp, { force: true });
    const dir = join(root, EVENTS_PREFIX).replaceAll("'", "''");
    await c.run(`COPY (
      SELECT event_id, CAST(${ANALYTICS_SCHEMA_VERSION} AS INTEGER) AS schema_version, name, make_timestamp(ts * 1000) AS ts,
        make_timestamp(CAST(${receivedAt * 1000} AS BIGINT)) AS received_at, vertical, tier, user_hash, session_hash,
        'server' AS source, page, feature, experiment, variant, route, '{}' AS props,
        tenant_id, strftime(make_timestamp(ts * 1000), '%Y-%m-%d') AS dt
      FROM gen)
      TO '${dir}' (FORMAT PARQUET, PARTITION_BY (tenant_id, dt), OVERWRITE_OR_IGNORE, COMPRESSION ZSTD)`);
    await engine.refresh();
  } finally {
    engine.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      events: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '42' },
      days: { type: 'string', default: '90' },
      end: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const events = Number(values.events);
  if (!Number.isInteger(events) || events < 1) {
    process.stderr.write('--events must be a positive integer\n');
    process.exit(2);
  }
  const root = values.dir ?? analyticsRoot();
  const t0 = performance.now();
  const rows = generateEvents({
    events,
    seed: Number(values.seed),
    days: Number(values.days),
    end: values.end,
    secret: loadOrCreateLocalSecret(),
  });
  const t1 = performance.now();
  await writeParquet(root, rows);
  process.stdout.write(
    `generated ${rows.length} events in ${((t1 - t0) / 1000).toFixed(1)} s, wrote Parquet to ${join(root, EVENTS_PREFIX)} in ${((performance.now() - t1) / 1000).toFixed(1)} s\n`,
  );
}

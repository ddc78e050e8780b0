/**
 * `npm run drill:security [-- --url http://localhost:3000]`: the security drill (docs/security-runbooks.md).
 *
 * Against a running local stack (`--url`, or `DRILL_URL`), or one it starts on a free port with a 3 s block expiry
 * (`LOCAL_SECURITY_BLOCK_TTL_SEC`) when none is given, it:
 * 1. replays real-shaped GuardDuty findings in the EventBridge envelope through the local bus (`SECURITY_RULES`):
 *    network connection, AWS API call, port probe (three addresses, one allowlisted), IPv6, archived, an update
 *    without severity, and a medium one (ticket only);
 * 2. checks every high-severity address is in the WAF IP set and its requests get 403 `WAF_FILTERED`, the allowlisted
 *    address is untouched, the archived / medium / severity-less findings block nothing;
 * 3. sends a failed-auth burst (bad tokens) from one address, over the per-IP threshold: the access log →
 *    security-events → `FailedAuthThresholdExceeded` → responder blocks it;
 * 4. replays four ordinary hours of a fresh tenant's traffic, then sends a burst of real requests as that tenant
 *    and runs the hourly evaluation: a `TenantActivityAnomaly`;
 * 5. waits for the blocks to expire (the sweep lifts them) and checks the addresses are served again;
 * 6. prints the audit entries (security log) and paging/ticket notifications of this run.
 * Ends with `RESULT {json}`; exit code 1 when a check failed. Tokens are signed with the local dev key
 * (`.local/`, like `npm run token`), so `--url` must be a stack of this checkout.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { SecurityEvent } from '../lambdas/shared/security/event-schema';
import { VERTICALS } from '../lib/config/data-model';
import { getStageConfig } from '../lib/config/stages';
import { loadOrCreateDevKey } from '../local/dev-key';
import { emptyAccessLog, formatAccessLog } from '../local/gateway/access-log';
import { signAccessToken, type TokenRequest } from '../local/oidc';
import type { BusDelivery, LocalNotification, LocalSecurityState } from '../local/security/runtime';
import {
  archivedFinding,
  awsApiCallFinding,
  ipv6Finding,
  mediumFinding,
  networkConnectionFinding,
  noSeverityUpdate,
  portProbeFinding,
} from '../test/fixtures/guardduty';

/** Machine-readable outcome of one drill run (the `RESULT` line). */
export interface SecurityDrillResult {
  passed: boolean;
  /** Findings replayed (all shapes, including archived, medium and the update without severity). */
  findings: number;
  /** Distinct addresses the responder blocked in this run (findings + failed-auth burst). */
  ips_blocked: number;
  /** Status every blocked address got while blocked (403 when all did; else the first other status). */
  blocked_status: number;
  /** Status per blocked address while blocked. */
  blocked_statuses: Record<string, number>;
  allowlist_untouched: boolean;
  unblocked_after_expiry: boolean;
  bruteforce_blocked: boolean;
  anomaly_flagged: boolean;
  ipv6_blocked: boolean;
  /** Archived, medium and severity-less findings blocked nothing. */
  non_high_ignored: boolean;
  pages: number;
  tickets: number;
  audit_entries: number;
  /** Seconds from the first block to the address being served again. */
  block_lifetime_s: number;
  duration_s: number;
  /** Failed checks (empty when passed). */
  failures: string[];
}

/** Options of {@link runSecurityDrill}. */
export interface DrillOptions {
  /** Base URL of a running local stack. */
  url: string;
  /** Where the human-readable progress goes (default stdout). */
  print?: (line: string) => void;
  /** Longest wait for blocks to expire, ms (default: block TTL + 15 s). */
  expiryTimeoutMs?: number;
}

const ADDR = {
  network: '198.51.100.10',
  apiCall: '198.51.100.20',
  probeA: '203.0.113.30',
  probeB: '203.0.113.31',
  ipv6: '2001:db8::bad',
  archived: '198.51.100.99',
  medium: '198.51.100.50',
  brute: '192.0.2.66',
} as const;

/** Runs the drill against `opts.url`. Never throws for a failed check: see `result.failures`. */
export async function runSecurityDrill(opts: DrillOptions): Promise<SecurityDrillResult> {
  const t0 = Date.now();
  const print = opts.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  const base = opts.url.replace(/\/$/, '');
  const run = randomUUID().slice(0, 8);
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    print(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
    return ok;
  };
  const startedAt = new Date(t0).toISOString();

  const state = async () => (await json<LocalSecurityState>(`${base}/_local/security/state`)).body;
  const initial = await state();
  const allowed = addressInside(initial.config.allowlist);
  const ttlSec = Math.max(initial.config.blockTtlSec.finding, initial.config.blockTtlSec.bruteForce);

  // Tokens like `npm run token`: the stack's dev key, the stack's issuer.
  const stage = getStageConfig(process.env.STAGE ?? 'dev');
  const key = await loadOrCreateDevKey();
  const token = (req: Pick<TokenRequest, 'tenantId' | 'userId' | 'roles'>) =>
    signAccessToken(key, `${base}/`, stage.auth0.claimsNamespace, {
      permissions: [],
      audience: stage.auth0.audience,
      ...req,
    });
  const userToken = await token({ tenantId: 'acme', userId: 'alice', roles: ['user'] });
  const asClient = (ip: string, bearer = userToken) =>
    fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${bearer}`, 'x-forwarded-for': ip } }).then(
      async (r) => {
        await r.arrayBuffer();
        return { status: r.status };
      },
    );

  print(`security drill ${run} against ${base} (block expiry ${ttlSec} s, allowlisted ${allowed})`);
  print('1. findings replayed through the local EventBridge bus');
  const unique = (event: Record<string, unknown>, name: string) => {
    const e = structuredClone(event) as Record<string, unknown> & { detail: Record<string, unknown> };
    e.id = `${String(e.id)}-${run}`;
    e.time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    e.detail.id = `${String(e.detail.id)}-${run}`;
    return { name, event: e };
  };
  const findings = [
    unique(networkConnectionFinding, 'network-connection'),
    unique(awsApiCallFinding, 'aws-api-call'),
    unique(portProbeFinding([ADDR.probeA, ADDR.probeB, allowed]), 'port-probe'),
    unique(ipv6Finding, 'ipv6'),
    unique(archivedFinding, 'archived'),
    unique(noSeverityUpdate, 'update-without-severity'),
    unique(mediumFinding, 'medium'),
  ];
  const before: Record<string, number> = {};
  for (const ip of [...Object.values(ADDR), allowed]) before[ip] = (await asClient(ip)).status;
  check(
    Object.values(before).every((s) => s === 200),
    `every drill address is served before (${JSON.stringify(before)})`,
  );
  const put = await json<{ deliveries: BusDelivery[] }>(`${base}/_local/security/events`, {
    method: 'POST',
    body: findings.map((f) => f.event),
  });
  const deliveries = put.body.deliveries;
  for (const [i, d] of deliveries.entries()) {
    const r = d.responder;
    print(
      `  ${findings[i]?.name}: rules [${d.rules.join(', ')}]` +
        (r ? ` → responder ${r.status}/${r.reason} blocked [${r.blocked.join(' ')}]` : ' → no responder') +
        (r?.allowlisted.length ? ` allowlisted [${r.allowlisted.join(' ')}]` : '') +
        (d.deadLettered ? ` DEAD-LETTER ${d.deadLettered}` : ''),
    );
  }
  check(
    deliveries.every((d) => !d.deadLettered),
    'no finding went to the dead-letter queue (malformed/partial updates are ignored)',
  );

  print('2. blocked addresses are refused like WAF, the allowlisted one is not');
  const highAddrs: string[] = [ADDR.network, ADDR.apiCall, ADDR.probeA, ADDR.probeB, ADDR.ipv6];
  const afterFindings = await state();
  const inSet = (s: LocalSecurityState, ip: string) =>
    [...s.ipSets.ipv4, ...s.ipSets.ipv6].some((c) => c.split('/')[0] === ip);
  const blockedStatuses: Record<string, number> = {};
  for (const ip of highAddrs) {
    const r = await asClient(ip);
    blockedStatuses[ip] = r.status;
    check(
      inSet(afterFindings, ip) && r.status === 403,
      `${ip} in the IP set; a valid token from it → ${r.status}`,
    );
  }
  const allowedNow = await asClient(allowed);
  const allowlistUntouched = check(
    !inSet(afterFindings, allowed) && allowedNow.status === 200,
    `allowlisted ${allowed} named by the port probe is not blocked → ${allowedNow.status}`,
  );
  const nonHigh: boolean[] = [];
  for (const ip of [ADDR.archived, ADDR.medium]) {
    const r = await asClient(ip);
    nonHigh.push(
      check(
        !inSet(afterFindings, ip) && r.status === 200,
        `${ip} (archived/medium finding) served → ${r.status}`,
      ),
    );
  }
  const mediumTicket = afterFindings.notifications.some(
    (n) => n.topic === 'ticket' && n.rule === 'GuardDutyMedium' && n.eventId.endsWith(run),
  );
  nonHigh.push(check(mediumTicket, 'medium finding went to the ticket topic'));
  const updateIgnored = deliveries[5]?.rules.length === 0;
  nonHigh.push(check(updateIgnored, 'update without severity matched no rule'));
  const archivedIgnored = deliveries[4]?.responder?.status === 'ignored';
  nonHigh.push(check(archivedIgnored, 'archived finding ignored by the responder (reason archived)'));

  print('3. failed-auth burst from one address');
  const burst = initial.config.failedAuth.perIpThreshold + 5;
  const statuses = await Promise.all(
    Array.from({ length: burst }, () => asClient(ADDR.brute, 'not-a-valid-token')),
  );
  check(
    statuses.every((s) => s.status === 401),
    `${burst} requests with a bad token from ${ADDR.brute} → 401`,
  );
  const bruteBlocked = await waitFor(async () => inSet(await state(), ADDR.brute), 10_000);
  const bruteStatus = (await asClient(ADDR.brute)).status;
  blockedStatuses[ADDR.brute] = bruteStatus;
  const bruteforceBlocked = check(
    bruteBlocked && bruteStatus === 403,
    `${ADDR.brute} blocked after the burst → a valid token now gets ${bruteStatus}`,
  );

  print('4. tenant activity anomaly');
  const anomalyTenant = `drill-${run}`;
  const admin = await token({ tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] });
  const created = await fetch(`${base}/admin/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      tenantId: anomalyTenant,
      name: `Drill ${run}`,
      tier: 'enterprise',
      vertical: VERTICALS[0],
    }),
  });
  check(created.status === 201, `tenant ${anomalyTenant} provisioned → ${created.status}`);
  const hourMs = 3_600_000;
  const thisHour = Math.floor(Date.now() / hourMs) * hourMs;
  const history = Math.max(initial.config.anomaly.minHistoryHours + 1, 4);
  const perHour = [10, 12, 9, 11, 10, 12, 9, 11];
  for (let h = history; h >= 1; h--) {
    const hour = thisHour - h * hourMs;
    const records = Array.from({ length: perHour[h % perHour.length] ?? 10 }, (_, i) => {
      const r = emptyAccessLog();
      r.requestId = randomUUID();
      r.ip = '10.9.8.7';
      r.requestTime = String(hour + 60_000 * (i + 1));
      r.method = 'GET';
      r.route = '/v1/me';
      r.path = '/dev/v1/me';
      r.status = '200';
      r.responseLength = '180';
      r.tenantId = anomalyTenant;
      return formatAccessLog(r);
    });
    await json(`${base}/_local/security/access-log`, { method: 'POST', body: records });
    await json(`${base}/_local/security/schedules/anomalyHourly`, {
      method: 'POST',
      body: { time: new Date(hour + hourMs + 5 * 60_000).toISOString() },
    });
  }
  const jump = Math.max(initial.config.anomaly.minVolume * 2, 100);
  const tenantToken = await token({ tenantId: anomalyTenant, userId: 'drill-bot', roles: ['user'] });
  let served = 0;
  for (let i = 0; i < jump; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, jump - i) }, () => asClient('10.9.8.7', tenantToken)),
    );
    served += batch.filter((b) => b.status === 200).length;
  }
  print(
    `  ${history} replayed hours of ~10 requests, then ${jump} real requests this hour (${served} served)`,
  );
  const hourly = await json<{ result: { flagged: { tenantId: string; figures: string[] }[] } }>(
    `${base}/_local/security/schedules/anomalyHourly`,
    { method: 'POST', body: { time: new Date(thisHour + hourMs + 5 * 60_000).toISOString() } },
  );
  const flagged = hourly.body.result.flagged.find((f) => f.tenantId === anomalyTenant);
  const anomalyFlagged = check(
    flagged !== undefined,
    `TenantActivityAnomaly for ${anomalyTenant} (${flagged?.figures.join(', ') ?? 'not flagged'})`,
  );

  print('5. blocks lifted after expiry');
  const afterBlocks = await state();
  const ours = afterBlocks.blocks.filter((b) =>
    [...highAddrs, ADDR.brute].includes(b.cidr.split('/')[0] ?? ''),
  );
  const lastExpiry = Math.max(...ours.map((b) => b.expiresAt), Math.floor(Date.now() / 1000));
  const expiryTimeout = opts.expiryTimeoutMs ?? (ttlSec + 15) * 1000;
  const lifted = await waitFor(
    async () => {
      const s = await state();
      return ![...highAddrs, ADDR.brute].some((ip) => inSet(s, ip));
    },
    Math.max(expiryTimeout, lastExpiry * 1000 - Date.now() + 5_000),
    250,
  );
  const after: Record<string, number> = {};
  for (const ip of [...highAddrs, ADDR.brute]) after[ip] = (await asClient(ip)).status;
  const unblocked = check(
    lifted && Object.values(after).every((s) => s === 200),
    `every address served again after its expiry (${JSON.stringify(after)})`,
  );

  print('6. audit entries (security log) and notifications of this run');
  const final = await state();
  const runAddrs = new Set<string>([...highAddrs, ADDR.brute, allowed]);
  const audit = final.events.filter(
    (e) =>
      e.time >= startedAt &&
      [
        'IpBlocked',
        'IpUnblocked',
        'ResponseSuppressed',
        'GuardDutyFinding',
        'FailedAuthThresholdExceeded',
        'TenantActivityAnomaly',
      ].includes(e.type) &&
      (runAddrs.has(e.sourceIp.split('/')[0] ?? '') ||
        e.tenantId === anomalyTenant ||
        String(e.details.findingId ?? '').endsWith(run)),
  );
  for (const e of audit) print(`  ${auditLine(e)}`);
  check(
    audit.some((e) => e.type === 'IpBlocked') && audit.some((e) => e.type === 'IpUnblocked'),
    `audit entries for blocks and unblocks (${audit.length} entries)`,
  );
  const ofRun = (n: LocalNotification) => n.time >= startedAt || n.eventId.endsWith(run);
  const pages = final.notifications.filter((n) => n.topic === 'page' && ofRun(n));
  const tickets = final.notifications.filter((n) => n.topic === 'ticket' && ofRun(n));
  print(
    `  notifications: ${pages.length} page (${rulesOf(pages)}), ${tickets.length} ticket (${rulesOf(tickets)})`,
  );

  const blockedValues = Object.values(blockedStatuses);
  const result: SecurityDrillResult = {
    passed: failures.length === 0,
    findings: findings.length,
    ips_blocked: new Set(
      final.events
        .filter(
          (e) =>
            e.type === 'IpBlocked' && e.time >= startedAt && runAddrs.has(e.sourceIp.split('/')[0] ?? ''),
        )
        .map((e) => e.sourceIp),
    ).size,
    blocked_status: blockedValues.find((s) => s !== 403) ?? 403,
    blocked_statuses: blockedStatuses,
    allowlist_untouched: allowlistUntouched,
    unblocked_after_expiry: unblocked,
    bruteforce_blocked: bruteforceBlocked,
    anomaly_flagged: anomalyFlagged,
    ipv6_blocked: blockedStatuses[ADDR.ipv6] === 403,
    non_high_ignored: nonHigh.every(Boolean),
    pages: pages.length,
    tickets: tickets.length,
    audit_entries: audit.length,
    block_lifetime_s: longestBlock(final.events, startedAt),
    duration_s: Math.round((Date.now() - t0) / 100) / 10,
    failures,
  };
  return result;
}

/** Longest time between an address's `IpBlocked` and its `IpUnblocked` in this run, seconds. */
function longestBlock(events: SecurityEvent[], since: string): number {
  const blockedAt = new Map<string, number>();
  let longest = 0;
  for (const e of events) {
    if (e.time < since) continue;
    if (e.type === 'IpBlocked') blockedAt.set(e.sourceIp, Date.parse(e.time));
    if (e.type === 'IpUnblocked') {
      const at = blockedAt.get(e.sourceIp);
      if (at !== undefined) longest = Math.max(longest, Date.parse(e.time) - at);
    }
  }
  return Math.round(longest / 100) / 10;
}

function auditLine(e: SecurityEvent): string {
  const who =
    e.sourceIp !== '-' ? e.sourceIp : e.tenantId !== '-' ? e.tenantId : String(e.details.findingId ?? '-');
  const extra = ['findingType', 'expiresAt', 'count', 'requests.z']
    .filter((k) => e.details[k] !== undefined)
    .map((k) => `${k}=${String(e.details[k])}`)
    .join(' ');
  return `${e.time} ${e.type} ${e.outcome} ${e.reason} ${who} ${extra}`.trim();
}

function rulesOf(ns: LocalNotification[]): string {
  const counts = new Map<string, number>();
  for (const n of ns) counts.set(n.rule, (counts.get(n.rule) ?? 0) + 1);
  return [...counts].map(([r, c]) => `${r}×${c}`).join(', ');
}

/** An address inside the first non-loopback IPv4 allowlist entry (the network address + 7, or the address). */
export function addressInside(allowlist: readonly string[]): string {
  const entry = allowlist.find((c) => /^\d+\.\d+\.\d+\.\d+/.test(c) && !c.startsWith('127.'));
  if (!entry) throw new Error('the stage allowlist has no IPv4 entry to test with');
  const [addr = '', bits = '32'] = entry.split('/');
  if (Number(bits) > 29) return addr;
  const o = addr.split('.').map(Number);
  return `${o[0]}.${o[1]}.${o[2]}.${(o[3] ?? 0) + 7}`;
}

async function json<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (res.status >= 400)
    throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, body: JSON.parse(text) as T };
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' } }, strict: true });
  let url = values.url ?? process.env.DRILL_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    process.env.LOCAL_SECURITY_BLOCK_TTL_SEC ??= '3';
    process.env.LOCAL_SECURITY_SWEEP_MS ??= '500';
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    const { startStack } = await import('../local/stack');
    const stack = await startStack({ port: 0, accessLog: () => undefined });
    url = stack.url;
    stop = stack.stop;
    process.stdout.write(`started a local stack on ${url}\n`);
  }
  try {
    const result = await runSecurityDrill({ url });
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    process.exitCode = result.passed ? 0 : 1;
  } finally {
    await stop?.();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`drill:security: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  });
}

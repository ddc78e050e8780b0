import { generateKeyPair } from 'jose';
import type { TrafficKind } from '../../lib/config/alarms';
import type { DevKey } from '../dev-key';
import { signAccessToken, type TokenRequest } from '../oidc';

/** Who the drill's traffic is, per kind (seed tenants of `local/fixtures/seed.json`). */
export const TRAFFIC_IDENTITY: Readonly<
  Record<TrafficKind, { tenantId: string; userId: string; roles: string[] }>
> = {
  // enterprise tenant: its usage plan and limits leave room for the drill's rates
  me: { tenantId: 'umbrella', userId: 'alice', roles: ['user'] },
  market: { tenantId: 'umbrella', userId: 'alice', roles: ['user'] },
  reports: { tenantId: 'umbrella', userId: 'alice', roles: ['user'] },
  // premium tenant: usage plan 100 requests/s, so its 429s come from the limiter (limits-clamped), not the gateway
  hammer: { tenantId: 'globex', userId: 'alice', roles: ['user'] },
  // the claims of a user; the signature is made with a key the issuer never published
  'bad-token': { tenantId: 'acme', userId: 'mallory', roles: ['user'] },
  'admin-limits': { tenantId: 'marketedge', userId: 'ops', roles: ['platform-admin'] },
};

/** Tenant whose limit overrides the `admin-limits` traffic re-saves (unchanged rules, so nothing else moves). */
export const ADMIN_LIMITS_TARGET = 'initech';

/** How the traffic reaches the stack and signs its tokens. */
export interface TrafficTarget {
  /** Base URL of the local stack. */
  url: string;
  /** The stack's signing key (the same one `npm run token` uses). */
  devKey: DevKey;
  claimsNamespace: string;
  audience: string;
}

/** One request of a traffic kind: resolves with the HTTP status (0 for a network error). */
export type Sender = () => Promise<number>;

/**
 * The request one unit of `kind` sends (tokens signed once; each `bad-token` request gets a fresh token, so no cache
 * answers for the authorizer).
 */
export async function senderFor(kind: TrafficKind, t: TrafficTarget): Promise<Sender> {
  const who = TRAFFIC_IDENTITY[kind];
  const base = t.url.replace(/\/$/, '');
  const issuer = `${base}/`;
  const req = (over: Partial<TokenRequest> = {}): TokenRequest => ({
    ...who,
    permissions: [],
    audience: t.audience,
    ...over,
  });
  const get = (path: string, token: string) => status(fetch(`${base}${path}`, { headers: bearer(token) }));
  switch (kind) {
    case 'me':
    case 'hammer': {
      const token = await signAccessToken(t.devKey, issuer, t.claimsNamespace, req());
      return () => get('/v1/me', token);
    }
    case 'market': {
      const token = await signAccessToken(t.devKey, issuer, t.claimsNamespace, req());
      return () => get('/v1/market/quotes', token);
    }
    case 'reports': {
      const token = await signAccessToken(t.devKey, issuer, t.claimsNamespace, req());
      return () => get('/v1/reports', token);
    }
    case 'bad-token': {
      const { privateKey } = await generateKeyPair('RS256');
      const forged: DevKey = { ...t.devKey, privateKey };
      let n = 0;
      return async () =>
        get(
          '/v1/me',
          await signAccessToken(forged, issuer, t.claimsNamespace, req({ userId: `mallory-${++n}` })),
        );
    }
    case 'admin-limits': {
      const token = await signAccessToken(t.devKey, issuer, t.claimsNamespace, req());
      const path = `/admin/tenants/${ADMIN_LIMITS_TARGET}/limits`;
      return async () => {
        try {
          const current = await fetch(`${base}${path}`, { headers: bearer(token) });
          const body = (await current.json()) as { overrides?: unknown[] };
          if (current.status !== 200) return current.status;
          return await status(
            fetch(`${base}${path}`, {
              method: 'PUT',
              headers: {
                ...bearer(token),
                'content-type': 'application/json',
                'if-match': current.headers.get('etag') ?? '*',
              },
              body: JSON.stringify({ rules: body.overrides ?? [] }),
            }),
          );
        } catch {
          return 0;
        }
      };
    }
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

async function status(res: Promise<Response>): Promise<number> {
  try {
    const r = await res;
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

/** A running traffic generator. */
export interface Traffic {
  /** Requests sent so far, by status (`0` = network error). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Requests sent so far. */
  readonly sent: number;
  /** Stops sending; resolves when the requests in flight have answered. */
  stop(): Promise<void>;
}

/**
 * Sends `send` at `ratePerSec`, open loop (evenly spaced starts, not waiting for answers, so a slow stack does not
 * slow the rate; at most `maxInFlight` outstanding — beyond that a start is skipped and counted as `skipped`).
 */
export function startTraffic(send: Sender, ratePerSec: number, maxInFlight = 200): Traffic {
  const statuses: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const intervalMs = 1000 / ratePerSec;
  const t0 = performance.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor((performance.now() - t0) / intervalMs) + 1;
    while (sent < due) {
      sent++;
      if (inFlight.size >= maxInFlight) {
        statuses.skipped = (statuses.skipped ?? 0) + 1;
        continue;
      }
      const p = send().then((s) => {
        statuses[String(s)] = (statuses[String(s)] ?? 0) + 1;
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    timer = setTimeout(tick, Math.max(1, intervalMs - ((performance.now() - t0) % intervalMs)));
  };
  tick();
  return {
    statuses,
    get sent() {
      return sent;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([...inFlight]);
    },
  };
}

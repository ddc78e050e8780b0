/**
 * Redis key scheme of the limiter (docs/rate-limiting.md). Every key of one tenant carries the tenant as a cluster
 * hash tag, `rl:{<encoded tenant>}:…`, so all keys of one decision map to one slot (no CROSSSLOT on Redis Cluster /
 * ElastiCache Serverless). Identifiers are encoded injectively so `{`, `}`, `:`, `/`, `%` or unicode in an id can
 * neither break the tag nor make two ids share a key.
 *
 * Layout:
 * - `rl:{<tenant>}:cfg` — per-tenant policy version (opaque token, set by {@link policyVersionKey} writers)
 * - `rl:{<tenant>}:r:<ruleId>:<limit>-<periodSec>-<burst>:t` / `…:u:<user>` — GCRA state (TAT, ms) of a rate rule,
 *   tenant or user scope. The rule's numbers are part of the key: a TAT is measured in the old rule's emission
 *   interval, so a changed limit starts a fresh counter (a raised limit helps a throttled tenant at once).
 * - `rl:{<tenant>}:q<window>:<ruleId>:t` / `…:u:<user>` — calendar quota state (hash `w` window id, `c` count)
 * - `rl:{~tiers}:ver` — hash tier → tier policy version (not on the request path; polled)
 */

/**
 * Encodes an identifier for use inside a key: `encodeURIComponent` (which escapes `{ } : / %` and every non-ASCII
 * character as UTF-8 `%XX`) plus `~` → `%7E`; strings that are not well-formed UTF-16 (lone surrogates) become
 * `~u` + hex code units. The mapping is injective: distinct ids give distinct encodings.
 * @param id any string (tenant id, user id, rule id)
 * @returns a string of `[A-Za-z0-9_.!*'()%-]` characters, or `~u…` for ill-formed input
 */
export function encodeId(id: string): string {
  try {
    return encodeURIComponent(id).replace(/~/g, '%7E');
  } catch {
    let out = '~u';
    for (let i = 0; i < id.length; i++) out += id.charCodeAt(i).toString(16).padStart(4, '0');
    return out;
  }
}

/** `rl:{<encoded tenant>}` — the prefix (with hash tag) of every key of a tenant. */
export function tenantPrefix(tenantId: string): string {
  return `rl:{${encodeId(tenantId)}}`;
}

/** `rl:{<encoded tenant>}:` — every key of the tenant starts with it (prefix match over a tenant's keys). */
export function tenantKeyPrefix(tenantId: string): string {
  return `${tenantPrefix(tenantId)}:`;
}

/**
 * Key holding the tenant's policy version, returned by the limiter script with every decision. Writers (the admin
 * API via `bumpPolicyVersion`) set a fresh opaque token after changing the tenant's overrides or bypasses.
 * @param tenantId raw tenant id
 */
export function policyVersionKey(tenantId: string): string {
  return `${tenantKeyPrefix(tenantId)}cfg`;
}

/** Hash (field = tier name) holding tier policy versions. Its own slot; polled, never part of a decision. */
export const TIER_VERSIONS_KEY = 'rl:{~tiers}:ver';

/** What a counter key is for. */
export interface CounterKeyParts {
  tenantId: string;
  ruleId: string;
  kind: 'rate' | 'quota';
  /** Quota window: `day`, `month`, or a fixed window length in seconds (tests). Ignored for rate rules. */
  window?: 'day' | 'month' | number;
  /** Present for `scope: user` rules. */
  userId?: string;
  /** Rate rules: the rule's numbers, `<limit>-<periodSec>-<burst>` (see the layout above). */
  params?: string;
}

/**
 * Counter key of one rule for one tenant (and user). The rule kind and quota window are part of the key so a rule
 * whose kind changes never reads the other kind's state (no WRONGTYPE).
 */
export function counterKey(p: CounterKeyParts): string {
  const kind =
    p.kind === 'rate'
      ? 'r'
      : `q${p.window === 'month' ? 'm' : p.window === 'day' || p.window === undefined ? 'd' : `f${p.window}`}`;
  const who = p.userId === undefined ? 't' : `u:${encodeId(p.userId)}`;
  const params = p.kind === 'rate' && p.params !== undefined ? `:${encodeId(p.params)}` : '';
  return `${tenantPrefix(p.tenantId)}:${kind}:${encodeId(p.ruleId)}${params}:${who}`;
}

/**
 * The hash tag of a key (the part between the first `{` and the next `}`, when non-empty), as Redis Cluster uses it
 * to pick the slot. https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags
 */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

const CRC16_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/**
 * Redis Cluster slot of a key: CRC16-CCITT (XMODEM) of its hash tag, modulo 16384 (the cluster spec's algorithm).
 * @returns slot number 0…16383
 */
export function keySlot(key: string): number {
  const bytes = Buffer.from(hashTag(key), 'utf8');
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc % 16384;
}

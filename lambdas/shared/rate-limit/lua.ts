/**
 * The limiter's single Lua script, run with `EVALSHA` (falling back to `EVAL` on `NOSCRIPT`). A transcription of
 * `algorithms.ts`; the conformance suite runs the same cases on both stores.
 *
 * Contract:
 * - `KEYS[1]` = tenant policy version key; `KEYS[2..n+1]` = counter keys (all share the tenant hash tag).
 * - `ARGV[1]` = mode `check` | `peek`; `ARGV[2]` = bypass-until epoch ms (0 = none); `ARGV[3]` = the checks, packed
 *   (fewer bulk strings on the wire): `<kind>,<enforce>,<a>,<b>` joined by `;`, where kind is `r` | `q`, enforce
 *   `1` | `0`, and rate: a = T (emission interval ms), b = τ (tolerance ms); quota: a = limit, b = window
 *   (`day` | `month` | seconds).
 * - Time: `redis.call('TIME')` (never the caller's clock).
 * - Reads: one `MGET` of all keys (version + rate TATs; hashes read as nil), `HMGET` per quota key.
 * - Reply: one string `<nowMs>,<bypassed 0|1>,<blocked 0|1>,<version ('' if unset)>` followed, per check, by
 *   `;<allowed 0|1>,<remaining>,<resetMs>,<retryAfterMs>` (integers; ms rounded up). A string is much cheaper for
 *   the client to decode than a nested array.
 * - All-or-nothing: writes happen only in `check` mode and only when no enforced check denied (or a bypass is
 *   active); then each check that individually allows is written. When blocked, allowed checks report their
 *   unchanged state (remaining and reset as before the request).
 * - TTL on every key, in the same call. A rate key's value is `<tat ms>|<expires-at ms>`: when the key is created, or
 *   its expiry would come less than 1 s after the new TAT, it is written with `PXAT tat + τ + 1000` (so it never
 *   expires while it holds state); otherwise with `KEEPTTL` (setting an expiry is the costliest part of a write, so
 *   it happens about once per `burst` requests of a busy key). A quota key is a hash `{w: window id, c: count}`:
 *   a new window (or a new key) writes `w`, `c` and `PEXPIREAT window end + 60 s`; within a window only `HINCRBY`.
 */
export const LIMITER_LUA = `
local call, floor, ceil, tonumber, sub, find = redis.call, math.floor, math.ceil, tonumber, string.sub, string.find
local t = call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local check = ARGV[1] == 'check'
local bypass = tonumber(ARGV[2]) > now
local vals = call('MGET', unpack(KEYS))
local EPS = 1e-9

-- Calendar helpers, defined only when a quota is present (most decisions are rate-only).
local window_of
if find(ARGV[3], 'q,', 1, true) then
  local function days_to_civil(z)
    z = z + 719468
    local era = floor(z / 146097)
    local doe = z - era * 146097
    local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
    local y = yoe + era * 400
    local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
    local mp = floor((5 * doy + 2) / 153)
    local m = mp < 10 and mp + 3 or mp - 9
    if m <= 2 then y = y + 1 end
    return y, m
  end
  local function civil_to_days(y, m, d)
    if m <= 2 then y = y - 1 end
    local era = floor(y / 400)
    local yoe = y - era * 400
    local mp = m > 2 and m - 3 or m + 9
    local doy = floor((153 * mp + 2) / 5) + d - 1
    local doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy
    return era * 146097 + doe - 719468
  end
  window_of = function(w)
    if w == 'month' then
      local y, m = days_to_civil(floor(now / 86400000))
      local ny, nm = y, m + 1
      if nm > 12 then ny, nm = y + 1, 1 end
      return 'm' .. (y * 12 + m), civil_to_days(ny, nm, 1) * 86400000
    end
    local size, prefix
    if w == 'day' then size, prefix = 86400000, 'd' else size, prefix = tonumber(w) * 1000, 'f' end
    local idx = floor(now / size)
    return prefix .. idx, (idx + 1) * size
  end
end

-- Pass 1: evaluate every check (flat arrays, no per-check tables).
local A, R, S, W = {}, {}, {}, {} -- allowed, remaining, reset, retry
local UR, US = {}, {}             -- remaining / reset if nothing is counted
local WK, WV, WX = {}, {}, {}     -- pending write: kind, value (tat or window id), extra (expiry / count)
local WE = {}                     -- tau (rate) or window end (quota)
local blocked = false
local i = 0
for kind, enf, a, b in string.gmatch(ARGV[3], '([rq]),([01]),([^,;]+),([^,;]+)') do
  i = i + 1
  local key = KEYS[i + 1]
  local allowed, remaining, reset, retry
  if kind == 'r' then
    local T, tau = tonumber(a), tonumber(b)
    local tat, exp = 0, 0
    local v = vals[i + 1]
    if v then
      local bar = find(v, '|', 1, true)
      if bar then
        tat, exp = tonumber(sub(v, 1, bar - 1)), tonumber(sub(v, bar + 1))
      else
        tat = tonumber(v) or 0
      end
    end
    if tat < now then tat = now end
    if not check then
      remaining = floor((tau - (tat - now)) / T + EPS)
      if remaining < 0 then remaining = 0 end
      allowed, reset, retry = remaining > 0, ceil(tat - now), 0
    else
      local newtat = tat + T
      local allow_at = newtat - tau
      if allow_at <= now then
        allowed, remaining, reset, retry = true, floor((now - allow_at) / T + EPS), ceil(newtat - now), 0
        WK[i], WV[i], WX[i], WE[i] = 'r', newtat, exp, tau
        UR[i], US[i] = remaining + 1, ceil(tat - now)
      else
        allowed, remaining, reset, retry = false, 0, ceil(tat - now), ceil(allow_at - now)
      end
    end
  else
    local limit = tonumber(a)
    local wid, wend = window_of(b)
    local h = call('HMGET', key, 'w', 'c')
    local count = 0
    if h[1] == wid then count = tonumber(h[2]) or 0 end
    reset = ceil(wend - now)
    if not check then
      remaining = limit - count
      if remaining < 0 then remaining = 0 end
      allowed, retry = remaining > 0, 0
    elseif count + 1 <= limit then
      allowed, remaining, retry = true, limit - count - 1, 0
      WK[i], WV[i], WX[i], WE[i] = 'q', wid, count, wend
      UR[i], US[i] = remaining + 1, reset
    else
      allowed, remaining, retry = false, 0, reset
    end
  end
  if check and not allowed and enf == '1' and not bypass then blocked = true end
  A[i], R[i], S[i], W[i] = allowed and 1 or 0, remaining, reset, retry
end
local n = i

-- Pass 2: all or nothing.
if check then
  if blocked then
    -- Nothing is counted: report the allowed checks' state as it stays.
    for j = 1, n do
      if UR[j] then R[j], S[j] = UR[j], US[j] end
    end
  else
    for j = 1, n do
      local k = WK[j]
      if k == 'r' then
        local newtat, exp = WV[j], WX[j]
        if exp < newtat + 1000 then
          exp = ceil(newtat + WE[j]) + 1000
          call('SET', KEYS[j + 1], string.format('%.3f|%d', newtat, exp), 'PXAT', exp)
        else
          call('SET', KEYS[j + 1], string.format('%.3f|%d', newtat, exp), 'KEEPTTL')
        end
      elseif k == 'q' then
        if WX[j] == 0 then
          call('HSET', KEYS[j + 1], 'w', WV[j], 'c', 1)
          call('PEXPIREAT', KEYS[j + 1], ceil(WE[j]) + 60000)
        else
          call('HINCRBY', KEYS[j + 1], 'c', 1)
        end
      end
    end
  end
end

local out = { floor(now) .. ',' .. (bypass and 1 or 0) .. ',' .. (blocked and 1 or 0) .. ',' .. (vals[1] or '') }
for j = 1, n do
  out[j + 1] = A[j] .. ',' .. R[j] .. ',' .. S[j] .. ',' .. W[j]
end
return table.concat(out, ';')
`;

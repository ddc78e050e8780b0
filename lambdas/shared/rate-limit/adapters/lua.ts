/**
 * The limiter's single Lua script, run with `EVALSHA` (falling back to `EVAL` on `NOSCRIPT`). A transcription of
 * `algorithms.ts`; the conformance suite runs the same cases on both stores.
 *
 * Contract:
 * - `KEYS[1]` = tenant policy version key; `KEYS[2..n+1]` = counter keys (all share the tenant hash tag).
 * - `ARGV[1]` = mode `check` | `peek`; `ARGV[2]` = bypass-until epoch ms (0 = none); `ARGV[3]` = expected policy
 *   version (`*` = do not compare; `''` = expect the key unset); then three arguments per check:
 *   `<kind><enforce>` (`r1` `r0` `q1` `q0`), `a`, `b` — rate: a = T (emission interval, **µs**, may be fractional),
 *   b = τ (tolerance, µs); quota: a = limit, b = window (`day` | `month` | seconds).
 * - Time: `redis.call('TIME')` (never the caller's clock), kept in integer microseconds.
 * - Reads: one `MGET` of all keys (version + rate TATs; hashes read as nil), `HMGET` per quota key.
 * - Stale policy: in `check` mode, when `ARGV[3]` is not `*` and differs from the stored version, the script returns
 *   `{nowMs, 4, version}` at once — no counter is read or written; the client reloads the policy and runs again.
 * - Reply: a flat array `{nowMs, flags, version, then per check: allowed 0|1, remaining, resetMs, retryAfterMs}`;
 *   `flags` = 1 bypassed + 2 blocked + 4 stale; `version` is `''` when unset. Integers only (ms rounded up): Redis
 *   encodes Lua integers itself, no number→string formatting in Lua.
 * - All-or-nothing: writes happen only in `check` mode and only when no enforced check denied (or a bypass is
 *   active); then each check that individually allows is written. When blocked, allowed checks report their
 *   unchanged state (remaining and reset as before the request).
 * - TTL on every key, in the same call. A rate key holds its TAT as integer epoch µs (rounded to the nearest µs;
 *   legacy `<ms>|<exp>` values are still read). Its expiry is `ceil((TAT + τ) / 1 s) · 1 s + 1 s`: written with
 *   `SET … PXAT` when that second differs from the one of the stored TAT (or the key is new), otherwise with
 *   `SET … KEEPTTL` — so a busy key changes its expiry at most once per second of TAT progress, and never expires
 *   while it holds state. A quota key is a hash `{w: window id, c: count}`: a new window (or a new key) writes `w`,
 *   `c` and `PEXPIREAT window end + 60 s`; within a window only `HINCRBY`.
 */
export const LIMITER_LUA = `
local call, floor, ceil, tonumber = redis.call, math.floor, math.ceil, tonumber
local t = call('TIME')
local now = t[1] * 1000000 + t[2]
local nowms = floor(now / 1000)
local check = ARGV[1] == 'check'
local vals = call('MGET', unpack(KEYS))
local ver = vals[1] or ''
if check and ARGV[3] ~= '*' and ARGV[3] ~= ver then return { nowms, 4, ver } end
local bypass = ARGV[2] * 1000 > now
local EPS = 1e-9
local nargs = #ARGV

-- Calendar helpers, defined only when a quota is present (most decisions are rate-only).
local window_of
for j = 4, nargs, 3 do
  if ARGV[j] == 'q1' or ARGV[j] == 'q0' then
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
    -- Window id and end (epoch µs) of the window containing now.
    window_of = function(w)
      if w == 'month' then
        local y, m = days_to_civil(floor(now / 86400000000))
        local ny, nm = y, m + 1
        if nm > 12 then ny, nm = y + 1, 1 end
        return 'm' .. (y * 12 + m), civil_to_days(ny, nm, 1) * 86400000000
      end
      local size, prefix
      if w == 'day' then size, prefix = 86400000000, 'd' else size, prefix = tonumber(w) * 1000000, 'f' end
      local idx = floor(now / size)
      return prefix .. idx, (idx + 1) * size
    end
    break
  end
end

-- Pass 1: evaluate every check into the reply array.
local out = { nowms, 0, ver }
local W, X = {}, {}   -- pending write: value (TAT µs / window id), expiry (true = keep, ms = PXAT, false = none)
local UR, US = {}, {} -- remaining / reset if nothing is counted
local blocked = false
local n = 0
for j = 4, nargs, 3 do
  n = n + 1
  local kind, a, b = ARGV[j], ARGV[j + 1], ARGV[j + 2]
  local allowed, remaining, reset, retry
  if kind == 'r1' or kind == 'r0' then
    local T, tau = tonumber(a), tonumber(b)
    local v = vals[n + 1]
    local old = false
    if v then
      old = tonumber(v)
      if not old then -- legacy '<tat ms>|<exp ms>'
        local bar = string.find(v, '|', 1, true)
        local ms = bar and tonumber(string.sub(v, 1, bar - 1))
        old = ms and ms * 1000 or 0
        v = false -- rewrite with an expiry
      end
    end
    local tat = old or 0
    if tat < now then tat = now end
    if not check then
      remaining = floor((tau - (tat - now)) / T + EPS)
      if remaining < 0 then remaining = 0 end
      allowed, reset, retry = remaining > 0, ceil((tat - now) / 1000), 0
    else
      local newtat = tat + T
      local allow_at = newtat - tau
      if allow_at <= now then
        allowed, remaining, reset, retry = true, floor((now - allow_at) / T + EPS), ceil((newtat - now) / 1000), 0
        W[n], X[n] = floor(newtat + 0.5), v and old or false
        UR[n], US[n] = remaining + 1, ceil((tat - now) / 1000)
      else
        allowed, remaining, reset, retry = false, 0, ceil((tat - now) / 1000), ceil((allow_at - now) / 1000)
      end
    end
    if W[n] then
      -- expiry second of the new TAT vs the stored one (KEEPTTL when equal)
      local e = ceil((W[n] + tau) / 1000000)
      if X[n] and ceil((X[n] + tau) / 1000000) == e then X[n] = true else X[n] = (e + 1) * 1000 end
    end
  else
    local limit = tonumber(a)
    local key = KEYS[n + 1]
    local wid, wend = window_of(b)
    local h = call('HMGET', key, 'w', 'c')
    local count = 0
    if h[1] == wid then count = tonumber(h[2]) or 0 end
    reset = ceil((wend - now) / 1000)
    if not check then
      remaining = limit - count
      if remaining < 0 then remaining = 0 end
      allowed, retry = remaining > 0, 0
    elseif count + 1 <= limit then
      allowed, remaining, retry = true, limit - count - 1, 0
      W[n], X[n] = wid, count == 0 and (ceil(wend / 1000) + 60000) or false
      UR[n], US[n] = remaining + 1, reset
    else
      allowed, remaining, retry = false, 0, reset
    end
  end
  if check and not allowed and (kind == 'r1' or kind == 'q1') and not bypass then blocked = true end
  local o = n * 4
  out[o], out[o + 1], out[o + 2], out[o + 3] = allowed and 1 or 0, remaining, reset, retry
end

-- Pass 2: all or nothing.
if check then
  if blocked then
    out[2] = 2
    -- Nothing is counted: report the allowed checks' state as it stays.
    for j = 1, n do
      if UR[j] then out[j * 4 + 1], out[j * 4 + 2] = UR[j], US[j] end
    end
  else
    for j = 1, n do
      local w = W[j]
      if w then
        local kind = ARGV[j * 3 + 1]
        if kind == 'r1' or kind == 'r0' then
          if X[j] == true then
            call('SET', KEYS[j + 1], string.format('%d', w), 'KEEPTTL')
          else
            call('SET', KEYS[j + 1], string.format('%d', w), 'PXAT', X[j])
          end
        elseif X[j] then
          call('HSET', KEYS[j + 1], 'w', w, 'c', 1)
          call('PEXPIREAT', KEYS[j + 1], X[j])
        else
          call('HINCRBY', KEYS[j + 1], 'c', 1)
        end
      end
    end
  end
end
if bypass then out[2] = out[2] + 1 end
return out
`;

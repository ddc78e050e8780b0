/**
 * The limiter's single Lua script, run with `EVALSHA` (falling back to `EVAL` on `NOSCRIPT`). A transcription of
 * `algorithms.ts`; the conformance suite runs the same cases on both stores.
 *
 * Contract:
 * - `KEYS[1]` = tenant policy version key; `KEYS[2..n+1]` = counter keys (all share the tenant hash tag).
 * - `ARGV[1]` = mode `check` | `peek`; `ARGV[2]` = bypass-until epoch ms (0 = none); `ARGV[3]` = n;
 *   then 4 args per check: kind `r` | `q`, enforce `1` | `0`, and
 *   rate: T (emission interval ms), τ (tolerance ms); quota: limit, window (`day` | `month` | seconds).
 * - Time: `redis.call('TIME')` (never the caller's clock).
 * - Reads: one `MGET` of all keys (version + rate TATs; hashes read as nil), `HMGET` per quota key.
 * - Reply: `{ nowMs, version ('' if unset), bypassed 0|1, blocked 0|1, then per check: allowed 0|1, remaining,
 *   resetMs, retryAfterMs }` (integers; ms rounded up).
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
local call = redis.call
local floor, ceil = math.floor, math.ceil
local t = call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local mode = ARGV[1]
local bypass = tonumber(ARGV[2]) > now
local n = tonumber(ARGV[3])
local vals = call('MGET', unpack(KEYS))
local version = vals[1] or ''
local EPS = 1e-9

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

local function window_of(w)
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

local out = { floor(now), version, bypass and 1 or 0, 0 }
local writes = {}
local unblocked = {}
local blocked = false
for i = 1, n do
  local a = 3 + (i - 1) * 4
  local key = KEYS[i + 1]
  local enforce = ARGV[a + 2] == '1'
  local allowed, remaining, reset, retry
  if ARGV[a + 1] == 'r' then
    local T = tonumber(ARGV[a + 3])
    local tau = tonumber(ARGV[a + 4])
    local tat, exp = 0, 0
    local v = vals[i + 1]
    if v then
      local bar = string.find(v, '|', 1, true)
      if bar then
        tat, exp = tonumber(string.sub(v, 1, bar - 1)), tonumber(string.sub(v, bar + 1))
      else
        tat = tonumber(v) or 0
      end
    end
    if tat < now then tat = now end
    if mode == 'peek' then
      remaining = math.max(0, floor((tau - (tat - now)) / T + EPS))
      allowed, reset, retry = remaining > 0, ceil(tat - now), 0
    else
      local newtat = tat + T
      local allow_at = newtat - tau
      if allow_at <= now then
        allowed, remaining, reset, retry = true, floor((now - allow_at) / T + EPS), ceil(newtat - now), 0
        writes[#writes + 1] = { 'r', key, newtat, exp, tau }
        unblocked[i] = { remaining + 1, ceil(tat - now) }
      else
        allowed, remaining, reset, retry = false, 0, ceil(tat - now), ceil(allow_at - now)
      end
    end
  else
    local limit = tonumber(ARGV[a + 3])
    local wid, wend = window_of(ARGV[a + 4])
    local h = call('HMGET', key, 'w', 'c')
    local count = 0
    if h[1] == wid then count = tonumber(h[2]) or 0 end
    reset = ceil(wend - now)
    if mode == 'peek' then
      remaining = math.max(0, limit - count)
      allowed, retry = remaining > 0, 0
    elseif count + 1 <= limit then
      allowed, remaining, retry = true, limit - count - 1, 0
      writes[#writes + 1] = { 'q', key, wid, count, wend }
      unblocked[i] = { remaining + 1, reset }
    else
      allowed, remaining, retry = false, 0, reset
    end
  end
  if mode == 'check' and not allowed and enforce and not bypass then blocked = true end
  out[#out + 1] = allowed and 1 or 0
  out[#out + 1] = remaining
  out[#out + 1] = reset
  out[#out + 1] = retry
end

if mode == 'check' then
  if blocked then
    out[4] = 1
    -- Nothing is counted: report the allowed checks' state as it stays.
    for i, u in pairs(unblocked) do
      out[4 + (i - 1) * 4 + 2] = u[1]
      out[4 + (i - 1) * 4 + 3] = u[2]
    end
  else
    for _, w in ipairs(writes) do
      if w[1] == 'r' then
        local newtat, exp = w[3], w[4]
        if exp < newtat + 1000 then
          exp = ceil(newtat + w[5]) + 1000
          call('SET', w[2], string.format('%.3f|%d', newtat, exp), 'PXAT', exp)
        else
          call('SET', w[2], string.format('%.3f|%d', newtat, exp), 'KEEPTTL')
        end
      elseif w[4] == 0 then
        call('HSET', w[2], 'w', w[3], 'c', 1)
        call('PEXPIREAT', w[2], ceil(w[5]) + 60000)
      else
        call('HINCRBY', w[2], 'c', 1)
      end
    end
  end
end
return out
`;

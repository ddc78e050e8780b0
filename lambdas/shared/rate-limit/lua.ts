/**
 * The limiter's single Lua script (loaded once per connection with SCRIPT LOAD semantics via EVALSHA, falling back to
 * EVAL on NOSCRIPT). A transcription of `algorithms.ts`; the conformance suite runs the same cases on both.
 *
 * Contract:
 * - `KEYS[1]` = tenant policy version key; `KEYS[2..n+1]` = counter keys (all share the tenant hash tag).
 * - `ARGV[1]` = mode `check` | `peek`; `ARGV[2]` = bypass-until epoch ms (0 = none); `ARGV[3]` = n;
 *   then 4 args per check: kind `r` | `q`, enforce `1` | `0`, and
 *   rate: T (emission interval ms), τ (tolerance ms); quota: limit, window (`day` | `month` | seconds).
 * - Time: `redis.call('TIME')` (never the caller's clock).
 * - Reply: `{ nowMs, version ('' if unset), bypassed 0|1, blocked 0|1, then per check: allowed 0|1, remaining,
 *   resetMs, retryAfterMs }` (integers; ms rounded up).
 * - All-or-nothing: writes happen only in `check` mode and only when no enforced check denied (or a bypass is
 *   active); then each check that individually allows is written. When blocked, allowed checks report their
 *   unchanged state (remaining and reset as before the request). Every written key gets a PEXPIRE in the same call:
 *   rate keys until TAT + 1 s, quota keys until the window's end + 60 s.
 */
export const LIMITER_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local mode = ARGV[1]
local bypass = tonumber(ARGV[2]) > now
local n = tonumber(ARGV[3])
local version = redis.call('GET', KEYS[1]) or ''
local EPS = 1e-9

local function days_to_civil(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m
end

local function civil_to_days(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function window_of(w)
  if w == 'month' then
    local y, m = days_to_civil(math.floor(now / 86400000))
    local ny, nm = y, m + 1
    if nm > 12 then ny, nm = y + 1, 1 end
    return 'm' .. (y * 12 + m), civil_to_days(ny, nm, 1) * 86400000
  end
  local size
  local prefix
  if w == 'day' then size, prefix = 86400000, 'd' else size, prefix = tonumber(w) * 1000, 'f' end
  local idx = math.floor(now / size)
  return prefix .. idx, (idx + 1) * size
end

local out = { math.floor(now), version, bypass and 1 or 0, 0 }
local writes = {}
local unblocked = {}
local blocked = false
for i = 1, n do
  local a = 3 + (i - 1) * 4
  local key = KEYS[i + 1]
  local kind = ARGV[a + 1]
  local enforce = ARGV[a + 2] == '1'
  local allowed, remaining, reset, retry
  if kind == 'r' then
    local T = tonumber(ARGV[a + 3])
    local tau = tonumber(ARGV[a + 4])
    local tat = tonumber(redis.call('GET', key) or '0')
    if tat < now then tat = now end
    if mode == 'peek' then
      remaining = math.max(0, math.floor((tau - (tat - now)) / T + EPS))
      allowed, reset, retry = remaining > 0, math.ceil(tat - now), 0
    else
      local newtat = tat + T
      local allow_at = newtat - tau
      if allow_at <= now then
        allowed, remaining, reset, retry = true, math.floor((now - allow_at) / T + EPS), math.ceil(newtat - now), 0
        writes[#writes + 1] = { 'r', key, newtat }
        unblocked[i] = { remaining + 1, math.ceil(tat - now) }
      else
        allowed, remaining, reset, retry = false, 0, math.ceil(tat - now), math.ceil(allow_at - now)
      end
    end
  else
    local limit = tonumber(ARGV[a + 3])
    local wid, wend = window_of(ARGV[a + 4])
    local h = redis.call('HMGET', key, 'w', 'c')
    local count = 0
    if h[1] == wid then count = tonumber(h[2]) or 0 end
    reset = math.ceil(wend - now)
    if mode == 'peek' then
      remaining = math.max(0, limit - count)
      allowed, retry = remaining > 0, 0
    elseif count + 1 <= limit then
      allowed, remaining, retry = true, limit - count - 1, 0
      writes[#writes + 1] = { 'q', key, wid, count + 1, wend }
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
        redis.call('SET', w[2], string.format('%.3f', w[3]), 'PX', math.ceil(w[3] - now) + 1000)
      else
        redis.call('HSET', w[2], 'w', w[3], 'c', w[4])
        redis.call('PEXPIRE', w[2], math.ceil(w[5] - now) + 60000)
      end
    end
  end
end
return out
`;

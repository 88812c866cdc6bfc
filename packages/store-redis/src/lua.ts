/**
 * Lua scripts: each runs atomically on the server, so a version check, the write, its audit entry
 * and its change message either all happen or none does. Every script takes the key prefix as
 * ARGV[1] and builds key names from it (see the README for the layout); values are opaque JSON text.
 */

/** Shared helpers, prepended to every script. */
const COMMON = `
local prefix = ARGV[1]
local function audit(at, actor, action, key, before, after)
  local id = redis.call('INCR', prefix .. ':audit:seq')
  redis.call('XADD', prefix .. ':audit', id .. '-0', 'at', at, 'actor', actor, 'action', action, 'key', key, 'before', before, 'after', after)
  redis.call('ZADD', prefix .. ':audit:key:' .. key, id, id)
  return id
end
`;

/**
 * Compare-and-set of one flag record.
 * ARGV: prefix, key, versionRead, record ('' = delete), at, actor, action, before, after, payload[, payload2]
 * Returns 'retry' when the record changed since it was read, 'ok+values' when deleting also removed
 * the key's maintained values (announced with payload2), else 'ok'.
 */
export const WRITE_FLAG = `${COMMON}
local key, versionRead = ARGV[2], tonumber(ARGV[3])
local flags = prefix .. ':flags'
local current = redis.call('HGET', flags, key)
local version = 0
if current then version = cjson.decode(current).version end
if version ~= versionRead then return 'retry' end
local outcome = 'ok'
if ARGV[4] == '' then
  redis.call('HDEL', flags, key)
  if redis.call('DEL', prefix .. ':values:' .. key) == 1 then
    redis.call('SREM', prefix .. ':values', key)
    outcome = 'ok+values'
  end
else
  redis.call('HSET', flags, key, ARGV[4])
end
audit(ARGV[5], ARGV[6], ARGV[7], key, ARGV[8], ARGV[9])
redis.call('PUBLISH', prefix .. ':changes', ARGV[10])
if outcome == 'ok+values' then redis.call('PUBLISH', prefix .. ':changes', ARGV[11]) end
return outcome
`;

/**
 * Compare-and-set of many flag records at once (`upsertFlags`): every version is checked before
 * anything is written, so the batch is written whole or not at all.
 * ARGV: prefix, at, actor, payload, count, then per flag: key, versionRead, record, before, after
 * Returns 'retry' when any record changed since it was read, else 'ok'.
 */
export const WRITE_FLAGS = `${COMMON}
local at, actor, payload, count = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local flags = prefix .. ':flags'
for n = 0, count - 1 do
  local i = 6 + n * 5
  local current = redis.call('HGET', flags, ARGV[i])
  local version = 0
  if current then version = cjson.decode(current).version end
  if version ~= tonumber(ARGV[i + 1]) then return 'retry' end
end
for n = 0, count - 1 do
  local i = 6 + n * 5
  redis.call('HSET', flags, ARGV[i], ARGV[i + 2])
  audit(at, actor, 'flag.upsert', ARGV[i], ARGV[i + 3], ARGV[i + 4])
end
redis.call('PUBLISH', prefix .. ':changes', payload)
return 'ok'
`;

/**
 * Applies a validated batch of value updates with cds semantics (the same as core's
 * applyValueUpdates): clearSubScopes first, then set or (null) remove the value of the scope, then
 * record the seeded values the update removed (field value 'null', see removedSeeds).
 * ARGV: prefix, at, actor, payload, keyCount, keys..., updateCount, then per update:
 *   keyIndex, field (canonical scope key), value JSON ('' with isNull = '1' removes), isNull,
 *   clearSubScopes ('1'/'0'), expectedVersion ('' = none), pairCount, pairs ('k::v')...,
 *   markCount, marks (fields whose seeded value this update removes)...
 * Returns {'conflict', key, expected, actual} or {'ok'}.
 */
export const SET_VALUES = `${COMMON}
local ROOT, VERSION = '//', '#v'
local at, actor, payload = ARGV[2], ARGV[3], ARGV[4]
local i = 5
local keyCount = tonumber(ARGV[i]); i = i + 1
local keys = {}
for k = 1, keyCount do keys[k] = ARGV[i]; i = i + 1 end
local updateCount = tonumber(ARGV[i]); i = i + 1
local updates = {}
for u = 1, updateCount do
  local up = { key = tonumber(ARGV[i]), field = ARGV[i + 1], value = ARGV[i + 2], isNull = ARGV[i + 3] == '1',
    clear = ARGV[i + 4] == '1', expected = ARGV[i + 5], pairs = {} }
  local pairCount = tonumber(ARGV[i + 6]); i = i + 7
  for p = 1, pairCount do up.pairs[p] = ARGV[i]; i = i + 1 end
  up.marks = {}
  local markCount = tonumber(ARGV[i]); i = i + 1
  for m = 1, markCount do up.marks[m] = ARGV[i]; i = i + 1 end
  updates[u] = up
end

local function hashOf(k) return prefix .. ':values:' .. keys[k] end
local startVersion = {}
for k = 1, keyCount do startVersion[k] = tonumber(redis.call('HGET', hashOf(k), VERSION) or '0') end
for u = 1, updateCount do
  local up = updates[u]
  if up.expected ~= '' and tonumber(up.expected) ~= startVersion[up.key] then
    return { 'conflict', keys[up.key], up.expected, tostring(startVersion[up.key]) }
  end
end

-- The key's values as JSON ({"rootValue":…,"scopedValues":{…},"removedSeeds":[…]}), or 'null' when it has none.
local function snapshot(hash)
  local all = redis.call('HGETALL', hash)
  local root, scoped, removed = nil, {}, {}
  for f = 1, #all, 2 do
    local field, value = all[f], all[f + 1]
    if field == VERSION then
    elseif value == 'null' then removed[#removed + 1] = field
    elseif field == ROOT then root = value
    else scoped[#scoped + 1] = cjson.encode(field) .. ':' .. value end
  end
  local parts = {}
  if root then parts[#parts + 1] = '"rootValue":' .. root end
  if #scoped > 0 then parts[#parts + 1] = '"scopedValues":{' .. table.concat(scoped, ',') .. '}' end
  if #removed > 0 then
    table.sort(removed)
    local quoted = {}
    for r = 1, #removed do quoted[r] = cjson.encode(removed[r]) end
    parts[#parts + 1] = '"removedSeeds":[' .. table.concat(quoted, ',') .. ']'
  end
  if #parts == 0 then return 'null' end
  return '{' .. table.concat(parts, ',') .. '}'
end

local function split(field)
  local parts, start = {}, 1
  while true do
    local s, e = string.find(field, '##', start, true)
    if not s then parts[#parts + 1] = string.sub(field, start); return parts end
    parts[#parts + 1] = string.sub(field, start, s - 1)
    start = e + 1
  end
end

-- True when the scope of 'field' has every pair of 'pairs' and at least one more.
local function isSubScope(field, pairs)
  if field == ROOT or field == VERSION then return false end
  local parts = split(field)
  if #parts <= #pairs then return false end
  local have = {}
  for _, p in ipairs(parts) do have[p] = true end
  for _, p in ipairs(pairs) do if not have[p] then return false end end
  return true
end

local before = {}
for k = 1, keyCount do before[k] = snapshot(hashOf(k)) end
for u = 1, updateCount do
  local up = updates[u]
  local hash = hashOf(up.key)
  if up.clear then
    local fields = redis.call('HKEYS', hash)
    for _, f in ipairs(fields) do
      if f ~= VERSION and f ~= ROOT and (#up.pairs == 0 or isSubScope(f, up.pairs)) then redis.call('HDEL', hash, f) end
    end
  end
  if up.isNull then redis.call('HDEL', hash, up.field) else redis.call('HSET', hash, up.field, up.value) end
  for _, m in ipairs(up.marks) do redis.call('HSET', hash, m, 'null') end
end
for k = 1, keyCount do
  local hash = hashOf(k)
  local after = snapshot(hash)
  if after == 'null' then
    redis.call('DEL', hash)
    redis.call('SREM', prefix .. ':values', keys[k])
  else
    redis.call('HSET', hash, VERSION, startVersion[k] + 1)
    redis.call('SADD', prefix .. ':values', keys[k])
  end
  audit(at, actor, 'values.update', keys[k], before[k], after)
end
redis.call('PUBLISH', prefix .. ':changes', payload)
return { 'ok' }
`;

/**
 * ARGV: prefix, feature, scopeId, value JSON, onlyIfAbsent ('1'/'0'), payload.
 * Returns {1} when it wrote, {0, stored JSON} when onlyIfAbsent found a stored result.
 */
export const SET_FEATURE = `${COMMON}
local hash = prefix .. ':features:' .. ARGV[2]
if ARGV[5] == '1' then
  if redis.call('HSETNX', hash, ARGV[3], ARGV[4]) == 0 then return { 0, redis.call('HGET', hash, ARGV[3]) } end
else
  redis.call('HSET', hash, ARGV[3], ARGV[4])
end
redis.call('SADD', prefix .. ':features', ARGV[2])
redis.call('PUBLISH', prefix .. ':changes', ARGV[6])
return { 1 }
`;

/** ARGV: prefix, feature, value JSON, payload. Returns how many scopes were updated. */
export const UPDATE_FEATURE = `${COMMON}
local hash = prefix .. ':features:' .. ARGV[2]
local fields = redis.call('HKEYS', hash)
for _, f in ipairs(fields) do redis.call('HSET', hash, f, ARGV[3]) end
if #fields > 0 then redis.call('PUBLISH', prefix .. ':changes', ARGV[4]) end
return #fields
`;

/** ARGV: prefix, feature, scopeId, payload. Returns 1 when a result was removed. */
export const DELETE_FEATURE = `${COMMON}
local hash = prefix .. ':features:' .. ARGV[2]
local removed = redis.call('HDEL', hash, ARGV[3])
if removed == 0 then return 0 end
if redis.call('EXISTS', hash) == 0 then redis.call('SREM', prefix .. ':features', ARGV[2]) end
redis.call('PUBLISH', prefix .. ':changes', ARGV[4])
return 1
`;

/**
 * ARGV: prefix, at, actor, origin, all ('1' = every feature), features...
 * Audits each purged feature with the number of results removed; returns {total, feature, …}.
 */
export const PURGE_FEATURES = `${COMMON}
local names = {}
if ARGV[5] == '1' then names = redis.call('SMEMBERS', prefix .. ':features')
else for i = 6, #ARGV do names[#names + 1] = ARGV[i] end end
table.sort(names)
local total, purged = 0, {}
for _, name in ipairs(names) do
  local hash = prefix .. ':features:' .. name
  local n = redis.call('HLEN', hash)
  if n > 0 then
    redis.call('DEL', hash)
    total = total + n
    purged[#purged + 1] = name
    audit(ARGV[2], ARGV[3], 'feature.purge', name, tostring(n), 'null')
  end
  redis.call('SREM', prefix .. ':features', name)
end
if #purged > 0 then
  redis.call('PUBLISH', prefix .. ':changes', cjson.encode({ kind = 'features', features = purged, origin = ARGV[4] }))
end
local out = { total }
for _, name in ipairs(purged) do out[#out + 1] = name end
return out
`;

/** ARGV: prefix, at, names... Records each migration not yet applied; returns the names applied now. */
export const MIGRATE = `
local prefix = ARGV[1]
local applied = {}
for i = 3, #ARGV do
  if redis.call('HSETNX', prefix .. ':migrations', ARGV[i], ARGV[2]) == 1 then applied[#applied + 1] = ARGV[i] end
end
return applied
`;

/**
 * Audit retention: removes the oldest entries beyond ARGV[2] from the audit stream, and their ids
 * from the per-key index, at most ARGV[3] of them per call so a large backlog never holds Redis for
 * long. Returns how many entries were removed (the caller calls again while that equals ARGV[3]).
 * ARGV: prefix, maxEntries, batch
 */
export const TRIM_AUDIT = `
local prefix, max, batch = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local stream = prefix .. ':audit'
local excess = redis.call('XLEN', stream) - max
if excess <= 0 then return 0 end
if excess > batch then excess = batch end
local old = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess)
for _, entry in ipairs(old) do
  local id = string.match(entry[1], '^(%d+)')
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'key' then
      redis.call('ZREM', prefix .. ':audit:key:' .. fields[i + 1], id)
      break
    end
  end
  redis.call('XDEL', stream, entry[1])
end
return #old
`;

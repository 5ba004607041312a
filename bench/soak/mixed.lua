-- Mixed load for the soak: reads by id, creates with dependencies, deletes, updates, searches and
-- list pages. Each wrk thread first grows its own set of resources to `target`, then deletes as
-- often as it creates, so the store stays the same size and memory growth cannot hide behind data
-- growth. Answers are counted per status; 404 and 422 are expected (a thread reads or depends on
-- a resource it deleted a moment ago on another connection), anything else outside 2xx is not.
local target = 500
local ids = {}
local counter = 0
statuses = {}

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

local function pick()
  if #ids == 0 then return nil end
  return ids[math.random(#ids)]
end

local function take()
  local i = math.random(#ids)
  local id = ids[i]
  ids[i] = ids[#ids]
  ids[#ids] = nil
  return id
end

local function create()
  local deps = {}
  for _ = 1, math.min(#ids, 3) do
    local d = pick()
    local seen = false
    for _, x in ipairs(deps) do if x == d then seen = true end end
    if not seen then deps[#deps + 1] = '"' .. d .. '"' end
  end
  local body = '{"name":"soak-' .. counter .. '","description":"mixed load","dependencies":[' .. table.concat(deps, ",") .. ']}'
  return wrk.format("POST", "/api/resources", { ["Content-Type"] = "application/json" }, body)
end

function request()
  counter = counter + 1
  local roll = counter % 10
  if #ids < target and roll ~= 4 then
    return create()
  end
  local id = pick()
  if roll == 0 then
    return create()
  elseif roll == 5 then
    return wrk.format("DELETE", "/api/resources/" .. take())
  elseif roll == 1 then
    return wrk.format("PUT", "/api/resources/" .. id, { ["Content-Type"] = "application/json" }, '{"description":"touched ' .. counter .. '"}')
  elseif roll == 2 then
    return wrk.format("GET", "/api/search?q=soak-" .. (counter % 97) .. "&limit=20")
  elseif roll == 3 then
    return wrk.format("GET", "/api/resources?limit=50&offset=" .. (counter % 500))
  elseif id == nil then
    return create()
  else
    return wrk.format("GET", "/api/resources/" .. id)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    local id = body:match('"id":"([0-9a-f%-]+)"')
    if id then ids[#ids + 1] = id end
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts, unexpected = {}, 0
  for status, count in pairs(totals) do
    parts[#parts + 1] = status .. ":" .. count
    if status >= 300 and status ~= 404 and status ~= 422 then unexpected = unexpected + count end
  end
  table.sort(parts)
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("soak-result requests=%d unexpected=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f statuses=%s\n",
    summary.requests, unexpected, socket, latency:percentile(50) / 1000, latency:percentile(99) / 1000, table.concat(parts, ",")))
end

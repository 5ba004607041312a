-- Mixed load for the soak: reads by id, creates with dependencies, updates, searches, list pages.
-- Every non-2xx answer other than the expected 404/422 of the mix counts as an error.
local ids = {}
local counter = 0
local errors = 0

local function pick()
  if #ids == 0 then return nil end
  return ids[math.random(#ids)]
end

request = function()
  counter = counter + 1
  local roll = counter % 10
  local id = pick()
  if id == nil or roll == 0 or roll == 5 then
    local deps = {}
    for _ = 1, math.min(#ids, 3) do
      local d = pick()
      local seen = false
      for _, x in ipairs(deps) do if x == d then seen = true end end
      if not seen then deps[#deps + 1] = '"' .. d .. '"' end
    end
    local body = '{"name":"soak-' .. counter .. '","description":"mixed load","dependencies":[' .. table.concat(deps, ",") .. ']}'
    return wrk.format("POST", "/api/resources", { ["Content-Type"] = "application/json" }, body)
  elseif roll == 1 then
    return wrk.format("PUT", "/api/resources/" .. id, { ["Content-Type"] = "application/json" }, '{"description":"touched ' .. counter .. '"}')
  elseif roll == 2 then
    return wrk.format("GET", "/api/search?q=soak-" .. (counter % 97) .. "&limit=20")
  elseif roll == 3 then
    return wrk.format("GET", "/api/resources?limit=50&offset=" .. (counter % 500))
  else
    return wrk.format("GET", "/api/resources/" .. id)
  end
end

response = function(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"([0-9a-f%-]+)"')
    if id and #ids < 5000 then ids[#ids + 1] = id end
  elseif status >= 500 or (status >= 400 and status ~= 404 and status ~= 422) then
    errors = errors + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("soak-result requests=%d non2xx_or_socket_errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end

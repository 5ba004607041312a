-- POST /api/resources with a small body; every answer other than 201 is counted as an error.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, "/api/resources", nil, '{"name":"load-' .. counter .. '","description":"wrk"}')
end

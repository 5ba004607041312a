-- wrk script: POST a create request; the body (5 existing dependency ids) comes from CREATE_BODY_FILE.
local file = assert(io.open(os.getenv("CREATE_BODY_FILE"), "r"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

local unexpected = 0
function response(status, headers, body)
  if status ~= 201 then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("Unexpected statuses: %d\n", unexpected))
end

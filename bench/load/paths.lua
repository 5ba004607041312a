-- wrk script: GET the paths in PATHS (separated by spaces) in turn; any answer other than 200
-- is counted. Each wrk thread has its own Lua state, so done() collects the threads' counts.
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

local paths = {}
for path in string.gmatch(os.getenv("PATHS") or "/", "%S+") do
  paths[#paths + 1] = path
end
local next_index = 0
unexpected = 0

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index])
end

function response(status, headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("unexpected") or 0)
  end
  io.write(string.format("Unexpected statuses: %d\n", total))
end

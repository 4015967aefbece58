-- Case reads for `cargo xtask bench server`: `GET /api/v1/cases/{id}` with the
-- case's own token, going round a list of cases.
--
-- Argument (after `--`): a file with one case per line, `<id> <token>`.

local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_number", threads)
end

local requests = {}
local next_index = 1

function init(args)
   for line in io.lines(args[1]) do
      local id, token = line:match("^(%S+)%s+(%S+)$")
      if id then
         requests[#requests + 1] = wrk.format("GET", "/api/v1/cases/" .. id, {
            ["Authorization"] = "Bearer " .. token,
         })
      end
   end
   if #requests == 0 then
      error("no cases in " .. args[1])
   end
   -- Threads start at different cases.
   next_index = (thread_number - 1) % #requests + 1
end

function request()
   local request = requests[next_index]
   next_index = next_index % #requests + 1
   return request
end

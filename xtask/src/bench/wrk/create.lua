-- Durable case creates for `cargo xtask bench server`: every request has its
-- own Idempotency-Key and its own body, as a burst of real SOS clicks would.
--
-- Arguments (after `--`): the deployment key (`dk_…`), a prefix unique to
-- this wrk run, and optionally how many answers each thread waits for before
-- it stops (the queue fill); without it the run lasts wrk's `-d`.

local threads = 0

function setup(thread)
   -- Runs in the main environment: number the threads so their keys differ.
   threads = threads + 1
   thread:set("thread_number", threads)
end

local authorization, prefix, limit
local sent, answered = 0, 0

function init(args)
   authorization = "Bearer " .. args[1]
   prefix = args[2] .. "-" .. thread_number .. "-"
   limit = tonumber(args[3])
   if not limit then
      -- Without a limit the answers need not be looked at: leaving
      -- `response` undefined spares wrk parsing them.
      response = nil
   end
end

function request()
   sent = sent + 1
   local key = prefix .. sent
   return wrk.format("POST", "/api/v1/cases", {
      ["Authorization"] = authorization,
      ["Idempotency-Key"] = key,
      ["Content-Type"] = "application/json",
   }, '{"channel":"sos","description":"bench ' .. key .. '"}')
end

function response(status, headers, body)
   answered = answered + 1
   if answered == limit then
      -- The harness stops wrk once every thread has printed this.
      io.write("lifeline-bench: thread filled\n")
      io.flush()
      wrk.thread:stop()
   end
end

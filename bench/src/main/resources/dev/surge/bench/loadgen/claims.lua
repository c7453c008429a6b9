-- wrk script of scripts/bench's closed-loop run (WrkRun): every request is POST /v1/claims by the
-- next user of a token file, with an Idempotency-Key never used before, so each one is a real claim.
--   wrk -t T -c C -d D -s claims.lua http://127.0.0.1:PORT -- TOKENS T RUN CAMPAIGN SKU
-- TOKENS: user tokens, one a line (minted by WrkRun: JWTs cannot be minted cheaply here);
-- T: wrk's thread count (thread i takes users i, i+T, i+2T, ...); RUN: a prefix unique to this run.
-- done() prints one line "surge-wrk {json}" that WrkRun reads.
-- The paced run (WrkRun --paced-rate) appends a delay() to a copy of this script: each connection
-- then waits that many milliseconds after each answer.

local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

local tokens = {}
local user, stride, key, prefix, body
local headers = {["Content-Type"] = "application/json"}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = "Bearer " .. line end
  end
  stride = tonumber(args[2])
  user = id - stride
  key = 0
  prefix = args[3] .. "-" .. id .. "-"
  body = '{"campaignId":"' .. args[4] .. '","skuId":"' .. args[5] .. '"}'
end

function request()
  user = user + stride
  if user > #tokens then user = id end
  key = key + 1
  headers["Authorization"] = tokens[user]
  headers["Idempotency-Key"] = prefix .. key
  return wrk.format("POST", "/v1/claims", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('surge-wrk {"requests": %d, "durationUs": %d, "connectErrors": %d, "readErrors": %d, '
    .. '"writeErrors": %d, "non2xx": %d, "timeouts": %d, "p50us": %.1f, "p90us": %.1f, "p99us": %.1f, '
    .. '"p999us": %.1f, "maxus": %.1f, "meanus": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end

-- wrk script: POST /token with a caller JWT read from the environment (never on a command line).
wrk.method = "POST"
wrk.body = '{"owner":"acme","repositories":["svc-a"],"permissions":{"contents":"write","pull_requests":"write"}}'
wrk.headers["Content-Type"] = "application/json"
local jwt = os.getenv("CALLER_JWT")
if jwt then wrk.headers["Authorization"] = "Bearer " .. jwt end

local non201 = 0
response = function(status, headers, body)
  if status ~= 201 then non201 = non201 + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end

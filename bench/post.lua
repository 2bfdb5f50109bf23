-- wrk script: POST one bank-note row as JSON to whatever path wrk was given.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"variance": 3.6216, "skewness": 8.6661, "curtosis": -2.8073, "entropy": -0.44699}'
-- WRK_PACE_MS=N: each connection waits N ms before each request, for a load that checks behaviour rather than
-- measuring throughput (bench/rolling-restart --pace-ms); unset or 0, requests go back to back.
local pace = tonumber(os.getenv("WRK_PACE_MS") or "0") or 0
if pace > 0 then
  function delay()
    return pace
  end
end

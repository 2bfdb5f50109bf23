-- wrk script: POST the JSON body in the file named by BENCH_BODY (one request body, read once per thread).
local file = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = file:read("*a")
file:close()

-- wrk script for bench/soak: cycles through valid and invalid requests over every route, each with the one status
-- it must get. Run with one connection per thread (-t N -c N) and no pipelining: each thread then has one request
-- in flight, and each response answers the thread's latest request. (wrk also calls request() once before the run
-- to check it, which is why the latest request, not a queue of them, is what a response is checked against.)
-- SOAK_ALSO_OK=503 (bench/chaos) also accepts that status for every request: a server under chaos may refuse work.

local v2 = "/v2/models/" .. (os.getenv("SOAK_MODEL") or "banknote-authenticator") .. "/infer"
local v2_input = os.getenv("SOAK_V2_INPUT") or "input"
local also_ok = tonumber(os.getenv("SOAK_ALSO_OK") or "")
local one = '{"variance": 3.6216, "skewness": 8.6661, "curtosis": -2.8073, "entropy": -0.44699}'
local json = { ["Content-Type"] = "application/json" }
local form = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "text/html" }
local boundary = "soak0123456789"
local multipart = { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }

local function csv_upload(text)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.csv\"\r\n"
      .. "Content-Type: text/csv\r\n\r\n" .. text .. "\r\n--" .. boundary .. "--\r\n"
end

local batch = {}
for i = 1, 50 do
  batch[i] = string.format('{"variance": %.4f, "skewness": %.4f, "curtosis": %.4f, "entropy": %.4f}',
      (i % 13) - 6.5, (i % 7) * 2 - 6, (i % 5) * 3 - 5, (i % 3) - 1.5)
end
local rows = { "variance,skewness,curtosis,entropy" }
for i = 1, 500 do
  rows[#rows + 1] = string.format("%.4f,%.4f,%.4f,%.4f", (i % 13) - 6.5, (i % 7) * 2 - 6, (i % 5) * 3 - 5, (i % 3) - 1.5)
end
local good_csv = table.concat(rows, "\r\n") .. "\r\n"
local bad_csv = "variance,skewness,curtosis,entropy\n1,2,3,4\n1,2,three,4\n5,6,7,8\n"

-- { method, path, headers, body, expected status }
local cases = {
  { "POST", "/api/predict", json, one, 200 },
  { "POST", "/api/predict", json, '{"instances": [' .. table.concat(batch, ",") .. "]}", 200 },
  { "GET", "/predict?variance=3.6216&skewness=8.6661&curtosis=-2.8073&entropy=-0.44699", nil, nil, 200 },
  { "POST", v2, json, '{"id": "soak", "inputs": [{"name": "' .. v2_input .. '", "shape": [2, 4], "datatype": "FP32", '
      .. '"data": [3.6216, 8.6661, -2.8073, -0.44699, -1, -2, 1, 0.5]}]}', 200 },
  { "POST", "/predict_file", multipart, csv_upload(good_csv), 200 },
  { "POST", "/", form, "variance=3.6216&skewness=8.6661&curtosis=-2.8073&entropy=-0.44699", 200 },
  { "POST", "/api/predict", json, one, 200 },
  { "GET", "/health/ready", nil, nil, 200 },
  -- a whole row: the column the model does not take is ignored and named in the warnings
  { "POST", "/api/predict", json, '{"variance": 1, "skewness": 2, "curtosis": 3, "entropy": 4, "x": 5}', 200 },
  { "GET", "/api/model", nil, nil, 200 },
  { "GET", "/metrics", nil, nil, 200 },
  -- invalid: each must get exactly its 4xx
  { "POST", "/api/predict", json, '{"variance": 3.6, "skewness": ', 400 },                              -- truncated
  { "POST", "/api/predict", json, '{"variance": 3.6, "skewness": 8.6, "curtosis": -2.8}', 400 },        -- missing
  { "POST", "/api/predict", json, '{"variance": 1, "skewness": 2, "curtosis": 3, "entropie": 4}', 400 },       -- misspelt
  { "POST", "/api/predict", json, '{"variance": NaN, "skewness": 2, "curtosis": 3, "entropy": 4}', 400 },
  { "POST", "/api/predict", json, '{"variance": 1e999, "skewness": 2, "curtosis": 3, "entropy": 4}', 400 },
  { "POST", "/api/predict", json, string.rep("[", 5000), 400 },                                          -- deep
  { "POST", "/api/predict", { ["Content-Type"] = "text/plain" }, one, 415 },
  { "POST", "/api/predict", json, "\255\254\0garbage\0", 400 },
  { "GET", "/predict?variance=abc&skewness=2&curtosis=3&entropy=4", nil, nil, 400 },
  { "POST", "/", form, "variance=x&skewness=2&curtosis=3&entropy=4", 400 },
  { "POST", "/predict_file", multipart, csv_upload(bad_csv), 400 },
  { "POST", v2, json, '{"inputs": [{"name": "' .. v2_input .. '", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}', 400 },
  { "POST", "/v2/models/no-such-model/infer", json, "{}", 404 },
  { "GET", "/no/such/route", nil, nil, 404 },
  { "DELETE", "/api/predict", nil, nil, 405 },
}

local threads = {}
local requests = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  -- Built here, once wrk has set the Host header; wrk.format adds Content-Length to the table it is given, so each
  -- request gets a table of its own.
  for i, c in ipairs(cases) do
    local headers = { Host = wrk.headers["Host"] }
    for name, value in pairs(c[3] or {}) do headers[name] = value end
    requests[i] = wrk.format(c[1], c[2], headers, c[4])
  end
  next_case = math.random(#cases) -- threads start at different places in the cycle
  latest = nil                    -- the case of the request in flight
  checked, unexpected = 0, 0
  first_unexpected = ""
  statuses = {}                   -- status -> answers with it
end

function request()
  local i = next_case
  next_case = next_case % #cases + 1
  latest = i
  return requests[i]
end

function response(status, headers, body)
  local i = latest
  checked = checked + 1
  statuses[status] = (statuses[status] or 0) + 1
  if i == nil or (status ~= cases[i][5] and status ~= also_ok) then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      local what = i and (cases[i][1] .. " " .. cases[i][2] .. " expected " .. cases[i][5]) or "an unsent request"
      first_unexpected = what .. ", got " .. status .. ": " .. string.sub(body or "", 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local total_checked, total_unexpected, example, by_status = 0, 0, "", {}
  for _, thread in ipairs(threads) do
    total_checked = total_checked + thread:get("checked")
    total_unexpected = total_unexpected + thread:get("unexpected")
    if example == "" then example = thread:get("first_unexpected") end
    for status, n in pairs(thread:get("statuses")) do by_status[status] = (by_status[status] or 0) + n end
  end
  local codes = {}
  for status in pairs(by_status) do codes[#codes + 1] = status end
  table.sort(codes)
  local counts = {}
  for _, status in ipairs(codes) do counts[#counts + 1] = status .. "=" .. by_status[status] end
  local e = summary.errors
  io.write(string.format("soak: cases %d checked %d unexpected %d socket-errors %d\n", #cases, total_checked,
      total_unexpected, e.connect + e.read + e.write + e.timeout))
  io.write("soak: statuses " .. table.concat(counts, " ") .. "\n")
  if example ~= "" then io.write("soak: first unexpected: " .. example .. "\n") end
end

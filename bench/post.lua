-- wrk script: POST one bank-note row as JSON to whatever path wrk was given.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"variance": 3.6216, "skewness": 8.6661, "curtosis": -2.8073, "entropy": -0.44699}'

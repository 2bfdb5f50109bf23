"""PythonClientIT's Python side: tabserve_client.py against a running server, every answer printed for the IT to hold
to the server's own JSON.

    python3 tabserve_client_check.py URL TOKEN WORK_DIR

tabserve_client must be importable (PYTHONPATH: the copy downloaded from the server). The server serves the bank-note
model as its default model ("banknote") and, as "weak", the weak classifier carded with a background sample and a
calibration. Prints one JSON object on its last line; floats as Python's repr writes them (their exact doubles).
"""

import json
import os
import sys

import pandas as pd

from tabserve_client import Client, TabserveError

url, token, work = sys.argv[1:4]
# The rows PythonClientIT sends itself, in the same decimals; the third with a column the model does not take.
ROWS = [
    {"variance": 3.6216, "skewness": 8.6661, "curtosis": -2.8073, "entropy": -0.44699},
    {"variance": -1.3971, "skewness": 3.3191, "curtosis": -1.3927, "entropy": -1.9948},
    {"variance": 0.32924, "skewness": -4.4552, "curtosis": 4.5718, "entropy": -0.9888, "id": 7},
]
frame = pd.DataFrame(ROWS, index=["a", "b", "c"])
client = Client(url, token=token)
out = {}


def refusal(call):
    try:
        call()
    except TabserveError as e:
        return {"status": e.status, "title": e.title, "detail": e.detail, "errors": e.errors,
                "instance": e.problem.get("instance"), "rows_done": e.rows_done}
    return None


# predict on the default model: labels and probabilities by row, in the frame's index.
answers = client.predict(frame)
out["predict"] = {
    "index": list(answers.index),
    "columns": list(answers.columns),
    "label": answers["label"].tolist(),
    "probability_0": answers["probability_0"].tolist(),
    "probability_1": answers["probability_1"].tolist(),
    "request_ids": sorted(set(answers["request_id"])),
    "warnings": answers.attrs["warnings"],
    "model_sha256": answers.attrs.get("model_sha256"),
}

# Five rows in batches of two: three requests; then their true labels, joined to each row's answer.
five = pd.DataFrame([ROWS[0], ROWS[1], ROWS[0], ROWS[1], ROWS[0]]).drop(columns="id", errors="ignore")
batched = client.predict(five, batch_rows=2)
out["batched"] = {
    "request_ids": len(set(batched["request_id"])),
    "row": batched["row"].tolist(),
    "label": batched["label"].tolist(),
}
# The same labels named for another client first: the token may label any client's, and that client has none.
other = client.label(batched, batched["label"], client="another-client")
out["label_another_client"] = {k: other[k] for k in ("received", "joined", "unknown")}
fed = client.label(batched, batched["label"])
out["label"] = {k: fed[k] for k in ("received", "joined", "unknown", "duplicates")}
out["label_without_token"] = refusal(lambda: Client(url).label(batched, batched["label"]))

# Explanations and coverage on the carded model.
sure = client.predict(frame, explain=True, coverage=0.9, model="weak")
out["explain_coverage"] = {
    "explanation": sure["explanation"].tolist(),
    "prediction_set": sure["prediction_set"].tolist(),
    "coverage": sure["coverage"].tolist(),
    "novelty_p_value": sure["novelty_p_value"].tolist(),
    "novel": sure["novel"].tolist(),
    "probability_1": sure["probability_1"].tolist(),
}

# A file of more than one chunk, a quoted field with a line break in every seventh row.
with open("data/BankNote_Authentication.csv") as notes:
    lines = notes.read().splitlines()
csv = os.path.join(work, "notes.csv")
with open(csv, "w", newline="") as f:
    f.write(lines[0] + ",note\r\n")
    for i, line in enumerate(lines[1:]):
        f.write(line + (',"a note\nover two lines, with ""quotes"""' if i % 7 == 0 else ",plain") + "\r\n")
calls = []
scored = client.score_file(csv, chunk_rows=500, progress=lambda done, total: calls.append([done, total]))
written = client.score_file(csv, chunk_rows=500, out=os.path.join(work, "scored.csv"))
parquet_calls = []
parquet = client.score_file(
    "src/test/resources/parquet/banknotes.snappy.parquet",
    progress=lambda done, total: parquet_calls.append([done, total]))
out["score_file"] = {
    "progress": calls,
    "rows": len(scored),
    "index": [int(scored.index[0]), int(scored.index[-1])],
    "label": scored["label"].tolist(),
    "probability_1": scored["probability_1"].tolist(),
    "request_ids": len(set(scored["request_id"])),
    "written": written,
    "parquet_progress": parquet_calls,
    "parquet_label": parquet["label"].tolist(),
}

# A bad field name: the server's problem, as an exception.
out["bad_field"] = refusal(lambda: client.predict(frame.rename(columns={"variance": "varianse"})))
# A bad row in the second of three requests: its row counted in the frame sent.
bad = pd.DataFrame([ROWS[0], ROWS[1], ROWS[0], {**ROWS[1], "variance": "x"}]).drop(columns="id", errors="ignore")
out["bad_row"] = refusal(lambda: client.predict(bad, batch_rows=2))

print(json.dumps(out))

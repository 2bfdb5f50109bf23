"""PythonClientAnswersTest's Python side: tabserve_client.py against the test's own HTTP servers, which answer its
labels (``POST /models/{case}/api/feedback``) as a server that must not be trusted might.

    python3 tabserve_client_answers.py URL TOKEN

tabserve_client must be importable (PYTHONPATH: clients/python). Prints one JSON object on its last line: for each
case, what the call gave back, or the error it raised (its type, status, title and words).
"""

import json
import sys

import tabserve_client
from tabserve_client import Client, TabserveError

url, token = sys.argv[1:3]
out = {"default_max_answer_bytes": getattr(tabserve_client, "MAX_ANSWER_BYTES", None)}


def outcome(call):
    try:
        return {"answer": call()}
    except TabserveError as e:
        return {"error": type(e).__name__, "status": e.status, "title": e.title, "detail": e.detail,
                "words": str(e)}
    except Exception as e:  # what an old client raised instead: said, for the test to show
        return {"error": type(e).__name__, "words": str(e)[:500]}


def bounded(limit):
    return Client(url, token=token, max_answer_bytes=limit)  # a TypeError from a client without the bound


# A label POST answered 302 to another host: the token must not go there.
out["redirect"] = outcome(lambda: Client(url, token=token).label("req-1", ["genuine"], model="redirect"))
# Without a token, the same redirect is followed as before (no credential to keep).
out["redirect_without_token"] = outcome(lambda: Client(url).label("req-1", ["genuine"], model="redirect"))
# Answers longer than the bound, as they arrive (chunked) and as declared (Content-Length).
for case in ("chunked", "declared"):
    out[case] = outcome(lambda: bounded(1024 * 1024).label("req-1", ["genuine"], model=case))
# A bound that is not one is refused, naming it.
out["bad_bound"] = outcome(lambda: bounded(0))
print(json.dumps(out))

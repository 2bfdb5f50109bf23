"""Issue 62's "same bytes" check, the client side of bench/same-answers: sends the same requests, in the same order, to
an old and a new tabserve serving the same models and compares the answers byte for byte, the new request-level field
(the served file's SHA-256) aside, and nothing else:

- JSON bodies (POST /api/predict, the OIP's REST infer, /predict_file's JSON answer): the new side's
  "model_sha256":"<the model file's SHA-256>" is cut out (with its comma, or the whole "parameters" object it is
  alone in), then the bodies must be equal byte for byte.
- CSV bodies (/predict_file with Accept: text/csv): equal byte for byte, nothing cut.
- Arrow bodies (/predict_file answered as application/vnd.apache.arrow.stream): every byte after the schema message
  (the record batches, dictionaries and the end-of-stream marker) equal; the schema messages, which differ by the new
  metadata key, are written to ARROW_LIST for bench/SameArrowSchema.java, which reads both with Arrow Java and checks
  that the fields are equal and the metadata differs by tabserve.model_sha256 = the file's SHA-256 only.
- gRPC ModelInfer: the serialized response as it came off the wire, with the one "parameters" map entry whose key is
  model_sha256 (its value the file's SHA-256) cut out of the new side, equal byte for byte; the status code, message,
  and initial and trailing metadata equal as sets of fields (their order carries no meaning in gRPC).
- HTTP and gRPC: X-Request-Id is sent (the same to both sides), so fixed.
- HTTP: the status line and every header in order, but Date, the new Tabserve-Model-Sha256 (which must hold the file's
  SHA-256) and Content-Length (which must be each body's own length) equal; X-Request-Id is sent, so fixed.

    python3 bench/same_answers.py CASES_JSON STUBS_DIR OUT_DIR ARROW_LIST

With SAME_OLD_HAS_SHA=1 in the environment (an old build made after issue 62, e.g. issue 80's before/after), the old
side carries the SHA-256 too: it is checked and cut on both sides alike, and Arrow answers are compared whole, byte
for byte, schema message included.

CASES_JSON names the server pairs: [{"old": PORT, "new": PORT, "models": [{"name", "prefix" (its routes' prefix),
"file" (the served file), "data" (a CSV of rows), optionally "v2_name" and "arrow_upload" (an Arrow stream of rows)}]}].
Prints one line a comparison and a last line "compared N answers: D differ"; exits 1 when any differs.
"""
import csv
import hashlib
import http.client
import json
import math
import os
import re
import sys

cases_file, stubs, out_dir, arrow_list = sys.argv[1:5]
sys.path.insert(0, stubs)

import grpc  # noqa: E402
import grpc_service_pb2 as pb  # noqa: E402

ARROW = "application/vnd.apache.arrow.stream"
BOUNDARY = "same-answers-boundary-62"
compared = 0
differ = []
unmarked = []  # 2xx answers of the new build without the new field: not a difference of bytes, but said
arrow_pairs = []


def first_difference(a, b):
    n = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return "lengths %d / %d, first difference at byte %d: old %r / new %r" % (
        len(a), len(b), n, a[max(0, n - 40):n + 60], b[max(0, n - 40):n + 60])


def report(name, problems, note=""):
    global compared
    compared += 1
    if problems:
        differ.append(name)
        print("DIFF %s: %s" % (name, "; ".join(problems)))
    else:
        print("same %s%s" % (name, note))


OLD_HAS_SHA = os.environ.get("SAME_OLD_HAS_SHA") == "1"


def cut_json(body, sha):
    """The new JSON body without "model_sha256":"SHA": returns (body, times cut)."""
    key = b'"model_sha256":"' + sha.encode() + b'"'
    cut = 0
    for pattern in (b',"parameters":{' + key + b'}', b'"parameters":{' + key + b'},',
                    b',' + key, key + b','):
        while pattern in body:
            body = body.replace(pattern, b"", 1)
            cut += 1
    return body, cut


def arrow_rest(body):
    """The bytes after an Arrow IPC stream's first (schema) message: 0xFFFFFFFF, int32 length, that many bytes."""
    if len(body) < 8 or body[:4] != b"\xff\xff\xff\xff":
        return None
    return body[8 + int.from_bytes(body[4:8], "little"):]


def http_call(port, method, path, body, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body, headers)
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    return answer.status, answer.reason, answer.getheaders(), data


def compare_http(name, pair, sha, method, path, body, headers):
    rid = "same-answers-%d" % (compared + 1)
    headers = dict(headers, **{"X-Request-Id": rid})
    old = http_call(pair["old"], method, path, body, headers)
    new = http_call(pair["new"], method, path, body, headers)
    problems = []
    if old[:2] != new[:2]:
        problems.append("status %s %s / %s %s" % (old[0], old[1], new[0], new[1]))

    def headers_of(side, which):
        kept = []
        for k, v in side[2]:
            low = k.lower()
            if low == "date":
                continue
            if low == "content-length":
                if int(v) != len(side[3]):
                    problems.append("%s Content-Length %s but %d bytes" % (which, v, len(side[3])))
                continue
            if low == "tabserve-model-sha256":
                if which == "old" and not OLD_HAS_SHA:
                    problems.append("old answer has Tabserve-Model-Sha256")
                elif v != sha:
                    problems.append("Tabserve-Model-Sha256 %s, not the file's %s" % (v, sha))
                continue
            kept.append((low, v))
        return kept

    old_headers, new_headers = headers_of(old, "old"), headers_of(new, "new")
    if old_headers != new_headers:
        problems.append("headers %s / %s" % (old_headers, new_headers))
    if not any(k.lower() == "tabserve-model-sha256" for k, _ in new[2]) and 200 <= new[0] < 300:
        problems.append("new 2xx answer without Tabserve-Model-Sha256")
    content_type = dict((k.lower(), v) for k, v in new[2]).get("content-type", "")
    note = ""
    if content_type.startswith(ARROW) and OLD_HAS_SHA:
        if old[3] != new[3]:
            problems.append("Arrow stream: " + first_difference(old[3], new[3]))
        note = " (Arrow: %d bytes, equal whole)" % len(old[3])
    elif content_type.startswith(ARROW):
        old_rest, new_rest = arrow_rest(old[3]), arrow_rest(new[3])
        if old_rest is None or new_rest is None:
            problems.append("not an Arrow stream")
        elif old_rest != new_rest:
            problems.append("after the schema message: " + first_difference(old_rest, new_rest))
        else:
            n = len(arrow_pairs)
            for side, data in (("old", old[3]), ("new", new[3])):
                with open("%s/arrow-%d.%s" % (out_dir, n, side), "wb") as f:
                    f.write(data)
            arrow_pairs.append("%s/arrow-%d.old %s/arrow-%d.new %s %s" % (out_dir, n, out_dir, n, sha, name))
            note = " (Arrow: %d bytes after the schema message equal; schema %d / %d bytes, checked by "\
                   "SameArrowSchema)" % (len(old_rest), len(old[3]) - len(old_rest), len(new[3]) - len(new_rest))
    else:
        old_body, new_body, cut = old[3], new[3], 0
        if "json" in content_type:  # application/json, problem+json and x-ndjson
            new_body, cut = cut_json(new[3], sha)
            if OLD_HAS_SHA:
                old_body, old_cut = cut_json(old[3], sha)
                if old_cut != cut:
                    problems.append("model_sha256 cut %d times from the old body, %d from the new" % (old_cut, cut))
            note = " (%d bytes, model_sha256 cut %d times)" % (len(old[3]), cut)
            if 200 <= new[0] < 300 and cut == 0:
                unmarked.append(name)
                note += " NOTE: the new body has no model_sha256 (the header has it)"
        else:
            note = " (%d bytes)" % len(old[3])
        if old_body != new_body:
            problems.append(first_difference(old_body, new_body))
    report("%s [%d %s]" % (name, old[0], content_type.split(";")[0]), problems, note)


def strip_sha_parameter(raw, sha):
    """A serialized ModelInferResponse without the top-level parameters entry (field 4) whose key is model_sha256."""
    def varint(buf, i):
        shift = value = 0
        while True:
            b = buf[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value, i

    kept, cut, i = bytearray(), 0, 0
    while i < len(raw):
        start = i
        tag, i = varint(raw, i)
        wire = tag & 7
        if wire == 0:
            _, i = varint(raw, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            length, i = varint(raw, i)
            payload = raw[i:i + length]
            i += length
            if tag >> 3 == 4:
                entry = pb.ModelInferResponse.ParametersEntry()
                entry.ParseFromString(payload)
                if entry.key == "model_sha256":
                    if entry.value.string_param != sha:
                        raise ValueError("model_sha256 %r, not the file's %s" % (entry.value.string_param, sha))
                    cut += 1
                    continue
        else:
            raise ValueError("wire type %d" % wire)
        kept += raw[start:i]
    return bytes(kept), cut


def grpc_call(port, request, rid):
    with grpc.insecure_channel("127.0.0.1:%d" % port) as channel:
        call = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer",
                                   request_serializer=pb.ModelInferRequest.SerializeToString,
                                   response_deserializer=None)
        try:
            raw, state = call.with_call(request, timeout=120, metadata=(("x-request-id", rid),))
            return (grpc.StatusCode.OK, "", tuple(state.initial_metadata()), tuple(state.trailing_metadata()), raw)
        except grpc.RpcError as e:
            return (e.code(), e.details(), tuple(e.initial_metadata()), tuple(e.trailing_metadata()), b"")


def compare_grpc(name, pair, sha, request):
    rid = "same-answers-%d" % (compared + 1)
    old, new = grpc_call(pair["old"], request, rid), grpc_call(pair["new"], request, rid)
    problems = []
    if old[:2] != new[:2]:
        problems.append("status %s %r / %s %r" % (old[0], old[1], new[0], new[1]))

    def meta(side, which):
        kept = []
        for k, v in side[2] + side[3]:
            if k == "content-length" and int(v) != (5 + len(side[4]) if side[4] else 0):
                problems.append("%s content-length %s but a message of %d bytes" % (which, v, len(side[4])))
            elif k == "tabserve-model-sha256" and ((which == "old" and not OLD_HAS_SHA) or v != sha):
                problems.append("%s tabserve-model-sha256 %s" % (which, v))
            elif k not in ("date", "content-length", "tabserve-model-sha256"):
                kept.append((k, v))
        return kept

    # as a set of fields: their order carries no meaning in gRPC (and a refusal's trailers came out in an order of
    # their own each start before 2026-11-28)
    if sorted(meta(old, "old")) != sorted(meta(new, "new")):
        problems.append("metadata %s / %s" % (old[2] + old[3], new[2] + new[3]))
    new_raw, cut = strip_sha_parameter(new[4], sha)
    old_raw = old[4]
    if OLD_HAS_SHA:
        old_raw, old_cut = strip_sha_parameter(old[4], sha)
        if old_cut != cut:
            problems.append("model_sha256 parameter cut %d times from the old answer, %d from the new" % (old_cut, cut))
    if old[0] == grpc.StatusCode.OK and cut != 1:
        problems.append("model_sha256 parameter found %d times" % cut)
    if old_raw != new_raw:
        problems.append(first_difference(old_raw, new_raw))
    report("%s [%s]" % (name, old[0].name), problems, " (%d bytes, model_sha256 parameter cut %d times)"
           % (len(old[4]), cut))


def multipart(data, filename, content_type):
    return (("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
             % (BOUNDARY, filename, content_type)).encode() + data + ("\r\n--%s--\r\n" % BOUNDARY).encode())


def rows_of(path, picks):
    with open(path, newline="") as f:
        table = list(csv.reader(f))
    return table[0], [table[1 + i] for i in picks if i + 1 < len(table)]


def csv_bytes(header, rows, quoted=False):
    cell = (lambda c: '"' + c + '"') if quoted else (lambda c: c)
    return ("\n".join(",".join(cell(c) for c in r) for r in [header] + rows) + "\n").encode()


def json_row(header, row, features):
    out = {}
    for name, kind in features:
        cell = row[header.index(name)]
        out[name] = None if cell == "" else (cell if kind == "string" else float(cell))
    return out


def v2_inputs(meta, header, rows):
    """The OIP inputs for rows: (name, datatype, [n, k], flat values); an empty number cell is NaN, an empty text ''."""
    inputs = []
    for spec in meta["inputs"]:
        names = spec.get("parameters", {}).get("feature_names") or [spec["name"]]
        flat = []
        for r in rows:
            for n in names:
                cell = r[header.index(n)]
                flat.append(cell if spec["datatype"] == "BYTES" else (float(cell) if cell else math.nan))
        inputs.append((spec["name"], spec["datatype"], [len(rows), len(names)], flat))
    return inputs


def grpc_request(model, rid, inputs, parameters):
    request = pb.ModelInferRequest(model_name=model, id=rid)
    for name, datatype, shape, flat in inputs:
        tensor = request.inputs.add(name=name, datatype=datatype, shape=shape)
        if datatype == "BYTES":
            tensor.contents.bytes_contents.extend(v.encode() for v in flat)
        else:
            tensor.contents.fp32_contents.extend(flat)
    for key, value in parameters.items():
        if isinstance(value, bool):
            request.parameters[key].bool_param = value
        else:
            request.parameters[key].double_param = value
    return request


def rest_body(rid, inputs, parameters):
    body = {"id": rid, "inputs": [{"name": n, "datatype": d, "shape": s,
                                   "data": [None if isinstance(v, float) and math.isnan(v) else v for v in flat]}
                                  for n, d, s, flat in inputs]}
    if parameters:
        body["parameters"] = parameters
    return json.dumps(body).encode()


def check_model(pair, m):
    prefix, sha, name = m["prefix"], m["sha256"], m["name"]
    api = json.loads(http_call(pair["old"], "GET", prefix + "/api/model", None, {})[3])
    meta = json.loads(http_call(pair["old"], "GET", "/v2/models/" + api_name(pair, m), None, {})[3])
    features = [(f["name"], f["type"]) for f in api["features"]]
    calibrated = "conformal" in api
    header, all_rows = rows_of(m["data"], range(100000))
    empty = [i for i, r in enumerate(all_rows) if "" in r]
    picks = sorted(set(list(range(0, len(all_rows), max(1, len(all_rows) // 50)))[:50 - len(empty[:11])]
                       + empty[:11]))
    header, rows = rows_of(m["data"], picks)
    if not empty:  # a row out of the training range: a warning in every answer
        rows[1] = list(rows[1])
        rows[1][0] = "99.5"
    complete = [r for r in rows if "" not in r]
    j = {"Content-Type": "application/json"}
    one = json.dumps(json_row(header, complete[1], features)).encode()
    batch = json.dumps({"instances": [json_row(header, r, features) for r in complete]}).encode()
    batch_all = json.dumps({"instances": [json_row(header, r, features) for r in rows]}).encode()
    queries = ["", "?explain=true"] + (["?coverage=0.9", "?coverage=0.9&explain=true"] if calibrated else [])
    for q in queries:
        compare_http("%s json one %s" % (name, q), pair, sha, "POST", prefix + "/api/predict" + q, one, j)
        compare_http("%s json batch-%d %s" % (name, len(complete), q), pair, sha, "POST",
                     prefix + "/api/predict" + q, batch, j)
        compare_http("%s json batch-%d %s" % (name, len(rows), q + ("&" if q else "?") + "on_error=row"), pair, sha,
                     "POST", prefix + "/api/predict" + q + ("&" if q else "?") + "on_error=row", batch_all, j)
    compare_http("%s json batch-%d (on_error=reject)" % (name, len(rows)), pair, sha, "POST",
                 prefix + "/api/predict", batch_all, j)
    upload = csv_bytes(header, rows)
    upload_complete = csv_bytes(header, complete)
    form = {"Content-Type": "multipart/form-data; boundary=" + BOUNDARY}
    uploads = [("", upload_complete, len(complete)), ("?on_error=row", upload, len(rows)),
               ("", upload, len(rows)), (" quoted", csv_bytes(header, complete, True), len(complete)),
               ("?on_error=row quoted", csv_bytes(header, rows, True), len(rows))] + ([("?coverage=0.9", upload_complete, len(complete)),
                                            ("?coverage=0.9&on_error=row", upload, len(rows))] if calibrated else [])
    for accept in ("text/csv", ARROW, "application/json", "application/x-ndjson"):
        for q, data, n in uploads:
            compare_http("%s upload %s %d rows %s" % (name, accept, n, q), pair, sha, "POST",
                         prefix + "/predict_file" + q.split(" ")[0], multipart(data, "rows.csv", "text/csv"),
                         dict(form, Accept=accept))
    if m.get("arrow_upload"):
        with open(m["arrow_upload"], "rb") as f:
            data = f.read()
        for q in ["", "?coverage=0.9"] if calibrated else [""]:
            compare_http("%s upload Arrow in, Arrow out %s" % (name, q), pair, sha, "POST", prefix + "/predict_file" + q,
                         multipart(data, "rows.arrows", ARROW), dict(form, Accept=ARROW))
    model = api_name(pair, m)
    params = [{}, {"explain": True}] + ([{"coverage": 0.9}, {"coverage": 0.9, "explain": True}] if calibrated else [])
    for label, these in (("one", complete[:1]), ("batch-%d" % len(complete), complete), ("all-%d" % len(rows), rows)):
        inputs = v2_inputs(meta, header, these)
        for p in params:
            rid = "same-answers-v2-%d" % compared
            compare_grpc("%s grpc %s %s" % (name, label, json.dumps(p)), pair, sha, grpc_request(model, rid, inputs, p))
            compare_http("%s v2 rest %s %s" % (name, label, json.dumps(p)), pair, sha, "POST",
                         "/v2/models/%s/infer" % model, rest_body(rid, inputs, p), j)


def api_name(pair, m):
    return m.get("v2_name") or m["name"]


for pair in json.load(open(cases_file)):
    for m in pair["models"]:
        with open(m["file"], "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        m["sha256"] = digest
        check_model(pair, m)
with open(arrow_list, "w") as f:
    f.write("\n".join(arrow_pairs) + ("\n" if arrow_pairs else ""))
print("compared %d answers: %d differ; %d 2xx JSON answers of the new build without model_sha256 in the body%s"
      % (compared, len(differ), len(unmarked),
         " (%s)" % ", ".join(sorted(set(" ".join(n.split()[1:3]) for n in unmarked))) if unmarked else ""))
sys.exit(1 if differ else 0)

"""A Python client for tabserve, in one file: the standard library, and pandas for data frames.

Install it from the server that it talks to, which serves this very file::

    curl -s http://localhost:8080/clients/tabserve_client.py -o tabserve_client.py

Then::

    import pandas as pd
    from tabserve_client import Client, TabserveError

    client = Client("http://localhost:8080")
    answers = client.predict(pd.read_csv("notes.csv"))    # label, probability_<class> ... (or value), by row
    client.score_file("notes.csv", out="scored.csv")      # a file of any size, in chunks

It speaks tabserve's JSON API over HTTP (``POST /api/predict``, ``POST /predict_file``, ``POST /api/feedback``, and
each model's own ``/models/{name}/...`` forms of them); docs/routes.md describes those routes and their keys. A
refusal is a :class:`TabserveError` carrying the server's problem detail (RFC 9457): its status, title, detail and
the fields it names. pandas is imported only by the methods that take or give a data frame; gRPC is not used.

A server that asks for credentials (API keys, OIDC tokens: docs/security.md) takes the client's token, given as
``Client(url, token=...)`` or in the environment variable ``TABSERVE_TOKEN``, which every request then carries as
``Authorization: Bearer``; a refusal for it (401, or 403 naming the scope the token lacks) is a :class:`TabserveError`.

Two answers are refused by the client itself, as an :class:`AnswerRefused` (a :class:`TabserveError`): a redirect
of a request that carries the token (every request, once there is one), which is not followed, so that the token
never goes to another address; and an answer longer than ``max_answer_bytes`` (256 MiB unless the client is given another), which
is not read further, so that a server (or anything posing as one) cannot fill the caller's memory.
"""

import gzip
import io
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid

__all__ = ["AnswerRefused", "Client", "MAX_ANSWER_BYTES", "TabserveError"]

#: The most rows one request explains (the server's limit, docs/routes.md "Explanations").
EXPLAIN_ROWS = 100
#: The longest answer a client reads by default, in bytes (``Client(max_answer_bytes=...)`` raises it): 256 MiB.
MAX_ANSWER_BYTES = 256 * 1024 * 1024
#: The most of a refusal's body read for its problem detail.
_PROBLEM_BYTES = 1024 * 1024
#: The most labels sent in one request (the server takes a burst of 20,000 a client, then 1,000 a second).
LABEL_BATCH = 1000
#: The counts of a feedback answer, summed over the requests that one call of :meth:`Client.label` sends.
_FEEDBACK_COUNTS = ("received", "joined", "unknown", "expired", "duplicates", "refused")
#: The most labels not joined that one answer lists, as the server lists them.
_NOT_JOINED = 20
#: Files the server reads in formats of their own; they are sent whole, and the server reads them in chunks.
_WHOLE_FILES = {
    ".parquet": "application/vnd.apache.parquet",
    ".arrow": "application/vnd.apache.arrow.file",
    ".feather": "application/vnd.apache.arrow.file",
    ".arrows": "application/vnd.apache.arrow.stream",
    ".jsonl": "application/x-ndjson",
    ".ndjson": "application/x-ndjson",
}
_BLOCK = 1 << 16


class TabserveError(Exception):
    """A refusal of the server, with its problem detail (``application/problem+json``, RFC 9457).

    Attributes:
        status: the HTTP status (400 for bad input, 401 without a token the server takes, 403 for one without the
            scope the detail names, 404, 413, ...)
        title: the problem's title, such as ``Invalid input``
        detail: what was wrong, in words
        errors: the fields at fault, each a dict with ``field``, ``message`` and, for a batch, ``row`` (counted in
            the data frame or file sent, as the server counts them: see :meth:`Client.predict`)
        problem: the whole problem as the server sent it (every other field it has, such as ``instance``)
        retry_after: the ``Retry-After`` header of a 429 or 503, else None
        rows_done: how many rows were answered before it, when it stopped a call of many requests
    """

    def __init__(self, status, problem, retry_after=None, rows_done=0):
        self.status = status
        self.problem = problem
        self.title = problem.get("title", "")
        self.detail = problem.get("detail", "")
        self.errors = problem.get("errors", [])
        self.retry_after = retry_after
        self.rows_done = rows_done
        super().__init__(self._words())

    def _words(self):
        words = "%d %s: %s" % (self.status, self.title, self.detail)
        for error in self.errors[:5]:
            row = " (row %s)" % error["row"] if "row" in error else ""
            words += "\n  %s: %s%s" % (error.get("field"), error.get("message"), row)
        if len(self.errors) > 5:
            words += "\n  ... and %d more" % (len(self.errors) - 5)
        return words


class AnswerRefused(TabserveError):
    """An answer the client would not take, with ``status`` the answer's HTTP status and ``detail`` why.

    ``title`` is ``Redirect not followed`` for a redirect of a request that carries the token (``Location`` is named;
    the token was not sent there), or ``Answer too long`` for an answer longer than the client's
    ``max_answer_bytes`` (read no further than that).
    """

    def __init__(self, status, title, detail):
        super().__init__(status, {"title": title, "detail": detail})


class _NoCredentialRedirect(urllib.request.HTTPRedirectHandler):
    """Follows no redirect of a request that carries ``Authorization``: refuses it, naming where it pointed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if req.has_header("Authorization"):
            fp.close()
            parts = urllib.parse.urlsplit(newurl)
            host = parts.hostname or ""
            host = "[%s]" % host if ":" in host else host
            host += ":%d" % parts.port if parts.port is not None else ""
            where = urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))  # no user, password, query
            raise AnswerRefused(
                code, "Redirect not followed",
                "%s %s answered %d, a redirect to %s: not followed, and the token was not sent there (a request "
                "that carries the token goes to the client's url alone; give Client the address that answers)"
                % (req.get_method(), urllib.parse.urlsplit(req.full_url).path, code, where))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_NoCredentialRedirect)


class Client:
    """A tabserve server, at ``url`` (``http://host:8080``, or the context path it is deployed under).

    Args:
        url: the server's address
        token: the bearer token the server takes (an API key, an OIDC access token, or for labels its
            ``--feedback-token`` or admin token), sent with every request; None takes the environment variable
            ``TABSERVE_TOKEN``, when it is set
        model: the model to ask, by the name its routes have (``/models/{name}/...``); None for the default model
        version: one version of that model; None for the one that serves the model
        timeout: seconds to wait for the server to answer a request
        max_answer_bytes: the longest answer read, in bytes (:data:`MAX_ANSWER_BYTES`, 256 MiB, by default): a
            longer one is refused as it arrives (:class:`AnswerRefused`, naming this argument), unread past it. An
            answer written to a file (:meth:`score_file` with ``out``) is streamed there, and only each of its
            records is held to it
    """

    def __init__(self, url, token=None, model=None, version=None, timeout=300, max_answer_bytes=MAX_ANSWER_BYTES):
        if isinstance(max_answer_bytes, bool) or not isinstance(max_answer_bytes, int) or max_answer_bytes < 1:
            raise ValueError("max_answer_bytes is a number of bytes, 1 or more, not %r" % (max_answer_bytes,))
        self.max_answer_bytes = max_answer_bytes
        self.url = url.rstrip("/")
        self.token = token if token is not None else os.environ.get("TABSERVE_TOKEN") or None
        self.model = model
        self.version = version
        self.timeout = timeout
        #: A request body larger than this is sent in smaller batches (the server's tabserve.max-body-bytes).
        self.max_body_bytes = 4 * 1024 * 1024

    def predict(self, rows, explain=False, coverage=None, on_error="reject", model=None, version=None,
                batch_rows=1000):
        """Answers each row of a data frame, through ``POST /api/predict``.

        Args:
            rows: a pandas DataFrame whose columns are the model's inputs by name (others are ignored, and named in
                ``attrs["warnings"]``); NaN and None are missing values. A dict (one row) or a list of dicts is
                made into a data frame first.
            explain: whether each answer comes with its explanation (the model's card must hold a background
                sample); at most 100 rows go in a request then
            coverage: a coverage such as 0.9 asks how sure each answer is (the card must hold a calibration)
            on_error: ``"reject"`` refuses the rows at the first bad one (:class:`TabserveError`, its ``errors``
                by row); ``"row"`` answers every other row and gives each bad one its ``error``
            model, version: another model (or version) than the client's
            batch_rows: the most rows sent in one request; a larger frame is sent in several

        Returns:
            A DataFrame with the index of ``rows``: ``label``, ``display_name`` and one ``probability_<class>``
            column a class for a classifier, ``value`` for a regressor; ``warnings`` (the row's, a list);
            ``explanation`` (a dict, when asked); ``prediction_set`` (a list of labels) or ``lower``, ``upper`` and
            ``clipped``, then ``coverage``, ``novelty_p_value`` and ``novel`` (when a coverage is asked); ``error``
            (with ``on_error="row"``: empty for a good row); any other field of the answer's by its type, as the CSV
            answer writes it (``GET /api/model`` lists them in ``fields``); and ``request_id`` and ``row``, the answer each row is
            in and its place there, which :meth:`label` takes. ``attrs`` holds the answers' ``warnings`` about the
            request (columns ignored), ``model_sha256`` and ``model_version``.

        Raises:
            TabserveError: the server refused a request; the rows in its ``errors`` count from 0 in ``rows``
        """
        pd = _pandas()
        frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame([rows] if isinstance(rows, dict) else rows)
        limit = min(batch_rows, EXPLAIN_ROWS) if explain else batch_rows
        query = _query(explain=explain, coverage=coverage, on_error=on_error)
        path = self._base(model, version) + "/api/predict"
        answered, warnings, source = [], [], {}
        for start in range(0, len(frame), max(1, limit)):
            for offset, body in self._bodies(frame, start, min(start + limit, len(frame))):
                try:
                    with self._post(path, query, body, "application/json") as response:
                        answer = self._json(response, path)
                        request_id = response.headers.get("X-Request-Id")
                except TabserveError as refusal:
                    raise _shifted(refusal, offset, len(answered)) from None
                answered.extend(_answer_rows(answer["predictions"], request_id, offset))
                warnings.extend(w for w in answer.get("warnings", []) if w not in warnings)
                source.update({k: v for k, v in answer.items() if k not in ("predictions", "warnings")})
        result = _frame(pd, answered, frame.index)
        result.attrs.update(source, warnings=warnings)
        return result

    def label(self, request_ids, labels, rows=None, model=None, version=None, client=None):
        """Sends the true labels of answers given earlier (``POST /api/feedback``), for the live accuracy.

        Args:
            request_ids: the data frame :meth:`predict` or :meth:`score_file` gave (its ``request_id`` and ``row``
                columns name each label's answer, in order); or one request id, whose answer's rows take the labels
                in order from row 0; or a sequence of request ids, one a label
            labels: the true classes (as text, their numbers or their names), or a regressor's true values
            rows: each label's row in its answer, with a sequence of request ids (row 0 when left out)
            client: the client the answers were given to, when it is not the sender: a labelling service's (the
                scope ``label:any``, or the feedback or admin token) for another client's answers; by default the
                sender's own (docs/security.md, "Labels bound to their callers")

        Returns:
            The server's answer as a dict: ``received``, ``joined``, ``unknown``, ``expired``, ``duplicates`` and
            ``refused`` summed over the requests sent (at most 1,000 labels each), ``not_joined`` (the first 20,
            each with why) and the model's live figures from the last answer.
        """
        labels = [_native(v) for v in _values(labels)]
        if hasattr(request_ids, "columns"):  # a data frame of answers
            ids = _values(request_ids["request_id"])
            rows = request_ids["row"] if rows is None else rows
        elif isinstance(request_ids, str):  # one answer
            ids = [request_ids] * len(labels)
            rows = range(len(labels)) if rows is None else rows
        else:
            ids = _values(request_ids)
        rows = [0] * len(labels) if rows is None else [_native(r) for r in _values(rows)]
        if not len(ids) == len(rows) == len(labels):
            raise ValueError("%d request ids, %d rows and %d labels: give one of each a label"
                             % (len(ids), len(rows), len(labels)))
        items = [{"request_id": i, "row": r, "label": v} for i, r, v in zip(ids, rows, labels)]
        if client is not None:
            for item in items:
                item["client"] = client
        path = self._base(model, version) + "/api/feedback"
        total = None
        for start in range(0, len(items), LABEL_BATCH):
            body = json.dumps(items[start:start + LABEL_BATCH]).encode("utf-8")
            with self._post(path, {}, body, "application/json") as response:
                total = _feedback_sum(total, self._json(response, path))
        return total

    def score_file(self, path, out=None, progress=None, chunk_rows=10000, coverage=None, on_error="reject",
                   model=None, version=None):
        """Answers every row of a file through ``POST /predict_file``, in bounded memory.

        A CSV file (or a gzipped one) is sent in chunks of ``chunk_rows`` rows, each with the header, its bytes as
        they are (quoted fields may hold line breaks). A Parquet, Arrow (``.arrow``, ``.feather``, ``.arrows``) or
        JSON Lines file is sent whole, streamed from disk, and the server reads it in chunks: up to its upload limit
        (tabserve.max-upload-bytes, 200 MiB by default).

        Args:
            path: the file
            out: a path to write the server's CSV answer to (the file's columns, then the answer's), instead of
                returning a data frame
            progress: called as ``progress(rows_done, rows_total)`` after each answered chunk; ``rows_total`` is
                None until it is known (a CSV is not counted ahead)
            chunk_rows: the rows of a CSV chunk
            coverage, on_error, model, version: as for :meth:`predict`; with ``on_error="reject"`` a bad row stops
                the call at its chunk, after the chunks before it were answered (the error's ``rows_done``)

        Returns:
            The answers as :meth:`predict` gives them, indexed from 0 in the file's order; or, with ``out``, the
            number of rows written.

        Raises:
            TabserveError: the server refused a chunk; the rows in its ``errors`` count in the whole file, as the
                server counts a file's rows (from 1)
        """
        pd = None if out is not None else _pandas()
        query = _query(coverage=coverage, on_error=on_error, format="json" if out is None else "csv")
        route = self._base(model, version) + "/predict_file"
        name = os.fspath(path)
        kind = next((t for suffix, t in _WHOLE_FILES.items() if name.lower().endswith(suffix)), None)
        sink = open(out, "wb") if out is not None else None
        try:
            parts, done, total = [], 0, None
            if kind is not None:
                with open(name, "rb") as file:
                    body, boundary, length = _streamed_form(file, os.path.basename(name), kind)
                    rows = self._upload(route, query, body, boundary, length, 0, parts, sink, True)
                done = total = rows
                if progress is not None:
                    progress(done, total)
            else:
                with _csv_bytes(name) as file:
                    header = _record(file) or b""
                    sent = False
                    for chunk in _chunks(file, max(1, chunk_rows)):
                        body, boundary = _form(header, chunk, os.path.basename(name))
                        self._upload(route, query, body, boundary, len(body), done, parts, sink, not sent)
                        sent = True
                        done += len(chunk)
                        if progress is not None:
                            progress(done, None)
                    if not sent:  # a header alone, or nothing: the server says what is wrong with the file
                        body, boundary = _form(header, [], os.path.basename(name))
                        self._upload(route, query, body, boundary, len(body), 0, parts, sink, True)
        finally:
            if sink is not None:
                sink.close()
        if out is not None:
            return done
        return _frame(pd, parts, None)

    def _upload(self, route, query, body, boundary, length, done, parts, sink, first):
        """Sends one upload; its rows go to ``parts`` (JSON) or ``sink`` (CSV, the header once). @return rows"""
        headers = {"Content-Length": str(length)}
        try:
            with self._post(route, query, body, "multipart/form-data; boundary=" + boundary, headers) as response:
                if sink is None:
                    answer = self._json(response, route)
                    parts.extend(_answer_rows(answer["predictions"], response.headers.get("X-Request-Id"), done))
                    return len(answer["predictions"])
                header = self._answer_record(response, route)
                if first and header is not None:
                    sink.write(header)
                rows = 0
                for record in iter(lambda: self._answer_record(response, route), None):
                    sink.write(record)
                    rows += 1
                return rows
        except TabserveError as refusal:
            raise _shifted(refusal, done, done) from None

    def _json(self, response, path):
        """The JSON of an answer, read to at most ``max_answer_bytes``: refused (:class:`AnswerRefused`) past it."""
        limit = self.max_answer_bytes
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise self._too_long(response, path, "declares %s bytes" % declared.strip())
        blocks, read = [], 0
        while True:
            block = response.read(min(_BLOCK, limit + 1 - read))
            if not block:
                break
            blocks.append(block)
            read += len(block)
            if read > limit:
                raise self._too_long(response, path, "went on past them")
        return json.loads(b"".join(blocks))

    def _answer_record(self, response, path):
        """The next record of a CSV answer, at most ``max_answer_bytes`` long; None at the end."""
        record = _record(response, self.max_answer_bytes + 1)
        if record is not None and len(record) > self.max_answer_bytes:
            raise self._too_long(response, path, "held a record longer than that")
        return record

    def _too_long(self, response, path, how):
        return AnswerRefused(
            response.status, "Answer too long",
            "the answer to POST %s %s: longer than max_answer_bytes (%d bytes), so it was not read further; "
            "Client(..., max_answer_bytes=...) raises the bound" % (path, how, self.max_answer_bytes))

    def _base(self, model, version):
        """The path before a route: the model's own (``/models/{name}[/versions/{v}]``) or the root's."""
        model = self.model if model is None else model
        version = self.version if version is None else version
        if model is None:
            if version is not None:
                raise ValueError("a version needs a model: give model= too")
            return ""
        base = "/models/" + urllib.parse.quote(str(model), safe="")
        return base if version is None else base + "/versions/" + str(int(version))

    def _bodies(self, frame, start, end):
        """The JSON bodies of rows start to end (pandas' split orientation), halved until each fits the limit."""
        body = _split_body(frame.iloc[start:end])
        if len(body) <= self.max_body_bytes or end - start == 1:
            return [(start, body)]
        middle = (start + end) // 2
        return self._bodies(frame, start, middle) + self._bodies(frame, middle, end)

    def _post(self, path, query, body, content_type, headers=None):
        """POSTs ``body`` (bytes, or an iterable of bytes with a Content-Length); @return the open response."""
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("Accept", "text/csv" if query.get("format") == "csv" else "application/json")
        request.add_header("User-Agent", "tabserve_client.py")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            return _OPENER.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as refused:
            with refused:
                raise _refusal(refused) from None


def _pandas():
    try:
        import pandas
    except ImportError as missing:
        raise ImportError("tabserve_client needs pandas for data frames (pip install pandas, or apt-get install "
                          "python3-pandas)") from missing
    return pandas


def _query(explain=False, coverage=None, on_error="reject", format=None):
    if on_error not in ("reject", "row"):
        raise ValueError("on_error is 'reject' or 'row', not %r" % (on_error,))
    query = {"on_error": on_error}
    if explain:
        query["explain"] = "true"
    if coverage is not None:
        query["coverage"] = repr(float(coverage))
    if format is not None:
        query["format"] = format
    return query


def _refusal(refused):
    """The TabserveError of an HTTP error answer: its problem JSON, or its text as the detail."""
    text = refused.read(_PROBLEM_BYTES).decode("utf-8", "replace")
    try:
        problem = json.loads(text)
    except ValueError:
        problem = None
    if not isinstance(problem, dict):
        problem = {"title": refused.reason, "detail": text.strip()[:2000]}
    elif "error" in problem and "detail" not in problem:  # the Open Inference Protocol's {"error": "..."}
        problem = dict(problem, detail=problem["error"])
    return TabserveError(refused.code, problem, refused.headers.get("Retry-After"))


def _shifted(refusal, offset, rows_done):
    """The refusal of a request that began at row ``offset`` of the caller's rows, its errors' rows counted so."""
    problem = dict(refusal.problem)
    if offset and refusal.errors:
        problem["errors"] = [_shifted_error(e, offset) for e in refusal.errors]
    return TabserveError(refusal.status, problem, refusal.retry_after, rows_done)


def _shifted_error(error, offset):
    """A field error of a request that began at row ``offset``: its row, and the message's own "row N: " if any."""
    row = error.get("row")
    if not isinstance(row, int):
        return error
    message = error.get("message")
    said = "row %d: " % row
    if isinstance(message, str) and message.startswith(said):
        message = "row %d: " % (row + offset) + message[len(said):]
    return dict(error, row=row + offset, message=message)


def _native(value):
    """A numpy scalar as the Python value JSON writes; a missing value (NaN, None, pandas' NA) as None."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if value is None or (isinstance(value, float) and value != value):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


def _values(values):
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _not_json(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError("%r (%s) is not a value tabserve takes: send numbers, text, booleans or missing values"
                    % (value, type(value).__name__))


def _split_body(frame):
    """Rows as pandas' split orientation, ``{"columns": [...], "data": [[...], ...]}``, read by name."""
    columns = []
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        missing = column.isna().tolist()
        values = column.astype(object).tolist()
        columns.append([None if m else _native(v) for v, m in zip(values, missing)])
    data = [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(frame))]
    body = {"columns": [str(c) for c in frame.columns], "data": data}
    return json.dumps(body, default=_not_json).encode("utf-8")


def _answer_rows(predictions, request_id, offset):
    """Each answered row as a dict of the result's columns, with its request id and its place in the answer."""
    rows = []
    for place, p in enumerate(predictions):
        row = {}
        if "label" in p:
            row["label"] = p["label"]
            row["display_name"] = p.get("display_name")
        for cls, probability in p.get("probabilities", {}).items():
            row["probability_" + cls] = probability
        if "value" in p:
            row["value"] = p["value"]
        row["warnings"] = p.get("warnings", [])
        if "explanation" in p:
            row["explanation"] = p["explanation"]
        if "interval" in p:
            interval = p["interval"]
            row.update(lower=interval["lower"], upper=interval["upper"], clipped=interval.get("clipped", False))
            row["coverage"] = interval.get("coverage")
        if "prediction_set" in p:
            row["prediction_set"] = p["prediction_set"]
        if "coverage" in p:
            row["coverage"] = p["coverage"]
        if "novelty" in p:
            row.update(novelty_p_value=p["novelty"]["p_value"], novel=p["novelty"]["novel"])
        if "errors" in p:
            row["error"] = "; ".join("%s: %s" % (e.get("field"), e.get("message")) for e in p["errors"])
        for key, value in p.items():
            if key not in _SPELLED:
                _by_type(row, key, value)
        row.update(request_id=request_id, row=place)
        rows.append(row)
    return rows


#: The answer's fields spelled above; any other is a column by its type (_by_type), as the CSV answer's.
_SPELLED = {"label", "display_name", "probabilities", "value", "warnings", "explanation", "interval",
            "prediction_set", "coverage", "novelty", "errors"}


def _by_type(row, key, value):
    """A field the client has no spelling of its own for, as the CSV answer writes it (/api/model's ``fields``): an
    object (named numbers, a struct) one ``key_name`` column a member, anything else one ``key`` column."""
    if isinstance(value, dict):
        for name, member in value.items():
            row[key + "_" + name] = member
    else:
        row[key] = value


#: The order of the result's columns (the CSV answer's, docs/routes.md); probabilities go after display_name.
_ORDER = ["label", "display_name", "value", "warnings", "explanation", "lower", "upper", "clipped",
          "prediction_set", "coverage", "novelty_p_value", "novel", "error", "request_id", "row"]


def _frame(pd, rows, index):
    seen = []
    for row in rows:
        for key in row:
            if key not in seen:
                seen.append(key)
    probabilities = [k for k in seen if k.startswith("probability_")]
    others = [k for k in seen if k not in _ORDER and k not in probabilities]  # after novel, before error
    ordered = ([k for k in _ORDER[:2] if k in seen] + probabilities + [k for k in _ORDER[2:12] if k in seen]
               + others + [k for k in _ORDER[12:] if k in seen])
    if "error" in ordered:
        for row in rows:
            row.setdefault("error", "")
    return pd.DataFrame(rows, columns=ordered, index=index)


def _feedback_sum(total, answer):
    if total is None:
        return answer
    summed = dict(answer)
    for key in _FEEDBACK_COUNTS:
        summed[key] = total.get(key, 0) + answer.get(key, 0)
    summed["not_joined"] = (total.get("not_joined", []) + answer.get("not_joined", []))[:_NOT_JOINED]
    versions = dict(total.get("joined_by_version", {}))
    for version, joined in answer.get("joined_by_version", {}).items():
        versions[version] = versions.get(version, 0) + joined
    summed["joined_by_version"] = versions
    return summed


def _csv_bytes(name):
    """The file's bytes, inflated when it is gzip."""
    with open(name, "rb") as file:
        magic = file.read(2)
    return gzip.open(name, "rb") if magic == b"\x1f\x8b" else open(name, "rb")


def _record(file, limit=-1):
    """The next CSV record, bytes as they are (a quoted field may hold line breaks), or None at the end; with a
    ``limit``, at most about that many bytes (a longer record is cut there, for its caller to refuse)."""
    record = file.readline(limit)
    if not record:
        return None
    while record.count(b'"') % 2 == 1 and (limit < 0 or len(record) < limit):
        more = file.readline(limit - len(record) if limit >= 0 else -1)
        if not more:
            break
        record += more
    return record


def _chunks(file, size):
    """Lists of up to ``size`` records, to the file's end."""
    chunk = []
    for record in iter(lambda: _record(file), None):
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _form(header, records, filename):
    """A multipart body of one CSV chunk: its header, then its records."""
    boundary = uuid.uuid4().hex
    if header and not header.endswith(b"\n"):
        header += b"\r\n"
    body = io.BytesIO()
    body.write(_part_head(boundary, filename, "text/csv"))
    body.write(header)
    for record in records:
        body.write(record)
    body.write(("\r\n--%s--\r\n" % boundary).encode("ascii"))
    return body.getvalue(), boundary


def _streamed_form(file, filename, content_type):
    """A multipart body of a whole file, as blocks read from it: @return the blocks, the boundary, the length."""
    boundary = uuid.uuid4().hex
    head = _part_head(boundary, filename, content_type)
    tail = ("\r\n--%s--\r\n" % boundary).encode("ascii")
    length = len(head) + os.fstat(file.fileno()).st_size + len(tail)

    def blocks():
        yield head
        for block in iter(lambda: file.read(_BLOCK), b""):
            yield block
        yield tail

    return blocks(), boundary, length


def _part_head(boundary, filename, content_type):
    quoted = filename.replace("\\", "_").replace('"', "_").replace("\r", "_").replace("\n", "_")
    return ('--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\nContent-Type: %s\r\n\r\n'
            % (boundary, quoted, content_type)).encode("utf-8")

"""Every goal of issue 38 in one table, then every goal of issue 53 in another, from the figures one bench/run wrote to target/bench/ (run by bench/run; runs
on its own over a finished run's files): each goal, its target, tabserve's figure, the baseline's where it has one,
the ratio, and met or not met. A figure a part of the run could not make says so instead of a number.

    python3 bench/goals.py [DIR]      (default target/bench)

Reads figures.txt (bench/run's own: `key value...` lines), pods.raw (bench/pods: pod server conns round rps p50 p99
cpu), pods-trees.raw (bench/pods --model trees), py-grpc.json (bench/py-grpc), grpc.md (bench/grpc), explainer.json
(JMH ExplainerBenchmark) and trees.json (JMH TreesAtTheFloorBenchmark), JSON results.
"""
import json
import os
import re
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "target/bench"


def read(name):
    path = os.path.join(out, name)
    return open(path, encoding="utf-8").read() if os.path.exists(path) else None


figures = {}
for line in (read("figures.txt") or "").splitlines():
    key, _, value = line.partition(" ")
    if key:
        figures[key] = value.strip()


def number(key):
    try:
        return float(figures[key])
    except (KeyError, ValueError):
        return None


rows = []


def row(goal, target, value, baseline, ratio, verdict):
    rows.append("| %s | %s | %s | %s | %s | %s |" % (goal, target, value, baseline, ratio, verdict))


def fmt(value, unit):
    if unit == "ms":
        return ("%.3f %s" if value < 1 else "%.2f %s") % (value, unit)
    return "%.1f %s" % (value, unit)


def at_most(goal, target, t, b, limit, unit, baseline_name="floor", why_missing="not measured"):
    """A goal met when t / b (or t alone, when b is None and limit is absolute) is at most limit."""
    if t is None or (b is not None and b <= 0):
        row(goal, target, "—", "—", "—", why_missing)
        return
    r = t / b if b is not None else t / limit
    ok = r <= (limit if b is not None else 1.0)
    if b is None:
        shown_b = "—"
    else:
        shown_b = ("" if baseline_name == "floor" else "(%s) " % baseline_name) + fmt(b, unit)
    verdict = "met" if ok else "not met: %.2f× the limit" % (r / limit if b is not None else r)
    row(goal, target, fmt(t, unit), shown_b,
        "%.2f×" % r + ("" if b is not None else " goal"), verdict)


# 1. Single rows against the hand-written floor, on bench/pods' pods: CPU at 16 and 64 connections, p99 on 1 and 2 CPUs.
def pod_runs(name):
    runs = {}
    for line in (read(name) or "").splitlines():
        f = line.split()
        if len(f) == 8:
            runs.setdefault((f[0], f[1], f[2]), []).append((float(f[6]), float(f[7])))
    return runs


pods = pod_runs("pods.raw")


def pod(cpus, server, conns, field, runs=None):
    runs = (pods if runs is None else runs).get((str(cpus), server, str(conns)))
    return statistics.mean(r[field] for r in runs) if runs else None


for cpus in (2, 1):
    for conns in (16, 64):
        at_most("1. single row, server CPU per request, %d conn., %d CPU%s (bench/pods)" % (conns, cpus, "s" if cpus > 1 else ""),
                "≤ 0.8× floor" + (" (reported)" if cpus == 1 else ""), pod(cpus, "tabserve", conns, 1),
                pod(cpus, "floor", conns, 1), 0.8, "µs", why_missing="not measured (bench/pods failed)")
for cpus in (2, 1):
    for conns in (16, 64):
        at_most("1. single row, p99 latency, %d conn., %d CPU%s (bench/pods)" % (conns, cpus, "s" if cpus > 1 else ""),
                "≤ 1.0× floor", pod(cpus, "tabserve", conns, 0), pod(cpus, "floor", conns, 0), 1.0, "ms",
                why_missing="not measured (bench/pods failed)")

# 2. Batches: the 100,000-row CSV upload and 1,000-row JSON batches, rows/s on this machine's CPUs.
cpus = os.cpu_count()
for key, goal in (("csv_rows_per_s", "2. CSV upload, 100,000 rows end to end (median), %d CPUs" % cpus),
                  ("json1000_rows_per_s", "2. JSON batches of 1,000 rows (best of 1/16/64 conn.), %d CPUs" % cpus)):
    t = number(key)
    if t is None:
        row(goal, "≥ 2,000,000 rows/s on 2", "—", "—", "—", "not measured")
    else:
        row(goal, "≥ 2,000,000 rows/s on 2", "%.0f rows/s" % t, "—", "%.2f× goal" % (t / 2e6),
            "met" if t >= 2e6 else "not met: %.0f%% short" % ((2e6 - t) / 2e4))

# 3. Explanations: JMH ExplainerBenchmark.explainOneRow's p50 per explained row, structural explanations on (the
# default); its other benchmarks (the model's rows alone) are not a goal's figure.
limits = {"banknote": 1.0, "species": 1.0, "forest": 1.0, "boosted": 1.0, "mass": 1.0, "wide-69": 50.0,
          "classes-28": 50.0}
names = {"banknote": "bank note (4-column SVM)", "species": "penguin species pipeline (linear, text and missing)",
         "forest": "random-forest pipeline", "boosted": "boosted-trees pipeline", "mass": "tree regressor",
         "wide-69": "69 columns", "classes-28": "69 columns, 28-class SVM (sampled, no structure read)"}
jmh = read("explainer.json")
explained = {}
if jmh:
    for result in json.loads(jmh):
        params = result.get("params", {})
        if params.get("structural", "true") != "true" or not result["benchmark"].endswith(".explainOneRow"):
            continue
        percentiles = result["primaryMetric"].get("scorePercentiles", {})
        p50 = percentiles.get("50.0", result["primaryMetric"]["score"])
        unit = result["primaryMetric"]["scoreUnit"]
        scale = {"us/op": 1e-3, "ms/op": 1.0, "ns/op": 1e-6, "s/op": 1e3}.get(unit, None)
        if scale is not None:
            explained[params.get("model")] = p50 * scale
for model, limit in limits.items():
    at_most("3. one explained row, %s (JMH ExplainerBenchmark p50, one thread)" % names[model],
            "≤ %g ms" % limit, explained.get(model), None, limit, "ms",
            why_missing="not measured" + ("" if jmh else " (JMH did not run)"))

# 4. gRPC from Python's grpcio against the same REST v2 call from Python's http.client, and bench/grpc's Java client.
py = read("py-grpc.json")
if py and py.strip().startswith("{"):
    p = json.loads(py)
    s = p["rest"]
    for key, where in (("grpc_port", "on --grpc-port"), ("grpc", "on the shared port")):
        g = p.get(key)
        if g is None:
            continue
        at_most("4. sequential ModelInfer from Python's grpcio %s ÷ REST v2 from http.client, median latency "
                "(bench/py-grpc)" % where, "≤ 1.2× REST", g["median_ms"], s["median_ms"], 1.2, "ms",
                baseline_name="REST")
        at_most("4. the same %s, server CPU per call (bench/py-grpc)" % where, "≤ 1.2× REST", g["server_cpu_us"],
                s["server_cpu_us"], 1.2, "µs", baseline_name="REST")
else:
    row("4. sequential ModelInfer from Python's grpcio ÷ REST v2 (bench/py-grpc)", "≤ 1.2× REST", "—", "—", "—",
        (py or "not measured").strip().splitlines()[0] if py else "not measured")
grpc = read("grpc.md") or ""
m = re.search(r"^\| 1 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| ([0-9.]+) \|", grpc, re.M)
row("4. single-row ModelInfer, server CPU ÷ REST v2, grpc-java and the JDK client, 16 callers (bench/grpc)",
    "≤ 1.2× REST", "—", "—", ("%s×" % m.group(1)) if m else "—",
    ("met" if float(m.group(1)) <= 1.2 else "not met: %.2f× the limit" % (float(m.group(1)) / 1.2)) if m
    else "not measured (bench/grpc failed)")

# 5. Start to ready, java -jar with the bundled model.
ready = number("start_ready_ms")
if ready is None:
    row("5. start to ready, java -jar, one model", "≤ 1,000 ms", "—", "—", "—", "not measured")
else:
    row("5. start to ready, java -jar, one model (median of %s)" % figures.get("starts", "?"), "≤ 1,000 ms",
        "%d ms (line %s ms, JVM CPU %s ms)" % (ready, figures.get("start_line_ms", "?"), figures.get("start_cpu_ms", "?")),
        "—", "%.2f× goal" % (ready / 1000), "met" if ready <= 1000 else "not met: %d ms over" % (ready - 1000))

# 6. Kept: memory under load and text inputs' cost against numbers'.
rss = number("max_rss_kb")
if rss is not None:
    mb = rss / 1024
    row("6. keep: RSS under load, shipped settings (%s)" % figures.get("settings", "?"), "≤ 300 MB", "%.0f MB" % mb,
        "—", "%.2f× goal" % (mb / 300), "met" if mb <= 300 else "not met: %.0f MB over" % (mb - 300))
pen, bank = number("pen_one"), number("bank_one")
if pen is not None and bank:
    r = pen / bank
    row("6. keep: penguins (text inputs) ÷ bank-note (numbers) server CPU per single row, one server (--models)",
        "≈ 1.0× (≤ 1.2×)", "%.2f µs" % pen, "(bank-note) %.2f µs" % bank, "%.2f×" % r,
        "met" if r <= 1.2 else "not met: %.2f× the limit" % (r / 1.2))

print("**Goals of issue 38, all from this run** (ratio: tabserve ÷ the baseline where the row has one, else ÷ the goal;"
      " the single-row rows are bench/pods' pods, the 2-CPU pod is the goal's):")
print()
print("| goal | target | tabserve | baseline | ratio | met / not met |")
print("|---|---|---:|---:|---:|---|")
print("\n".join(rows))

# ---- Issue 53: trees at the floor, single rows against the floor, start to ready; with the machine's load ----
rows = []


def tree_jmh():
    """JMH TreesAtTheFloorBenchmark (trees.json): µs a row of the 100-tree × 31-leaf model by (kind, engine), kind
    'single' (one row a call: plainSingle, ortSingle) or 'batch' (per row, as its OperationsPerInvocation says:
    plainBatchOf1000, ortBatchOf1000)."""
    text = read("trees.json")
    found = {}
    if not text:
        return found, False
    for result in json.loads(text):
        method = result["benchmark"].rsplit(".", 1)[-1]
        m = re.fullmatch(r"(plain|ort)(Single|BatchOf(\d+))", method)
        scale = {"ns/op": 1e-3, "us/op": 1.0, "ms/op": 1e3}.get(result["primaryMetric"]["scoreUnit"])
        if not m or scale is None:
            continue
        engine = "plain" if m.group(1) == "plain" else "onnxruntime"
        kind = "single" if m.group(2) == "Single" else "batch"
        found[(kind, engine, method)] = (result["primaryMetric"]["score"] * scale, int(m.group(3) or 1))
    return found, True


jmh_trees, jmh_ran = tree_jmh()


def tree_figure(kind, engine):
    hits = [v for (k, e, _), v in jmh_trees.items() if k == kind and e == engine]
    return hits[0] if hits else (None, None)


for kind, limit in (("single", 2.0), ("batch", 1.0)):
    java_, n = tree_figure(kind, "plain")
    ort, _ = tree_figure(kind, "onnxruntime")
    what = "one row a call" if kind == "single" else "a row in batches of %s" % (n or "?")
    at_most("1. 100-tree × 31-leaf boosted model, plain Java, %s (JMH TreesAtTheFloorBenchmark, one thread; "
            "baseline ONNX Runtime)" % what, "≤ %g µs" % limit, java_, None, limit, "µs",
            why_missing="not measured" + ("" if jmh_ran else " (JMH did not run)"))
    if java_ is not None and ort:
        rows[-1] = rows[-1].replace("| — |", "| (ONNX Runtime) %.2f µs, %.2f× |" % (ort, java_ / ort), 1)
trees = pod_runs("pods-trees.raw")
for model, runs, limit, name in (("bundled model", pods, 0.8, "bench/pods"),
                                 ("100-tree × 31-leaf model", trees, 0.6, "bench/pods --model trees")):
    for conns in (16, 64):
        at_most("3. single row, server CPU per request, %s, %d conn., 2 CPUs (%s)" % (model, conns, name),
                "≤ %.1f× floor" % limit, pod(2, "tabserve", conns, 1, runs), pod(2, "floor", conns, 1, runs), limit,
                "µs", why_missing="not measured (%s failed)" % name)
ready = number("start_ready_ms")
if ready is None:
    row("4. start to ready, java -jar, bundled model", "≤ 1,000 ms", "—", "—", "—", "not measured")
else:
    row("4. start to ready, java -jar, bundled model (median of %s; JVM CPU %s ms)" % (figures.get("starts", "?"),
        figures.get("start_cpu_ms", "?")), "≤ 1,000 ms", "%d ms" % ready, "(issue 38's run) 3215 ms",
        "%.2f× goal" % (ready / 1000), "met" if ready <= 1000 else "not met: %d ms over" % (ready - 1000))

print()
print("**Goals of issue 53, all from this run** (machine: %d CPUs; load average %s at the start, %s at the end; JMH on "
      "one thread; pods on 2 CPUs, floor = bench/HandWrittenServer.java on the same model through ONNX Runtime):"
      % (os.cpu_count(), figures.get("load_before", "?"), figures.get("load_end", "?")))
print()
print("| goal | target | tabserve | baseline | ratio | met / not met |")
print("|---|---|---:|---:|---:|---|")
print("\n".join(rows))

# ---- Issue 68: performance, round 4 (bench/round4: every figure from one run; medians over the rounds) ----
if os.path.exists(os.path.join(out, "round4.txt")):
    rows = []
    round4 = {}
    for line in (read("round4.txt") or "").splitlines():
        key, _, value = line.partition(" ")
        if key:
            round4[key] = value.strip()

    def r4(key):
        try:
            return float(round4[key])
        except (KeyError, ValueError):
            return None

    def median_of(runs, server, conns, field):
        hits = runs.get(("2", server, str(conns)))
        return statistics.median(r[field] for r in hits) if hits else None

    def first8(name):
        found = {}
        for line in (read(name) or "").splitlines():
            f = line.split()
            if len(f) == 8 and f[0] == "2" and f[3] == "first8":
                found[f[1]] = float(f[7])
        return found

    trees = pod_runs("pods-trees.raw")
    for model, runs, name in (("bundled model", pods, "pods"), ("100-tree × 31-leaf model", trees, "pods-trees")):
        n = len(runs.get(("2", "tabserve", "16"), []))
        for conns in (16, 64):
            t, f, b = (median_of(runs, s, conns, 1) for s in ("tabserve", "floor", "bare"))
            where = "%s, %d conn., 2 CPUs (bench/%s, median of %d rounds)" % (model, conns, name.replace("pods-trees", "pods --model trees"), n)
            at_most("1. single row, server CPU per request ÷ the bare servlet, " + where, "≤ 1.3× bare", t, b, 1.3, "µs",
                    baseline_name="bare", why_missing="not measured")
            at_most("1. single row, server CPU per request ÷ the floor, " + where, "≤ 0.8× floor", t, f, 0.8, "µs",
                    why_missing="not measured")
        t, f = (median_of(runs, s, 64, 0) for s in ("tabserve", "floor"))
        at_most("2. p99 latency, %s, 64 conn., 2 CPUs (median of %d rounds)" % (model, n), "≤ 1.0× floor", t, f, 1.0,
                "ms", why_missing="not measured")
        first = first8(name + ".first8")
        at_most("2. the first 8 s of load on a fresh server, CPU per request, %s, 16 conn." % model, "≤ 1.5× floor",
                first.get("tabserve"), first.get("floor"), 1.5, "µs", why_missing="not measured")

    def at_least(goal, target, value, limit):
        if value is None:
            row(goal, target, "—", "—", "—", "not measured")
        else:
            row(goal, target, "%.0f rows/s" % value, "—", "%.2f× goal" % (value / limit),
                "met" if value >= limit else "not met: %.0f%% short" % ((limit - value) * 100 / limit))

    at_least("3. CSV upload of 100,000 rows to /predict_file answered in JSON, end to end (median of %s)"
             % round4.get("csv_json_runs", "?"), "≥ 1,000,000 rows/s", r4("csv_json_rows_per_s"), 1e6)
    at_least("3. CSV → CSV, 1,000,000 rows (bench/arrow, median of %s)" % round4.get("arrow_runs", "?"),
             "≥ 1,000,000 rows/s", r4("csv_csv_rows_per_s"), 1e6)
    at_least("4. Arrow → Arrow, 1,000,000 rows (bench/arrow, median of %s)" % round4.get("arrow_runs", "?"),
             "≥ 3,000,000 rows/s", r4("arrow_rows_per_s"), 3e6)
    at_most("5. one 69-column, 28-class SVM row explained over HTTP, mean (%s)" % round4.get("explain_what", "bench/explain"),
            "≤ 100 ms", r4("explain_mean_ms"), None, 100.0, "ms")
    py = read("py-grpc.json")
    if py and py.strip().startswith("{"):
        p = json.loads(py)
        g, s = p.get("grpc"), p["rest"]
        at_most("6. sequential ModelInfer from Python's grpcio on the shared port ÷ REST v2 from http.client, median "
                "latency (bench/py-grpc; client CPU per call: grpcio %s µs, http.client %s µs)"
                % (g.get("client_cpu_us", "?") if g else "?", s.get("client_cpu_us", "?")), "≤ 1.2× REST",
                g["median_ms"] if g else None, s["median_ms"], 1.2, "ms", baseline_name="REST")
    else:
        row("6. sequential ModelInfer from Python's grpcio ÷ REST v2 (bench/py-grpc)", "≤ 1.2× REST", "—", "—", "—",
            (py or "not measured").strip().splitlines()[0] if py else "not measured")
    print()
    print("**Goals of issue 68, all from this run** (machine: %d CPUs; load average %s at the start, %s at the end; "
          "README's flags; floor = bench/HandWrittenServer.java, bare = bench/BareServer.java):"
          % (os.cpu_count(), round4.get("load_before", "?"), round4.get("load_end", "?")))
    print()
    print("| goal | target | tabserve | baseline | ratio | met / not met |")
    print("|---|---|---:|---:|---:|---|")
    print("\n".join(rows))

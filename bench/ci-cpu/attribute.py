#!/usr/bin/env python3
"""Where a sampled run's CPU went: each process's CPU (sample.py's TSV) summed by the part of .ci/run that started it
(the image's background build, the unit tests' forks, the ITs' forks, the Spark connector's build, Maven itself),
then, inside the ITs, by kind of process (`java -jar tabserve.war` by JVM options, Jetty bases, runtimes, browsers).

    bench/ci-cpu/attribute.py SAMPLES.tsv [CLASS-TIMES.tsv]

With the test JVMs' class times (target/progress/class-times.tsv, written by src/test's ClassTimes), the processes the
ITs started are also summed by the IT class that was running in their fork when they were first seen.
"""
import collections
import os
import sys

rows = [r for r in (line.rstrip("\n").split("\t", 6) for line in open(sys.argv[1])) if len(r) == 7 and r[0].isdigit()]
P = {int(r[0]): dict(ppid=int(r[1]), cpu=float(r[2]), first=float(r[3]), cwd=r[5], cmd=r[6]) for r in rows}
t0 = min(v["first"] for v in P.values())


def part(pid):
    seen = 0
    while pid in P and seen < 60:
        c = P[pid]["cmd"]
        if "spark/pom.xml" in c or "/spark" in P[pid]["cwd"]:
            return "the Spark connector's build (SparkConnectorIT)"
        if "build-and-check.sh" in c:
            return "the image's bases and build"
        if "surefirebooter" in c and "add-opens" in c:
            return "ITs (failsafe forks and what they start)"
        if "surefirebooter" in c:
            return "unit tests (surefire forks and what they start)"
        if "plexus-classworlds" in c:
            return "Maven itself (compile, package, class archive)"
        pid = P[pid]["ppid"]
        seen += 1
    return "other"


def kind(v):
    c = v["cmd"]
    program = c.split(" ")[0].rsplit("/", 1)[-1]
    if program in ("curl", "tar", "gzip", "jq"):
        return program  # the docs' downloads and unpacking, whose arguments name what they fetch (keycloak, s3proxy)
    if "tabserve.war" in c and "-jar" in c:
        return "tabserve.war " + ("C1" if "TieredStopAtLevel=1" in c else "C2") + (" shipped flags" if "Xmx128m" in c else "")
    # One `kc.sh start-dev` is two JVMs: the build (Quarkus' augmentation, a child of kc.sh that exits with status 10),
    # then the server, which kc.sh execs in its own process (first seen as kc.sh, or as java with kc.config.built).
    if "kc.config.built" in c or "bin/kc.sh" in c:
        return "keycloak server"
    if "kc.script.pid" in c:
        return "keycloak build (start-dev's augmentation)"
    for k in ["start.jar", "chromium", "catalina", "jboss-modules", "glassfish", "s3proxy", "haproxy", "redis", "wrk", "python3", "podman"]:
        if k in c:
            return k
    return "test JVM" if "surefirebooter" in c else c.split(" ")[0][-30:]


parts, kinds, counts = collections.Counter(), collections.Counter(), collections.Counter()
for pid, v in P.items():
    if v["first"] == t0:
        continue  # running before the run began (its CPU is not the run's)
    p = part(pid)
    parts[p] += v["cpu"]
    if p.startswith("ITs"):
        kinds[kind(v)] += v["cpu"]
        counts[kind(v)] += 1
print(f"{sum(parts.values()):8.0f} CPU s attributed")
for p, cpu in parts.most_common():
    print(f"{cpu:8.0f}  {p}")
print("inside the ITs:")
for k, cpu in kinds.most_common(15):
    print(f"{cpu:8.0f}  {counts[k]:4d} x {k}")

if len(sys.argv) > 2 and os.path.exists(sys.argv[2]):
    # fork pid -> [(start s, end s, class)], from the listener's lines
    # and what each class cost its own test JVM (a fifth column, CPU ms; files of older runs have four)
    runs = collections.defaultdict(list)
    own = collections.Counter()
    for line in open(sys.argv[2]):
        f = line.rstrip("\n").split("\t")
        if len(f) in (4, 5) and f[0].isdigit():
            runs[int(f[0])].append((int(f[2]) / 1000, int(f[3]) / 1000, f[1].rsplit(".", 1)[-1]))
            if len(f) == 5:
                own[f[1].rsplit(".", 1)[-1]] += int(f[4]) / 1000

    def fork_of(pid):
        seen = 0
        while pid in P and seen < 60:
            if pid in runs:
                return pid
            pid = P[pid]["ppid"]
            seen += 1
        return None

    by_class, starts = collections.Counter(), collections.Counter()
    for pid, v in P.items():
        fork = fork_of(pid)
        if fork is None or fork == pid or v["first"] == t0:
            continue
        # The class that began last before the process was first seen (sampled every 2 s: it may be seen just after).
        began = [r for r in runs[fork] if r[0] <= v["first"]]
        name = max(began)[2] if began else "?"
        by_class[name] += v["cpu"]
        if kind(v).startswith("tabserve.war"):
            starts[name] += 1
    print("processes the test classes started (ITs and unit tests alike), by class (CPU s, tabserve starts):")
    for name, cpu in by_class.most_common(30):
        print(f"{cpu:8.0f}  {starts[name]:4d}  {name}")
    if own:
        total = by_class + own
        print("each class's whole cost: its own test JVM's CPU plus the processes it started (CPU s: whole, own JVM):")
        for name, cpu in total.most_common(80):
            print(f"{cpu:8.0f}  {own[name]:6.0f}  {name}")

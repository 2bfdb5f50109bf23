#!/usr/bin/env python3
"""Writes the integration tests' run order (src/test/failsafe/.surefire-its) from a run's failsafe reports: each IT
class's time, one line a class in failsafe's statistics format (failures,milliseconds,class,method). The build copies
it beside pom.xml before the ITs, where failsafe's runOrder=balanced reads it and hands the forks the longest classes
first, so that no long class starts last and runs on alone; a class it does not list runs after those it lists.

    bench/ci-cpu/it-order.py target/failsafe-reports > src/test/failsafe/.surefire-its

Run it on a fresh clone's reports (bench/ci-cpu/run leaves them in SCRATCH/main/target/failsafe-reports) when the ITs
change much; the times are of one run on two loaded cores, which is what the order is for.
"""
import glob
import os
import re
import sys

SUITE = re.compile(r'<testsuite [^>]*?name="([^"]+)"[^>]*?time="([0-9.]+)"')  # failsafe writes name before time

times = {}
for report in glob.glob(os.path.join(sys.argv[1], "TEST-*.xml")):
    with open(report, encoding="utf-8") as f:
        m = SUITE.search(f.read())
    if m:
        times[m.group(1)] = times.get(m.group(1), 0) + int(float(m.group(2)) * 1000)
for name, ms in sorted(times.items(), key=lambda kv: (-kv[1], kv[0])):
    print("0,%d,%s,all" % (ms, name))

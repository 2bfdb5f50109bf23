"""A JVM's CPU by group of threads: each thread's utime+stime (/proc/PID/task/TID/stat, in clock ticks) summed by its
name with its own number taken out ("qtp1234-56" and "qtp1234-57" are "qtp1234-"; "GC Thread#1" is "GC Thread#";
"default task-12" is "default task-"), so that a runtime's pools show as one line each; and, for a process in a
cgroup v1 cpu controller with a quota (a container's --cpus), the controller's throttling counters.

    python3 bench/thread_groups.py PID            prints "group<TAB>ticks" lines, then "cgroup<TAB>nr_periods nr_throttled
                                                  throttled_ns" when the process has a quota
    python3 bench/thread_groups.py BEFORE AFTER REQUESTS
                                                  the difference of two such outputs: each group's CPU µs per request,
                                                  largest first, and the throttled periods between them
"""
import os
import re
import sys

TICK_US = 1e6 / os.sysconf("SC_CLK_TCK")


def snapshot(pid):
    groups = {}
    for tid in os.listdir("/proc/%s/task" % pid):
        try:
            with open("/proc/%s/task/%s/comm" % (pid, tid)) as f:
                name = f.read().strip()
            with open("/proc/%s/task/%s/stat" % (pid, tid)) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a thread that ended meanwhile
        group = re.sub(r"(?<=[-#_ ])\d+|\d+$", "", name)
        groups[group] = groups.get(group, 0) + int(fields[11]) + int(fields[12])
    for line in groups.items():
        print("%s\t%d" % line)
    with open("/proc/%s/cgroup" % pid) as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if "cpu" in controllers.split(","):
                base = "/sys/fs/cgroup/%s%s" % (controllers, path)
                try:
                    with open(base + "/cpu.cfs_quota_us") as q:
                        if int(q.read()) < 0:
                            break
                    stat = dict(l.split() for l in open(base + "/cpu.stat"))
                    print("cgroup\t%s %s %s" % (stat["nr_periods"], stat["nr_throttled"], stat["throttled_time"]))
                except OSError:
                    pass
                break


def read(path):
    out = {}
    for line in open(path):
        name, value = line.rstrip("\n").split("\t")
        out[name] = value
    return out


def difference(before, after, requests):
    a, b = read(before), read(after)
    rows = []
    for name, value in b.items():
        if name == "cgroup":
            continue
        ticks = int(value) - int(a.get(name, 0))
        if ticks > 0:
            rows.append((ticks * TICK_US / requests, name))
    total = sum(r[0] for r in rows)
    print("; ".join("%s %.1f" % (name, us) for us, name in sorted(rows, reverse=True)[:8])
          + "; all %.1f µs/request" % total)
    if "cgroup" in b and "cgroup" in a:
        p0, t0, n0 = map(int, a["cgroup"].split())
        p1, t1, n1 = map(int, b["cgroup"].split())
        print("cgroup quota: %d of %d periods throttled, %.1f ms throttled" % (t1 - t0, p1 - p0, (n1 - n0) / 1e6))


if len(sys.argv) == 2:
    snapshot(sys.argv[1])
else:
    difference(sys.argv[1], sys.argv[2], float(sys.argv[3]))

#!/usr/bin/env python3
"""bench/proto-reader/run's table: one row per file and mode from results.tsv (one line per JVM), medians over the
rounds. Columns of a line: mode, file, outcome, first ms, next ms, allocated, peak, most after GC and kept bytes, what
it said."""
import statistics
import sys

MIB = 1 << 20


def median(values):
    numbers = [float(v) for v in values if v not in ("", "nan", "NaN")]
    return statistics.median(numbers) if numbers else None


def main(path):
    rows = {}
    for line in open(path, encoding="utf-8"):
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 10:
            continue
        rows.setdefault((fields[1], fields[0]), []).append(fields)
    print("MB are MiB. \"first\": the first parse in a fresh JVM, class loading included, median (min-max) over the"
          " rounds; \"next\": the median of five more in the same JVM. Peak heap (the heap pools' peaks summed) and"
          " most after GC are above the heap in use before the parse; allocated is the parsing thread's; kept is what"
          " its result holds after a GC. A JVM that died has no figures.")
    print()
    print("| file | mode | outcome | first ms | next ms | allocated MB | peak heap MB | most after GC MB | kept MB"
          " | what it said |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    for (name, mode), runs in rows.items():
        outcomes = [r[2] for r in runs]
        outcome = outcomes[0] if len(set(outcomes)) == 1 else ", ".join(
            f"{o} {outcomes.count(o)} of {len(outcomes)}" for o in dict.fromkeys(outcomes))
        firsts = [float(r[3]) for r in runs]
        first = f"{statistics.median(firsts):,.0f} ({min(firsts):,.0f}-{max(firsts):,.0f})" if len(firsts) > 1 \
            else f"{firsts[0]:,.0f}"
        later = [r[4] for r in runs]
        died_later = next((v for v in later if v.startswith("died")), None)
        next_ms = died_later or ("" if median(later) is None else f"{median(later):,.1f}")
        sizes = []
        for column in range(5, 9):
            value = median(r[column] for r in runs)
            sizes.append("" if value is None else f"{value / MIB:,.1f}")
        said = runs[-1][9].replace("|", "\\|")
        print(f"| {name} | {mode} | {outcome} | {first} | {next_ms} | " + " | ".join(sizes) + f" | {said} |")


if __name__ == "__main__":
    main(sys.argv[1])

# Sourced by bench/run and bench/pods: the settings the project ships, how each server of a single-row comparison is
# started (tabserve, the hand-written floor, the bare servlet, the Python server), and one wrk run measured by the
# server's CPU time. Run from the repository's root, after `mvn -B package -DskipTests`.
#
# The model every server runs: the bundled one, unless a script sets floor_model (the floor's and the Python server's
# file) and tabserve_args (e.g. --model FILE) before start_server; bench/pods --model trees does (issue 53).
floor_model=${floor_model:-model.onnx}
tabserve_args=(${tabserve_args[@]+"${tabserve_args[@]}"})
#
# Environment: BENCH_JVM_OPTS (default: the shipped flags below; "none" for the JVM's own defaults), BENCH_ENV
# (default: the shipped environment below), BENCH_PYTHON (default python3: the interpreter for bench/python_server.py).

# The settings the project ships: README's `java` line, the image's JAVA_OPTIONS and the manifests (keep them in step;
# bench/memory measured the candidates, bench/RESULTS.notes.md "Memory with the shipped settings" says why these).
shipped_env="MALLOC_ARENA_MAX=2"
shipped_flags="-Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
flags=${BENCH_JVM_OPTS:-$shipped_flags}; [ "$flags" = none ] && flags=""
# README's command also maps the class archive `mvn package` makes for the WAR (its training start asks for the first
# requests, so it holds the request path's classes too): tabserve gets it with the shipped flags, as README starts it.
tabserve_archive=()
[ -z "${BENCH_JVM_OPTS:-}" ] && [ -f target/tabserve.jsa ] && tabserve_archive=(-XX:SharedArchiveFile=target/tabserve.jsa)
envs=${BENCH_ENV-$shipped_env}
read -r -a jvm <<< "$flags"
read -r -a env_args <<< "$envs"
python=${BENCH_PYTHON:-python3}

tick=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
# utime+stime of a process and its children (the Python server's workers are processes of their own)
tree_ticks() { local t; t=$(cpu_ticks "$1"); for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do t=$((t + $(cpu_ticks "$c"))); done; echo "$t"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v/1000; else if (v ~ /ms$/) printf "%.3f", v+0; else if (v ~ /s$/) printf "%.3f", v*1000; else print v }'; }

# The floor's class path: the WAR's Jetty (WEB-INF/lib-jetty) and its Jackson and ONNX Runtime (WEB-INF/lib)
floor_classpath() {
  local lib=target/tabserve/WEB-INF/lib
  echo "target/war-extra/WEB-INF/lib-jetty/*:$(ls "$lib"/jackson-core-*.jar "$lib"/jackson-databind-*.jar \
    "$lib"/jackson-annotations-*.jar "$lib"/onnxruntime-*.jar | paste -sd:)"
}

# Why the Python server cannot run here, or nothing when it can.
python_missing() {
  local why
  why=$("$python" -c 'import onnxruntime, aiohttp' 2>&1 | tail -1) && return 0
  echo "skipped: $python cannot import onnxruntime and aiohttp (${why:-no $python}; onnxruntime is not packaged by Debian: pip install onnxruntime aiohttp, or BENCH_PYTHON=a venv's python)"
}

# start_server KIND PORT LOG [PREFIX...]: starts tabserve, floor, bare or python on 127.0.0.1:PORT with the shipped
# settings (PREFIX, e.g. `taskset -c 0`, runs the server), waits until it answers and sets server_pid.
start_server() {
  local kind=$1 port=$2 log=$3; shift 3
  case $kind in
    tabserve) env "${env_args[@]}" "$@" java "${jvm[@]}" ${tabserve_archive[@]+"${tabserve_archive[@]}"} -jar target/tabserve.war --port "$port" ${tabserve_args[@]+"${tabserve_args[@]}"} > "$log" 2>&1 & ;;
    floor) env "${env_args[@]}" "$@" java "${jvm[@]}" -cp "$(floor_classpath)" bench/HandWrittenServer.java "$port" "$floor_model" \
      > "$log" 2>&1 & ;;
    bare) env "${env_args[@]}" "$@" java "${jvm[@]}" -cp "target/war-extra/WEB-INF/lib-jetty/*" bench/BareServer.java "$port" \
      > "$log" 2>&1 & ;;
    python) "$@" "$python" bench/python_server.py --port "$port" --workers "${BENCH_PYTHON_WORKERS:-$(nproc)}" "$floor_model" \
      > "$log" 2>&1 & ;;
    *) echo "unknown server $kind" >&2; return 2 ;;
  esac
  server_pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" != 000 ]; do
    kill -0 $server_pid 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.05
  done
}

# measure PID URL CONNS SECONDS BODYFILE WRKFILE [PREFIX...]: one wrk run (PREFIX runs wrk, e.g. `taskset -c 1`)
# posting BODYFILE, or GETs when it is "-"; prints "req/s p50-ms p99-ms server-CPU-µs/request"
measure() {
  local pid=$1 url=$2 c=$3 s=$4 body=$5 file=$6 before after lua=(); shift 6
  [ "$body" = - ] || lua=(-s bench/body.lua)
  before=$(tree_ticks "$pid")
  BENCH_BODY="$body" "$@" wrk -t$(( c < 2 ? 1 : 2 )) -c"$c" -d"${s}s" --latency "${lua[@]}" "$url" > "$file"
  after=$(tree_ticks "$pid")
  grep -q 'Non-2xx' "$file" && echo "warning: non-2xx answers in $file" >&2
  # server CPU time (utime+stime of the process) per request, in µs: steadier than req/s on a shared machine
  echo "$(awk '/Requests\/sec/ {print $2}' "$file") $(to_ms "$(awk '$1=="50%" {print $2}' "$file")")" \
    "$(to_ms "$(awk '$1=="99%" {print $2}' "$file")")" \
    "$(awk -v t=$((after - before)) -v hz="$tick" '/requests in/ {printf "%.2f", t*1e6/hz/$1}' "$file")"
}

# JIT compiler threads' utime+stime ticks (HotSpot names them "C1 CompilerThre" and "C2 CompilerThre")
jit_ticks() { local t=0 n; for n in /proc/"$1"/task/*; do grep -q 'CompilerThre' "$n/comm" 2>/dev/null && t=$((t + $(cpu_ticks "${n#/proc/}" 2>/dev/null || echo 0))); done; echo $t; }

# warm_up PID URL BODYFILE MAX_SECONDS [PREFIX...]: 2-s wrk runs at 16 connections (not counted) until the JIT is done
# (its compiler threads took at most 5 % of the server's CPU in a run, after at least 3 runs) and the CPU per request
# has stopped falling (the run before was at most 10 % above it), at most MAX_SECONDS. A fixed warm-up does not do: tabserve
# has far more code for the JIT to compile than the floor, and on a busy machine, or pinned to one CPU, the JIT takes
# minutes rather than seconds. Prints each run's CPU µs/request and the JIT's share in %.
warm_up() {
  local pid=$1 url=$2 body=$3 max=$4 last= spent=0 runs=0 cpu file t0 j0 t1 j1 share; shift 4
  file=$(mktemp)
  while [ $spent -lt "$max" ]; do
    t0=$(tree_ticks "$pid"); j0=$(jit_ticks "$pid")
    cpu=$(measure "$pid" "$url" 16 2 "$body" "$file" "$@" | awk '{print $4}')
    t1=$(tree_ticks "$pid"); j1=$(jit_ticks "$pid")
    share=$(( (j1 - j0) * 100 / (t1 - t0 > 0 ? t1 - t0 : 1) ))
    spent=$((spent + 2)); runs=$((runs + 1)); printf '%s(%s%%) ' "$cpu" "$share"
    [ $runs -ge 3 ] && [ $share -le 5 ] && awk -v c="$cpu" -v l="$last" 'BEGIN { exit !(l <= 1.1 * c) }' && break
    last=$cpu
  done
  rm -f "$file"; echo
}

# csv_uploads NAME URL WARM RUNS: the 100,000-row CSV upload ($out/rows100k.csv, bench/bodies) to URL, end to end with
# curl: WARM uploads not counted (the CSV path's own code is still being compiled for the first dozens, which then cost
# 1.5-2x the server CPU per row of later ones: bench/RESULTS.notes.md, issue 25 goal 4), then RUNS timed, the last
# answer in $out/csv.NAME.answer and the times in $out/csv.NAME.times; prints the best and the median seconds.
csv_uploads() {
  local times=() i
  for i in $(seq 1 "$3"); do curl -s -o /dev/null -F "file=@$out/rows100k.csv" "$2"; done
  for i in $(seq 1 "$4"); do
    times+=("$(curl -s -o "$out/csv.$1.answer" -w '%{time_total}' -F "file=@$out/rows100k.csv" "$2")")
  done
  printf '%s\n' "${times[@]}" > "$out/csv.$1.times"
  sort -n "$out/csv.$1.times" | awk '{a[NR]=$1} END {printf "%s %s\n", a[1], a[int((NR+1)/2)]}'
}

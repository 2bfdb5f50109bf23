#!/usr/bin/env bash
# Writes the AppCDS archive of `java -jar WAR` (run by `mvn package` for target/tabserve.war): one training start of
# the WAR with the shipped flags plus C1 alone and -XX:ArchiveClassesAtExit, asked for its readiness, a prediction, its form page,
# its model, its OpenAPI document and its metrics, then stopped with SIGTERM; the JVM writes every class it loaded
# (the JDK's, the launcher's and Jetty's, the web app's) to the archive as it exits. A start with
# -XX:SharedArchiveFile=ARCHIVE maps them instead of loading, linking and verifying them again (bench/RESULTS.notes.md
# "Start to ready (issue 53, item 4)"). Java 17 cannot make the archive on the fly (-XX:+AutoCreateSharedArchive is
# Java 19's). The Docker image makes its own archive for its Jetty base (deploy/cds-archive.sh).
#
# With Java 25 or later as `java`, the training start writes an AOT cache instead (-XX:AOTCacheOutput, JEP 514): the
# classes loaded and linked (JEP 483) and the request path's method profiles (JEP 515), so the JIT starts from them.
# The same -XX:SharedArchiveFile=ARCHIVE maps it, so README's command is one for both; a JVM of another version than the
# one that made it says so in one warning and starts without it. The training start makes its first requests many
# times over for the profiles.
#
#   deploy/war-cds-archive.sh WAR ARCHIVE
#
# The archive holds for this JDK and for WAR at the path given here, as it is now (its size and time): a start of
# another WAR, or of this one rebuilt, prints one warning and goes on without it. JAVA_OPTIONS, when set, replaces the
# shipped flags of the training start. The training start gets a cache and a temporary directory of its own (the
# unpacked WAR, ONNX Runtime's library), deleted after; the archive is written beside ARCHIVE and renamed into place.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 WAR ARCHIVE" >&2
  exit 2
fi
war=$1
archive=$2
[ -f "$war" ] || { echo "$war does not exist: build it first (mvn package)" >&2; exit 1; }
# The shipped flags (README, TabserveProcess.SHIPPED_JVM_OPTIONS, bench/servers.sh, the Dockerfile).
read -r -a flags <<< "${JAVA_OPTIONS:--Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}"

tmp=$(mktemp -d)
log=$tmp/training.log
partial=$archive.partial.$$
pid=
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null; rm -rf "$tmp" "$partial"' EXIT

# GET PATH (or POST PATH BODY as JSON) on the training start; the status line's code, or nothing when the port does
# not answer.
request() {
  local path=$1 body=${2:-} status=
  { exec 3<> "/dev/tcp/127.0.0.1/$port"; } 2> /dev/null || return 0
  if [ -n "$body" ]; then
    printf 'POST %s HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
      "$path" "${#body}" "$body" >&3
  else
    printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
  fi
  IFS= read -r -t 30 status <&3 2> /dev/null || true
  cat <&3 > /dev/null 2>&1 || true
  exec 3<&-
  status=${status#HTTP/1.? }
  echo "${status%% *}"
}

feature=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
if [ "${feature%%.*}" -ge 25 ] 2> /dev/null; then
  kind="AOT cache (Java $feature)"
  write=-XX:AOTCacheOutput="$partial"
  rounds=200
else
  kind="AppCDS archive"
  # The classes alone: the training start's JIT makes nothing the archive keeps, so C1 alone (10.5 s of CPU, not 15).
  write=-XX:ArchiveClassesAtExit="$partial"
  flags+=(-XX:TieredStopAtLevel=1)
  rounds=1
fi
XDG_CACHE_HOME=$tmp/cache MALLOC_ARENA_MAX=2 java "${flags[@]}" "$write" \
  -Djava.io.tmpdir="$tmp" -jar "$war" --host 127.0.0.1 --port 0 > "$log" 2>&1 &
pid=$!
deadline=$((SECONDS + 180))
port=
until [ -n "$port" ]; do
  if ! kill -0 "$pid" 2> /dev/null || [ $SECONDS -ge $deadline ]; then
    echo "the training start of $war did not become ready; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
  port=$(sed -n 's|^tabserve: serving.*:\([0-9]*\)/$|\1|p' "$log")
done
until [ "$(request /health/ready)" = 200 ]; do
  if ! kill -0 "$pid" 2> /dev/null || [ $SECONDS -ge $deadline ]; then
    echo "the training start of $war did not become ready; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
# The first requests' classes too, so that the first users do not load them (a body the bundled model takes; another
# model answers 400, whose classes are worth having as well).
# For an AOT cache a few hundred times over: the method profiles it keeps are those of code run often enough to be
# profiled. An AppCDS archive keeps classes alone, which the first round loads (one round: 22 -> 16 s of CPU).
for round in $(seq "$rounds"); do
  request /api/predict '{"variance": 3.6, "skewness": 8.6, "curtosis": -2.8, "entropy": -0.44}' > /dev/null
  request /api/predict '{"instances": [{"variance": 3.6, "skewness": 8.6, "curtosis": -2.8, "entropy": -0.44},
    {"variance": -1.4, "skewness": -0.8, "curtosis": 1.5, "entropy": 0.2}]}' > /dev/null
  if [ "$round" = 1 ] || [ $((round % 20)) = 0 ]; then
    for path in / /api/model /openapi.json /metrics; do
      request "$path" > /dev/null
    done
  fi
done
kill -TERM "$pid"
wait "$pid" || true
pid=
if [ ! -s "$partial" ]; then
  echo "the training start wrote no archive; its output:" >&2
  cat "$log" >&2
  exit 1
fi
# Read-only, and in place by a rename: a server maps the archive for its whole life, and bytes written over the
# file it maps end it with SIGBUS at its next request (docs/operations.md); a rename leaves it the old file.
chmod a-w "$partial"
mv -f "$partial" "$archive"
echo "tabserve: $kind $archive written ($(($(wc -c < "$archive") / 1048576)) MB)"

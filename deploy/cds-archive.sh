#!/usr/bin/env bash
# Writes the AppCDS archive of a Jetty base built by deploy/jetty-base.sh: one training start of the base, run as the
# Jetty image's entrypoint runs it ($JETTY_BASE/jetty.start with $JAVA_OPTIONS after `java`), plus C1 alone and
# -XX:ArchiveClassesAtExit, asked for its readiness, its form page, its OpenAPI document and its metrics, then
# stopped; the JVM writes every class it loaded (the JDK's, Jetty's and the web app's) to the archive as it exits. A
# start with -XX:SharedArchiveFile=ARCHIVE maps them instead of loading, linking and verifying them again
# (bench/RESULTS.notes.md "Issue 25, goal 5"). Java 17 cannot make the archive on the fly
# (-XX:+AutoCreateSharedArchive is Java 19's), so the Docker image makes it at build time, and the integration tests
# run this very file on their Jetty base.
#
#   deploy/cds-archive.sh JETTY_BASE ARCHIVE [PORT]
#
# ARCHIVE must not exist yet. PORT (default 8080) is the one the training start listens on, on 127.0.0.1. The
# training start gets a temporary directory of its own (the unpacked WAR, ONNX Runtime's library), deleted after.
# The archive holds for the JDK, the class path in jetty.start and the classes it was made from: after a change to
# any of them (a new WAR, another module), make it again; a stale one is ignored by the JVM, which then loads every
# class as if it were not there.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 JETTY_BASE ARCHIVE [PORT]" >&2
  exit 2
fi
jetty_base=$1
archive=$2
port=${3:-8080}
case "$archive" in
  /*) ;;
  *) archive=$PWD/$archive ;;
esac
if [ -e "$archive" ]; then
  echo "$archive exists already: delete it first (a JVM cannot write an archive over the one it maps)" >&2
  exit 1
fi
if [ ! -s "$jetty_base/jetty.start" ]; then
  echo "$jetty_base/jetty.start is missing: build the base with deploy/jetty-base.sh first" >&2
  exit 1
fi

# GET PATH on the training start; the status line's code, or nothing when the port does not answer yet.
status_of() {
  local status=
  { exec 3<> "/dev/tcp/127.0.0.1/$port"; } 2> /dev/null || return 0
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$1" >&3
  IFS= read -r -t 30 status <&3 2> /dev/null || true
  cat <&3 > /dev/null 2>&1 || true
  exec 3<&-
  status=${status#HTTP/1.? }
  echo "${status%% *}"
}

tmp=$(mktemp -d)
log=$tmp/training.log
# The command line the image's entrypoint runs: the words of jetty.start's `exec` line (deploy/jetty-base.sh writes
# it), with JAVA_OPTIONS where it names $JAVA_OPTIONS, and the training start's address as the server's first
# properties (those after `--env` would be the web app environment's).
exec_line=$(grep -m 1 '^exec ' "$jetty_base/jetty.start" || true)
if [ -z "$exec_line" ]; then
  echo "$jetty_base/jetty.start has no exec line: build the base again with deploy/jetty-base.sh" >&2
  exit 1
fi
command=()
set -f
# shellcheck disable=SC2086 # word splitting is what the image's entrypoint's shell does with jetty.start
for word in ${exec_line#exec }; do
  if [ "$word" = '$JAVA_OPTIONS' ]; then
    # shellcheck disable=SC2206 # JAVA_OPTIONS is a list of flags, split as the image's entrypoint splits it
    # C1 alone for the training start: an archive keeps classes, nothing the JIT makes (about a third less CPU).
    command+=(${JAVA_OPTIONS:-} -XX:TieredStopAtLevel=1 -XX:ArchiveClassesAtExit="$archive" -Djava.io.tmpdir="$tmp")
    continue
  fi
  command+=("$word")
  if [ "$word" = org.eclipse.jetty.xml.XmlConfiguration ]; then
    command+=(jetty.http.host=127.0.0.1 jetty.http.port="$port")
  fi
done
set +f
(cd "$jetty_base" && exec "${command[@]}") > "$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2> /dev/null || true; rm -rf "$tmp"' EXIT

deadline=$((SECONDS + 180))
until [ "$(status_of /health/ready)" = 200 ]; do
  if ! kill -0 "$pid" 2> /dev/null || [ $SECONDS -ge $deadline ]; then
    echo "the training start of $jetty_base did not become ready; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
# The first requests' classes too (Thymeleaf's page, swagger-core's document), so that the first users do not load them.
for path in / /openapi.json /metrics; do
  status_of "$path" > /dev/null
done
kill -TERM "$pid"
wait "$pid" || true
if [ ! -s "$archive" ]; then
  echo "the training start wrote no archive at $archive; its output:" >&2
  cat "$log" >&2
  exit 1
fi
# Read-only: a JVM maps the archive while it runs, and bytes written over it end that JVM (docs/operations.md); a new
# archive replaces this one by a rename, never by a copy over it.
chmod a-w "$archive"
echo "tabserve: AppCDS archive $archive written ($(($(wc -c < "$archive") / 1048576)) MB)"

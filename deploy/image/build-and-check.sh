#!/usr/bin/env bash
# Builds the Dockerfile at the top of the checkout, unchanged, with a real container engine (rootful podman and runc,
# from Debian) and checks the image it makes as a user runs it; then takes it the whole way a user's image goes:
# pushed to a registry, pulled into an empty engine store elsewhere, run and asked for a prediction.
#
#   deploy/image/build-and-check.sh [--port N] [--build-only]
#
# --port N (default 8080) is the host port step 4 publishes the pulled image on, as docs/deploy.md's `-p "$PORT:8080"`
# does; the script refuses it at once, before any build, when something listens there. --build-only makes the bases
# and the image (steps 1 and 2) and stops, needing no port: .ci/run starts it early, in the background, so
# that they are made (Maven's downloads in the build container among them) while the test command compiles and runs
# the unit tests, and ImageIT's run of this script finds them in the store's cache (it waits for a run making them).
#
# Its first second checks what it needs and fails naming what is missing: the tools (podman, runc, mmdebstrap,
# docker-registry, curl, python3, mvn, flock); root (rootful podman); the Java trust store the build's Maven needs
# (BUILD_TRUST_STORE, default /etc/ssl/certs/java/cacerts); free disk for the engine's store (10 GB, 4 GB with
# --build-only); and the port.
#
# 1. The base images the Dockerfile's FROM lines name (maven:3.9.11-eclipse-temurin-17,
#    jetty:12.1.12-jdk17-eclipse-temurin and eclipse-temurin:17-jre) are made here, without any registry: Debian
#    bookworm with OpenJDK 17, the JDK for Maven's and Jetty's (as eclipse-temurin:17-jdk is theirs) and the JRE alone
#    for Temurin's JRE (mmdebstrap), plus Maven and jetty-home from Maven Central laid out as the official images lay
#    them out (deploy/image/bases/*.Containerfile; the Jetty image's own docker-entrypoint.sh and
#    generate-jetty-start.sh, unchanged, from deploy/image/jetty.docker/). They are tagged with the FROM lines' names
#    and kept in the project's engine store (target/podman), so a second run skips this step (and a run that finds
#    some of them makes only the others).
# 2. The image: `podman build --format docker --pull=never` of the Dockerfile, with the host's Java trust store
#    mounted read-only for the build's Maven (BUILD_TRUST_STORE), tagged IMAGE (default localhost/tabserve:latest).
# 3. Its checks, on one container run as docs/deploy.md runs it (read-only root, tmpfs /tmp, --memory 300m, a models
#    volume at /models): ready, a prediction, the form page as Chromium draws it, the user (jetty, uid 999), java as
#    PID 1 with JAVA_OPTIONS and the class archive mapped, the memory limit, the HEALTHCHECK, the most uploads at once
#    each the largest (alive afterwards, health within 1 s), a SIGTERM with an upload in flight, answered before the
#    JVM exits (exit 143, not a SIGKILL's 137), and, started again, a stop with a client that never reads, inside
#    Docker's default 10 s (143). The image's size is printed.
# 4. Push, pull, run: Debian's docker-registry on 127.0.0.1 (its own settings and storage), the image pushed to it,
#    pulled into a fresh, empty engine store, run and asked for a prediction; its OCI labels are checked there.
#
# The engine's store and settings are in TABSERVE_PODMAN_DIR (default target/podman; deploy/image/engine.sh), never
# the system's. Exit codes: 0 every check held; 1 a check or a build failed (said above it); 2 a wrong argument, the
# port taken or too little disk (said why, before anything is built); 69 podman cannot run on this machine (a tool
# missing, not root, no trust store, podman broken: said why; the caller skips, saying so). The seconds each stage took are printed at the end and kept in
# TABSERVE_PODMAN_DIR/timings. Nothing here uses `--network host`: the builds and containers are on the default bridge.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=deploy/image/engine.sh
. deploy/image/engine.sh

CANNOT_RUN=69
cannot_run() {
  echo "build-and-check.sh: podman cannot run on this machine: $*" >&2
  exit $CANNOT_RUN
}
fail() {
  echo "build-and-check.sh: FAILED: $*" >&2
  exit 1
}
say() {
  echo "build-and-check.sh: $*"
}

# The image's name, as docs/deploy.md builds it (`podman build ... --tag tabserve`): localhost/tabserve:latest.
IMAGE=localhost/tabserve:latest
MAVEN_IMAGE=docker.io/library/maven:3.9.11-eclipse-temurin-17
JETTY_IMAGE=docker.io/library/jetty:12.1.12-jdk17-eclipse-temurin
JRE_IMAGE=docker.io/library/eclipse-temurin:17-jre
# Debian's JDK system, the base of the Maven and Jetty stand-ins (kept, so that one can be made again without it).
JDK_IMAGE=localhost/tabserve-bases/debian-jdk17:bookworm
BUILD_TRUST_STORE=${BUILD_TRUST_STORE:-/etc/ssl/certs/java/cacerts}
# A genuine note from the data set: the bundled model says label "0" (DeploymentChecks.GENUINE_ROW).
GENUINE_ROW='{"variance": 3.6216, "skewness": 8.6661, "curtosis": -2.8073, "entropy": -0.44699}'

usage() {
  echo "build-and-check.sh: $*" >&2
  echo "usage: deploy/image/build-and-check.sh [--port N] [--build-only]" >&2
  exit 2
}
PORT=8080
build_only=
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || usage "--port needs a port number"; PORT=$2; shift 2 ;;
    --port=*) PORT=${1#--port=}; shift ;;
    --build-only) build_only=1; shift ;;
    *) usage "unknown argument '$1'" ;;
  esac
done
case "$PORT" in
  '' | *[!0-9]*) usage "--port '$PORT' is not a port number" ;;
esac
[ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || usage "--port $PORT is not a port number (1 to 65535)"

# --- 0. what it needs, in its first second ------------------------------------------------------------------------
missing=()
for tool in podman runc mmdebstrap docker-registry curl python3 mvn flock; do
  command -v "$tool" > /dev/null || missing+=("$tool")
done
[ ${#missing[@]} = 0 ] || cannot_run "not installed: ${missing[*]} (Debian: apt-get install podman runc mmdebstrap\
 docker-registry curl python3 maven util-linux; .ci/run installs them)"
[ "$(id -u)" = 0 ] || cannot_run "rootful podman needs root, and this runs as uid $(id -u) (run it with sudo)"
[ -r "$BUILD_TRUST_STORE" ] || cannot_run "no Java trust store at $BUILD_TRUST_STORE for the build's Maven\
 (Debian: apt-get install ca-certificates-java; or BUILD_TRUST_STORE=/path/to/cacerts)"
# Free disk where the engine's store goes (the bases, the build's layers, the image, its copy elsewhere and the
# 32 uploads of 200 MiB the checks spool on the image's TMPDIR volume).
store=${TABSERVE_PODMAN_DIR:-target/podman}
existing=$store
until [ -d "$existing" ]; do existing=$(dirname "$existing"); done
need_gb=$([ -n "$build_only" ] && echo 4 || echo 10)
free_kb=$(df -Pk "$existing" | awk 'NR == 2 {print $4}')
if [ "$free_kb" -lt $((need_gb * 1000 * 1000)) ]; then
  echo "build-and-check.sh: $store needs ${need_gb} GB free and has $((free_kb / 1000 / 1000)) GB (df $existing);\
 TABSERVE_PODMAN_DIR=DIR puts the engine's store elsewhere" >&2
  exit 2
fi
# The port step 4 publishes: taken (anything listening there, on any address) is refused now, not after the build.
if [ -z "$build_only" ] && ! python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))' "$PORT" 2> /dev/null; then
  echo "build-and-check.sh: port $PORT is taken (something listens on it; ss -ltnp 'sport = :$PORT' says what):\
 step 4 publishes the pulled image there; give a free one with --port N" >&2
  exit 2
fi
engine_settings
if ! info=$(podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}' 2>&1); then
  cannot_run "podman info failed: $info"
fi
say "engine: podman $(podman version --format '{{.Client.Version}}'), $info, store $ENGINE_DIR"

# The FROM lines this script makes bases for must be the Dockerfile's.
for base in "$MAVEN_IMAGE" "$JETTY_IMAGE" "$JRE_IMAGE"; do
  grep -q "^FROM ${base#docker.io/library/}\b" Dockerfile || fail "the Dockerfile has no FROM ${base#docker.io/library/}: update the bases here"
done

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

containers=()
registry_pid=
cleanup() {
  local c
  for c in "${containers[@]}"; do
    podman rm -f -t 0 "$c" > /dev/null 2>&1 || true
  done
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2> /dev/null || true
  fi
}
trap cleanup EXIT

# --- 1. the bases -------------------------------------------------------------------------------------------------
started=$SECONDS
# One run at a time makes the bases and the image: another waits here, then finds them made (the build's cache).
exec 9> "$ENGINE_DIR/build.lock"
flock 9
bases=("$MAVEN_IMAGE" "$JETTY_IMAGE" "$JRE_IMAGE")
to_make=()
for base in "${bases[@]}"; do
  podman image exists "$base" || to_make+=("$base")
done
making() { # IMAGE: whether this run makes IMAGE
  [[ " ${to_make[*]} " == *" $1 "* ]]
}
if [ ${#to_make[@]} = 0 ]; then
  say "bases: ${bases[*]} are in the store already"
  bases_seconds="cached ($((SECONDS - started))s waiting for them)"
else
  context=$ENGINE_DIR/bases-context
  rm -rf "$context"
  mkdir -p "$context"
  cp deploy/image/jetty.docker/docker-entrypoint.sh deploy/image/jetty.docker/generate-jetty-start.sh "$context"/
  # Maven and jetty-home from Maven Central, while Debian's packages are fetched.
  artifacts=()
  making "$MAVEN_IMAGE" && artifacts+=(org.apache.maven:apache-maven:3.9.11:tar.gz:bin)
  making "$JETTY_IMAGE" && artifacts+=(org.eclipse.jetty:jetty-home:12.1.12:tar.gz)
  (
    for artifact in "${artifacts[@]}"; do
      mvn -B -q -ntp dependency:copy -Dartifact="$artifact" -DoutputDirectory="$context" -Dmdep.useBaseVersion=true
    done
  ) > "$context/maven.log" 2>&1 &
  downloads=$!
  # Debian's minimal system with OpenJDK 17 headless and nothing else: the JDK for the Maven and Jetty bases (as
  # eclipse-temurin:17-jdk is theirs), the JRE alone for eclipse-temurin:17-jre; those needed, made at once.
  java_system() { # NAME PACKAGE: $ENGINE_DIR/NAME.tar, a Debian bookworm with PACKAGE
    local name=$1 package=$2
    rm -f "$ENGINE_DIR/$name.tar"
    # Without documentation, manual pages and translations (man1 stays, empty: the JDK's update-alternatives links
    # its manual page there and fails without the directory); /usr merged by mmdebstrap's own hook, as Debian's images
    # have it, not by the usrmerge package, which brought Perl with it (47 MB).
    mmdebstrap --variant=minbase --include="$package" --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
      --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
      --dpkgopt=force-unsafe-io \
      bookworm "$ENGINE_DIR/$name.tar" > "$ENGINE_DIR/mmdebstrap-$name.log" 2>&1
  }
  systems=()
  if { making "$MAVEN_IMAGE" || making "$JETTY_IMAGE"; } && ! podman image exists "$JDK_IMAGE"; then
    java_system debian-jdk17 openjdk-17-jdk-headless &
    systems+=("$! debian-jdk17 openjdk-17-jdk-headless $JDK_IMAGE")
  fi
  if making "$JRE_IMAGE"; then
    java_system debian-jre17 openjdk-17-jre-headless &
    systems+=("$! debian-jre17 openjdk-17-jre-headless $JRE_IMAGE")
  fi
  for made in "${systems[@]}"; do
    set -- $made
    if ! wait "$1"; then
      cat "$ENGINE_DIR/mmdebstrap-$2.log" >&2
      fail "mmdebstrap could not make Debian bookworm with $3"
    fi
  done
  set --
  wait "$downloads" || { cat "$context/maven.log" >&2; fail "Maven could not fetch ${artifacts[*]}"; }
  # JAVA_HOME where Temurin's images have it, as a link to Debian's JDK or JRE.
  java_image() { # NAME IMAGE: the image IMAGE of $ENGINE_DIR/NAME.tar
    local name=$1 image=$2 out
    podman import \
      --change 'ENV JAVA_HOME=/opt/java/openjdk' \
      --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["jshell"]' \
      "$ENGINE_DIR/$name.tar" "$image.tmp" > /dev/null
    rm -f "$ENGINE_DIR/$name.tar"
    if ! out=$(podman run --rm --network none "$image.tmp" sh -c \
      'mkdir -p /opt/java && ln -s "$(dirname "$(dirname "$(readlink -f /usr/bin/java)")")" /opt/java/openjdk && echo linked' 2>&1); then
      podman rmi "$image.tmp" > /dev/null 2>&1 || true
      cannot_run "podman cannot start a container: $out"
    fi
    # The link above, in a layer of its own (the build reuses the imported system).
    printf 'FROM %s\nRUN mkdir -p /opt/java && ln -s "$(dirname "$(dirname "$(readlink -f /usr/bin/java)")")" /opt/java/openjdk && java -version\n' \
      "$image.tmp" | podman build --format docker --pull=never -q -t "$image" -f - "$context" > /dev/null
    podman rmi "$image.tmp" > /dev/null
  }
  for made in "${systems[@]}"; do
    set -- $made
    java_image "$2" "$4"
  done
  set --
  if making "$MAVEN_IMAGE"; then
    podman build --format docker --pull=never -q --build-arg JDK_BASE="$JDK_IMAGE" \
      -f deploy/image/bases/maven.Containerfile -t "$MAVEN_IMAGE" "$context" > /dev/null
  fi
  if making "$JETTY_IMAGE"; then
    podman build --format docker --pull=never -q --build-arg JDK_BASE="$JDK_IMAGE" \
      -f deploy/image/bases/jetty.Containerfile -t "$JETTY_IMAGE" "$context" > /dev/null
  fi
  rm -rf "$context"
  bases_seconds=$((SECONDS - started))
  say "bases: ${to_make[*]} made in ${bases_seconds}s"
fi

# --- 2. the image -------------------------------------------------------------------------------------------------
started=$SECONDS
revision=$(git rev-parse HEAD 2> /dev/null || echo unknown)
source=$(git remote get-url origin 2> /dev/null || echo "file://$PWD")
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
say "building $IMAGE (version $VERSION, revision $revision)"
# The labels again as --label: podman 4.3's builder (buildah 1.28) reuses a cached LABEL step whose build argument
# changed (it compares the step's text, $REVISION unexpanded), so a new commit alone kept the last build's revision.
if ! podman build --format docker --pull=never \
  --volume "$BUILD_TRUST_STORE:/etc/ssl/certs/java/cacerts:ro" \
  --build-arg SOURCE="$source" --build-arg REVISION="$revision" --build-arg VERSION="$VERSION" \
  --label org.opencontainers.image.source="$source" --label org.opencontainers.image.revision="$revision" \
  --label org.opencontainers.image.version="$VERSION" \
  --tag tabserve . 2>&1 | tee "$ENGINE_DIR/build.log" | grep --line-buffered -E 'STEP [0-9]|^COMMIT|AppCDS archive'; then
  tail -n 40 "$ENGINE_DIR/build.log" >&2
  fail "podman build failed; its whole output is in $ENGINE_DIR/build.log"
fi
podman image exists "$IMAGE" || fail "podman build made no $IMAGE; see $ENGINE_DIR/build.log"
build_seconds=$((SECONDS - started))
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
say "image: $IMAGE built in ${build_seconds}s, $((size / 1000000)) MB"
flock -u 9
if [ -n "$build_only" ]; then
  exit 0
fi

# --- 3. the checks ------------------------------------------------------------------------------------------------
started=$SECONDS
check() {
  say "check: $*"
}

# Waits until the server in container $1 on port $2 answers ready, or fails with its log.
wait_ready() {
  local name=$1 port=$2 deadline=$((SECONDS + 180))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2> /dev/null; do
    if [ "$(podman inspect --format '{{.State.Running}}' "$name")" != true ] || [ $SECONDS -ge $deadline ]; then
      podman logs "$name" >&2 || true
      fail "$name did not become ready on port $port"
    fi
    sleep 0.5
  done
}

[ "$(podman image inspect --format '{{.Config.Healthcheck}}' "$IMAGE")" != "<nil>" ] ||
  fail "the image has no HEALTHCHECK (built without --format docker?)"
check "the image keeps its HEALTHCHECK: $(podman image inspect --format '{{.Config.Healthcheck.Test}}' "$IMAGE")"

work=$ENGINE_DIR/check
rm -rf "$work"
mkdir -p "$work/models"
cp model.onnx "$work/models/banknote.onnx"
chmod -R a+rX "$work/models"
port=$(free_port)
name=tabserve-check
podman rm -f -t 0 "$name" > /dev/null 2>&1 || true
containers+=("$name")
podman run -d --name "$name" --read-only --tmpfs /tmp:rw,exec --memory 300m \
  -v "$work/models:/models:ro" -p "127.0.0.1:$port:8080" "$IMAGE" > /dev/null
wait_ready "$name" "$port"

ready=$(curl -fsS "http://127.0.0.1:$port/health/ready")
case "$ready" in
  *'"status":"ready"'*'"name":"banknote"'*) ;;
  *) fail "/health/ready does not say ready with the model of the volume: $ready" ;;
esac
check "ready, serving the models volume at /models: $ready"
logs=$(podman logs "$name" 2>&1)
grep -q '/models is mounted' <<< "$logs" || fail "the entrypoint did not say it serves /models: $(head -n 5 <<< "$logs")"

answer=$(curl -fsS -H 'Content-Type: application/json' -d "$GENUINE_ROW" "http://127.0.0.1:$port/api/predict")
case "$answer" in
  *'"label":"0"'*) ;;
  *) fail "the genuine note is not predicted as label 0: $answer" ;;
esac
check "a prediction: $answer"

if command -v chromium > /dev/null; then
  dom=$(chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/chromium" \
    --dump-dom "http://127.0.0.1:$port/models/banknote/?example=genuine-1" 2> "$work/chromium.log")
  for field in variance skewness curtosis entropy; do
    grep -q "id=\"$field\"" <<< "$dom" || fail "Chromium's form page has no field $field: $(head -c 2000 <<< "$dom")"
  done
  grep -q 'id="submit"' <<< "$dom" || fail "Chromium's form page has no submit button"
  check "the model's form (/models/banknote/, an example filled in), drawn by Chromium: its four fields and its button"
else
  fail "chromium is not installed (.ci/run installs it): the form page cannot be checked"
fi

user=$(podman exec "$name" sh -c 'id -un; id -u; awk "/^Uid:/ {print \$2}" /proc/1/status')
[ "$(echo $user)" = "jetty 999 999" ] || fail "the server does not run as jetty, uid 999 (user, uid, PID 1's uid: $(echo $user))"
check "runs as jetty, uid 999 (PID 1 too)"

cmdline=$(podman exec "$name" cat /proc/1/cmdline | tr '\0' ' ')
case "$cmdline" in
  */java\ *) ;;
  *) fail "PID 1 is not java (the entrypoint did not exec it: jetty.start's format?): $cmdline" ;;
esac
for option in -Xmx128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=/var/lib/jetty/tabserve.jsa; do
  case "$cmdline" in
    *" $option "*) ;;
    *) fail "JAVA_OPTIONS' $option is not on PID 1's command line: $cmdline" ;;
  esac
done
podman exec "$name" grep -q /var/lib/jetty/tabserve.jsa /proc/1/maps || fail "PID 1 does not map the class archive"
check "java is PID 1 with JAVA_OPTIONS and maps /var/lib/jetty/tabserve.jsa: ${cmdline:0:200}..."

if podman exec "$name" sh -c 'touch /var/lib/jetty/written' 2> /dev/null; then
  fail "the root filesystem is writable under --read-only"
fi
podman exec "$name" sh -c 'touch /tmp/written && rm /tmp/written' || fail "/tmp is not writable"
limit=$(podman exec "$name" sh -c 'cat /sys/fs/cgroup/memory.max 2> /dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes')
[ "$limit" = 314572800 ] || fail "the container's memory limit is $limit, not 300m"
usage=$(podman exec "$name" sh -c 'cat /sys/fs/cgroup/memory.current 2> /dev/null || cat /sys/fs/cgroup/memory/memory.usage_in_bytes')
check "read-only root with a writable /tmp; serving under --memory 300m (using $((usage / 1048576)) MB)"
# Nothing unpacked into the tmpfs /tmp by the start, a prediction and the form page: the web app is unpacked in the
# image and ONNX Runtime's library loaded from the base (the WAR unpacked there by Jetty took 113 MB of it).
in_tmp=$(podman exec "$name" du -sk /tmp | cut -f1)
[ "$in_tmp" -lt 16384 ] || fail "the tmpfs /tmp holds $in_tmp kB after the start: something was unpacked there\
 ($(podman exec "$name" sh -c 'du -sk /tmp/* /tmp/.[!.]* 2> /dev/null' | sort -n | tail -n 3 | tr '\n' ' '))"
check "the tmpfs /tmp holds $in_tmp kB after the start, a prediction and the form page: nothing unpacked there"

podman healthcheck run "$name" || fail "the HEALTHCHECK command failed on a ready server"
check "the HEALTHCHECK command answers healthy"

# The most uploads at once, each the largest (operations.md's defaults: tabserve.max-concurrent-uploads, 32, of
# tabserve.max-upload-bytes, 200 MiB; the multipart reader spools each past 1 MiB to java.io.tmpdir): 6.4 GiB, where
# the container has 300 MB. They go to the image's TMPDIR, a volume on disk (the Dockerfile's VOLUME); on the tmpfs
# /tmp, where they went before, they were the container's memory, and four of 200 MiB got it killed (137). Each is
# a CSV whose header the model does not know, so the app refuses it (400) once the container has read and spooled the
# whole file, without spending minutes of CPU on rows: the memory at stake is the spooling's. The container must be
# alive afterwards, answer its health within 1 s and predict. The cgroup's peak is printed: the resident (anonymous)
# and tmpfs memory, which only the OOM killer can take back, and the usage with the page cache, which the kernel takes
# back under the limit.
largest=$((200 * 1048576))
concurrent=32
python3 - "$work/largest.csv" "$largest" <<'PY'
import sys
path, size = sys.argv[1], int(sys.argv[2])
line = b"x" * 1023 + b"\n"
with open(path, "wb") as f:
    head = b"not,the,model's,columns\n"
    f.write(head)
    left = size - len(head)
    block = line * 1024
    while left > 0:
        f.write(block[:min(left, len(block))])
        left -= len(block)
PY
[ "$(stat -c %s "$work/largest.csv")" = "$largest" ] || fail "the largest upload is not $largest bytes"
cgroup=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$(podman inspect --format '{{.Id}}' "$name")*" \
  \( -path '/sys/fs/cgroup/memory/*' -o -path '/sys/fs/cgroup/libpod*' -o -path '/sys/fs/cgroup/machine*' \) | head -n 1)
# The cgroup's resident (anonymous) plus tmpfs bytes and its usage, every 0.2 s, the highest of each kept.
sample_memory() {
  local peak_kept=0 peak_usage=0 kept usage
  set +e # a look that fails (the container gone) is no reason to stop looking
  while [ -f "$work/sampling" ]; do
    kept=$(awk '$1 == "total_rss" || $1 == "total_shmem" || $1 == "anon" || $1 == "shmem" {n += $2} END {print n + 0}' \
      "$cgroup/memory.stat" 2> /dev/null || echo 0)
    usage=$(cat "$cgroup/memory.usage_in_bytes" 2> /dev/null || cat "$cgroup/memory.current" 2> /dev/null || echo 0)
    [ "${kept:-0}" -gt "$peak_kept" ] && peak_kept=$kept
    [ "${usage:-0}" -gt "$peak_usage" ] && peak_usage=$usage
    echo "$peak_kept $peak_usage" > "$work/memory.peak"
    sleep 0.2
  done
}
echo "0 0" > "$work/memory.peak"
if [ -n "$cgroup" ]; then
  touch "$work/sampling"
  sample_memory &
  sampler=$!
fi
uploads=()
for i in $(seq 1 "$concurrent"); do
  curl -sS -o "$work/largest.$i.json" -w '%{http_code}' -F "file=@$work/largest.csv;type=text/csv" \
    "http://127.0.0.1:$port/predict_file" > "$work/largest.$i.status" 2> "$work/largest.$i.err" &
  uploads+=($!)
done
for upload in "${uploads[@]}"; do
  wait "$upload" || true
done
if [ -n "$cgroup" ]; then
  rm -f "$work/sampling"
  wait "$sampler" || true
fi
read -r peak_kept peak_usage < "$work/memory.peak"
if [ "$(podman inspect --format '{{.State.Running}}' "$name")" != true ]; then
  fail "the container died under $concurrent concurrent uploads of $largest bytes: exit \
$(podman inspect --format '{{.State.ExitCode}} (OOM-killed: {{.State.OOMKilled}})' "$name"), peak resident and tmpfs \
$((peak_kept / 1048576)) MiB"
fi
statuses=$(cat "$work"/largest.*.status | sort | uniq -c | tr -s ' \n' ' ')
for i in $(seq 1 "$concurrent"); do
  [ "$(cat "$work/largest.$i.status")" = 400 ] ||
    fail "upload $i of $concurrent was not refused for its header (400) once read: statuses $statuses;\
 $(head -c 300 "$work/largest.$i.json") $(head -c 300 "$work/largest.$i.err")"
done
health=$(curl -sS --max-time 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready") || true
[ "$health" = 200 ] || fail "after the uploads /health/ready did not answer 200 within 1 s: '$health'"
answer=$(curl -fsS -H 'Content-Type: application/json' -d "$GENUINE_ROW" "http://127.0.0.1:$port/api/predict")
case "$answer" in
  *'"label":"0"'*) ;;
  *) fail "after the uploads the genuine note is not predicted as label 0: $answer" ;;
esac
rm -f "$work/largest.csv"
check "$concurrent concurrent uploads of $((largest / 1048576)) MiB under --memory 300m, each read whole and refused\
 for its header (400): alive, /health/ready 200 within 1 s, a prediction; peak resident and tmpfs\
 $((peak_kept / 1048576)) MiB, usage with page cache $((peak_usage / 1048576)) MiB"

# SIGTERM with an upload in flight, from a slow client (deploy/image/slow-upload.py): the CSV (78 kB) as a multipart
# upload to /predict_file at 40 kB/s with `Expect: 100-continue`. The signal goes only once the server has said
# `100 Continue`, which Jetty sends when the servlet starts reading the body: the request is then in the handler that
# Jetty's graceful stop waits for, and the rest of the body (about 2 s) is still to come. The client reads the answer
# (375 kB of JSON) in about 8 s, longer than the 3 s a stopping Jetty keeps a silent connection
# (jetty.graceful.shutdownIdleTimeout), so its last part is still in the kernel's send queue when Jetty has written it
# all and closes the connection: the JVM must not exit before the kernel has delivered it, as the container's network
# goes with it (the base's tabserve-stop module; before it, such an upload got its 200's status line and part of its
# answer, then a reset). Jetty's graceful stop answers it before the JVM exits (143), within the 20 s grace given here.
# (A fixed second after the client's start was not enough: at load 10 one CI run signalled before Jetty had
# dispatched the request, so the stop found nothing in flight and closed the connection.)
python3 - "$work/upload.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("variance,skewness,curtosis,entropy\n")
    for i in range(2500):
        f.write("3.6216,8.6661,-2.8073,-0.44699\n")
PY
rm -f "$work/continue" "$work/upload.status" "$work/upload.json"
python3 deploy/image/slow-upload.py 127.0.0.1 "$port" "$work/upload.csv" "$work" 2> "$work/upload.err" &
upload=$!
reading=$((SECONDS + 60))
until [ -f "$work/continue" ]; do
  kill -0 "$upload" 2> /dev/null \
    || fail "the upload ended before the server read its body: $(tail -n 5 "$work/upload.err")"
  [ "$SECONDS" -lt "$reading" ] || fail "the server did not start reading the upload in 60 s"
  sleep 0.05
done
kill -0 "$upload" 2> /dev/null || fail "the upload ended before the SIGTERM: $(tail -n 5 "$work/upload.err")"
stopping=$SECONDS
podman stop -t 20 "$name" > /dev/null
stopped=$((SECONDS - stopping))
if ! wait "$upload"; then
  podman logs "$name" 2>&1 | tail -n 15 >&2
  fail "the upload in flight was cut by the stop: $(tail -n 5 "$work/upload.err"); the JVM exited with \
$(podman inspect --format '{{.State.ExitCode}} (OOM-killed: {{.State.OOMKilled}})' "$name") ${stopped}s after the signal"
fi
status=$(cat "$work/upload.status")
[ "$status" = 200 ] || fail "the upload in flight was answered $status: $(head -c 500 "$work/upload.json")"
answered=$(grep -o '"label":"0"' "$work/upload.json" | wc -l)
[ "$answered" = 2500 ] || fail "the upload's answer has $answered of its 2500 rows: $(head -c 500 "$work/upload.json")"
code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
[ "$code" = 143 ] || fail "the JVM exited with $code after SIGTERM (137: killed after the grace period)"
check "SIGTERM: the upload in flight was answered 200 with its 2500 rows, read slowly, then java exited 143, ${stopped}s after the signal"

# The stop with a client that never reads (its receive window shut) holding part of an answer in the kernel: the
# same container started again, the client asks for /openapi.json (170 kB) and reads nothing, and the stop is given
# Docker's default 10 s (`docker stop`, `podman stop -t 10`). The base's tabserve-stop module waits for the answers'
# last bytes, but gives up on clients that took none of them for 5 s since the stop began: java exits 143 inside the
# 10 s. (Its wait had no such end: the client held the stop for the whole 30 s stop timeout, and the 10 s ended in a
# kill, 137.)
podman start "$name" > /dev/null
wait_ready "$name" "$port"
rm -f "$work/zero-window.asked"
python3 - 127.0.0.1 "$port" "$work/zero-window.asked" <<'PY' &
import socket, sys, time
host, port, asked = sys.argv[1], int(sys.argv[2]), sys.argv[3]
client = socket.socket()
client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: the window it offers stays small
client.connect((host, port))
client.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n")
open(asked, "w").close()
time.sleep(600)  # holds the connection, reading nothing, until the script ends it
PY
zero_window=$!
# The server's bytes for it, unacknowledged on the container's port 8080 (1F90), the same in two looks 0.5 s apart:
# the client's window is shut, and the answer is as far as it will go.
unacknowledged() {
  local n=0 queued
  for queued in $(podman exec "$name" cat /proc/net/tcp /proc/net/tcp6 2> /dev/null |
    awk '$2 ~ /:1F90$/ && $4 != "0A" {split($5, q, ":"); print q[1]}'); do
    n=$((n + 16#$queued))
  done
  echo "$n"
}
stuck=$((SECONDS + 60))
before=-1
while :; do
  kill -0 "$zero_window" 2> /dev/null || fail "the client that never reads ended before the stop"
  now=$(unacknowledged)
  if [ -f "$work/zero-window.asked" ] && [ "$now" -gt 0 ] && [ "$now" = "$before" ]; then
    break
  fi
  [ "$SECONDS" -lt "$stuck" ] || fail "no bytes of the answer stayed unacknowledged for the client that never reads"
  before=$now
  sleep 0.5
done
stopping=$SECONDS
podman stop -t 10 "$name" > /dev/null
stopped=$((SECONDS - stopping))
kill "$zero_window" 2> /dev/null || true
wait "$zero_window" 2> /dev/null || true
code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
[ "$code" = 143 ] || fail "with a client that never reads, the JVM exited with $code, not 143, after SIGTERM and \
Docker's default 10 s (137: killed at the end of them; $now bytes were unacknowledged); its last lines:
$(podman logs "$name" 2>&1 | tail -n 5)"
check "SIGTERM with a client that never reads ($now bytes of its answer unacknowledged): java exited 143, ${stopped}s\
 after the signal, inside Docker's default 10 s"
podman rm "$name" > /dev/null

# --- 4. push, pull, run ---------------------------------------------------------------------------------------------
registry=$ENGINE_DIR/registry
rm -rf "$registry"
mkdir -p "$registry/data"
registry_port=$(free_port)
cat > "$registry/config.yml" <<YAML
# Written by deploy/image/build-and-check.sh: Debian's docker-registry on loopback, storage of its own.
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $registry/data
http:
  addr: 127.0.0.1:$registry_port
YAML
docker-registry serve "$registry/config.yml" > "$registry/registry.log" 2>&1 &
registry_pid=$!
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null "http://127.0.0.1:$registry_port/v2/" 2> /dev/null; do
  kill -0 "$registry_pid" 2> /dev/null && [ $SECONDS -lt $deadline ] || {
    cat "$registry/registry.log" >&2
    fail "docker-registry did not answer on 127.0.0.1:$registry_port"
  }
  sleep 0.2
done
REGISTRY=127.0.0.1:$registry_port
export REGISTRY VERSION PORT
# What a user types (docs/deploy.md, "Docker", the block run by this script): the image of this store (target/podman,
# or TABSERVE_PODMAN_DIR) pushed with `--tls-verify=false`, as a registry on loopback without TLS needs (a real one,
# with TLS, needs no flag), and pulled into an empty store elsewhere, target/podman-elsewhere, emptied first.
deploy/image/podman.sh tag tabserve "$REGISTRY/tabserve:$VERSION"
deploy/image/podman.sh push --tls-verify=false "$REGISTRY/tabserve:$VERSION"
podman rmi "$REGISTRY/tabserve:$VERSION" > /dev/null
check "pushed $REGISTRY/tabserve:$VERSION"
(
  # Elsewhere: an engine store of its own, emptied first.
  engine_settings target/podman-elsewhere
  podman rm -a -f -t 0 > /dev/null 2>&1 || true
  podman rmi -a -f > /dev/null 2>&1 || true
  [ -z "$(podman images -q)" ] || fail "the store elsewhere is not empty"
  TABSERVE_PODMAN_DIR=target/podman-elsewhere deploy/image/podman.sh pull --tls-verify=false "$REGISTRY/tabserve:$VERSION"
  labels=$(podman image inspect --format '{{json .Labels}}' "$REGISTRY/tabserve:$VERSION")
  for label in "\"org.opencontainers.image.revision\":\"$revision\"" "\"org.opencontainers.image.version\":\"$VERSION\"" \
    "\"org.opencontainers.image.source\":\"$source\"" '"org.opencontainers.image.licenses":"NOASSERTION"'; do
    grep -qF "$label" <<< "$labels" || fail "the pulled image has no label $label: $labels"
  done
  # Free when the script began (its first second); taken since, it is said here.
  ! curl -s -o /dev/null "http://127.0.0.1:$PORT/" || fail "port $PORT, free when the script began, is taken now"
  TABSERVE_PODMAN_DIR=target/podman-elsewhere deploy/image/podman.sh run -d -p "$PORT:8080" --read-only --tmpfs /tmp:rw,exec "$REGISTRY/tabserve:$VERSION" > "$ENGINE_DIR/container"
  pulled=$(cat "$ENGINE_DIR/container")
  trap 'podman rm -f -t 0 "$pulled" > /dev/null 2>&1 || true' EXIT
  wait_ready "$pulled" "$PORT"
  answer=$(curl -fsS -H 'Content-Type: application/json' -d "$GENUINE_ROW" "http://127.0.0.1:$PORT/api/predict")
  case "$answer" in
    *'"label":"0"'*) ;;
    *) fail "the pulled image does not predict label 0: $answer" ;;
  esac
  check "pulled into an empty store, ran it on port $PORT, predicted: $answer; labels $labels"
  podman rm -f -t 10 "$pulled" > /dev/null
  podman rmi -a -f > /dev/null
)
kill "$registry_pid"
wait "$registry_pid" 2> /dev/null || true
registry_pid=
rm -rf "$registry"
checks_seconds=$((SECONDS - started))

timings="bases ${bases_seconds}$(case $bases_seconds in cached*) ;; *) echo s ;; esac), image build ${build_seconds}s, checks ${checks_seconds}s, image size $((size / 1000000)) MB"
echo "$timings" > "$ENGINE_DIR/timings"
say "every check held: $timings"

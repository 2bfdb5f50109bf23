#!/usr/bin/env bash
# Builds the JETTY_BASE that serves tabserve, the same way in the Docker image and in the integration tests
# (JettyBase.java runs this very file), so the two cannot drift.
#
#   [SHARED_ONNXRUNTIME=1] deploy/jetty-base.sh JETTY_HOME JETTY_BASE [WAR]
#
# JETTY_HOME is an unpacked org.eclipse.jetty:jetty-home (the image's /usr/local/jetty), JETTY_BASE an existing
# directory (the image's /var/lib/jetty), WAR the tabserve.war to deploy, unpacked into webapps/ROOT/ by
# deploy/unpack-war.sh (beside this script), never as a webapps/ROOT.war that Jetty would unpack into java.io.tmpdir
# at every start. The Dockerfile leaves WAR out and runs that script itself in a later layer, so that a code change
# does not redo this step.
#
# SHARED_ONNXRUNTIME=1 makes Jetty load ONNX Runtime once, for every deployment of the web app: its jar goes to the
# base's lib/ext (the `ext` module puts it on the server class path) and `ai.onnxruntime.` becomes a protected class
# of ee10 web apps, so the WAR's own WEB-INF/lib copy is never loaded. Without it each (re)deploy loads ONNX
# Runtime's classes and native library again in the new web app class loader and the process grows by 10-15 MB per
# hot redeploy (JettyRedeployIT). The jar is taken from WAR; without WAR it must already be in JETTY_BASE/lib/ext
# (the Dockerfile copies it there first), because the class path is fixed below, in jetty.start. Its native libraries
# for this machine go to JETTY_BASE/lib/onnxruntime-native, named by -Donnxruntime.native.path in start.d, so that
# ONNX Runtime does not extract them into java.io.tmpdir at every start.
#
# HTTP/2 cleartext (gRPC on the HTTP port) comes from the base's own module `tabserve-h2c`, written below, not from
# Jetty's stock `http2c`: that one also accepts HTTP/1.1's `Upgrade: h2c`, which the JDK HttpClient sends by default,
# and an upgraded request with a chunked body is then read as HTTP/2 frames and fails (jetty/jetty.project#11588; a
# chunked upload over the limit got a broken connection instead of its 413). `tabserve-h2c` is the same Jetty
# factory in the launcher's subclass (org.tabserve.launcher.PriorKnowledgeH2c, as under `java -jar`): HTTP/2 by prior
# knowledge only. Its jar, the WAR's WEB-INF/lib-jetty/tabserve-launcher.jar, goes to JETTY_BASE/lib/tabserve, taken
# from WAR like ONNX Runtime's (without WAR it must already be there: the Dockerfile copies it first).
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 JETTY_HOME JETTY_BASE [WAR]" >&2
  exit 2
fi
script_dir=$(cd "$(dirname "$0")" && pwd)
jetty_home=$1
jetty_base=$2
war=${3:-}
shared_onnxruntime=${SHARED_ONNXRUNTIME:-0}
case "$shared_onnxruntime" in
  0|1) ;;
  *) echo "SHARED_ONNXRUNTIME must be 0 or 1, got '$shared_onnxruntime'" >&2; exit 2 ;;
esac
# Each path as given (relative to where the script is run, as a user types them) and checked, in words, before the
# script changes into JETTY_BASE.
[ -f "$jetty_home/start.jar" ] || { echo "$0: JETTY_HOME '$jetty_home' has no start.jar (an unpacked jetty-home)" >&2; exit 2; }
[ -d "$jetty_base" ] || { echo "$0: JETTY_BASE '$jetty_base' is not a directory (make it first)" >&2; exit 2; }
jetty_home=$(cd "$jetty_home" && pwd)
jetty_base=$(cd "$jetty_base" && pwd)
if [ -n "$war" ]; then
  [ -f "$war" ] || { echo "$0: WAR '$war' is not a file (mvn -B package -DskipTests makes target/tabserve.war)" >&2; exit 2; }
  war=$(cd "$(dirname "$war")" && pwd)/$(basename "$war")
fi

# The modules tabserve needs, on top of what the official image already enables (server,http,ext,resources):
#   ee10-deploy       deploys webapps/*.war as Jakarta EE 10 (Servlet 6.0) web apps
#   ee10-annotations  the annotation configuration a Servlet 6 container is expected to have
#   graceful          on SIGTERM, stop accepting and let requests in flight finish (jetty.server.stopTimeout)
#   size-limit        a container-wide ceiling on request bodies, above the app's own limits
#   tabserve-h2c      HTTP/2 cleartext by prior knowledge on the HTTP connector, for gRPC, and the launcher's
#                     deadline for a request's headers on it (this base's own, below)
#   tabserve-stop     the stop ends once the kernel has delivered the answers' last bytes (this base's own, below)
# A unit test (DeploymentConsistencyTest) checks this list against the Dockerfile and pom.xml.
MODULES=server,http,ext,resources,ee10-deploy,ee10-annotations,graceful,size-limit,tabserve-h2c,tabserve-stop

# Copies the entries of a zip (a WAR, a jar) matching a pattern (e.g. WEB-INF/lib/onnxruntime-*.jar) into a
# directory, flattened, with jar (from the JDK) or unzip, whichever there is.
extract_flat() {
  local zip=$1 pattern=$2 target=$3 tmp
  tmp=$(mktemp -d)
  if command -v unzip > /dev/null; then
    unzip -q "$zip" "$pattern" -d "$tmp"
  else
    (cd "$tmp" && jar xf "$zip" $(jar tf "$zip" | grep "^${pattern//\*/.*}\$"))
  fi
  mkdir -p "$target"
  find "$tmp" -type f -exec mv {} "$target"/ \;
  rm -rf "$tmp"
}

# The one WAR entry matching a pattern, into a directory.
extract_from_war() {
  extract_flat "$war" "$@"
}

cd "$jetty_base"
mkdir -p modules etc lib/tabserve
if [ -n "$war" ]; then
  rm -f lib/tabserve/tabserve-launcher.jar
  extract_from_war 'WEB-INF/lib-jetty/tabserve-launcher.jar' lib/tabserve
fi
if [ ! -f lib/tabserve/tabserve-launcher.jar ]; then
  echo "$jetty_base/lib/tabserve/tabserve-launcher.jar is missing: pass the WAR or copy the jar from its" \
    "WEB-INF/lib-jetty there first" >&2
  exit 1
fi
# The container's defaults for the web app: the launcher's, in place of Jetty's etc/webdefault-ee10.xml, as under
# `java -jar` (the static-file servlet without Jetty's TRACE constraints, which answered 403 before the app could
# answer TRACE with its 405; see the file).
rm -rf etc/tabserve-webdefault
extract_flat "$PWD/lib/tabserve/tabserve-launcher.jar" 'org/tabserve/launcher/webdefault.xml' etc/tabserve-webdefault
mv etc/tabserve-webdefault/webdefault.xml etc/tabserve-webdefault.xml
rmdir etc/tabserve-webdefault
# Jetty's http2c module, with the launcher's factory that leaves `Upgrade: h2c` requests on HTTP/1.1.
cat > modules/tabserve-h2c.mod <<'MOD'
# Written by deploy/jetty-base.sh.
[description]
HTTP/2 cleartext (h2c) on the HTTP connector for clients that speak it from the first byte (gRPC), as Jetty's http2c
module, but an HTTP/1.1 request asking to upgrade (Upgrade: h2c) stays HTTP/1.1 (jetty/jetty.project#11588).

[tags]
connector
http2
http

[depend]
http

[lib]
lib/http2/jetty-http2-common-${jetty.version}.jar
lib/http2/jetty-http2-hpack-${jetty.version}.jar
lib/http2/jetty-http2-server-${jetty.version}.jar
lib/tabserve/tabserve-launcher.jar

[xml]
etc/tabserve-h2c.xml
etc/tabserve-header-deadline.xml

[ini-template]
## The deadline for a request's line and headers on the same connector, in seconds, as java -jar's --header-timeout.
# tabserve.headerTimeout=20
## The settings of Jetty's http2c module, under the same names.
# jetty.http2c.maxConcurrentStreams=128
# jetty.http2c.initialStreamRecvWindow=524288
# jetty.http2c.initialSessionRecvWindow=1232896
# jetty.http2c.maxSettingsKeys=64
# jetty.http2c.rateControl.maxEventsPerSecond=128
MOD
cat > etc/tabserve-h2c.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
<!-- Written by deploy/jetty-base.sh: Jetty's etc/jetty-http2c.xml with tabserve's prior-knowledge-only factory. -->
<Configure id="httpConnector" class="org.eclipse.jetty.server.ServerConnector">
  <Call name="addConnectionFactory">
    <Arg>
      <New class="org.tabserve.launcher.PriorKnowledgeH2c">
        <Arg><Ref refid="httpConfig"/></Arg>
        <Set name="maxConcurrentStreams" property="jetty.http2c.maxConcurrentStreams"/>
        <Set name="initialStreamRecvWindow" property="jetty.http2c.initialStreamRecvWindow"/>
        <Set name="initialSessionRecvWindow" property="jetty.http2c.initialSessionRecvWindow"/>
        <Set name="maxSettingsKeys" property="jetty.http2c.maxSettingsKeys"/>
        <Set name="rateControlFactory">
          <New class="org.eclipse.jetty.io.WindowRateControl$Factory">
            <Arg type="int"><Property name="jetty.http2c.rateControl.maxEventsPerSecond" default="128"/></Arg>
          </New>
        </Set>
      </New>
    </Arg>
  </Call>
</Configure>
XML
# The launcher's deadline for a request's line and headers (org.tabserve.launcher.guard.HeaderDeadline, as `java -jar`'s
# --header-timeout): Jetty's idle timeout starts again with every byte, so without it a client that trickles its
# headers a byte at a time holds a connection for as long as it likes. Part of tabserve-h2c, on the same connector.
cat > etc/tabserve-header-deadline.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
<!-- Written by deploy/jetty-base.sh: a connection whose request line and headers take longer than this is closed. -->
<Configure id="Server" class="org.eclipse.jetty.server.Server">
  <New id="tabserveHeaderDeadline" class="org.tabserve.launcher.guard.HeaderDeadline">
    <Arg type="long"><Property name="tabserve.headerTimeout" default="20"/></Arg>
  </New>
  <Call name="insertHandler"><Arg><Ref refid="tabserveHeaderDeadline"/></Arg></Call>
  <Ref refid="httpConnector">
    <Call name="addBean">
      <Arg><Ref refid="tabserveHeaderDeadline"/></Arg>
      <Arg type="boolean">false</Arg>
    </Call>
  </Ref>
</Configure>
XML
cat > modules/tabserve-stop.mod <<'MOD'
# Written by deploy/jetty-base.sh.
[description]
The server's stop (after the graceful module's) ends once the kernel has delivered what its connections wrote: Jetty's
graceful stop ends when each answer is written to the kernel, and a slow client's rest goes with a container's network
when the JVM exits (org.tabserve.launcher.stop, as `java -jar tabserve.war`). It gives up once the clients have taken
none of it for 5 s since the stop began (a client that never reads: the stop ends inside docker stop's 10 s), and
waits at most 10 s, within jetty.server.stopTimeout.

[depend]
server

[lib]
lib/tabserve/tabserve-launcher.jar

[xml]
etc/tabserve-stop.xml
MOD
cat > etc/tabserve-stop.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Configure PUBLIC "-//Jetty//Configure//EN" "https://jetty.org/configure_10_0.dtd">
<!-- Written by deploy/jetty-base.sh. -->
<Configure id="Server" class="org.eclipse.jetty.server.Server">
  <Call name="addEventListener">
    <Arg>
      <New class="org.tabserve.launcher.stop.DeliveredBeforeExit"><Arg><Ref refid="Server"/></Arg></New>
    </Arg>
  </Call>
</Configure>
XML
java -jar "$jetty_home/start.jar" --approve-all-licenses --add-modules="$MODULES"
# The resources module puts the base's resources/ directory on the server class path, and Jetty's logging module
# writes its jetty-logging.properties there, which holds nothing but Jetty's default (org.eclipse.jetty.LEVEL=INFO).
# The JVM writes and maps an AppCDS archive (deploy/cds-archive.sh; the image has one) only when every directory on
# the class path is empty, so the file goes: set Jetty's log levels as system properties instead (e.g.
# -Dorg.eclipse.jetty.LEVEL=DEBUG in JAVA_OPTIONS), which Jetty's logging reads as it reads that file.
rm -f resources/jetty-logging.properties

# tabserve's settings, in a start.d file of their own; a -Dname=value or name=value on the command line wins.
cat > start.d/tabserve.ini <<'INI'
## Written by deploy/jetty-base.sh.
## No server version in responses or error pages.
jetty.httpConfig.sendServerVersion=false
jetty.httpConfig.sendXPoweredBy=false
## Requests in flight get up to 30 s to finish on shutdown, as with `java -jar tabserve.war`.
jetty.server.stopTimeout=30000
## Meanwhile a connection silent for 3 s is closed: Jetty's 1 s also cut an upload in flight whose client pauses
## between its writes, as curl's --limit-rate does (the image's SIGTERM check, deploy/image/build-and-check.sh, saw its
## 408). Not 5 s, as `java -jar` has: a kept-alive client that never reads its answer holds Jetty's stop for two of
## them (the idle connection's output is shut, then Jetty waits as long again for the client to close), 8.4 s measured
## with 5 s, which left no room in docker stop's 10 s; with 3 s the image's whole stop for it is about 7 s.
jetty.graceful.shutdownIdleTimeout=3000
## 220 MiB: above tabserve's largest accepted body (a 200 MiB CSV upload plus multipart overhead), so that the
## app, not the container, answers oversized requests with its 413 problem+json.
jetty.sizeLimit.maxRequestContentSize=230686720
## The container's defaults for the web app (written above from the launcher's jar) instead of Jetty's.
jetty.deploy.defaultsDescriptorPath=${jetty.base}/etc/tabserve-webdefault.xml
## No per-connection cache of header fields (Jetty's is 96 KB of every kept-alive HTTP/1.1 connection: a thousand
## connections filled a 128 MB heap), as with `java -jar tabserve.war`.
jetty.httpConfig.headerCacheSize=0
## HTTP/2 streams one connection may have open at once: fewer than the app's 64 concurrency slots, so that one
## connection cannot take them all (java -jar's --max-concurrent-streams; Jetty's default is 128).
jetty.http2c.maxConcurrentStreams=32
## The launcher's classes on Jetty's class path (lib/tabserve, for tabserve-h2c) are none of a web app's business.
jetty.webapp.addHiddenClasses+=,org.tabserve.launcher.
INI

if [ "$shared_onnxruntime" = 1 ]; then
  mkdir -p lib/ext
  if [ -n "$war" ]; then
    rm -f lib/ext/onnxruntime-*.jar
    extract_from_war 'WEB-INF/lib/onnxruntime-*.jar' lib/ext
  fi
  found=$(find lib/ext -maxdepth 1 -name 'onnxruntime-*.jar' | wc -l)
  if [ "$found" -ne 1 ]; then
    echo "SHARED_ONNXRUNTIME=1 needs exactly one onnxruntime-*.jar in $jetty_base/lib/ext (found $found):" \
      "pass the WAR or copy the jar from its WEB-INF/lib there first" >&2
    exit 1
  fi
  cat >> start.d/tabserve.ini <<'INI'
## SHARED_ONNXRUNTIME=1: ONNX Runtime (lib/ext/onnxruntime-*.jar, on the server class path) is loaded once per
## process; web apps must use that copy, never their own WEB-INF/lib one, so it is a protected class.
jetty.webapp.addProtectedClasses+=,ai.onnxruntime.
INI
  # Its native libraries for this machine, out of the jar once, here: ONNX Runtime loads them from the directory that
  # onnxruntime.native.path names instead of extracting its 28 MB library into java.io.tmpdir at every start (as
  # `java -jar` does from its WAR cache). On a platform the jar has no libraries for, it is left to fail as before.
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) platform=linux-x64 ;;
    Linux-aarch64) platform=linux-aarch64 ;;
    *) platform= ;;
  esac
  rm -rf lib/onnxruntime-native
  if [ -n "$platform" ]; then
    jar=$(find lib/ext -maxdepth 1 -name 'onnxruntime-*.jar')
    extract_flat "$PWD/$jar" "ai/onnxruntime/native/$platform/*" lib/onnxruntime-native
    cat >> start.d/tabserve.ini <<INI
## ONNX Runtime's native libraries, out of its jar once (deploy/jetty-base.sh), not at every start.
-Donnxruntime.native.path=$PWD/lib/onnxruntime-native
INI
  fi
fi

# The command line the image's entrypoint runs, worked out now (it would otherwise do a dry run at every start and
# write this file, which a read-only root filesystem forbids), in the format of the official image's
# generate-jetty-start.sh (deploy/image/jetty.docker/), which its docker-entrypoint.sh reads: a first line
# `# JETTY_VERSION: V` (any other version, or none, and the entrypoint writes the file again, which fails on a
# read-only root and leaves sh as PID 1), then `exec` and the command, which the entrypoint sources, so that java
# replaces the shell as PID 1 and gets SIGTERM. Where that script writes the JAVA_OPTIONS of its dry run into the
# command, this file names $JAVA_OPTIONS, expanded by the entrypoint's shell at each start: the options given at
# `docker run` apply, with the -Djava.io.tmpdir the entrypoint adds to them (so the dry run's own is left out).
# JETTY_VERSION is the image's (its ENV); elsewhere (the tests' bases) the version of JETTY_HOME's jars.
jetty_version=${JETTY_VERSION:-}
if [ -z "$jetty_version" ]; then
  server_jar=$(find "$jetty_home/lib" -maxdepth 1 -name 'jetty-server-*.jar' | head -n 1)
  jetty_version=${server_jar##*/jetty-server-}
  jetty_version=${jetty_version%.jar}
fi
dry_run=$(java -jar "$jetty_home/start.jar" --dry-run | sed -e 's/ -Djava.io.tmpdir=[^ ]*//g')
case "$dry_run" in
  *[\$\'\"\`\\]* | *$'\n'*)
    echo "start.jar's dry run has a quote, a \$, a backslash or a second line, which jetty.start cannot hold as" \
      "words: $dry_run" >&2
    exit 1
    ;;
esac
{
  echo "# JETTY_VERSION: $jetty_version"
  echo "exec ${dry_run%% *} \$JAVA_OPTIONS ${dry_run#* }"
} > jetty.start

mkdir -p webapps
if [ -n "$war" ]; then
  bash "$script_dir/unpack-war.sh" "$jetty_base" "$war"
fi

#!/usr/bin/env bash
# Builds the JETTY_BASE that serves tabserve, the same way in the Docker image and in the integration tests
# (JettyBase.java runs this very file), so the two cannot drift.
#
#   [SHARED_ONNXRUNTIME=1] deploy/jetty-base.sh JETTY_HOME JETTY_BASE [WAR]
#
# JETTY_HOME is an unpacked org.eclipse.jetty:jetty-home (the image's /usr/local/jetty), JETTY_BASE an existing
# directory (the image's /var/lib/jetty), WAR the tabserve.war to deploy as webapps/ROOT.war. The Dockerfile leaves
# WAR out and copies the WAR to the same place in a later layer, so that a code change does not redo this step.
#
# SHARED_ONNXRUNTIME=1 makes Jetty load ONNX Runtime once, for every deployment of the web app: its jar goes to the
# base's lib/ext (the `ext` module puts it on the server class path) and `ai.onnxruntime.` becomes a protected class
# of ee10 web apps, so the WAR's own WEB-INF/lib copy is never loaded. Without it each (re)deploy loads ONNX
# Runtime's classes and native library again in the new web app class loader and the process grows by 10-15 MB per
# hot redeploy (JettyRedeployIT). The jar is taken from WAR; without WAR it must already be in JETTY_BASE/lib/ext
# (the Dockerfile copies it there first), because the class path is fixed below, in jetty.start.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 JETTY_HOME JETTY_BASE [WAR]" >&2
  exit 2
fi
jetty_home=$1
jetty_base=$2
war=${3:-}
shared_onnxruntime=${SHARED_ONNXRUNTIME:-0}
case "$shared_onnxruntime" in
  0|1) ;;
  *) echo "SHARED_ONNXRUNTIME must be 0 or 1, got '$shared_onnxruntime'" >&2; exit 2 ;;
esac

# The modules tabserve needs, on top of what the official image already enables (server,http,ext,resources):
#   ee10-deploy       deploys webapps/*.war as Jakarta EE 10 (Servlet 6.0) web apps
#   ee10-annotations  the annotation configuration a Servlet 6 container is expected to have
#   graceful          on SIGTERM, stop accepting and let requests in flight finish (jetty.server.stopTimeout)
#   size-limit        a container-wide ceiling on request bodies, above the app's own limits
# A unit test (DeploymentConsistencyTest) checks this list against the Dockerfile and pom.xml.
MODULES=server,http,ext,resources,ee10-deploy,ee10-annotations,graceful,size-limit

cd "$jetty_base"
java -jar "$jetty_home/start.jar" --approve-all-licenses --add-modules="$MODULES"

# tabserve's settings, in a start.d file of their own; a -Dname=value or name=value on the command line wins.
cat > start.d/tabserve.ini <<'INI'
## Written by deploy/jetty-base.sh.
## No server version in responses or error pages.
jetty.httpConfig.sendServerVersion=false
jetty.httpConfig.sendXPoweredBy=false
## Requests in flight get up to 30 s to finish on shutdown, as with `java -jar tabserve.war`.
jetty.server.stopTimeout=30000
## 220 MiB: above tabserve's largest accepted body (a 200 MiB CSV upload plus multipart overhead), so that the
## app, not the container, answers oversized requests with its 413 problem+json.
jetty.sizeLimit.maxRequestContentSize=230686720
INI

if [ "$shared_onnxruntime" = 1 ]; then
  mkdir -p lib/ext
  if [ -n "$war" ]; then
    rm -f lib/ext/onnxruntime-*.jar
    # jar (from the JDK) or unzip, whichever there is: extract only the jar, flattened into lib/ext.
    tmp=$(mktemp -d)
    if command -v unzip > /dev/null; then
      unzip -q "$war" 'WEB-INF/lib/onnxruntime-*.jar' -d "$tmp"
    else
      (cd "$tmp" && jar xf "$war" $(jar tf "$war" | grep '^WEB-INF/lib/onnxruntime-.*\.jar$'))
    fi
    mv "$tmp"/WEB-INF/lib/onnxruntime-*.jar lib/ext/
    rm -rf "$tmp"
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
fi

# The command line the image's entrypoint runs, worked out now (it would otherwise do a dry run at every start and
# write this file, which a read-only root filesystem forbids). The entrypoint adds -Djava.io.tmpdir itself.
java -jar "$jetty_home/start.jar" --dry-run | sed -e 's/ -Djava.io.tmpdir=[^ ]*//g' > jetty.start

mkdir -p webapps
if [ -n "$war" ]; then
  cp "$war" webapps/ROOT.war
fi

#!/usr/bin/env bash
# Builds the JETTY_BASE that serves tabserve, the same way in the Docker image and in the integration tests
# (JettyBase.java runs this very file), so the two cannot drift.
#
#   deploy/jetty-base.sh JETTY_HOME JETTY_BASE [WAR]
#
# JETTY_HOME is an unpacked org.eclipse.jetty:jetty-home (the image's /usr/local/jetty), JETTY_BASE an existing
# directory (the image's /var/lib/jetty), WAR the tabserve.war to deploy as webapps/ROOT.war. The Dockerfile leaves
# WAR out and copies the WAR to the same place in a later layer, so that a code change does not redo this step.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 JETTY_HOME JETTY_BASE [WAR]" >&2
  exit 2
fi
jetty_home=$1
jetty_base=$2
war=${3:-}

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

# The command line the image's entrypoint runs, worked out now (it would otherwise do a dry run at every start and
# write this file, which a read-only root filesystem forbids). The entrypoint adds -Djava.io.tmpdir itself.
java -jar "$jetty_home/start.jar" --dry-run | sed -e 's/ -Djava.io.tmpdir=[^ ]*//g' > jetty.start

mkdir -p webapps
if [ -n "$war" ]; then
  cp "$war" webapps/ROOT.war
fi

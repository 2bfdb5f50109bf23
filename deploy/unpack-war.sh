#!/usr/bin/env bash
# Deploys a WAR as the root web app of a Jetty base, unpacked: its files in JETTY_BASE/webapps/ROOT/, which Jetty
# serves as they are. The Docker image runs it at build time, deploy/jetty-base.sh runs it for the tests' bases (its
# WAR argument), and it is how a running base takes a new WAR (hot redeploy, docs/deploy.md "Redeploying in Jetty").
#
#   deploy/unpack-war.sh JETTY_BASE WAR
#
# A webapps/ROOT.war would be unpacked by Jetty at every start into java.io.tmpdir: in the image a tmpfs /tmp, 113 MB
# of the container's memory (and 0.8 s of every start), and with a read-only root filesystem Jetty cannot use a
# directory beside the WAR instead. So there is no WAR in webapps/: the script unpacks into a hidden directory beside
# ROOT/ (Jetty's scanner skips names that begin with a dot), then puts it in ROOT/'s place with two renames, so that a
# running Jetty's scan sees the old files or the new ones, never half of them (between the renames at most a scan
# that finds ROOT/ gone, then the next finds it again: an undeploy, then a deploy). A webapps/ROOT.war left by an
# earlier layout is removed, as Jetty would deploy it instead of the directory.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 JETTY_BASE WAR" >&2
  exit 2
fi
jetty_base=$1
war=$2
[ -d "$jetty_base" ] || { echo "$0: JETTY_BASE '$jetty_base' is not a directory" >&2; exit 2; }
[ -f "$war" ] || { echo "$0: WAR '$war' is not a file (mvn -B package -DskipTests makes target/tabserve.war)" >&2; exit 2; }
war=$(cd "$(dirname "$war")" && pwd)/$(basename "$war")
webapps=$(cd "$jetty_base" && pwd)/webapps
mkdir -p "$webapps"

staged=$webapps/.ROOT.unpacking
old=$webapps/.ROOT.replaced
rm -rf "$staged" "$old"
mkdir "$staged"
if command -v unzip > /dev/null; then
  unzip -q "$war" -d "$staged"
else
  (cd "$staged" && jar xf "$war")
fi
[ -f "$staged/WEB-INF/web.xml" ] || { rm -rf "$staged"; echo "$0: '$war' has no WEB-INF/web.xml: not tabserve's WAR" >&2; exit 1; }
# The directory's own time is the unpacking's, newer than the one it replaces: Jetty's scanner sees a change.
touch "$staged"
if [ -d "$webapps/ROOT" ]; then
  mv "$webapps/ROOT" "$old"
fi
mv "$staged" "$webapps/ROOT"
rm -rf "$old"
rm -f "$webapps/ROOT.war"

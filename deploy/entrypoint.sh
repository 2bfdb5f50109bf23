#!/bin/sh
# The image's ENTRYPOINT, in front of the Jetty image's own: serves every model in /models when a volume is mounted
# there, the model bundled in the WAR otherwise, then runs the rest of the command line unchanged.
#
#   deploy/entrypoint.sh NEXT [ARGS...]      (the image: /opt/tabserve/entrypoint.sh /docker-entrypoint.sh CMD...)
#
# When the directory exists (the image has no /models of its own, so it exists only when mounted) it exports
# TABSERVE_MODELS=/models, which the web app reads in Jetty as in `java -jar`. It leaves everything as it is when the
# operator chose already: TABSERVE_MODELS or TABSERVE_MODEL set (the KServe runtimes set TABSERVE_MODELS=/mnt/models),
# or --model / --models on the command line (a `java -jar` of a WAR of the operator's own; the image has none). An empty
# /models is served as an empty repository: not ready until a model is put there, which is what a mounted but empty
# volume should say.
#
# TABSERVE_MODELS_MOUNT names another directory to look at (the tests use it; the image's is /models).
# DeploymentConsistencyTest and JettyBaseModelsMountIT run this very file.
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 NEXT [ARGS...]" >&2
  exit 2
fi

mount=${TABSERVE_MODELS_MOUNT:-/models}
chosen=
if [ -n "${TABSERVE_MODELS:-}" ] || [ -n "${TABSERVE_MODEL:-}" ]; then
  chosen=1
fi
for arg in "$@"; do
  case $arg in
    --model|--model=*|--models|--models=*) chosen=1 ;;
  esac
done

if [ -z "$chosen" ] && [ -d "$mount" ]; then
  export TABSERVE_MODELS="$mount"
  echo "tabserve: $mount is mounted: serving every model in it (TABSERVE_MODELS=$mount)" >&2
fi

exec "$@"

#!/usr/bin/env bash
# podman with the settings and store of deploy/image/engine.sh (target/podman, or TABSERVE_PODMAN_DIR): the engine
# that build-and-check.sh built the image in, e.g.
#
#   deploy/image/podman.sh images
#   deploy/image/podman.sh run --rm -p 8080:8080 --read-only --tmpfs /tmp:rw,exec localhost/tabserve:latest
set -euo pipefail
# shellcheck source=deploy/image/engine.sh
. "$(dirname "$0")/engine.sh"
engine_settings
exec podman "$@"

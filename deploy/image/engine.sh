#!/usr/bin/env bash
# The container engine's settings for tabserve's image scripts, sourced by build-and-check.sh and podman.sh: rootful
# podman with every store and setting in a folder of the project's own (TABSERVE_PODMAN_DIR, default
# target/podman), never the system's, so that these scripts neither read nor change what other users of podman on
# the machine keep in /var/lib/containers and /etc/containers.
#
#   . deploy/image/engine.sh; engine_settings [DIR]
#
# writes DIR/{storage.conf,containers.conf,registries.conf,policy.json} and exports CONTAINERS_STORAGE_CONF,
# CONTAINERS_CONF and CONTAINERS_REGISTRIES_CONF to them; `podman --signature-policy "$ENGINE_POLICY"` names the last.
# What this machine needs, found in trials (docs/deploy.md, "The image, built and checked"):
#   runc          crun (podman's default) cannot create the containers' cgroups here (cgroups in hybrid mode)
#   ulimits       podman's default nofile/nproc for a container exceed what root may set here (nofile 20000)
#   cgroupfs      no systemd runs as PID 1 to manage the containers' cgroups
# Writes stdin to FILE by a rename, so that a podman of another run reading FILE meanwhile (.ci/run's early build
# beside ImageIT's) reads it whole, the old or the new, never a file half written.
engine_write() {
  cat > "$1.$$" && mv -f "$1.$$" "$1"
}

engine_settings() {
  local dir=${1:-${TABSERVE_PODMAN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/target/podman}}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir/storage" "$dir/run" "$dir/tmp" "$dir/networks"
  engine_write "$dir/storage.conf" <<CONF
# Written by deploy/image/engine.sh.
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$dir/run"
CONF
  engine_write "$dir/containers.conf" <<CONF
# Written by deploy/image/engine.sh.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
tmp_dir = "$dir/tmp"

[network]
network_config_dir = "$dir/networks"
CONF
  engine_write "$dir/registries.conf" <<CONF
# Written by deploy/image/engine.sh: a short name (FROM maven:...) means Docker Hub's, as in Docker; with
# --pull=never it is only looked up in this store.
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
CONF
  engine_write "$dir/policy.json" <<CONF
{ "default": [{ "type": "insecureAcceptAnything" }] }
CONF
  export CONTAINERS_STORAGE_CONF=$dir/storage.conf
  export CONTAINERS_CONF=$dir/containers.conf
  export CONTAINERS_REGISTRIES_CONF=$dir/registries.conf
  export ENGINE_DIR=$dir
  export ENGINE_POLICY=$dir/policy.json
}

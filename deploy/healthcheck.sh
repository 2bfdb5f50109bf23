#!/usr/bin/env bash
# The image's HEALTHCHECK: exit 0 when GET /health/ready answers 200. The Jetty image has no curl or wget, so this
# speaks HTTP/1.0 over bash's /dev/tcp. The port is the first argument (default 8080).
set -uo pipefail
port=${1:-8080}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /health/ready HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 5 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "not ready: ${status%$'\r'}" >&2; exit 1 ;;
esac

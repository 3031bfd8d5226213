#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian machine with the .NET SDK
# (redis-server, and promtool for the alert rules' unit tests, via apt-get when missing), then builds
# and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "run.sh: redis-server not found; installing the Debian package"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
fi
echo "run.sh: $(redis-server --version)"

if ! command -v promtool >/dev/null 2>&1; then
  echo "run.sh: promtool not found; installing the Debian package prometheus"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq prometheus >/dev/null
fi
echo "run.sh: $(promtool --version 2>&1 | head -1)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
# One test project at a time: on two cores the ML training tests would otherwise starve the integration
# tests' Kafka and Redis round trips, and their waits would run out.
dotnet test --solution NextBestAction.sln -c Release --max-parallel-test-modules 1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line for CI: "N passed, N failed".
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"

#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian machine with the .NET SDK
# (the Debian packages below, via apt-get when a command is missing), then builds and runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each command the tests run, and the Debian package that brings it.
declare -A packages=(
  [redis-server]=redis-server   # the real Redis the integration tests start
  [redis-cli]=redis-tools       # the README's examples
  [curl]=curl [jq]=jq [kcat]=kcat
  [promtool]=prometheus         # unit tests of the alert rules
  # The console's browser tests; Debian ships the driver built from the same release as the browser.
  [chromium]=chromium [chromedriver]=chromium-driver
)
missing=()
for command in "${!packages[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${packages[$command]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh: installing the Debian packages ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "run.sh: $(redis-server --version)"
echo "run.sh: $(chromedriver --version)"

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

#!/usr/bin/env bash
# The main job, for now: prepare the machine, build, and run the protocol
# core benchmark, printing its figures.
#
#   sudo bash scripts/run.sh [core_bench arguments, e.g. --seconds 5]
#
# SCTPDP_BUILD_DIR overrides the build directory (default build).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir="${SCTPDP_BUILD_DIR:-$root/build}"

bash "$root/scripts/setup.sh"
timeout 1200 bash "$root/scripts/build.sh" "$build_dir" </dev/null

echo
echo "core benchmark: $build_dir/bench/core_bench${*:+ $*}"
timeout --kill-after=10 600 "$build_dir/bench/core_bench" "$@" </dev/null

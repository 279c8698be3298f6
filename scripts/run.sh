#!/usr/bin/env bash
# The main job: prepare the machine, build, and run sctpdp on its embedded
# default (a net_memif pair, then a veth into a network namespace), with
# real SCTP traffic and live counters (scripts/demo.sh); everything it
# creates is removed at the end.
#
#   sudo bash scripts/run.sh
#
# SCTPDP_BUILD_DIR overrides the build directory (default build);
# DEMO_MSGS the number of messages the load generator sends.
# The protocol core benchmark is bench/core_bench (see bench/README.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir="${SCTPDP_BUILD_DIR:-$root/build}"

bash "$root/scripts/setup.sh"
timeout 1200 bash "$root/scripts/build.sh" "$build_dir" </dev/null

timeout --kill-after=10 900 bash "$root/scripts/demo.sh" "$build_dir" </dev/null

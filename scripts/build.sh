#!/usr/bin/env bash
# Configures (or reconfigures) and builds sctpdp with meson and ninja.
#
#   scripts/build.sh DIR [extra meson setup arguments]
#
# A new DIR is set up with the arguments given; an existing one is
# reconfigured with them (meson setup --reconfigure), so changed options
# take effect. Then ninja builds everything it can; the exit status is
# non-zero if any target failed.
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 DIR [meson setup arguments]" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$1"
shift

if [[ -f "$dir/build.ninja" && -d "$dir/meson-private" ]]; then
    meson setup --reconfigure "$dir" "$root" "$@"
elif [[ -d "$dir/meson-private" ]]; then
    # Left half set up by an interrupted run: start it anew.
    meson setup --wipe "$dir" "$root" "$@"
else
    meson setup "$dir" "$root" "$@"
fi
# -k 0: build every target that can be built, so one broken target does
# not keep the tests of the others from running.
ninja -C "$dir" -k 0

#!/usr/bin/env bash
# The one command that sets up and runs every test of sctpdp:
#
#   sudo bash scripts/test.sh
#
# Groups, each counted once in the closing "N passed, N failed" line:
#   format       clang-format over every tracked *.c / *.h
#   meson-build  gcc build in build/, meson test (the CUnit runner verbose)
#   meson-asan   ASan+UBSan build in build-asan/, meson test again with
#                SCTPDP_SANITIZED=1 (tests may run fewer iterations)
#   system/X.sh  every executable tests/system/*.sh, in name order, given
#                the build directory as first argument
#   system-asan/X.sh  the memif echo, usrsctp (netns), path MTU, mbuf exhaustion, stuck
#                peer, echo isolation, memif peer loss, hostile input and
#                reassembly hold tests again, against the ASan+UBSan daemon
#                in build-asan/
# A failure of scripts/setup.sh is reported as one more failed group.
#
# Every step runs under a timeout and with no standard input. The exit
# status is non-zero if any group failed.
#
# Environment: SCTPDP_BUILD_DIR and SCTPDP_ASAN_BUILD_DIR override the two
# build directories (default build and build-asan under the repository).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

build_dir="${SCTPDP_BUILD_DIR:-$root/build}"
asan_dir="${SCTPDP_ASAN_BUILD_DIR:-$root/build-asan}"

# Seconds per step; the test steps also have meson's own per-test
# timeouts. SCTPDP_TEST_BUDGET (default 80 minutes) bounds the whole run,
# so that the summary is printed inside CI's 90 minutes: a step gets at
# most the time left, and steps after the budget is spent fail unrun.
t_setup=1200
t_format=300
t_build=900
t_test=1200
t_system=600
budget="${SCTPDP_TEST_BUDGET:-4800}"

passed=0
failed=0
failed_groups=()
group_ok=1
start_all=$SECONDS

banner() {
    printf '\n==== %s\n' "$*"
}

# step NAME SECONDS CMD...: runs CMD under timeout; a failure fails the
# current group.
step() {
    local name="$1" secs="$2" rc t0 left
    shift 2
    t0=$SECONDS
    banner "$name"
    left=$((budget - (SECONDS - start_all)))
    if [[ $left -le 0 ]]; then
        printf '==== %s: NOT RUN, the %ss budget is spent\n' "$name" "$budget"
        group_ok=0
        return 1
    fi
    if [[ $left -lt $secs ]]; then
        secs=$left
    fi
    timeout --kill-after=30 "$secs" "$@" </dev/null
    rc=$?
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        printf '==== %s: TIMEOUT after %ss\n' "$name" "$secs"
    elif [[ $rc -ne 0 ]]; then
        printf '==== %s: FAILED (exit %d, %ss)\n' "$name" "$rc" "$((SECONDS - t0))"
    else
        printf '==== %s: ok (%ss)\n' "$name" "$((SECONDS - t0))"
    fi
    if [[ $rc -ne 0 ]]; then
        group_ok=0
    fi
    return "$rc"
}

group_begin() {
    group_ok=1
}

group_end() {
    local name="$1"
    if [[ $group_ok -eq 1 ]]; then
        passed=$((passed + 1))
        printf '==== group %s: PASS\n' "$name"
    else
        failed=$((failed + 1))
        failed_groups+=("$name")
        printf '==== group %s: FAIL\n' "$name"
    fi
}

# Lists the tracked C files whose formatting differs from clang-format's.
check_format() {
    local files=() bad=() f
    if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        mapfile -t files < <(git -C "$root" ls-files -- '*.c' '*.h')
    else
        mapfile -t files < <(find . -path './build*' -prune -o \( -name '*.c' -o -name '*.h' \) \
            -type f -print | sed 's|^\./||' | sort)
    fi
    for f in "${files[@]}"; do
        [[ -f "$f" ]] || continue
        if ! clang-format --style=file "$f" | cmp -s - "$f"; then
            bad+=("$f")
        fi
    done
    echo "checked ${#files[@]} files"
    if [[ ${#bad[@]} -gt 0 ]]; then
        echo "not formatted with clang-format (run clang-format -i on them):"
        printf '  %s\n' "${bad[@]}"
        return 1
    fi
}

# Prints "name<TAB>built" or "name<TAB>missing" for each test of DIR.
list_meson_tests() {
    meson introspect "$1" --tests | python3 -c '
import json, os, sys
for t in json.load(sys.stdin):
    exe = t["cmd"][0] if t["cmd"] else ""
    print(t["name"] + "\t" + ("built" if os.path.exists(exe) else "missing"))
'
}

# run_meson_tests DIR: the unit runner first with its full CUnit output,
# then every other test with the logs of failures. Tests whose program
# was not built count as failed (meson refuses to run any test then).
run_meson_tests() {
    local dir="$1" rc=0 name state have_unit=0
    local others=() listing=()
    if ! mapfile -t listing < <(list_meson_tests "$dir"); then
        echo "cannot list the tests of $dir"
        return 1
    fi
    for line in "${listing[@]}"; do
        name="${line%$'\t'*}"
        state="${line##*$'\t'}"
        if [[ "$state" != "built" ]]; then
            echo "test $name: program not built"
            rc=1
        elif [[ "$name" == "unit" ]]; then
            have_unit=1
        else
            others+=("$name")
        fi
    done
    if [[ $have_unit -eq 1 ]]; then
        meson test -C "$dir" --no-rebuild --print-errorlogs --verbose unit || rc=1
    else
        echo "no unit test built in $dir"
        rc=1
    fi
    if [[ ${#others[@]} -gt 0 ]]; then
        meson test -C "$dir" --no-rebuild --print-errorlogs "${others[@]}" || rc=1
    fi
    return "$rc"
}

if [[ "${1:-}" == "--run-meson-tests" ]]; then
    # Internal: lets step() put a timeout on the function above.
    run_meson_tests "$2"
    exit $?
fi
if [[ "${1:-}" == "--check-format" ]]; then
    check_format
    exit $?
fi

self="$root/scripts/test.sh"

# --- setup -----------------------------------------------------------------
group_begin
if ! step "setup" "$t_setup" bash "$root/scripts/setup.sh"; then
    group_end "setup"
fi

# --- format ----------------------------------------------------------------
group_begin
step "format check" "$t_format" bash "$self" --check-format
group_end "format"

# --- gcc build and tests ---------------------------------------------------
group_begin
step "build $build_dir (gcc)" "$t_build" env CC=gcc bash "$root/scripts/build.sh" "$build_dir"
# Even after a failed build, run what was built: one broken target must
# not hide the results of the others.
if [[ -f "$build_dir/build.ninja" ]]; then
    step "meson test $build_dir" "$t_test" bash "$self" --run-meson-tests "$build_dir"
fi
group_end "meson-build"

# --- sanitized build and tests ---------------------------------------------
if command -v clang >/dev/null 2>&1; then
    asan_cc=clang
else
    asan_cc=gcc
fi
group_begin
step "build $asan_dir ($asan_cc, ASan+UBSan)" "$t_build" env CC="$asan_cc" \
    bash "$root/scripts/build.sh" "$asan_dir" \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all
if [[ -f "$asan_dir/build.ninja" ]]; then
    step "meson test $asan_dir" "$t_test" env \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        SCTPDP_SANITIZED=1 \
        bash "$self" --run-meson-tests "$asan_dir"
fi
group_end "meson-asan"

# --- system tests ------------------------------------------------------------
system_scripts=()
if [[ -d "$root/tests/system" ]]; then
    while IFS= read -r f; do
        [[ -x "$f" ]] && system_scripts+=("$f")
    done < <(LC_ALL=C find "$root/tests/system" -maxdepth 1 -name '*.sh' -type f | LC_ALL=C sort)
fi
if [[ ${#system_scripts[@]} -eq 0 ]]; then
    banner "system tests: none in tests/system, skipped"
fi
for f in "${system_scripts[@]}"; do
    group_begin
    step "system $(basename "$f")" "$t_system" "$f" "$build_dir"
    group_end "system/$(basename "$f")"
done

# --- the daemon under ASan+UBSan ---------------------------------------------
# The echo, usrsctp, path MTU, multi-homing, mbuf exhaustion, stuck peer, echo isolation, peer
# loss, hostile input and reassembly hold tests once more against the sanitized daemon: a memory error, undefined behaviour or a leak at exit
# ends it with a non-zero status, which the test reports.
if [[ -x "$asan_dir/dataplane/sctpdp" ]]; then
    for name in 10-memif-echo.sh 20-netns-usrsctp.sh 36-pmtu-router.sh 38-multihome-failover.sh \
        39-multihome-failover-ipv6.sh 65-mbuf-exhaustion.sh \
        66-stuck-peer-pool.sh 67-echo-isolation.sh 68-memif-peer-loss.sh 70-hostile-input.sh \
        71-reasm-hold.sh; do
        f="$root/tests/system/$name"
        [[ -x "$f" ]] || continue
        group_begin
        step "system $name (ASan+UBSan daemon)" "$t_system" env \
            ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
            UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
            SCTPDP_MEMIF_MSGS=200000 SCTPDP_PEER_KILLS=4 "$f" "$asan_dir"
        group_end "system-asan/$name"
    done
fi

# --- summary -----------------------------------------------------------------
banner "summary ($((SECONDS - start_all))s)"
if [[ ${#failed_groups[@]} -gt 0 ]]; then
    printf 'failed: %s\n' "${failed_groups[*]}"
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]

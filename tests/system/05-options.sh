#!/usr/bin/env bash
# sctpdp's command line and configuration file: --help documents the
# options; a wrong option or a bad configuration file gives a one-line
# error naming the problem and exit code 2 (before EAL starts, or, for
# what only the ports tell, right after they are probed: a net_null port,
# no hugepages).
#
#   tests/system/05-options.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
[[ -x "$SCTPDP" ]] || fail "$SCTPDP not built"

"$SCTPDP" --help >"$TMP/help" 2>&1 || fail "--help exited non-zero"
for o in --config --addr --name --echo-port --discard-port --connect --gen-msgs --gen-size \
    --gen-streams --gen-pack --shutdown-timeout; do
    grep -q -- "$o" "$TMP/help" || fail "--help does not document $o"
done
ok "--help documents --config, --addr, --name, --echo-port and the client options"

# expect_usage DESCRIPTION WORD ARGS...: exit 2, one line naming WORD.
expect_usage() {
    local what="$1" word="$2"
    shift 2
    "$SCTPDP" "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$? lines
    lines=$(wc -l <"$TMP/err")
    printf '  %-28s -> exit %d: %s\n' "$what" "$rc" "$(cat "$TMP/err")"
    [[ $rc -eq 2 ]] || fail "$what: exit $rc, expected 2"
    [[ $lines -eq 1 ]] || fail "$what: $lines lines of error, expected 1"
    grep -q -- "$word" "$TMP/err" || fail "$what: the error does not name '$word'"
    ok "$what: exit 2, one line naming '$word'"
}

expect_usage "unknown option" "--bogus" -l 0 -- --addr 198.18.0.1/24 --bogus
expect_usage "address without prefix" "--addr" -- --addr 198.18.0.1
expect_usage "bad address" "--addr" -- --addr 198.18.0.300/24
expect_usage "port out of range" "--echo-port" -- --addr 198.18.0.1/24 --echo-port 70000
expect_usage "no address" "address" -- --echo-port 7
expect_usage "missing config file" "$TMP/nope.ini" -- --config "$TMP/nope.ini"
expect_usage "bad connect" "--connect" -- --addr 198.18.0.1/24 --connect 198.18.0.2
expect_usage "engine heap below 8 MB" "--engine-heap" -- --addr 198.18.0.1/24 --engine-heap 4
expect_usage "route without gateway" "--route" -- --addr 198.18.0.1/24 --route 198.18.5.0/24
expect_usage "route of two families" "--route" -- --addr 198.18.0.1/24 \
    --route 198.18.5.0/24=2001:2::1
expect_usage "gateway off every subnet" "198.18.9.1" -- --addr 198.18.0.1/24 \
    --route 198.18.5.0/24=198.18.9.1

cat >"$TMP/typo.ini" <<'INI'
[sctpdp]
addr = 198.18.0.1/24
echo_prot = 7
INI
expect_usage "unknown key in config" "echo_prot" -- --config "$TMP/typo.ini"

cat >"$TMP/badval.ini" <<'INI'
[sctpdp]
addr = 198.18.0.1/24
[sctp]
rto_min_ms = soon
INI
expect_usage "bad value in config" "rto_min_ms" -- --config "$TMP/badval.ini"

cat >"$TMP/badsec.ini" <<'INI'
[sctpdp]
addr = 198.18.0.1/24
[engines]
n = 2
INI
expect_usage "unknown section in config" "engines" -- --config "$TMP/badsec.ini"

printf '[sctpdp\naddr = 1\n' >"$TMP/syntax.ini"
expect_usage "INI syntax error" "syntax.ini" -- --config "$TMP/syntax.ini"

# A generator message is written into one mbuf of the large pool.
expect_usage "--gen-size above one mbuf" "--gen-size" -- --addr 198.18.0.1/24 \
    --connect 198.18.0.2:5001 --gen-size 20000
grep -Eq "\[16, [0-9]+\]" "$TMP/err" || fail "--gen-size: the error does not say the limit"
ok "--gen-size: the error says the limit"
expect_usage "--gen-pack above 64" "--gen-pack" -- --addr 198.18.0.1/24 \
    --connect 198.18.0.2:5001 --gen-pack 65

# Cross-field rules of the protocol core, checked before EAL.
cat >"$TMP/rto.ini" <<'INI'
[sctpdp]
addr = 198.18.0.1/24
[sctp]
rto_min_ms = 2000
rto_max_ms = 1000
INI
expect_usage "rto_min_ms > rto_max_ms" "rto_max_ms" -- --config "$TMP/rto.ini"
printf '[sctpdp]\naddr = 198.18.0.1/24\n[sctp]\nrto_max_ms = 500\n' >"$TMP/rto2.ini"
expect_usage "rto_max_ms below default min" "rto_min_ms" -- --config "$TMP/rto2.ini"
printf '[sctpdp]\naddr = 198.18.0.1/24\n[sctp]\npmtu_raise_s = 60\n' >"$TMP/pmtu.ini"
expect_usage "pmtu_raise_s below 5 minutes" "pmtu_raise_s" -- --config "$TMP/pmtu.ini"

# Driver profiles named on the command line or in [portN].
expect_usage "unknown profile" "nosuch" -- --addr 198.18.0.1/24 --profile 0=nosuch
printf '[sctpdp]\naddr = 198.18.0.1/24\n[port1]\nprofile = nosuch\n' >"$TMP/prof.ini"
expect_usage "unknown profile in [port1]" "nosuch" -- --config "$TMP/prof.ini"
mkdir -p "$TMP/profiles"
printf '[profile]\nrx_desc = 512\nrx_dsc = 512\n' >"$TMP/profiles/typo.ini"
expect_usage "unknown key in a profile" "rx_dsc" -- --addr 198.18.0.1/24 \
    --profiles "$TMP/profiles" --profile 0=typo
printf '[profile]\nrss = maybe\n' >"$TMP/profiles/badrss.ini"
expect_usage "bad value in a profile" "rss" -- --addr 198.18.0.1/24 \
    --profiles "$TMP/profiles" --profile 0=badrss
printf '[profile]\ntx_desc = many\n' >"$TMP/profiles/baddesc.ini"
expect_usage "bad number in a profile" "tx_desc" -- --addr 198.18.0.1/24 \
    --profile 0=baddesc --profiles "$TMP/profiles"

# Known once the ports are probed: EAL with one net_null port. EAL and
# DPDK libraries log to stderr too: exactly one line must be the error.
# expect_usage_eal DESCRIPTION WORD ARGS...
expect_usage_eal() {
    local what="$1" word="$2"
    shift 2
    "$SCTPDP" -l 0 --no-pci --no-huge -m 256 --no-shconf --file-prefix "${TAG}o" \
        --vdev=net_null0 --log-level=3 "$@" >"$TMP/out" 2>"$TMP/err-all"
    local rc=$? lines
    grep "^sctpdp: error:" "$TMP/err-all" >"$TMP/err"
    lines=$(wc -l <"$TMP/err")
    printf '  %-28s -> exit %d: %s\n' "$what" "$rc" "$(cat "$TMP/err")"
    [[ $rc -eq 2 ]] || { cat "$TMP/err-all"; fail "$what: exit $rc, expected 2"; }
    [[ $lines -eq 1 ]] || fail "$what: $lines lines of error, expected 1"
    grep -q -- "$word" "$TMP/err" || fail "$what: the error does not name '$word'"
    ok "$what: exit 2, one line naming '$word'"
}
expect_usage_eal "--addr on a missing port" "--addr" -- --addr 198.18.0.1/24@1 --mbufs 1024
grep -q "port 1" "$TMP/err" || fail "--addr on a missing port: the error does not name port 1"
printf '[profile]\nsteering = sideways\n' >"$TMP/profiles/null.ini"
expect_usage_eal "bad driver profile (by driver)" "steering" -- --addr 198.18.0.1/24 \
    --profiles "$TMP/profiles" --mbufs 1024
# More engine heap than the machine has: refused at start, before it is
# touched (no OOM kill), with a line that names the option.
avail_mb=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
big=$((avail_mb * 2 > 65536 ? 65536 : avail_mb * 2))
if [[ $big -gt $avail_mb ]]; then
    "$SCTPDP" -l 0 --no-pci --no-huge -m 256 --no-shconf --file-prefix "${TAG}o" \
        --vdev=net_null0 --log-level=4 -- --addr 198.18.0.1/24 --mbufs 1024 \
        --engine-heap "$big" >"$TMP/out" 2>"$TMP/err-all"
    rc=$?
    grep "heap\|not created" "$TMP/err-all"
    grep -q "^sctpdp: error: engine 0 (lcore 0) not created" "$TMP/err-all" ||
        fail "no error line for the engine"
    [[ $rc -eq 1 ]] || fail "a heap of $big MB ($avail_mb MB available): exit $rc, expected 1"
    grep -q -- "--engine-heap" "$TMP/err-all" || fail "the error does not name --engine-heap"
    ok "a heap of $big MB with $avail_mb MB available: exit 1, naming --engine-heap"
fi
echo "PASS: $CHECKS checks"

#!/usr/bin/env bash
# sctpdp's command line and configuration file: --help documents the
# options; a wrong option or a bad configuration file gives a one-line
# error naming the problem and exit code 2 (before EAL starts).
#
#   tests/system/05-options.sh BUILD_DIR
source "$(dirname "$0")/lib/common.bash" "${1:-}"
[[ -x "$SCTPDP" ]] || fail "$SCTPDP not built"

"$SCTPDP" --help >"$TMP/help" 2>&1 || fail "--help exited non-zero"
for o in --config --addr --name --echo-port --discard-port --connect --gen-msgs --gen-size \
    --gen-streams --shutdown-timeout; do
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
echo "PASS: $CHECKS checks"
